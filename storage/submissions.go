package storage

import (
	"context"
	"fmt"
	"time"

	"certeval/jury"
)

// Attendance is what happened at a sitting for one candidate: present,
// absent with or without justification, and whether the work came late.
type Attendance struct {
	Absence     jury.AbsenceKind
	Late        bool
	SubmittedAt time.Time // zero when unknown
}

// RecordAttendance records a candidate's attendance at a sitting, with the
// reason (the justification received, the time the work arrived), in the
// audit trail. The jury's proposals then apply the assessment rules'
// measure for absence or lateness.
func (s *Store) RecordAttendance(ctx context.Context, credential, candidate string,
	sitting int, a Attendance, reason string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record attendance: %w", err)
	}
	defer tx.Rollback()

	candID, err := findCandidateID(ctx, tx, credential, candidate)
	if err != nil {
		return err
	}
	sub, err := ensureSubmission(ctx, tx, candID, sitting)
	if err != nil {
		return err
	}

	// Keep the state before for the audit trail.
	var before Attendance
	var late int
	var at string
	err = tx.QueryRowContext(ctx, `SELECT absence, late, submitted_at FROM submissions
		WHERE id = ?`, sub).Scan(&before.Absence, &late, &at)
	if err != nil {
		return fmt.Errorf("record attendance: %w", err)
	}
	before.Late = late == 1
	before.SubmittedAt, _ = parseTime(at)

	when := ""
	if !a.SubmittedAt.IsZero() {
		when = formatTime(a.SubmittedAt)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE submissions
		SET absence = ?, late = ?, submitted_at = ? WHERE id = ?`,
		int(a.Absence), boolInt(a.Late), when, sub); err != nil {
		return fmt.Errorf("record attendance: %w", err)
	}
	if _, err := s.appendEvent(ctx, tx, Event{
		Action: "submission.attendance",
		Entity: fmt.Sprintf("%s/sitting/%d", CandidateEntity(credential, candidate), sitting),
		Before: JSON(before), After: JSON(a), Reason: reason,
	}); err != nil {
		return err
	}
	return tx.Commit()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
