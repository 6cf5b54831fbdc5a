package storage_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certeval/storage"
)

// MustOpen opens a new workspace in a temporary folder.
func MustOpen(tb testing.TB) *storage.Store {
	tb.Helper()
	s, err := storage.Open(filepath.Join(tb.TempDir(), "w.certeval"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func record(tb testing.TB, s *storage.Store, n int) {
	tb.Helper()
	for i := 0; i < n; i++ {
		_, err := s.Record(context.Background(), storage.Event{
			Action: "test.save", Entity: "thing/1",
			Before: storage.JSON(map[string]int{"n": i}),
			After:  storage.JSON(map[string]int{"n": i + 1}),
			Reason: "because",
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

func TestOpenCreatesAndReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.certeval")
	s, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	record(t, s, 3)
	s.Close()

	s, err = storage.Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	evs, err := s.Events(context.Background(), "thing/1")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(evs), 3; got != want {
		t.Fatalf("events = %d, want %d", got, want)
	}
	if got, want := string(evs[2].After), `{"n":3}`; got != want {
		t.Fatalf("after = %s, want %s", got, want)
	}
	for _, c := range s.Check(context.Background()) {
		if !c.OK {
			t.Errorf("check %s: %s", c.Name, c.Detail)
		}
	}
}

func TestOpenSettingsOnEveryConnection(t *testing.T) {
	s := MustOpen(t)
	db := s.DB()
	db.SetMaxOpenConns(4)
	ctx := context.Background()
	var conns []*sql.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < 4; i++ {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var mode string
		var sync, fk int
		c.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode)
		c.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync)
		c.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk)
		if mode != "wal" || sync != 2 || fk != 1 {
			t.Fatalf("conn %d: journal=%s synchronous=%d fk=%d", i, mode, sync, fk)
		}
	}
}

func TestOpenRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.certeval")
	s, err := storage.Open(good)
	if err != nil {
		t.Fatal(err)
	}
	record(t, s, 50)
	s.Close()
	goodBytes, _ := os.ReadFile(good)

	foreign := filepath.Join(dir, "foreign.db")
	db, _ := sql.Open("sqlite3", foreign)
	db.Exec(`CREATE TABLE t (x); INSERT INTO t VALUES (1)`)
	db.Close()
	foreignBytes, _ := os.ReadFile(foreign)

	newer := append([]byte(nil), goodBytes...)
	newer[63] = 0xFF // user_version far in the future

	tests := []struct {
		name    string
		content []byte
		want    error
	}{
		{"text file", []byte("nom;prénom\nDupont;Marie\n"), storage.ErrNotSQLite},
		{"truncated", goodBytes[:len(goodBytes)/2+100], storage.ErrTruncated},
		{"other program", foreignBytes, storage.ErrNotWorkspace},
		{"newer version", newer, storage.ErrTooNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "w.certeval")
			if err := os.WriteFile(path, tt.content, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := storage.Open(path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(after, tt.content) {
				t.Fatal("file changed")
			}
			if _, err := os.Stat(path + "-wal"); err == nil {
				t.Fatal("a WAL file was created")
			}
		})
	}
}

// tamper opens the workspace with a plain connection, as someone editing
// the file behind the application's back would.
func tamper(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestAuditTamperingDetected(t *testing.T) {
	tests := []struct {
		name  string
		stmts []string
		seq   int64
	}{
		{"update refused then forced", []string{
			`DROP TRIGGER audit_events_no_update`,
			`UPDATE audit_events SET reason = 'autre' WHERE seq = 4`}, 4},
		{"delete forced", []string{
			`DROP TRIGGER audit_events_no_delete`,
			`DELETE FROM audit_events WHERE seq = 3`}, 4},
		{"inserted out of chain", []string{
			`INSERT INTO audit_events VALUES (11, '2026-01-01T00:00:00.000000000Z', 'x',
				'y', 'z', '', '', '', 'bad', 'bad')`}, 11},
		{"payload edited", []string{
			`DROP TRIGGER audit_payloads_no_update`,
			`UPDATE audit_payloads SET content = '{"n":99}' WHERE content = '{"n":6}'`}, 6},
		{"payload deleted", []string{
			`DELETE FROM audit_payloads WHERE content = '{"n":8}'`}, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "w.certeval")
			s, err := storage.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			record(t, s, 10)
			s.Close()

			tamper(t, path, tt.stmts...)

			s, err = storage.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			_, err = s.VerifyAudit(context.Background())
			var ae *storage.AuditError
			if !errors.As(err, &ae) {
				t.Fatalf("VerifyAudit = %v, want an AuditError", err)
			}
			if ae.Seq != tt.seq {
				t.Fatalf("broken at %d (%s), want %d", ae.Seq, ae.Reason, tt.seq)
			}
		})
	}
}

func TestAuditTriggersRefuseChanges(t *testing.T) {
	s := MustOpen(t)
	record(t, s, 2)
	for _, q := range []string{
		`UPDATE audit_events SET actor = 'x'`,
		`DELETE FROM audit_events`,
	} {
		_, err := s.DB().Exec(q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want append-only refusal", q, err)
		}
	}
}

func TestBackup(t *testing.T) {
	s := MustOpen(t)
	record(t, s, 20)
	dst := filepath.Join(t.TempDir(), "copie.certeval")
	if err := s.Backup(context.Background(), dst); err != nil {
		t.Fatal(err)
	}
	c, err := storage.Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	n, err := c.VerifyAudit(context.Background())
	if err != nil || n != 20 {
		t.Fatalf("copy audit: n=%d err=%v", n, err)
	}
	if err := s.Backup(context.Background(), s.Path()); err == nil {
		t.Fatal("backup over the workspace itself succeeded")
	}
}
