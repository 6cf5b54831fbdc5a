package jury_test

import (
	"slices"
	"testing"

	"certeval/i18n"
	"certeval/jury"
)

func TestResitCandidates(t *testing.T) {
	decisions := map[string]jury.Decision{}
	for id, o := range map[string]jury.Outcome{
		"E1": jury.OutcomeNotPassed, "A2": jury.OutcomeAbsentJustified,
		"B3": jury.OutcomePassed, "C4": jury.OutcomePassedByJury,
		"D5": jury.OutcomeAbsentUnjustified, "F6": jury.OutcomePending, "G7": "",
		"H8": jury.OutcomeNotPassed,
	} {
		decisions[id] = jury.Decision{Candidate: id, Outcome: o}
	}
	// A decision counts, not the proposal it departed from.
	decisions["J9"] = jury.Decision{Candidate: "J9", Outcome: jury.OutcomePassedByJury,
		Proposed: jury.Proposal{Outcome: jury.OutcomeNotPassed}}

	got := jury.ResitCandidates(decisions)
	if want := []string{"A2", "E1", "H8"}; !slices.Equal(got, want) {
		t.Fatalf("resit = %v, want %v", got, want)
	}
}

func TestFinalOutcome(t *testing.T) {
	i18n.SetLanguage("fr")
	res := func(o jury.Outcome, mark float64) jury.SittingResult {
		return jury.SittingResult{Outcome: o, Mark: mark, HasMark: mark > 0}
	}
	var (
		aj9   = res(jury.OutcomeNotPassed, 9)
		aj12  = res(jury.OutcomeNotPassed, 12)
		adm11 = res(jury.OutcomePassed, 11)
		abj   = res(jury.OutcomeAbsentJustified, 0)
		abi   = res(jury.OutcomeAbsentUnjustified, 0)
		att   = jury.SittingResult{Outcome: jury.OutcomePending}
		none  = jury.SittingResult{}
	)
	tests := []struct {
		name         string
		first, resit jury.SittingResult
		rule         jury.ResitRule
		want         jury.SittingResult
		reason       string
	}{
		{"passed at first", adm11, aj9, jury.ResitReplaces, adm11, "jury.final.first_passed"},
		{"first pending", att, adm11, jury.ResitBest, att, "jury.final.first_pending"},
		{"first undecided", none, adm11, jury.ResitBest, att, "jury.final.first_pending"},
		{"ABI without resit stands", abi, none, jury.ResitBest, abi, "jury.final.no_resit"},
		{"AJ waits for the resit", aj9, none, jury.ResitBest, att, "jury.final.resit_pending"},
		{"resit pending", abj, att, jury.ResitReplaces, att, "jury.final.resit_pending"},
		{"replaces, even when worse", aj12, aj9, jury.ResitReplaces, aj9,
			"jury.final.replaces"},
		{"replaces, absent at resit", aj12, abi, jury.ResitReplaces, abi,
			"jury.final.replaces"},
		{"best keeps the first", aj12, aj9, jury.ResitBest, aj12, "jury.final.best_first"},
		{"best takes the resit", aj9, aj12, jury.ResitBest, aj12, "jury.final.best_resit"},
		{"best, tie goes to resit", aj9, aj9, jury.ResitBest, aj9, "jury.final.best_resit"},
		{"best, mark beats absence", aj9, abi, jury.ResitBest, aj9, "jury.final.best_first"},
		{"best, ABJ beats ABI", abj, abi, jury.ResitBest, abj, "jury.final.best_first"},
		{"best, pass at resit", abj, adm11, jury.ResitBest, adm11, "jury.final.best_resit"},
		{"no rule", aj9, aj12, jury.ResitRule(0), att, "jury.final.no_rule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := jury.FinalOutcome(tt.first, tt.resit, tt.rule)
			if got != tt.want {
				t.Fatalf("final = %+v, want %+v", got, tt.want)
			}
			if want := i18n.T(tt.reason); reason != want {
				t.Fatalf("reason = %q, want %q", reason, want)
			}
		})
	}
}
