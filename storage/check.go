package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Check is the result of one integrity check of a workspace.
type Check struct {
	Name   string // "integrity", "foreign_keys", "audit"
	OK     bool
	Detail string // what was found; the first problem when not OK
	Err    error  // the audit error, when the chain is broken
}

// Check runs SQLite's integrity_check and foreign_key_check and verifies
// the audit chain. It returns one result per check, in that order.
func (s *Store) Check(ctx context.Context) []Check {
	return []Check{s.checkIntegrity(ctx), s.checkForeignKeys(ctx), s.checkAudit(ctx)}
}

func (s *Store) checkIntegrity(ctx context.Context) Check {
	c := Check{Name: "integrity"}
	rows, err := s.db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		c.Detail, c.Err = err.Error(), err
		return c
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			c.Detail, c.Err = err.Error(), err
			return c
		}
		lines = append(lines, l)
	}
	c.OK = len(lines) == 1 && lines[0] == "ok"
	c.Detail = strings.Join(lines, "; ")
	return c
}

func (s *Store) checkForeignKeys(ctx context.Context) Check {
	c := Check{Name: "foreign_keys"}
	rows, err := s.db.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		c.Detail, c.Err = err.Error(), err
		return c
	}
	defer rows.Close()
	n, first := 0, ""
	for rows.Next() {
		var table, parent string
		var rowid, fkid any
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			c.Detail, c.Err = err.Error(), err
			return c
		}
		if n == 0 {
			first = fmt.Sprintf("%s row %v points to a missing %s", table, rowid, parent)
		}
		n++
	}
	c.OK = n == 0
	c.Detail = fmt.Sprintf("%d", n)
	if n > 0 {
		c.Detail = fmt.Sprintf("%d (first: %s)", n, first)
	}
	return c
}

func (s *Store) checkAudit(ctx context.Context) Check {
	c := Check{Name: "audit"}
	n, err := s.VerifyAudit(ctx)
	if err != nil {
		c.Err = err
		var ae *AuditError
		if errors.As(err, &ae) {
			c.Detail = fmt.Sprintf("%d: %s", ae.Seq, ae.Reason)
		} else {
			c.Detail = err.Error()
		}
		return c
	}
	c.OK, c.Detail = true, fmt.Sprintf("%d", n)
	return c
}

// Backup writes a consistent copy of the workspace to dst while it may be
// in use: VACUUM INTO a temporary file beside dst, synced, checked, then
// renamed over dst. A failed backup leaves dst as it was.
func (s *Store) Backup(ctx context.Context, dst string) error {
	dst, err := filepath.Abs(dst)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if same, _ := sameFile(dst, s.path); same {
		return errors.New("storage: backup cannot overwrite the workspace itself")
	}
	tmp := dst + ".tmp-certeval"
	os.Remove(tmp)
	defer os.Remove(tmp)

	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := verifyCopy(ctx, tmp); err != nil {
		return fmt.Errorf("backup: the copy failed its check: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return syncFile(filepath.Dir(dst))
}

func verifyCopy(ctx context.Context, path string) error {
	c, err := Open(path)
	if err != nil {
		return err
	}
	for _, r := range c.Check(ctx) {
		if !r.OK {
			c.Close()
			return fmt.Errorf("%s: %s", r.Name, r.Detail)
		}
	}
	// Fold the WAL back so the copy is one self-contained file.
	if _, err := c.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		c.Close()
		return err
	}
	if err := c.Close(); err != nil {
		return err
	}
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	return syncFile(path)
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}
