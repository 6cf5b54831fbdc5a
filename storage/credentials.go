package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"certeval/jury"
)

// Errors about credentials.
var (
	ErrNoCredential     = errors.New("storage: no such credential")
	ErrCredentialExists = errors.New("storage: credential code already used")
)

// CredentialRef names a credential in a list.
type CredentialRef struct {
	Code  string
	Title string
}

// CreateCredential records a new credential. It must pass the hard rules
// of jury.Credential.Validate and have a code not used yet; it may still
// be incomplete.
func (s *Store) CreateCredential(ctx context.Context, c *jury.Credential) error {
	if err := checkCredential(c); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create credential: %w", err)
	}
	defer tx.Rollback()

	if _, err := findCredentialID(ctx, tx, c.Code); err == nil {
		return fmt.Errorf("create credential %s: %w", c.Code, ErrCredentialExists)
	} else if !errors.Is(err, ErrNoCredential) {
		return err
	}
	now := formatTime(s.now())
	_, err = tx.ExecContext(ctx, `INSERT INTO credentials
		(code, title, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		c.Code, c.Title, string(JSON(c)), now, now)
	if err != nil {
		return fmt.Errorf("create credential: %w", err)
	}
	if _, err := s.appendEvent(ctx, tx, Event{Action: "credential.create",
		Entity: credentialEntity(c.Code), After: JSON(c)}); err != nil {
		return err
	}
	return tx.Commit()
}

// SaveCredential replaces the credential of the same code, recording the
// state before and after in the audit trail.
func (s *Store) SaveCredential(ctx context.Context, c *jury.Credential) error {
	if err := checkCredential(c); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save credential: %w", err)
	}
	defer tx.Rollback()

	old, err := findCredential(ctx, tx, c.Code)
	if err != nil {
		return err
	}
	after := JSON(c)
	if string(after) == string(JSON(old)) {
		return nil // nothing changed: no event
	}
	_, err = tx.ExecContext(ctx, `UPDATE credentials SET title = ?, data = ?, updated_at = ?
		WHERE code = ?`, c.Title, string(after), formatTime(s.now()), c.Code)
	if err != nil {
		return fmt.Errorf("save credential: %w", err)
	}
	if _, err := s.appendEvent(ctx, tx, Event{Action: "credential.update",
		Entity: credentialEntity(c.Code), Before: JSON(old), After: after}); err != nil {
		return err
	}
	return tx.Commit()
}

// Credential returns the credential of the given code, or an error
// wrapping ErrNoCredential.
func (s *Store) Credential(ctx context.Context, code string) (*jury.Credential, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read credential: %w", err)
	}
	defer tx.Rollback()
	return findCredential(ctx, tx, code)
}

// Credentials lists the workspace's credentials by code.
func (s *Store) Credentials(ctx context.Context) ([]CredentialRef, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, title FROM credentials ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("list credentials: %w", err)
	}
	defer rows.Close()

	var out []CredentialRef
	for rows.Next() {
		var r CredentialRef
		if err := rows.Scan(&r.Code, &r.Title); err != nil {
			return nil, fmt.Errorf("list credentials: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// checkCredential refuses a credential without a code or breaking a hard
// rule; the error is the jury's *ProblemsError.
func checkCredential(c *jury.Credential) error {
	if c == nil || c.Code == "" {
		return fmt.Errorf("save credential: %w", ErrNoCredential)
	}
	return c.Validate()
}

func credentialEntity(code string) string { return "credential/" + code }

// findCredentialID returns the row id of a credential.
func findCredentialID(ctx context.Context, tx *sql.Tx, code string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM credentials WHERE code = ?`, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("find credential %s: %w", code, ErrNoCredential)
	}
	if err != nil {
		return 0, fmt.Errorf("find credential %s: %w", code, err)
	}
	return id, nil
}

func findCredential(ctx context.Context, tx *sql.Tx, code string) (*jury.Credential, error) {
	var data string
	err := tx.QueryRowContext(ctx, `SELECT data FROM credentials WHERE code = ?`,
		code).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find credential %s: %w", code, ErrNoCredential)
	}
	if err != nil {
		return nil, fmt.Errorf("find credential %s: %w", code, err)
	}
	var c jury.Credential
	if err := json.Unmarshal([]byte(data), &c); err != nil {
		return nil, fmt.Errorf("read credential %s: %w", code, err)
	}
	return &c, nil
}
