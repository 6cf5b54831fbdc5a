package jury_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"certeval/i18n"
	"certeval/jury"
)

// gridFail is the grid's reason for a fail in every combination.
const gridFail = "Le critère « Analyse » n'atteint pas le niveau requis."

// A combination of everything Propose and FinalOutcome depend on.
type combo struct {
	result   string // "pass-high", "pass-low", "fail", "none"
	absence  jury.AbsenceKind
	measure  string // the assessment rules': "accepted", "penalty", "refused", "unset"
	late     bool
	eligible bool
	pending  string // "", "grading", "discrepancy", "appeal"
	rule     jury.ResitRule
}

func (c combo) name() string {
	abs := map[jury.AbsenceKind]string{
		jury.Present: "present", jury.AbsentJustified: "ABJ", jury.AbsentUnjustified: "ABI",
	}[c.absence]
	rule := map[jury.ResitRule]string{jury.ResitReplaces: "replaces", jury.ResitBest: "best"}
	return fmt.Sprintf("%s/%s/%s/late=%t/eligible=%t/pending=%s/%s",
		c.result, abs, c.measure, c.late, c.eligible, c.pending, rule[c.rule])
}

// input builds Propose's input: a pass at 14 or 11, a fail at 7, a late
// penalty of 3 points and a pass mark of 10.
func (c combo) input() jury.Input {
	in := jury.Input{
		Absence: c.absence, Eligible: c.eligible,
		LatePenalty: 3, PassMark: 10,
		GradingMissing:  c.pending == "grading",
		DiscrepancyOpen: c.pending == "discrepancy",
		AppealOpen:      c.pending == "appeal",
	}
	if !c.eligible {
		in.EligibilityReason = "2 jalons validés sur 5."
	}
	switch c.result {
	case "pass-high":
		in.HasResult, in.Passed, in.Mark = true, true, 14
	case "pass-low":
		in.HasResult, in.Passed, in.Mark = true, true, 11
	case "fail":
		in.HasResult, in.Mark, in.FailReasons = true, 7, []string{gridFail}
	}
	in.Late = c.late
	in.Measure = map[string]jury.LatenessMeasure{
		"accepted": jury.LateAccepted, "penalty": jury.LatePenalty, "refused": jury.LateRefused,
	}[c.measure]
	return in
}

// expectation is what a combination must give.
type expectation struct {
	outcome jury.Outcome
	mark    float64
	reason  string // a sentence that must be among the reasons
	measure string // the measure shown, "" for none
}

// expect states the rules of Propose one by one, first match wins, in the
// order the framework's practice gives them (see Propose's comment).
func expect(c combo) expectation {
	in := c.input()
	late, measure := "", ""
	if c.late {
		measure = c.measure
		late = map[string]string{
			"accepted": i18n.T("jury.measure.late_accepted"),
			"penalty":  i18n.T("jury.measure.late_penalty", "3"),
		}[measure]
	}
	mark := in.Mark
	if measure == "penalty" && in.HasResult {
		mark -= 3
	}
	pending := map[string]string{
		"grading":     "jury.reason.grading_missing",
		"discrepancy": "jury.reason.discrepancy_open",
		"appeal":      "jury.reason.appeal_open",
	}

	switch {
	case c.pending != "":
		return expectation{jury.OutcomePending, in.Mark, i18n.T(pending[c.pending]), ""}
	case c.absence == jury.AbsentJustified:
		return expectation{jury.OutcomeAbsentJustified, 0,
			i18n.T("jury.reason.absent_justified"), i18n.T("jury.measure.absent_justified")}
	case c.absence == jury.AbsentUnjustified:
		return expectation{jury.OutcomeAbsentUnjustified, 0,
			i18n.T("jury.reason.absent_unjustified"), i18n.T("jury.measure.absent_unjustified")}
	case measure == "unset":
		return expectation{jury.OutcomePending, in.Mark, i18n.T("jury.reason.late_no_measure"), ""}
	case measure == "refused":
		return expectation{jury.OutcomeAbsentUnjustified, 0,
			i18n.T("jury.reason.late_refused"), i18n.T("jury.measure.late_refused")}
	case !c.eligible:
		return expectation{jury.OutcomeNotPassed, mark,
			i18n.T("jury.reason.not_eligible_because", "2 jalons validés sur 5."), late}
	case c.result == "none":
		return expectation{jury.OutcomePending, 0, i18n.T("jury.reason.no_result"), late}
	case c.result == "fail":
		return expectation{jury.OutcomeNotPassed, mark, gridFail, late}
	case c.result == "pass-low" && measure == "penalty":
		return expectation{jury.OutcomeNotPassed, 8,
			i18n.T("jury.reason.penalty_below_pass", "3", "8", "10"), late}
	}
	return expectation{jury.OutcomePassed, mark, i18n.T("jury.reason.grid_passed"), late}
}

// combos returns every combination of the factors.
func combos() []combo {
	var out []combo
	for _, result := range []string{"pass-high", "pass-low", "fail", "none"} {
		for _, absence := range []jury.AbsenceKind{
			jury.Present, jury.AbsentJustified, jury.AbsentUnjustified,
		} {
			for _, measure := range []string{"accepted", "penalty", "refused", "unset"} {
				for _, late := range []bool{false, true} {
					out = appendCombos(out, combo{
						result: result, absence: absence, measure: measure, late: late,
					})
				}
			}
		}
	}
	return out
}

// appendCombos appends c under every eligibility, pending state and rule.
func appendCombos(out []combo, c combo) []combo {
	for _, eligible := range []bool{true, false} {
		for _, pending := range []string{"", "grading", "discrepancy", "appeal"} {
			for _, rule := range []jury.ResitRule{jury.ResitReplaces, jury.ResitBest} {
				c.eligible, c.pending, c.rule = eligible, pending, rule
				out = append(out, c)
			}
		}
	}
	return out
}

func TestProposeEveryCombination(t *testing.T) {
	i18n.SetLanguage("fr")
	all := combos()
	if got, want := len(all), 4*3*4*2*2*4*2; got != want {
		t.Fatalf("%d combinations, want %d", got, want)
	}
	seen := map[jury.Outcome]int{}
	for _, c := range all {
		t.Run(c.name(), func(t *testing.T) {
			p := jury.Propose(c.input())
			want := expect(c)
			seen[p.Outcome]++
			if p.Outcome != want.outcome {
				t.Fatalf("outcome = %s, want %s (reasons %q)", p.Outcome, want.outcome, p.Reasons)
			}
			if p.HasMark && p.Mark != want.mark {
				t.Errorf("mark = %v, want %v", p.Mark, want.mark)
			}
			if !slices.Contains(p.Reasons, want.reason) {
				t.Errorf("reasons = %q, want one to be %q", p.Reasons, want.reason)
			}
			if p.Measure != want.measure {
				t.Errorf("measure = %q, want %q", p.Measure, want.measure)
			}
			checkFinal(t, c, p)
		})
	}
	for _, o := range []jury.Outcome{jury.OutcomePassed, jury.OutcomeNotPassed,
		jury.OutcomeAbsentJustified, jury.OutcomeAbsentUnjustified, jury.OutcomePending} {
		if seen[o] == 0 {
			t.Errorf("no combination gave %s", o)
		}
	}
}

// checkFinal treats the proposal as a resit after a first sitting of AJ at
// 9/20, and checks what counts under the combination's resit rule.
func checkFinal(t *testing.T, c combo, resit jury.Proposal) {
	t.Helper()
	first := jury.SittingResult{Outcome: jury.OutcomeNotPassed, Mark: 9, HasMark: true}
	got, reason := jury.FinalOutcome(first, resit.Result(), c.rule)

	want := resit.Result()
	switch {
	case resit.Outcome == jury.OutcomePending:
		want = jury.SittingResult{Outcome: jury.OutcomePending}
	case c.rule == jury.ResitReplaces, resit.Outcome == jury.OutcomePassed:
	case resit.Outcome == jury.OutcomeNotPassed && resit.HasMark && resit.Mark >= 9:
	default:
		want = first
	}
	if got != want {
		t.Errorf("final = %+v, want %+v (%s)", got, want, reason)
	}
	if reason == "" {
		t.Error("final outcome has no reason")
	}
}

func TestProposeNamedCases(t *testing.T) {
	i18n.SetLanguage("fr")
	tests := []struct {
		name    string
		in      jury.Input
		want    jury.Outcome
		mark    float64
		reasons []string
	}{{
		name: "pass",
		in:   jury.Input{HasResult: true, Passed: true, Mark: 15, Eligible: true},
		want: jury.OutcomePassed, mark: 15,
		reasons: []string{"Les critères de réussite de la grille sont atteints."},
	}, {
		name: "fail without grid reasons",
		in:   jury.Input{HasResult: true, Mark: 6, Eligible: true},
		want: jury.OutcomeNotPassed, mark: 6,
		reasons: []string{"Les critères de réussite de la grille ne sont pas atteints."},
	}, {
		name: "penalty floors at zero",
		in: jury.Input{HasResult: true, Mark: 2, Eligible: true, Late: true,
			Measure: jury.LatePenalty, LatePenalty: 4.5, FailReasons: []string{"x"}},
		want: jury.OutcomeNotPassed, mark: 0, reasons: []string{"x"},
	}, {
		name: "penalty with decimal comma",
		in: jury.Input{HasResult: true, Passed: true, Mark: 11, Eligible: true, Late: true,
			Measure: jury.LatePenalty, LatePenalty: 1.5, PassMark: 10},
		want: jury.OutcomeNotPassed, mark: 9.5,
		reasons: []string{"La pénalité de retard de 1,5 points ramène la note à 9,5/20, " +
			"sous le seuil de réussite de 10/20."},
	}, {
		name: "penalty without pass mark keeps the grid's pass",
		in: jury.Input{HasResult: true, Passed: true, Mark: 9, Eligible: true, Late: true,
			Measure: jury.LatePenalty, LatePenalty: 2},
		want: jury.OutcomePassed, mark: 7,
	}, {
		name: "every pending reason",
		in: jury.Input{GradingMissing: true, DiscrepancyOpen: true, AppealOpen: true,
			Absence: jury.AbsentJustified},
		want: jury.OutcomePending,
		reasons: []string{
			i18n.T("jury.reason.grading_missing"), i18n.T("jury.reason.discrepancy_open"),
			i18n.T("jury.reason.appeal_open"),
		},
	}, {
		name: "not eligible without reason",
		in:   jury.Input{HasResult: true, Passed: true, Mark: 18},
		want: jury.OutcomeNotPassed, mark: 18,
		reasons: []string{"Assiduité insuffisante : les jalons exigés ne sont pas validés."},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := jury.Propose(tt.in)
			if p.Outcome != tt.want || p.Mark != tt.mark {
				t.Fatalf("got %s %v, want %s %v (%q)", p.Outcome, p.Mark, tt.want, tt.mark, p.Reasons)
			}
			if tt.reasons != nil && !slices.Equal(p.Reasons, tt.reasons) {
				t.Fatalf("reasons = %q, want %q", p.Reasons, tt.reasons)
			}
		})
	}
}

func TestOutcomeCodesAndLabels(t *testing.T) {
	tests := []struct {
		o        jury.Outcome
		code, fr string
		en       string
	}{
		{jury.OutcomePassed, "ADM", "admis·e", "passed"},
		{jury.OutcomePassedByJury, "ADJ", "admis·e par décision du jury",
			"passed by decision of the board"},
		{jury.OutcomeNotPassed, "AJ", "ajourné·e", "not passed"},
		{jury.OutcomeAbsentJustified, "ABJ", "absent·e justifié·e", "absent (justified)"},
		{jury.OutcomeAbsentUnjustified, "ABI", "absent·e non justifié·e (défaillant·e)",
			"absent (unjustified, defaulted)"},
		{jury.OutcomePending, "ATT", "en attente", "pending"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if got := tt.o.Code(); got != tt.code {
				t.Errorf("Code = %q, want %q", got, tt.code)
			}
			if got := tt.o.LabelIn("fr"); got != tt.fr {
				t.Errorf("fr label = %q, want %q", got, tt.fr)
			}
			if got := tt.o.LabelIn("en"); got != tt.en {
				t.Errorf("en label = %q, want %q", got, tt.en)
			}
			parsed, err := jury.ParseOutcome(strings.ToLower(tt.code))
			if err != nil || parsed != tt.o {
				t.Errorf("ParseOutcome = %v, %v", parsed, err)
			}
		})
	}
	if _, err := jury.ParseOutcome("XYZ"); err == nil {
		t.Error("ParseOutcome(XYZ) gave no error")
	}
}

func TestCataloguesCompleteForJury(t *testing.T) {
	if err := i18n.Err(); err != nil {
		t.Fatal(err)
	}
	if m := i18n.Missing(); len(m) > 0 {
		t.Fatalf("keys missing: %v", m)
	}
}
