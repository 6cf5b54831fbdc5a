package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"certeval/jury"
	"certeval/seal"
)

// Errors of the appeals register.
var (
	ErrNoAppeal      = errors.New("storage: no such appeal")
	ErrAppealDecided = errors.New("storage: appeal already decided")
)

// AppealRecord is one entry of the appeals register.
type AppealRecord struct {
	ID int64
	jury.Appeal
	// Late marks an appeal filed after the deadline of the assessment
	// rules; it is recorded all the same, for the jury to see.
	Late       bool
	DaysLate   int
	NewVersion int // the deliberation version an upheld appeal made
}

// FileAppeal records a candidate's appeal against a closed deliberation:
// a.Contested names it, version 0 meaning the latest closed one. The
// deadline counts from the closing of the contested version; a late
// appeal is recorded and flagged.
func (s *Store) FileAppeal(ctx context.Context, credential string,
	a jury.Appeal) (AppealRecord, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return AppealRecord{}, fmt.Errorf("file appeal: %w", err)
	}
	defer tx.Rollback()

	credID, err := findCredentialID(ctx, tx, credential)
	if err != nil {
		return AppealRecord{}, err
	}
	var cred jury.Credential
	if err := delibCredential(ctx, tx, credID, &cred); err != nil {
		return AppealRecord{}, err
	}
	d, err := contestedDeliberation(ctx, tx, credID, &a)
	if err != nil {
		return AppealRecord{}, err
	}
	if _, ok := d.Decisions[a.Candidate]; !ok {
		return AppealRecord{}, jury.ErrUnknownCandidate
	}

	// Check the appeal; lateness is recorded, not refused.
	a.Status, a.Revised, a.Reviewer, a.Reason = jury.AppealOpen, nil, "", ""
	a.DecidedAt = time.Time{}
	rec := AppealRecord{Appeal: a}
	err = a.Validate(d.ClosedAt.In(time.Local), cred.MCC.AppealDays)
	var late *jury.LateAppealError
	switch {
	case errors.As(err, &late):
		rec.Late, rec.DaysLate = true, late.DaysLate
	case err != nil:
		return AppealRecord{}, err
	}

	if rec.ID, err = insertAppeal(ctx, tx, credID, rec, s.now()); err != nil {
		return AppealRecord{}, err
	}
	_, err = s.appendEvent(ctx, tx, Event{
		Action: "deliberation.appeal", Entity: deliberationEntity(credential, d.Sitting),
		After: JSON(map[string]any{
			"appeal": rec.ID, "candidate": a.Candidate, "version": d.Version,
			"filed": formatTime(a.Filed), "late": rec.Late, "daysLate": rec.DaysLate,
		}),
	})
	if err != nil {
		return AppealRecord{}, err
	}
	return rec, delibCommit(tx, "file appeal")
}

// contestedDeliberation returns the closed version a contests, and fills
// in a.Contested when it named none.
func contestedDeliberation(ctx context.Context, tx *sql.Tx, credID int64,
	a *jury.Appeal) (*jury.Deliberation, error) {
	if a.Contested.Sitting == 0 {
		a.Contested.Sitting = 1
	}
	var d *jury.Deliberation
	var err error
	if a.Contested.Version == 0 {
		d, err = findClosed(ctx, tx, credID, a.Contested.Sitting)
		if err == nil && d == nil {
			// Nothing closed yet: say so when a deliberation is open.
			d, _, err = findDeliberation(ctx, tx, credID, a.Contested.Sitting, 0)
		}
	} else {
		d, _, err = findDeliberation(ctx, tx, credID, a.Contested.Sitting, a.Contested.Version)
	}
	if err != nil {
		return nil, err
	}
	if d.State != jury.Closed {
		return nil, jury.ErrNotClosed
	}
	a.Contested.Version = d.Version
	return d, nil
}

// DecideAppeal records the review of an open appeal. A rejected appeal
// keeps the contested decision. An upheld one revises that candidate's
// decision to revised in a new version of the deliberation, which is
// closed at once and signed with id (the president's identity); the
// contested version stays as it was.
func (s *Store) DecideAppeal(ctx context.Context, credential string, appealID int64,
	upheld bool, revised jury.Outcome, reason string, id *seal.Identity) (AppealRecord, error) {
	if upheld && id == nil {
		return AppealRecord{}, ErrNoIdentity
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return AppealRecord{}, fmt.Errorf("decide appeal: %w", err)
	}
	defer tx.Rollback()

	credID, err := findCredentialID(ctx, tx, credential)
	if err != nil {
		return AppealRecord{}, err
	}
	rec, err := findAppeal(ctx, tx, credID, appealID)
	if err != nil {
		return AppealRecord{}, err
	}
	if rec.Status != jury.AppealOpen {
		return AppealRecord{}, ErrAppealDecided
	}

	rec.Status, rec.Reviewer, rec.DecidedAt, rec.Reason =
		jury.AppealRejected, s.Actor, s.now(), reason
	if upheld {
		rec.Status, rec.Revised = jury.AppealUpheld, &revised
	}
	if err := rec.Appeal.Validate(rec.Filed, 0); err != nil {
		return AppealRecord{}, err
	}
	if upheld {
		if rec.NewVersion, err = s.applyAppeal(ctx, tx, credID, rec.Appeal, id); err != nil {
			return AppealRecord{}, err
		}
	}
	if err := s.saveAppealDecision(ctx, tx, credential, rec); err != nil {
		return AppealRecord{}, err
	}
	return rec, delibCommit(tx, "decide appeal")
}

// applyAppeal makes the new version an upheld appeal asks for, closes it
// and signs it, and returns its number.
func (s *Store) applyAppeal(ctx context.Context, tx *sql.Tx, credID int64, a jury.Appeal,
	id *seal.Identity) (int, error) {
	d, _, err := findDeliberation(ctx, tx, credID, a.Contested.Sitting, 0)
	if err != nil {
		return 0, err
	}
	nd, err := jury.ApplyAppeal(d, a)
	if err != nil {
		return 0, err
	}
	rowID, err := insertDeliberation(ctx, tx, credID, nd, s.now(), nil, nil)
	if err != nil {
		return 0, err
	}
	if err := s.recordReopen(ctx, tx, d, nd); err != nil {
		return 0, err
	}

	by := a.Reviewer
	if p, here := nd.Meeting.President(); here {
		by = p.Name
	}
	if err := s.closeAndSign(ctx, tx, rowID, nd, by, id); err != nil {
		return 0, err
	}
	return nd.Version, nil
}

// saveAppealDecision writes the review of an appeal and records it.
func (s *Store) saveAppealDecision(ctx context.Context, tx *sql.Tx, credential string,
	rec AppealRecord) error {
	revised := ""
	if rec.Revised != nil {
		revised = string(*rec.Revised)
	}
	_, err := tx.ExecContext(ctx, `UPDATE appeals SET status = ?, reviewer = ?,
			revised = ?, decided_at = ?, reason = ?, new_version = ?
		WHERE id = ? AND status = 0`,
		int(rec.Status), rec.Reviewer, revised, formatTime(rec.DecidedAt), rec.Reason,
		rec.NewVersion, rec.ID)
	if err != nil {
		return fmt.Errorf("decide appeal: %w", err)
	}
	action := "deliberation.appeal_reject"
	if rec.Status == jury.AppealUpheld {
		action = "deliberation.appeal_uphold"
	}
	_, err = s.appendEvent(ctx, tx, Event{
		Action: action, Entity: deliberationEntity(credential, rec.Contested.Sitting),
		After: JSON(map[string]any{
			"appeal": rec.ID, "candidate": rec.Candidate, "version": rec.Contested.Version,
			"revised": revised, "newVersion": rec.NewVersion,
		}),
		Reason: rec.Reason,
	})
	return err
}

// Appeals returns the appeals register of a credential, oldest first.
func (s *Store) Appeals(ctx context.Context, credential string) ([]AppealRecord, error) {
	rows, err := s.db.QueryContext(ctx, appealSelect+`
		WHERE c.code = ? ORDER BY a.id`, credential)
	if err != nil {
		return nil, fmt.Errorf("list appeals: %w", err)
	}
	defer rows.Close()
	var out []AppealRecord
	for rows.Next() {
		rec, err := scanAppeal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, rows.Err()
}

// appealSelect reads appeals with their candidate's identifier.
const appealSelect = `SELECT a.id, k.ext_id, a.sitting, a.version, a.filed_at, a.grounds,
		a.late, a.days_late, a.status, a.reviewer, a.revised, a.decided_at, a.reason,
		a.new_version
	FROM appeals a
	JOIN candidates k ON k.id = a.candidate_id
	JOIN credentials c ON c.id = a.credential_id`

// scanAppeal reads one row of appealSelect.
func scanAppeal(row interface{ Scan(...any) error }) (AppealRecord, error) {
	var rec AppealRecord
	var filed, revised, decided string
	var status int
	err := row.Scan(&rec.ID, &rec.Candidate, &rec.Contested.Sitting, &rec.Contested.Version,
		&filed, &rec.Grounds, &rec.Late, &rec.DaysLate, &status, &rec.Reviewer, &revised,
		&decided, &rec.Reason, &rec.NewVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return rec, ErrNoAppeal
	}
	if err != nil {
		return rec, fmt.Errorf("read appeal: %w", err)
	}
	rec.Status = jury.AppealStatus(status)
	rec.Filed, _ = parseTime(filed)
	if decided != "" {
		rec.DecidedAt, _ = parseTime(decided)
	}
	if revised != "" {
		o := jury.Outcome(revised)
		rec.Revised = &o
	}
	return rec, nil
}

// findAppeal reads one appeal of a credential.
func findAppeal(ctx context.Context, tx *sql.Tx, credID, id int64) (AppealRecord, error) {
	return scanAppeal(tx.QueryRowContext(ctx, appealSelect+`
		WHERE a.credential_id = ? AND a.id = ?`, credID, id))
}

// insertAppeal adds an appeal to the register and returns its id.
func insertAppeal(ctx context.Context, tx *sql.Tx, credID int64, rec AppealRecord,
	now time.Time) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO appeals (credential_id, candidate_id,
			sitting, version, filed_at, grounds, late, days_late, recorded_at)
		SELECT ?, id, ?, ?, ?, ?, ?, ?, ? FROM candidates
		WHERE credential_id = ? AND ext_id = ?`,
		credID, rec.Contested.Sitting, rec.Contested.Version, formatTime(rec.Filed),
		rec.Grounds, rec.Late, rec.DaysLate, formatTime(now), credID, rec.Candidate)
	if err != nil {
		return 0, fmt.Errorf("file appeal: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return 0, jury.ErrUnknownCandidate
	}
	return res.LastInsertId()
}
