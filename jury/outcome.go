package jury

import (
	"errors"
	"fmt"
	"strings"

	"certeval/i18n"
)

// Outcome is the result a jury gives a candidate for one sitting. Its value
// is the short code printed on result sheets and minutes ("ADM", "AJ"…).
type Outcome string

const (
	// OutcomePassed (ADM, admis·e) is a pass computed by the grid.
	OutcomePassed Outcome = "ADM"
	// OutcomePassedByJury (ADJ) is a pass the jury decided against the
	// computed result: "admis·e par décision du jury".
	OutcomePassedByJury Outcome = "ADJ"
	// OutcomeNotPassed (AJ, ajourné·e) is a fail.
	OutcomeNotPassed Outcome = "AJ"
	// OutcomeAbsentJustified (ABJ) is a justified absence; it opens the resit.
	OutcomeAbsentJustified Outcome = "ABJ"
	// OutcomeAbsentUnjustified (ABI) is an unjustified absence: the
	// candidate is "défaillant·e".
	OutcomeAbsentUnjustified Outcome = "ABI"
	// OutcomePending (ATT, en attente) cannot be decided yet: grading,
	// reconciliation or an appeal is still open.
	OutcomePending Outcome = "ATT"
)

// Outcomes lists every outcome in the order result sheets use.
var Outcomes = []Outcome{
	OutcomePassed, OutcomePassedByJury, OutcomeNotPassed,
	OutcomeAbsentJustified, OutcomeAbsentUnjustified, OutcomePending,
}

// ErrUnknownOutcome is returned for a code that is no outcome.
var ErrUnknownOutcome = errors.New("jury: unknown outcome code")

// ParseOutcome returns the outcome of a code such as "ADM" (case-insensitive).
func ParseOutcome(code string) (Outcome, error) {
	o := Outcome(strings.ToUpper(strings.TrimSpace(code)))
	if !o.Valid() {
		return "", fmt.Errorf("parse outcome %q: %w", code, ErrUnknownOutcome)
	}
	return o, nil
}

// Valid reports whether o is one of the known outcomes.
func (o Outcome) Valid() bool {
	for _, k := range Outcomes {
		if o == k {
			return true
		}
	}
	return false
}

// Code returns the short code printed on documents ("ADM", "AJ"…).
func (o Outcome) Code() string { return string(o) }

// String returns the code, so that logs and test failures stay readable.
func (o Outcome) String() string { return string(o) }

// Label returns the outcome's label in the current language.
func (o Outcome) Label() string { return o.LabelIn(i18n.Language()) }

// LabelIn returns the outcome's label in lang ("fr" or "en").
func (o Outcome) LabelIn(lang string) string {
	if !o.Valid() {
		return i18n.In(lang, "jury.outcome.unknown", string(o))
	}
	return i18n.In(lang, "jury.outcome."+string(o))
}

// Passing reports whether the outcome awards the credential.
func (o Outcome) Passing() bool {
	return o == OutcomePassed || o == OutcomePassedByJury
}

// Pending reports whether the outcome still waits for something.
func (o Outcome) Pending() bool { return o == OutcomePending }

// Input is everything Propose needs to know about one candidate for one
// sitting. It holds plain values: the grid's result, the attendance check
// and the assessment rules' measures are computed elsewhere.
type Input struct {
	HasResult   bool     // the grid produced a result for this candidate
	Passed      bool     // the grid's computed pass
	Mark        float64  // the grid's mark out of 20, before any penalty
	FailReasons []string // the grid's sentences saying why it is not a pass

	Absence AbsenceKind     // what happened at the evaluation
	Late    bool            // the work was handed in late
	Measure LatenessMeasure // what the assessment rules do with late work
	// LatePenalty is the penalty in points out of 20 under LatePenalty.
	LatePenalty float64
	// PassMark is the lowest mark out of 20 that still passes once a
	// penalty has been taken off; 0 means the grid's pass is kept.
	PassMark float64

	Eligible          bool   // attendance milestones met (framework §8.2)
	EligibilityReason string // why not, when not eligible

	GradingMissing  bool // work handed in but not graded yet
	DiscrepancyOpen bool // double marking not reconciled yet
	AppealOpen      bool // an appeal on this candidate is under review
}

// Proposal is the outcome the rules compute for one candidate, which the
// jury then accepts or departs from.
type Proposal struct {
	Outcome Outcome
	Mark    float64  // out of 20, after any lateness penalty
	HasMark bool     // Mark holds a grid result
	Reasons []string // sentences, in the current language, explaining it
	// Measure is the lateness or absence measure applied, shown to the jury
	// and on the minutes; empty when none applies.
	Measure string
}

// Propose computes the proposed outcome of one candidate.
//
// The rules apply in this order, the first that matches deciding:
//
//  1. Pending: grading missing, double marking not reconciled or an appeal
//     open gives ATT, with every pending reason. Nothing can be decided
//     before they are resolved, whatever else is known.
//  2. A justified absence gives ABJ (the candidate goes to the resit).
//  3. An unjustified absence gives ABI (défaillant·e).
//  4. Late work under a "refused" measure gives ABI, the measure shown.
//     Late work with no measure in the assessment rules gives ATT: the jury
//     must first say which measure applies.
//  5. Attendance not met gives AJ with the attendance reason, even with no
//     grid result: the candidate could not be certified anyway.
//  6. No grid result gives ATT.
//  7. Late work under a "penalty" measure loses the penalty (the mark
//     stays at zero or above) and the pass is checked again against
//     PassMark; under "accepted" the work counts as is. Either way the
//     measure is shown.
//  8. The grid's pass gives ADM, otherwise AJ with the grid's reasons.
func Propose(in Input) Proposal {
	if p, ok := proposePending(in); ok {
		return p
	}
	if p, ok := proposeAbsence(in); ok {
		return p
	}
	if in.Late && !validMeasure(in.Measure) {
		return Proposal{
			Outcome: OutcomePending,
			Mark:    in.Mark, HasMark: in.HasResult,
			Reasons: []string{i18n.T("jury.reason.late_no_measure")},
		}
	}
	if in.Late && in.Measure == LateRefused {
		return Proposal{
			Outcome: OutcomeAbsentUnjustified,
			Reasons: []string{i18n.T("jury.reason.late_refused")},
			Measure: i18n.T("jury.measure.late_refused"),
		}
	}
	return proposeResult(in)
}

// proposePending returns ATT when something upstream is still open.
func proposePending(in Input) (Proposal, bool) {
	var reasons []string
	if in.GradingMissing {
		reasons = append(reasons, i18n.T("jury.reason.grading_missing"))
	}
	if in.DiscrepancyOpen {
		reasons = append(reasons, i18n.T("jury.reason.discrepancy_open"))
	}
	if in.AppealOpen {
		reasons = append(reasons, i18n.T("jury.reason.appeal_open"))
	}
	if len(reasons) == 0 {
		return Proposal{}, false
	}
	p := Proposal{Outcome: OutcomePending, Reasons: reasons}
	if in.HasResult {
		p.Mark, p.HasMark = in.Mark, true
	}
	return p, true
}

// proposeAbsence returns ABJ or ABI for a candidate who did not sit.
func proposeAbsence(in Input) (Proposal, bool) {
	switch in.Absence {
	case AbsentJustified:
		return Proposal{
			Outcome: OutcomeAbsentJustified,
			Reasons: []string{i18n.T("jury.reason.absent_justified")},
			Measure: i18n.T("jury.measure.absent_justified"),
		}, true
	case AbsentUnjustified:
		return Proposal{
			Outcome: OutcomeAbsentUnjustified,
			Reasons: []string{i18n.T("jury.reason.absent_unjustified")},
			Measure: i18n.T("jury.measure.absent_unjustified"),
		}, true
	}
	return Proposal{}, false
}

// proposeResult applies attendance, the lateness penalty and the grid.
func proposeResult(in Input) Proposal {
	p := Proposal{Mark: in.Mark, HasMark: in.HasResult}
	passed := in.Passed
	if in.Late {
		passed = applyLateness(in, &p)
	}

	// Attendance decides before the grid, with or without a result.
	if !in.Eligible {
		p.Outcome = OutcomeNotPassed
		p.Reasons = append(p.Reasons, eligibilityReason(in.EligibilityReason))
		return p
	}
	if !in.HasResult {
		p.Outcome = OutcomePending
		p.Reasons = append(p.Reasons, i18n.T("jury.reason.no_result"))
		return p
	}

	if passed {
		p.Outcome = OutcomePassed
		p.Reasons = append(p.Reasons, i18n.T("jury.reason.grid_passed"))
		return p
	}
	p.Outcome = OutcomeNotPassed
	if !in.Passed {
		p.Reasons = append(p.Reasons, gridFailReasons(in.FailReasons)...)
	}
	return p
}

// applyLateness records the lateness measure on p, takes off the penalty
// and returns whether the work still passes.
func applyLateness(in Input, p *Proposal) bool {
	if in.Measure == LateAccepted {
		p.Measure = i18n.T("jury.measure.late_accepted")
		return in.Passed
	}
	p.Measure = i18n.T("jury.measure.late_penalty", markText(in.LatePenalty))
	if !in.HasResult {
		return in.Passed
	}
	p.Mark = max(0, in.Mark-in.LatePenalty)
	if in.Passed && in.PassMark > 0 && p.Mark < in.PassMark {
		p.Reasons = append(p.Reasons, i18n.T("jury.reason.penalty_below_pass",
			markText(in.LatePenalty), markText(p.Mark), markText(in.PassMark)))
		return false
	}
	return in.Passed
}

// eligibilityReason returns the attendance reason, or a general one.
func eligibilityReason(reason string) string {
	if strings.TrimSpace(reason) == "" {
		return i18n.T("jury.reason.not_eligible")
	}
	return i18n.T("jury.reason.not_eligible_because", reason)
}

// gridFailReasons returns the grid's reasons, or a general one.
func gridFailReasons(reasons []string) []string {
	if len(reasons) == 0 {
		return []string{i18n.T("jury.reason.grid_failed")}
	}
	return append([]string(nil), reasons...)
}

// validMeasure reports whether m is one of the known lateness measures.
func validMeasure(m LatenessMeasure) bool {
	return m == LateAccepted || m == LatePenalty || m == LateRefused
}

// markText writes a number of points exactly, with a decimal comma in
// French ("12,5") and a point in English ("12.5").
func markText(v float64) string {
	return i18n.Number(v, -1)
}
