package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// genesis is the previous hash of the first event.
var genesis = strings.Repeat("0", 64)

// Event is one entry of the audit trail: who did what to which entity,
// when, why, and the state before and after as JSON.
type Event struct {
	Seq    int64
	At     time.Time
	Actor  string
	Action string // e.g. "candidate.correct", "deliberation.close"
	Entity string // e.g. "candidate/ABC-001"
	Before json.RawMessage
	After  json.RawMessage
	Reason string

	PrevHash string
	Hash     string

	// BeforeSHA and AfterSHA are the SHA-256 of Before and After, empty
	// when there is none. The payloads may have been purged.
	BeforeSHA string
	AfterSHA  string
}

// AuditError names the first event at which the audit chain breaks.
type AuditError struct {
	Seq    int64
	Reason string
}

func (e *AuditError) Error() string {
	return fmt.Sprintf("storage: audit trail broken at event %d: %s", e.Seq, e.Reason)
}

// Record appends one event to the audit trail in its own transaction.
// Changes that must be recorded with their event use the transaction
// helpers of this package instead, so both commit together.
func (s *Store) Record(ctx context.Context, e Event) (Event, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Event{}, fmt.Errorf("record event: %w", err)
	}
	defer tx.Rollback()

	e, err = s.appendEvent(ctx, tx, e)
	if err != nil {
		return Event{}, err
	}
	if err := tx.Commit(); err != nil {
		return Event{}, fmt.Errorf("record event: %w", err)
	}
	return e, nil
}

// appendEvent chains e after the last event, inside tx. Actor and time
// default to the store's.
func (s *Store) appendEvent(ctx context.Context, tx *sql.Tx, e Event) (Event, error) {
	if e.Actor == "" {
		e.Actor = s.Actor
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	e.At = e.At.UTC()

	// Find the chain's end.
	err := tx.QueryRowContext(ctx,
		`SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&e.Seq, &e.PrevHash)
	if errors.Is(err, sql.ErrNoRows) {
		e.Seq, e.PrevHash = 0, genesis
	} else if err != nil {
		return Event{}, fmt.Errorf("append event: %w", err)
	}
	e.Seq++

	// Store the payloads apart, by their hash.
	var perr error
	e.BeforeSHA, perr = putPayload(ctx, tx, e.Before)
	if perr != nil {
		return Event{}, perr
	}
	e.AfterSHA, perr = putPayload(ctx, tx, e.After)
	if perr != nil {
		return Event{}, perr
	}

	e.Hash = e.computeHash()
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_events
		(seq, at, actor, action, entity, before_sha, after_sha, reason, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, formatTime(e.At), e.Actor, e.Action, e.Entity,
		e.BeforeSHA, e.AfterSHA, e.Reason, e.PrevHash, e.Hash)
	if err != nil {
		return Event{}, fmt.Errorf("append event: %w", err)
	}
	return e, nil
}

func putPayload(ctx context.Context, tx *sql.Tx, p json.RawMessage) (string, error) {
	if len(p) == 0 {
		return "", nil
	}
	sum := sha256.Sum256(p)
	sha := hex.EncodeToString(sum[:])
	_, err := tx.ExecContext(ctx,
		`INSERT INTO audit_payloads (sha, content) VALUES (?, ?) ON CONFLICT DO NOTHING`,
		sha, string(p))
	if err != nil {
		return "", fmt.Errorf("store audit payload: %w", err)
	}
	return sha, nil
}

// computeHash is SHA-256 over the previous hash and the event's canonical
// content: a JSON array, so that no field can bleed into the next.
func (e Event) computeHash() string {
	canon, _ := json.Marshal([]any{
		e.PrevHash, e.Seq, formatTime(e.At), e.Actor, e.Action, e.Entity,
		e.BeforeSHA, e.AfterSHA, e.Reason,
	})
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])
}

// Events returns the audit events about entity, oldest first; every event
// when entity is empty.
func (s *Store) Events(ctx context.Context, entity string) ([]Event, error) {
	q := `SELECT e.seq, e.at, e.actor, e.action, e.entity, e.before_sha, e.after_sha,
			e.reason, e.prev_hash, e.hash,
			COALESCE(b.content, ''), COALESCE(a.content, '')
		FROM audit_events e
		LEFT JOIN audit_payloads b ON b.sha = e.before_sha
		LEFT JOIN audit_payloads a ON a.sha = e.after_sha`
	args := []any{}
	if entity != "" {
		q += ` WHERE e.entity = ?`
		args = append(args, entity)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY e.seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	defer rows.Close()

	var out []Event
	for rows.Next() {
		var e Event
		var at, before, after string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Entity, &e.BeforeSHA,
			&e.AfterSHA, &e.Reason, &e.PrevHash, &e.Hash, &before, &after); err != nil {
			return nil, fmt.Errorf("list events: %w", err)
		}
		e.At, _ = parseTime(at)
		e.Before, e.After = rawJSON(before), rawJSON(after)
		out = append(out, e)
	}
	return out, rows.Err()
}

// rawJSON is a stored payload as JSON, nil when there is none.
func rawJSON(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

// VerifyAudit walks the whole chain and returns an *AuditError naming the
// first event that is out of chain, altered, or whose payload was changed
// or removed other than by a recorded purge.
func (s *Store) VerifyAudit(ctx context.Context) (int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT e.seq, e.at, e.actor, e.action, e.entity,
			e.before_sha, e.after_sha, e.reason, e.prev_hash, e.hash,
			b.content, a.content, pb.sha, pa.sha
		FROM audit_events e
		LEFT JOIN audit_payloads b ON b.sha = e.before_sha
		LEFT JOIN audit_payloads a ON a.sha = e.after_sha
		LEFT JOIN audit_purged pb ON pb.sha = e.before_sha
		LEFT JOIN audit_purged pa ON pa.sha = e.after_sha
		ORDER BY e.seq`)
	if err != nil {
		return 0, fmt.Errorf("verify audit trail: %w", err)
	}
	defer rows.Close()

	prev, want := genesis, int64(1)
	for rows.Next() {
		var e Event
		var at string
		var before, after, purgedB, purgedA sql.NullString
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Entity, &e.BeforeSHA,
			&e.AfterSHA, &e.Reason, &e.PrevHash, &e.Hash,
			&before, &after, &purgedB, &purgedA); err != nil {
			return 0, fmt.Errorf("verify audit trail: %w", err)
		}
		if reason := checkEvent(e, at, prev, want); reason != "" {
			return 0, &AuditError{Seq: e.Seq, Reason: reason}
		}
		if reason := checkPayload(e.BeforeSHA, before, purgedB); reason != "" {
			return 0, &AuditError{Seq: e.Seq, Reason: "before " + reason}
		}
		if reason := checkPayload(e.AfterSHA, after, purgedA); reason != "" {
			return 0, &AuditError{Seq: e.Seq, Reason: "after " + reason}
		}
		prev, want = e.Hash, e.Seq+1
	}
	return want - 1, rows.Err()
}

func checkEvent(e Event, at, prev string, want int64) string {
	t, err := parseTime(at)
	if err != nil {
		return "its time is unreadable"
	}
	e.At = t
	switch {
	case e.Seq != want:
		return fmt.Sprintf("expected event %d here (an event was removed or inserted)", want)
	case e.PrevHash != prev:
		return "it does not follow the previous event"
	case e.computeHash() != e.Hash:
		return "its content was altered"
	}
	return ""
}

func checkPayload(sha string, content, purged sql.NullString) string {
	if sha == "" {
		return ""
	}
	if !content.Valid {
		if purged.Valid {
			return ""
		}
		return "state was deleted"
	}
	sum := sha256.Sum256([]byte(content.String))
	if hex.EncodeToString(sum[:]) != sha {
		return "state was altered"
	}
	return ""
}

// JSON marshals v for an event's Before or After; nil stays empty.
func JSON(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("storage: audit state not serialisable: %v", err))
	}
	return b
}
