// Package grading holds what an expert records while grading a
// submission offline: one level choice per criterion of the grid, comments,
// overall feedback, and where the grading stands. It also holds the rules
// of double marking (the gaps between two experts' gradings of the same
// submission, and how they are reconciled) and the undo history of the
// grading desk.
//
// The package is pure Go: it knows no grid type, no database, no window
// and no document. Levels are indices, as in package rubric: a grading is
// one index per criterion, -1 when none is chosen, and the caller gives
// the number of levels of each criterion and the marks it computed.
//
// A Grading names a submission by its key and an expert by their key
// identifier, never by a person's name, so that blind grading needs
// nothing more from this package.
package grading

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"certeval/i18n"
)

// Errors returned by this package. Explain gives the sentence a user reads
// for each of them.
var (
	ErrChoices         = errors.New("grading: level choice out of range")
	ErrIncomplete      = errors.New("grading: submitted grading has a criterion without a level")
	ErrStatus          = errors.New("grading: unknown status")
	ErrReasonRequired  = errors.New("grading: agreement without a reason")
	ErrAgreementAuthor = errors.New("grading: agreement without an author or a date")
	ErrMixed           = errors.New("grading: gradings of several submissions")
	ErrSameExpert      = errors.New("grading: two gradings by the same expert")
	ErrGridMismatch    = errors.New("grading: gradings made with different grids")
	ErrMarks           = errors.New("grading: one mark per grading expected")
)

// explanations maps each sentinel to its message key in grading.json.
var explanations = []i18n.Sentence{
	{Err: ErrChoices, Key: "grading.err.choices"},
	{Err: ErrIncomplete, Key: "grading.err.incomplete"},
	{Err: ErrStatus, Key: "grading.err.status"},
	{Err: ErrReasonRequired, Key: "grading.err.reason_required"},
	{Err: ErrAgreementAuthor, Key: "grading.err.agreement_author"},
	{Err: ErrMixed, Key: "grading.err.mixed"},
	{Err: ErrSameExpert, Key: "grading.err.same_expert"},
	{Err: ErrGridMismatch, Key: "grading.err.grid_mismatch"},
	{Err: ErrMarks, Key: "grading.err.marks"},
}

// Explain returns the sentence, in the current language, that tells a user
// what went wrong and what to do. It returns "" for a nil error and a
// general sentence for an error this package does not know.
func Explain(err error) string {
	return i18n.Explain(err, explanations, "grading.err.other")
}

// Status is where a grading stands.
type Status int

// The statuses of a grading, in the order an expert goes through them.
const (
	NotStarted Status = iota // à corriger: nothing recorded yet
	InProgress               // en cours: some levels or comments recorded
	Submitted                // remise: the expert handed the grading in
)

var statusNames = []string{"not_started", "in_progress", "submitted"}

// String returns the status's stable name, as package files write it:
// "not_started", "in_progress" or "submitted".
func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return fmt.Sprintf("Status(%d)", int(s))
	}
	return statusNames[s]
}

// Label returns the status as users read it, in the current language.
func (s Status) Label() string {
	if s < 0 || int(s) >= len(statusNames) {
		return i18n.T("grading.status.unknown")
	}
	return i18n.T("grading.status." + statusNames[s])
}

// ParseStatus returns the status named s, as String writes it.
func ParseStatus(s string) (Status, error) {
	i := slices.Index(statusNames, s)
	if i < 0 {
		return 0, fmt.Errorf("parse status %q: %w", s, ErrStatus)
	}
	return Status(i), nil
}

// None is the choice of a criterion on which no level is chosen.
const None = -1

// Grading is one expert's grading of one submission.
type Grading struct {
	Submission      string            // key of the submission graded
	Expert          string            // key identifier of the expert's signing key
	GridFingerprint string            // fingerprint of the grid version used
	Choices         []int             // level index per criterion, None when not chosen
	Comments        map[string]string // criterion key → comment
	Feedback        string            // overall feedback to the candidate
	Status          Status
	UpdatedAt       time.Time
	SubmittedAt     time.Time // zero until submitted
	Revision        int       // one more at each change the expert saves
}

// Clone returns a copy of g that shares no slice or map with it.
func (g Grading) Clone() Grading {
	g.Choices = slices.Clone(g.Choices)
	g.Comments = maps.Clone(g.Comments)
	return g
}

// Equal reports whether g and o record the same grading: same fields,
// times compared as instants, a nil map or slice equal to an empty one.
func (g Grading) Equal(o Grading) bool {
	return g.Submission == o.Submission &&
		g.Expert == o.Expert &&
		g.GridFingerprint == o.GridFingerprint &&
		slices.Equal(g.Choices, o.Choices) &&
		maps.Equal(g.Comments, o.Comments) &&
		g.Feedback == o.Feedback &&
		g.Status == o.Status &&
		g.UpdatedAt.Equal(o.UpdatedAt) &&
		g.SubmittedAt.Equal(o.SubmittedAt) &&
		g.Revision == o.Revision
}

// Validate checks g against the grid it was made with, given as the number
// of levels of each criterion (0 for a feedback-only criterion): one choice
// per criterion, each None or a level of that criterion, and, once
// submitted, a level on every criterion that has levels.
func (g Grading) Validate(levels []int) error {
	if err := checkChoices(g.Choices, levels); err != nil {
		return err
	}
	if g.Status < NotStarted || g.Status > Submitted {
		return fmt.Errorf("validate grading: %w", ErrStatus)
	}
	if g.Status == Submitted && !complete(g.Choices, levels) {
		return fmt.Errorf("validate grading: %w", ErrIncomplete)
	}
	return nil
}

// checkChoices checks there is one choice per criterion, each in range.
func checkChoices(choices, levels []int) error {
	if len(choices) != len(levels) {
		return fmt.Errorf("check choices: %d for %d criteria: %w",
			len(choices), len(levels), ErrChoices)
	}
	for i, c := range choices {
		if c < None || c >= levels[i] {
			return fmt.Errorf("check choices: criterion %d: level %d: %w", i+1, c, ErrChoices)
		}
	}
	return nil
}

// complete reports whether every criterion with levels has one chosen.
func complete(choices, levels []int) bool {
	for i, c := range choices {
		if levels[i] > 0 && c == None {
			return false
		}
	}
	return true
}
