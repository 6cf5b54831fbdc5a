package jury

import (
	"slices"

	"certeval/i18n"
)

// ResitCandidates returns, in order, the candidates of a first sitting who
// go to the resit: those not passed (AJ) and those absent with a
// justification (ABJ).
//
// Unjustified absentees (ABI) do not. The framework (§6.1) leaves the
// resit and the absence measures to each credential's assessment rules and
// says nothing more; the glossary the project follows reads "ABJ opens the
// resit; ABI leads to défaillant", which is the usual university practice.
// Pending (ATT) and undecided candidates are not sent anywhere yet.
func ResitCandidates(decisions map[string]Decision) []string {
	var ids []string
	for id, d := range decisions {
		if d.Outcome == OutcomeNotPassed || d.Outcome == OutcomeAbsentJustified {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// SittingResult is what one sitting gave a candidate: its outcome and mark.
type SittingResult struct {
	Outcome Outcome // "" when the sitting has not been decided
	Mark    float64 // out of 20
	HasMark bool
}

// Result returns what the decision gave: the decided outcome and the
// proposed mark (the jury decides outcomes, not marks).
func (d Decision) Result() SittingResult {
	return SittingResult{Outcome: d.Outcome, Mark: d.Proposed.Mark, HasMark: d.Proposed.HasMark}
}

// Result returns the proposal's outcome and mark.
func (p Proposal) Result() SittingResult {
	return SittingResult{Outcome: p.Outcome, Mark: p.Mark, HasMark: p.HasMark}
}

// FinalOutcome combines a first sitting and its resit under the assessment
// rules' resit rule, and says why in a sentence. Both sittings stay on
// record: this only computes what counts.
//
//   - Either sitting pending gives ATT.
//   - A pass at the first sitting counts; the resit does not apply.
//   - With no resit result, an ABI stands (ABI has no resit); AJ and ABJ
//     wait for the resit (ATT).
//   - ResitReplaces: the resit counts, whatever it is.
//   - ResitBest: the better counts — a pass, then a result with a mark, then
//     ABJ, then ABI; the higher mark between two of a kind; the resit on a
//     tie.
func FinalOutcome(first, resit SittingResult, rule ResitRule) (SittingResult, string) {
	switch {
	case first.Outcome.Pending() || first.Outcome == "":
		return SittingResult{Outcome: OutcomePending}, i18n.T("jury.final.first_pending")
	case first.Outcome.Passing():
		return first, i18n.T("jury.final.first_passed")
	case resit.Outcome == "" && first.Outcome == OutcomeAbsentUnjustified:
		return first, i18n.T("jury.final.no_resit")
	case resit.Outcome == "" || resit.Outcome.Pending():
		return SittingResult{Outcome: OutcomePending}, i18n.T("jury.final.resit_pending")
	}

	switch rule {
	case ResitReplaces:
		return resit, i18n.T("jury.final.replaces")
	case ResitBest:
		if betterResult(first, resit) {
			return first, i18n.T("jury.final.best_first")
		}
		return resit, i18n.T("jury.final.best_resit")
	}
	return SittingResult{Outcome: OutcomePending}, i18n.T("jury.final.no_rule")
}

// betterResult reports whether a is strictly better than b.
func betterResult(a, b SittingResult) bool {
	ra, rb := resultRank(a.Outcome), resultRank(b.Outcome)
	if ra != rb {
		return ra > rb
	}
	if a.HasMark != b.HasMark {
		return a.HasMark
	}
	return a.Mark > b.Mark
}

// resultRank orders outcomes from worst to best for ResitBest.
func resultRank(o Outcome) int {
	switch {
	case o.Passing():
		return 3
	case o == OutcomeNotPassed:
		return 2
	case o == OutcomeAbsentJustified:
		return 1
	}
	return 0
}
