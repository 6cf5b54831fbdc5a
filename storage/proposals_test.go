package storage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"certeval/jury"
)

func TestProposals(t *testing.T) {
	cred := juryCredential()
	cred.Attendance = jury.AttendanceRule{Kind: jury.AttendanceMandatory}
	cred.Milestones = []jury.Milestone{{Label: "Classe virtuelle", Hours: 2, Mandatory: true}}
	f := mustJuryFixture(t, cred)
	met := `{"milestones":[{"Label":"Classe virtuelle","Hours":2,"Validated":true}]}`
	f.add(t,
		juryCand{id: "E01", data: met, gradings: []string{choicesPass}},
		juryCand{id: "E02", data: met, gradings: []string{choicesFail}},
		juryCand{id: "E03", data: met, absence: jury.AbsentJustified},
		juryCand{id: "E04", data: met, absence: jury.AbsentUnjustified},
		juryCand{id: "E05", data: met, noWork: true},
		juryCand{id: "E06", data: met, withdrawn: true, gradings: []string{choicesPass}},
		juryCand{id: "E07", data: met, gradings: []string{choicesPass, choicesBest}},
		juryCand{id: "E08", data: met, gradings: []string{choicesPass, choicesPass}},
		juryCand{id: "E09", data: met, late: true, gradings: []string{choicesPass}},
		juryCand{id: "E10", data: met, draft: true, gradings: []string{choicesPass}},
		juryCand{id: "E11", gradings: []string{choicesPass}},
	)

	props, err := f.s.Proposals(context.Background(), juryCode, 1)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, id string
		want     jury.Outcome
		mark     string // "" when no mark is expected
	}{
		{"grid pass", "E01", jury.OutcomePassed, "13.33"},
		{"grid fail", "E02", jury.OutcomeNotPassed, "0.00"},
		{"justified absence", "E03", jury.OutcomeAbsentJustified, ""},
		{"unjustified absence", "E04", jury.OutcomeAbsentUnjustified, ""},
		{"nothing handed in", "E05", jury.OutcomePending, ""},
		{"different gradings not reconciled", "E07", jury.OutcomePending, ""},
		{"same gradings", "E08", jury.OutcomePassed, "13.33"},
		{"late with penalty", "E09", jury.OutcomePassed, "11.33"},
		{"grading not submitted", "E10", jury.OutcomePending, ""},
		{"attendance not met", "E11", jury.OutcomeNotPassed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := props[tt.id]
			if !ok {
				t.Fatalf("no proposal for %s", tt.id)
			}
			if p.Outcome != tt.want {
				t.Fatalf("outcome = %s, want %s (reasons %q)", p.Outcome, tt.want, p.Reasons)
			}
			if tt.mark != "" {
				if got := fmt.Sprintf("%.2f", p.Mark); !p.HasMark || got != tt.mark {
					t.Fatalf("mark = %s (has %t), want %s", got, p.HasMark, tt.mark)
				}
			}
			if p.Outcome != jury.OutcomePassed && len(p.Reasons) == 0 {
				t.Fatalf("no reason given for %s", p.Outcome)
			}
		})
	}
	if _, ok := props["E06"]; ok {
		t.Fatal("a withdrawn candidate has a proposal")
	}
	if got := props["E09"].Measure; !strings.Contains(got, "2") {
		t.Fatalf("late measure = %q, want the penalty shown", got)
	}
}

func TestJuryViewHidesNamesUntilRevealed(t *testing.T) {
	f := mustJuryFixture(t, juryCredential())
	f.add(t, juryCand{id: "E01", gradings: []string{choicesPass}, accom: true, late: true})
	ctx := context.Background()

	v, err := f.s.JuryView(ctx, juryCode, 1)
	if err != nil {
		t.Fatal(err)
	}
	row := v.Rows[0]
	if row.Revealed || row.Display() != "ANON-E01" {
		t.Fatalf("before reveal, row shows %q", row.Display())
	}
	if !row.Flags.Accommodation || !row.Flags.Late {
		t.Fatalf("flags = %+v, want accommodation and late", row.Flags)
	}

	if err := f.s.RevealNames(ctx, juryCode, 1); err != nil {
		t.Fatal(err)
	}
	if err := f.s.RevealNames(ctx, juryCode, 1); err != nil {
		t.Fatal(err)
	}
	v, err = f.s.JuryView(ctx, juryCode, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.Rows[0].Display(), "Camille NomE01"; got != want {
		t.Fatalf("after reveal, row shows %q, want %q", got, want)
	}
	evs, err := f.s.Events(ctx, "deliberation/"+juryCode+"/1")
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(evs); got != "deliberation.reveal" {
		t.Fatalf("events = %s, want one reveal", got)
	}
}

// mustManyCandidates adds n graded candidates, one transaction for all.
func mustManyCandidates(tb testing.TB, f *juryFixture, n int) {
	tb.Helper()
	tx, err := f.db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	for i := range n {
		id := fmt.Sprintf("E%05d", i)
		res, err := tx.Exec(`INSERT INTO candidates (credential_id, ext_id, family_name,
				given_names, anon_code) SELECT id, ?, ?, 'Camille', ? FROM credentials`,
			id, fmt.Sprintf("Nom%05d", (i*7919)%n), fmt.Sprintf("ANON-%05d", (i*104729)%n))
		if err != nil {
			tb.Fatal(err)
		}
		cand, _ := res.LastInsertId()
		res, err = tx.Exec(`INSERT INTO submissions (candidate_id, sitting, late)
			VALUES (?, 1, ?)`, cand, i%10 == 0)
		if err != nil {
			tb.Fatal(err)
		}
		sub, _ := res.LastInsertId()
		choices := []string{choicesPass, choicesFail, choicesBest}[i%3]
		if _, err := tx.Exec(`INSERT INTO gradings (submission_id, grid_id, expert, choices,
				status, updated_at) VALUES (?, ?, 'x', ?, 2, '2025-06-01T00:00:00Z')`,
			sub, f.gridID, choices); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkDeliberationTable loads the deliberation table of 5,000
// candidates from the workspace (proposals computed from their gradings),
// then sorts it by name and by mark and filters it.
func BenchmarkDeliberationTable(b *testing.B) {
	f := mustJuryFixture(b, juryCredential())
	mustManyCandidates(b, f, 5000)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		v, err := f.s.JuryView(ctx, juryCode, 1)
		if err != nil {
			b.Fatal(err)
		}
		t := jury.NewTable(v.Rows)
		t.Sort(jury.ColumnName, false)
		t.Sort(jury.ColumnMark, true)
		if rows := t.Filter(jury.Filter{Proposed: jury.OutcomePassed, Text: "anon-01"}); len(
			rows) == 0 {
			b.Fatal("filter found nothing")
		}
	}
}
