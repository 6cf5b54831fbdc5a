package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"certeval/jury"
)

// PurgedName replaces the names of a candidate whose personal data was
// purged.
const PurgedName = "—"

// personalExport is what ExportPersonalData writes, in this order.
type personalExport struct {
	Exported       string                      `json:"exported_at"`
	Credential     CredentialRef               `json:"credential"`
	Candidate      exportedCandidate           `json:"candidate"`
	Accommodations []jury.Accommodation        `json:"accommodations"`
	Submissions    []map[string]any            `json:"submissions"`
	Gradings       []map[string]any            `json:"gradings"`
	Other          map[string][]map[string]any `json:"other_records,omitempty"`
	Events         []exportedEvent             `json:"audit_events"`
}

type exportedCandidate struct {
	jury.Candidate
	EnrolledAt string `json:"EnrolledAt,omitempty"`
	PurgedAt   string `json:"PurgedAt,omitempty"`
}

type exportedEvent struct {
	Seq    int64           `json:"seq"`
	At     string          `json:"at"`
	Actor  string          `json:"actor"`
	Action string          `json:"action"`
	Reason string          `json:"reason,omitempty"`
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}

// ExportPersonalData returns, as indented JSON, everything the workspace
// holds about one candidate (GDPR right of access): identity, consent,
// identity checks, milestones, accommodations (their own data), work
// handed in, gradings, any other record naming them, and the audit events
// about them.
func (s *Store) ExportPersonalData(ctx context.Context, code, id string) ([]byte, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("export personal data: %w", err)
	}
	defer tx.Rollback()

	cred, err := findCredential(ctx, tx, code)
	if err != nil {
		return nil, err
	}
	rowID, c, err := findCandidate(ctx, tx, code, id)
	if err != nil {
		return nil, err
	}
	out := personalExport{Exported: formatTime(s.now()),
		Credential: CredentialRef{Code: cred.Code, Title: cred.Title},
		Candidate:  exportedCandidate{Candidate: c}}
	if err := tx.QueryRowContext(ctx, `SELECT enrolled_at, COALESCE(purged_at, '')
		FROM candidates WHERE id = ?`, rowID).Scan(&out.Candidate.EnrolledAt,
		&out.Candidate.PurgedAt); err != nil {
		return nil, fmt.Errorf("export personal data: %w", err)
	}
	if err := exportRecords(ctx, tx, rowID, &out); err != nil {
		return nil, err
	}
	if out.Events, err = exportEvents(ctx, tx, CandidateEntity(code, id)); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export personal data: %w", err)
	}
	return append(b, '\n'), nil
}

// exportRecords fills the accommodations, submissions, gradings and the
// rows of any other table that refers to the candidate or their work.
func exportRecords(ctx context.Context, tx *sql.Tx, rowID int64, out *personalExport) error {
	var err error
	if out.Accommodations, err = readAccommodations(ctx, tx, rowID); err != nil {
		return err
	}
	subs := `SELECT id FROM submissions WHERE candidate_id = ?`
	if out.Submissions, err = dumpRows(ctx, tx,
		`SELECT * FROM submissions WHERE candidate_id = ?`, rowID); err != nil {
		return err
	}
	if out.Gradings, err = dumpRows(ctx, tx,
		`SELECT * FROM gradings WHERE submission_id IN (`+subs+`)`, rowID); err != nil {
		return err
	}

	tables, err := referringTables(ctx, tx)
	if err != nil {
		return err
	}
	for _, t := range tables {
		q := `SELECT * FROM "` + t.name + `" WHERE candidate_id = ?`
		if t.column == "submission_id" {
			q = `SELECT * FROM "` + t.name + `" WHERE submission_id IN (` + subs + `)`
		}
		rows, err := dumpRows(ctx, tx, q, rowID)
		if err != nil {
			return err
		}
		if len(rows) > 0 {
			if out.Other == nil {
				out.Other = make(map[string][]map[string]any)
			}
			out.Other[t.name] = rows
		}
	}
	return nil
}

type refTable struct{ name, column string }

// referringTables lists the tables, other than those exported by name,
// with a candidate_id or submission_id column: the deliberation's and the
// appeals' tables, whatever migrations added them.
func referringTables(ctx context.Context, tx *sql.Tx) ([]refTable, error) {
	rows, err := tx.QueryContext(ctx, `SELECT m.name, p.name
		FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND p.name IN ('candidate_id', 'submission_id')
		AND m.name NOT IN ('accommodations', 'submissions', 'gradings', 'candidates')
		ORDER BY m.name, p.name`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var out []refTable
	seen := make(map[string]bool)
	for rows.Next() {
		var t refTable
		if err := rows.Scan(&t.name, &t.column); err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		if !seen[t.name] {
			out = append(out, t)
		}
		seen[t.name] = true
	}
	return out, rows.Err()
}

// dumpRows returns the rows of a query as column → value; binary content
// is replaced by its size.
func dumpRows(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]map[string]any,
	error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("export rows: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("export rows: %w", err)
	}
	out := []map[string]any{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("export rows: %w", err)
		}
		m := make(map[string]any, len(cols))
		for i, c := range cols {
			m[c] = exportValue(vals[i])
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func exportValue(v any) any {
	b, ok := v.([]byte)
	if !ok {
		return v
	}
	if utf8.Valid(b) && len(b) < 4096 {
		return string(b)
	}
	return fmt.Sprintf("[%d bytes]", len(b))
}

// exportEvents returns the audit events about entity and below it.
func exportEvents(ctx context.Context, tx *sql.Tx, entity string) ([]exportedEvent, error) {
	rows, err := tx.QueryContext(ctx, `SELECT e.seq, e.at, e.actor, e.action, e.reason,
			COALESCE(b.content, ''), COALESCE(a.content, '')
		FROM audit_events e
		LEFT JOIN audit_payloads b ON b.sha = e.before_sha
		LEFT JOIN audit_payloads a ON a.sha = e.after_sha
		WHERE `+aboutEntity+` ORDER BY e.seq`, aboutArgs(entity)...)
	if err != nil {
		return nil, fmt.Errorf("export events: %w", err)
	}
	defer rows.Close()
	out := []exportedEvent{}
	for rows.Next() {
		var e exportedEvent
		var before, after string
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.Reason,
			&before, &after); err != nil {
			return nil, fmt.Errorf("export events: %w", err)
		}
		e.Before, e.After = rawJSON(before), rawJSON(after)
		out = append(out, e)
	}
	return out, rows.Err()
}

// aboutEntity selects the events (alias e) about an entity or below it,
// with the index on entity; its arguments are given by aboutArgs.
const aboutEntity = `(e.entity = ? OR (e.entity >= ? AND e.entity < ?))`

// aboutArgs returns the arguments of aboutEntity: the entity, and the
// bounds of the names that start with it and "/" ("0" follows "/").
func aboutArgs(entity string) []any { return []any{entity, entity + "/", entity + "0"} }

// PurgeExpired removes the personal data of every candidate whose
// credential's retention period has run out since their last activity
// (enrolment, change, work handed in, grading, audit event about them).
// Names become PurgedName; birth date, email, identity checks, consent,
// milestones, accommodations, the work's files and the graders' comments
// go; the audit payloads about them are deleted and listed as purged, so
// the chain still verifies. What remains is anonymous: university,
// anonymous code, marks, outcomes and the register of issued documents.
// The file is then vacuumed so the deleted bytes leave the disk. It
// returns the number of candidates purged.
func (s *Store) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	n, err := s.purge(ctx, now)
	if err != nil || n == 0 {
		return n, err
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM`); err != nil {
		return n, fmt.Errorf("vacuum after purge: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return n, fmt.Errorf("checkpoint after purge: %w", err)
	}
	return n, nil
}

type purgeTarget struct {
	rowID    int64
	code, id string
}

func (s *Store) purge(ctx context.Context, now time.Time) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("purge: %w", err)
	}
	defer tx.Rollback()

	targets, err := expired(ctx, tx, now.UTC())
	if err != nil || len(targets) == 0 {
		return 0, err
	}
	at := formatTime(s.now())
	for _, t := range targets {
		if err := purgeCandidate(ctx, tx, t, at); err != nil {
			return 0, err
		}
	}
	if _, err := s.appendEvent(ctx, tx, Event{Action: "personal.purge", Entity: "workspace",
		After: JSON(map[string]int{"count": len(targets)})}); err != nil {
		return 0, err
	}
	return len(targets), tx.Commit()
}

// expired lists the candidates not purged yet whose retention has run out.
func expired(ctx context.Context, tx *sql.Tx, now time.Time) ([]purgeTarget, error) {
	creds, err := retentions(ctx, tx)
	if err != nil {
		return nil, err
	}
	var out []purgeTarget
	for code, months := range creds {
		cutoff := formatTime(now.AddDate(0, -months, 0))
		rows, err := tx.QueryContext(ctx, `SELECT c.id, c.ext_id, MAX(c.enrolled_at,
			COALESCE((SELECT MAX(e.at) FROM audit_events e WHERE `+aboutCandidate+`), ''),
			COALESCE((SELECT MAX(s.submitted_at) FROM submissions s
				WHERE s.candidate_id = c.id), ''),
			COALESCE((SELECT MAX(g.updated_at) FROM gradings g JOIN submissions s
				ON s.id = g.submission_id WHERE s.candidate_id = c.id), ''))
			FROM candidates c JOIN credentials k ON k.id = c.credential_id
			WHERE k.code = ? AND c.purged_at IS NULL`, code)
		if err != nil {
			return nil, fmt.Errorf("find expired candidates: %w", err)
		}
		out, err = appendExpired(rows, out, code, cutoff)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// aboutCandidate is aboutEntity for the candidate of the row c of
// credential k.
const aboutCandidate = `(e.entity = 'candidate/' || k.code || '/' || c.ext_id
	OR (e.entity >= 'candidate/' || k.code || '/' || c.ext_id || '/'
	AND e.entity < 'candidate/' || k.code || '/' || c.ext_id || '0'))`

func appendExpired(rows *sql.Rows, out []purgeTarget, code, cutoff string) ([]purgeTarget,
	error) {
	defer rows.Close()
	for rows.Next() {
		t := purgeTarget{code: code}
		var last string
		if err := rows.Scan(&t.rowID, &t.id, &last); err != nil {
			return nil, fmt.Errorf("find expired candidates: %w", err)
		}
		if last < cutoff {
			out = append(out, t)
		}
	}
	return out, rows.Err()
}

// retentions returns the retention in months of each credential that sets one.
func retentions(ctx context.Context, tx *sql.Tx) (map[string]int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT code, data FROM credentials`)
	if err != nil {
		return nil, fmt.Errorf("read retention periods: %w", err)
	}
	defer rows.Close()
	out := make(map[string]int)
	for rows.Next() {
		var code, data string
		var c jury.Credential
		if err := rows.Scan(&code, &data); err != nil {
			return nil, fmt.Errorf("read retention periods: %w", err)
		}
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			return nil, fmt.Errorf("read credential %s: %w", code, err)
		}
		if c.RetentionMonths > 0 {
			out[code] = c.RetentionMonths
		}
	}
	return out, rows.Err()
}

// purgeCandidate removes one candidate's personal data.
func purgeCandidate(ctx context.Context, tx *sql.Tx, t purgeTarget, at string) error {
	subs := `(SELECT id FROM submissions WHERE candidate_id = ?)`
	steps := []struct {
		q    string
		args []any
	}{
		{`UPDATE candidates SET family_name = ?, given_names = ?, birth_date = '',
			email = '', data = '{}', purged_at = ? WHERE id = ?`,
			[]any{PurgedName, PurgedName, at, t.rowID}},
		{`DELETE FROM accommodations WHERE candidate_id = ?`, []any{t.rowID}},
		{`UPDATE gradings SET comments = '{}', feedback = ''
			WHERE submission_id IN ` + subs, []any{t.rowID}},
		{`UPDATE submission_files SET content = NULL WHERE submission_id IN ` + subs,
			[]any{t.rowID}},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("purge candidate: %w", err)
		}
	}
	return purgePayloads(ctx, tx, CandidateEntity(t.code, t.id), at)
}

// purgePayloads deletes the before and after states of the events about
// entity that no other event shares, and lists them as purged.
func purgePayloads(ctx context.Context, tx *sql.Tx, entity, at string) error {
	args := aboutArgs(entity)
	rows, err := tx.QueryContext(ctx, `SELECT before_sha FROM audit_events e
		WHERE before_sha != '' AND `+aboutEntity+`
		UNION SELECT after_sha FROM audit_events e
		WHERE after_sha != '' AND `+aboutEntity, append(args, args...)...)
	if err != nil {
		return fmt.Errorf("purge audit payloads: %w", err)
	}
	var shas []string
	for rows.Next() {
		var sha string
		if err := rows.Scan(&sha); err != nil {
			rows.Close()
			return fmt.Errorf("purge audit payloads: %w", err)
		}
		shas = append(shas, sha)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("purge audit payloads: %w", err)
	}

	for _, sha := range shas {
		var shared int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events e
			WHERE (e.before_sha = ? OR e.after_sha = ?) AND NOT `+aboutEntity,
			append([]any{sha, sha}, args...)...).Scan(&shared); err != nil {
			return fmt.Errorf("purge audit payloads: %w", err)
		}
		if shared > 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM audit_payloads WHERE sha = ?`,
			sha); err != nil {
			return fmt.Errorf("purge audit payloads: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_purged (sha, purged_at)
			VALUES (?, ?) ON CONFLICT DO NOTHING`, sha, at); err != nil {
			return fmt.Errorf("purge audit payloads: %w", err)
		}
	}
	return nil
}
