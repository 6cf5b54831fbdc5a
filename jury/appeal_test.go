package jury_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"certeval/i18n"
	"certeval/jury"
)

func outcomePtr(o jury.Outcome) *jury.Outcome { return &o }

// upheld returns an appeal of C02 against version 1, upheld as ADM.
func upheld() jury.Appeal {
	return jury.Appeal{
		Candidate: "C02",
		Contested: jury.Contested{Sitting: 1, Version: 1},
		Filed:     closedAt.AddDate(0, 0, 10),
		Grounds:   "Le critère 3 a été mal reporté depuis la grille de l'experte.",
		Reviewer:  "Claire Dubois",
		Status:    jury.AppealUpheld,
		Revised:   outcomePtr(jury.OutcomePassed),
		DecidedAt: closedAt.AddDate(0, 0, 20),
		Reason:    "Erreur de report confirmée : la note corrigée atteint le seuil.",
	}
}

func TestAppealValidate(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	decided := time.Date(2025, 6, 20, 18, 0, 0, 0, paris)
	at := func(month time.Month, day, hour int) time.Time {
		return time.Date(2025, month, day, hour, 0, 0, 0, paris)
	}
	tests := []struct {
		name     string
		change   func(a *jury.Appeal)
		deadline int
		err      error
		daysLate int
	}{
		{"on time", func(a *jury.Appeal) { a.Filed = at(6, 25, 10) }, 60, nil, 0},
		{"on the last day", func(a *jury.Appeal) { a.Filed = at(8, 19, 23) }, 60, nil, 0},
		{"one day late", func(a *jury.Appeal) { a.Filed = at(8, 20, 0) }, 60,
			jury.ErrAppealLate, 1},
		{"thirteen days late", func(a *jury.Appeal) { a.Filed = at(9, 1, 9) }, 60,
			jury.ErrAppealLate, 13},
		{"late near midnight in Paris", func(a *jury.Appeal) {
			a.Filed = time.Date(2025, 6, 22, 22, 30, 0, 0, time.UTC) // 23 June in Paris
		}, 2, jury.ErrAppealLate, 1},
		{"no deadline in the rules", func(a *jury.Appeal) { a.Filed = at(12, 1, 9) }, 0, nil, 0},
		{"same day as the decision", func(a *jury.Appeal) { a.Filed = at(6, 20, 9) }, 60, nil, 0},
		{"before the decision", func(a *jury.Appeal) { a.Filed = at(6, 19, 9) }, 60,
			jury.ErrAppealEarly, 0},
		{"no candidate", func(a *jury.Appeal) { a.Candidate = "" }, 60,
			jury.ErrAppealIncomplete, 0},
		{"no grounds", func(a *jury.Appeal) { a.Grounds = " " }, 60, jury.ErrAppealIncomplete, 0},
		{"no filing date", func(a *jury.Appeal) { a.Filed = time.Time{} }, 60,
			jury.ErrAppealIncomplete, 0},
		{"open needs no review", func(a *jury.Appeal) {
			a.Status, a.Reviewer, a.Reason, a.Revised = jury.AppealOpen, "", "", nil
			a.DecidedAt = time.Time{}
		}, 60, nil, 0},
		{"rejected without reason", func(a *jury.Appeal) {
			a.Status, a.Reason = jury.AppealRejected, ""
		}, 60, jury.ErrAppealIncomplete, 0},
		{"rejected without reviewer", func(a *jury.Appeal) {
			a.Status, a.Reviewer = jury.AppealRejected, ""
		}, 60, jury.ErrAppealIncomplete, 0},
		{"upheld without outcome", func(a *jury.Appeal) { a.Revised = nil }, 60,
			jury.ErrAppealIncomplete, 0},
		{"upheld as pending", func(a *jury.Appeal) {
			a.Revised = outcomePtr(jury.OutcomePending)
		}, 60, jury.ErrAppealIncomplete, 0},
		{"upheld without date", func(a *jury.Appeal) { a.DecidedAt = time.Time{} }, 60,
			jury.ErrAppealIncomplete, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := upheld()
			a.Filed = at(6, 25, 10)
			tt.change(&a)
			err := a.Validate(decided, tt.deadline)
			if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			var late *jury.LateAppealError
			if errors.As(err, &late) && late.DaysLate != tt.daysLate {
				t.Fatalf("days late = %d, want %d", late.DaysLate, tt.daysLate)
			}
		})
	}
}

func TestLateAppealMessage(t *testing.T) {
	i18n.SetLanguage("fr")
	a := upheld()
	a.Filed = time.Date(2025, 7, 3, 12, 0, 0, 0, time.UTC)
	err := a.Validate(time.Date(2025, 6, 20, 12, 0, 0, 0, time.UTC), 10)
	want := "Le recours a été déposé 3 jour(s) après la date limite du 2025-06-30."
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

// closedFirst returns a closed version 1 with C02 not passed.
func closedFirst(t *testing.T) *jury.Deliberation {
	t.Helper()
	d := decided(t)
	if err := d.Close("Claire Dubois", closedAt); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestApplyAppealChangesOnlyThatCandidate(t *testing.T) {
	i18n.SetLanguage("fr")
	d := closedFirst(t)
	before := snapshot(t, d)

	nd, err := jury.ApplyAppeal(d, upheld())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(snapshot(t, d), before) || d.Verify() != nil {
		t.Fatal("the contested deliberation changed")
	}
	if nd.Version != 2 || nd.Replaces != 1 || nd.State != jury.Open {
		t.Fatalf("version %d replaces %d state %v", nd.Version, nd.Replaces, nd.State)
	}
	if !strings.Contains(nd.ReopenReason, upheld().Grounds) || nd.ReopenedBy != "Claire Dubois" {
		t.Fatalf("reopen reason %q by %q", nd.ReopenReason, nd.ReopenedBy)
	}
	for id, dec := range nd.Decisions {
		if id == "C02" {
			continue
		}
		if !reflect.DeepEqual(dec, d.Decisions[id]) {
			t.Errorf("decision of %s changed: %+v", id, dec)
		}
	}
	got := nd.Decisions["C02"]
	if got.Outcome != jury.OutcomePassed || !got.ByAppeal || got.Reason != upheld().Reason {
		t.Fatalf("revised decision = %+v", got)
	}
	if err := nd.Close("Claire Dubois", closedAt.AddDate(0, 0, 21)); err != nil {
		t.Fatalf("closing the revised version: %v", err)
	}
}

func TestApplyAppealRefusals(t *testing.T) {
	tests := []struct {
		name   string
		change func(a *jury.Appeal)
		open   bool
		err    error
	}{
		{"rejected", func(a *jury.Appeal) { a.Status = jury.AppealRejected },
			false, jury.ErrAppealNotUpheld},
		{"still open", func(a *jury.Appeal) { a.Status = jury.AppealOpen },
			false, jury.ErrAppealNotUpheld},
		{"another version", func(a *jury.Appeal) { a.Contested.Version = 2 },
			false, jury.ErrAppealVersion},
		{"another sitting", func(a *jury.Appeal) { a.Contested.Sitting = 2 },
			false, jury.ErrAppealVersion},
		{"unknown candidate", func(a *jury.Appeal) { a.Candidate = "C42" },
			false, jury.ErrUnknownCandidate},
		{"no change", func(a *jury.Appeal) { a.Revised = outcomePtr(jury.OutcomeNotPassed) },
			false, jury.ErrAppealNoChange},
		{"incomplete", func(a *jury.Appeal) { a.Reason = "" }, false, jury.ErrAppealIncomplete},
		{"deliberation not closed", func(*jury.Appeal) {}, true, jury.ErrNotClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decided(t)
			if !tt.open {
				d = closedFirst(t)
			}
			a := upheld()
			tt.change(&a)
			nd, err := jury.ApplyAppeal(d, a)
			if !errors.Is(err, tt.err) || nd != nil {
				t.Fatalf("ApplyAppeal = %v, %v; want error %v", nd, err, tt.err)
			}
		})
	}
}
