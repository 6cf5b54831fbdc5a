// Package storage keeps a Certeval workspace in one SQLite file. It is the
// only package that speaks SQL.
//
// A workspace is opened with Open, which checks the file before touching it:
// a file that is not SQLite, is truncated, belongs to another program or was
// written by a newer Certeval is refused and left byte-for-byte unchanged.
// The schema is built by numbered migrations embedded in the binary, each run
// in its own transaction and recorded in schema_migrations.
//
// Every connection of the pool gets the same settings through the DSN: WAL
// journal, synchronous=FULL (a commit survives a crash or power loss),
// foreign keys, a busy timeout and immediate transactions. Each storage
// method that changes data is one transaction, and the changes that matter
// append an event to the audit trail inside that same transaction.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// ApplicationID marks a SQLite file as a Certeval workspace ("CERT").
const ApplicationID = 0x43455254

// Errors returned by Open. The application turns them into sentences.
var (
	ErrNotWorkspace = errors.New("storage: not a Certeval workspace")
	ErrNotSQLite    = errors.New("storage: not a SQLite file")
	ErrTruncated    = errors.New("storage: file is truncated")
	ErrTooNew       = errors.New("storage: workspace written by a newer Certeval")
)

// Store is an open workspace.
type Store struct {
	db   *sql.DB
	path string

	// Actor names who makes the changes recorded in the audit trail.
	Actor string
	// Now gives the time recorded with changes; tests replace it.
	Now func() time.Time
}

// Path returns the workspace file's path.
func (s *Store) Path() string { return s.path }

// DB returns the underlying database for the storage package's own tests
// and tools; other packages must not use it for SQL.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the workspace.
func (s *Store) Close() error { return s.db.Close() }

// dsn builds the connection string that gives every pooled connection the
// workspace's settings.
func dsn(path string, extra string) string {
	u := url.URL{Path: path}
	q := "_journal_mode=WAL&_sync=FULL&_fk=1&_busy_timeout=5000" +
		"&_txlock=immediate&_secure_delete=1"
	if extra != "" {
		q += "&" + extra
	}
	return "file:" + u.EscapedPath() + "?" + q
}

// Open opens the workspace at path, creating it when the file does not
// exist, and brings its schema up to date.
func Open(path string) (*Store, error) {
	fresh, err := inspect(path)
	if err != nil {
		return nil, err
	}

	db, err := sql.Open("sqlite3", dsn(path, ""))
	if err != nil {
		return nil, fmt.Errorf("open workspace: %w", err)
	}
	s := &Store{db: db, path: path, Actor: "certeval", Now: time.Now}
	if err := s.migrate(context.Background(), fresh); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// header is what Open reads of a SQLite file before opening it.
type header struct {
	pageSize  int64
	pages     int64
	userVer   int
	appID     uint32
	sizeValid bool
}

// inspect checks an existing file without writing to it. It reports
// whether the workspace is new (no file, or an empty one).
func inspect(path string) (fresh bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("open workspace: %w", err)
	}
	defer f.Close()

	st, err := f.Stat()
	if err != nil {
		return false, fmt.Errorf("open workspace: %w", err)
	}
	if st.Size() == 0 {
		return true, nil
	}
	h, err := readHeader(f)
	if err != nil {
		return false, err
	}
	if st.Size()%h.pageSize != 0 || (h.sizeValid && st.Size() < h.pages*h.pageSize) {
		return false, ErrTruncated
	}
	if h.appID == 0 && h.pages <= 1 {
		return true, nil // created, then interrupted before its first migration
	}
	if h.appID != ApplicationID {
		return false, ErrNotWorkspace
	}
	if h.userVer > latestVersion() {
		return false, fmt.Errorf("%w (schema %d, this program knows %d)",
			ErrTooNew, h.userVer, latestVersion())
	}
	return false, nil
}

func readHeader(r io.Reader) (header, error) {
	var b [100]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return header{}, ErrNotSQLite
	}
	if string(b[:16]) != "SQLite format 3\x00" {
		return header{}, ErrNotSQLite
	}
	h := header{pageSize: int64(binary.BigEndian.Uint16(b[16:18]))}
	if h.pageSize == 1 {
		h.pageSize = 65536
	}
	if h.pageSize < 512 || h.pageSize&(h.pageSize-1) != 0 {
		return header{}, ErrNotSQLite
	}
	h.pages = int64(binary.BigEndian.Uint32(b[28:32]))
	h.sizeValid = binary.BigEndian.Uint32(b[24:28]) == binary.BigEndian.Uint32(b[92:96])
	h.userVer = int(binary.BigEndian.Uint32(b[60:64]))
	h.appID = binary.BigEndian.Uint32(b[68:72])
	return h, nil
}

// migration is one numbered schema step.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations are the embedded schema steps, read once, in order.
var migrations = sync.OnceValue(readMigrations)

func readMigrations() []migration {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		panic("storage: embedded migrations missing")
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			panic("storage: badly named migration " + e.Name())
		}
		b, _ := migrationFS.ReadFile(path.Join("migrations", e.Name()))
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms
}

func latestVersion() int {
	ms := migrations()
	return ms[len(ms)-1].version
}

// migrate runs every migration the workspace has not had, each in its own
// transaction, and records it.
func (s *Store) migrate(ctx context.Context, fresh bool) error {
	if fresh {
		if _, err := s.db.ExecContext(ctx, fmt.Sprintf(
			"PRAGMA application_id = %d", ApplicationID)); err != nil {
			return fmt.Errorf("create workspace: %w", err)
		}
	}
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range migrations() {
		if err := s.runMigration(ctx, m); err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
	}
	return nil
}

func (s *Store) runMigration(ctx context.Context, m migration) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	var n int
	err = tx.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n)
	if err != nil || n > 0 {
		return err
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, formatTime(time.Now())); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx,
		fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return err
	}
	return tx.Commit()
}

// formatTime writes a time in the workspace's one format: UTC, RFC 3339
// with nanoseconds, so that text order is time order.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000000Z07:00")
}

// parseTime reads a time written by formatTime.
func parseTime(s string) (time.Time, error) {
	return time.Parse(time.RFC3339Nano, s)
}

// now returns the store's current time in UTC.
func (s *Store) now() time.Time { return s.Now().UTC() }
