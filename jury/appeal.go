package jury

import (
	"errors"
	"strings"
	"time"

	"certeval/i18n"
)

// Errors of appeals.
var (
	ErrAppealIncomplete = errors.New("jury: appeal incomplete")
	ErrAppealEarly      = errors.New("jury: appeal filed before the decision")
	ErrAppealLate       = errors.New("jury: appeal filed after the deadline")
	ErrAppealNotUpheld  = errors.New("jury: appeal not upheld")
	ErrAppealVersion    = errors.New("jury: appeal contests another deliberation")
	ErrAppealNoChange   = errors.New("jury: upheld appeal changes nothing")
)

// AppealStatus is where an appeal stands.
type AppealStatus int

const (
	// AppealOpen is an appeal under review.
	AppealOpen AppealStatus = iota
	// AppealRejected keeps the contested decision.
	AppealRejected
	// AppealUpheld revises the contested decision.
	AppealUpheld
)

// Contested names the deliberation whose decision an appeal contests.
type Contested struct {
	Sitting int
	Version int
}

// Appeal is a candidate's contestation of a jury decision (recours), its
// review and its outcome.
type Appeal struct {
	Candidate string
	Contested Contested
	Filed     time.Time
	Grounds   string // what the candidate contests, and why
	Reviewer  string // who reviewed it
	Status    AppealStatus
	Revised   *Outcome // the new outcome of an upheld appeal
	DecidedAt time.Time
	Reason    string // the reviewer's reason for upholding or rejecting
}

// LateAppealError reports an appeal filed after the deadline. It matches
// ErrAppealLate.
type LateAppealError struct {
	Deadline time.Time // the last day an appeal could be filed
	DaysLate int
}

// Error returns a sentence giving the deadline and the days late.
func (e *LateAppealError) Error() string {
	return i18n.T("jury.error.appeal_late", e.DaysLate, e.Deadline.Format("2006-01-02"))
}

// Unwrap returns ErrAppealLate.
func (e *LateAppealError) Unwrap() error { return ErrAppealLate }

// Validate checks the appeal is complete and coherent with its status, and
// that it was filed on or after the day of the contested decision and
// within deadlineDays calendar days of it (counted in decidedAt's time
// zone; deadlineDays 0 or less means the assessment rules set no deadline).
// A late appeal gives a *LateAppealError with the number of days late.
func (a Appeal) Validate(decidedAt time.Time, deadlineDays int) error {
	if err := a.check(); err != nil {
		return err
	}

	loc := decidedAt.Location()
	decided, filed := civilDay(decidedAt, loc), civilDay(a.Filed, loc)
	if filed.Before(decided) {
		return sentenceErr(ErrAppealEarly, "jury.error.appeal_early", a.Candidate)
	}
	if deadlineDays <= 0 {
		return nil
	}
	deadline := decided.AddDate(0, 0, deadlineDays)
	if filed.After(deadline) {
		days := int(filed.Sub(deadline).Hours()/24 + 0.5)
		return &LateAppealError{Deadline: deadline, DaysLate: days}
	}
	return nil
}

// check returns an error for an appeal missing what its status needs.
func (a Appeal) check() error {
	incomplete := func(field string) error {
		return sentenceErr(ErrAppealIncomplete, "jury.error.appeal_incomplete",
			i18n.T("jury.appeal.field."+field))
	}
	switch {
	case strings.TrimSpace(a.Candidate) == "":
		return incomplete("candidate")
	case a.Filed.IsZero():
		return incomplete("filed")
	case strings.TrimSpace(a.Grounds) == "":
		return incomplete("grounds")
	case a.Status == AppealOpen:
		return nil
	case strings.TrimSpace(a.Reviewer) == "":
		return incomplete("reviewer")
	case a.DecidedAt.IsZero():
		return incomplete("decided_at")
	case strings.TrimSpace(a.Reason) == "":
		return incomplete("reason")
	case a.Status == AppealUpheld && (a.Revised == nil || !a.Revised.Valid() ||
		a.Revised.Pending()):
		return incomplete("revised")
	}
	return nil
}

// ApplyAppeal revises one candidate's decision after an upheld appeal. It
// goes through Reopen: the contested deliberation stays as it was, and the
// new open version differs from it only in that candidate's decision, with
// the appeal as the reason. The jury then closes the new version.
func ApplyAppeal(d *Deliberation, a Appeal) (*Deliberation, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	if a.Status != AppealUpheld {
		return nil, sentenceErr(ErrAppealNotUpheld, "jury.error.appeal_not_upheld", a.Candidate)
	}
	if a.Contested.Sitting != d.Sitting || a.Contested.Version != d.Version {
		return nil, sentenceErr(ErrAppealVersion, "jury.error.appeal_version",
			a.Contested.Sitting, a.Contested.Version, d.Sitting, d.Version)
	}
	old, ok := d.Decisions[a.Candidate]
	if !ok {
		return nil, sentenceErr(ErrUnknownCandidate, "jury.error.unknown_candidate", a.Candidate)
	}
	if old.Outcome == *a.Revised {
		return nil, sentenceErr(ErrAppealNoChange, "jury.error.appeal_no_change", a.Candidate)
	}

	reason := i18n.T("jury.appeal.reopen_reason", a.Candidate, a.Grounds,
		a.Revised.Code(), a.Reason)
	nd, err := d.Reopen(reason, a.Reviewer, a.DecidedAt)
	if err != nil {
		return nil, err
	}
	nd.Decisions[a.Candidate] = Decision{
		Candidate: a.Candidate, Proposed: old.Proposed, Outcome: *a.Revised,
		Reason:   strings.TrimSpace(a.Reason),
		Accepted: *a.Revised == old.Proposed.Outcome, ByAppeal: true,
	}
	return nd, nil
}

// civilDay returns midnight of t's calendar day in loc, as UTC.
func civilDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
