package storage_test

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"certeval/jury"
	"certeval/storage"
)

func TestImportCandidates(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	cred := mustEnrolCredential(t, s, "MC-TAB")
	cands := parseFile(t, cred, "good.csv")
	draw := jury.AssignUniversities(cands, []string{"UPVD", "UGA"}, 42)

	if err := s.ImportCandidates(ctx, "MC-TAB", "good.csv", cands, &draw); err != nil {
		t.Fatal(err)
	}
	got, err := s.Candidates(ctx, "MC-TAB")
	if err != nil {
		t.Fatal(err)
	}
	if g, w := names(got), "Abadie,Lefèvre,N'Diaye"; g != w {
		t.Fatalf("order = %s, want %s", g, w)
	}
	code := regexp.MustCompile(`^[0-9A-Z]{4}-[0-9A-Z]{4}$`)
	for _, c := range got {
		if !code.MatchString(c.AnonCode) || c.University == "" {
			t.Errorf("%s: anonymous code %q, university %q", c.ID, c.AnonCode, c.University)
		}
	}
	if got[1].BirthDate != time.Date(1986, 7, 4, 0, 0, 0, 0, time.UTC) {
		t.Errorf("birth date = %v", got[1].BirthDate)
	}

	evs, _ := s.Events(ctx, "credential/MC-TAB")
	last := evs[len(evs)-1]
	var after map[string]any
	json.Unmarshal(last.After, &after)
	if last.Action != "candidate.import" || after["count"] != 3.0 ||
		after["file"] != "good.csv" || after["draw_seed"] != 42.0 {
		t.Fatalf("import event %s %s", last.Action, last.After)
	}
	if strings.Contains(string(last.After), "Lefèvre") {
		t.Fatalf("import event holds names: %s", last.After)
	}
}

func TestAnonCodesUseTheWorkspaceKey(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	mustEnrolCredential(t, s, "MC-TAB")
	if err := s.AddCandidate(ctx, "MC-TAB", person(1)); err != nil {
		t.Fatal(err)
	}
	key, err := s.AnonKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := s.AnonKey(ctx)
	if len(key) != 32 || string(key) != string(again) {
		t.Fatalf("key %x then %x", key, again)
	}
	c, _ := s.Candidate(ctx, "MC-TAB", person(1).ID)
	if got, want := c.AnonCode, jury.AnonCode(key, "MC-TAB", c.ID); got != want {
		t.Fatalf("anon code %s, want %s", got, want)
	}
	other := MustOpen(t)
	otherKey, _ := other.AnonKey(ctx)
	if string(otherKey) == string(key) {
		t.Fatal("two workspaces share a key")
	}
}

func TestImportAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	mustEnrolCredential(t, s, "MC-TAB")
	if err := s.ImportCandidates(ctx, "MC-TAB", "a.csv",
		[]jury.Candidate{person(1), person(2)}, nil); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Events(ctx, "")

	tests := []struct {
		name  string
		cands []jury.Candidate
		want  error
	}{
		{"last row already enrolled", []jury.Candidate{person(3), person(4), person(1)},
			storage.ErrCandidateExists},
		{"bad email in a row", []jury.Candidate{person(5), func() jury.Candidate {
			c := person(6)
			c.Email = "pas-un-courriel"
			return c
		}()}, jury.ErrCandidateInvalid},
		{"unknown credential", []jury.Candidate{person(7)}, storage.ErrNoCredential},
		{"empty", nil, storage.ErrNothingToImport},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := "MC-TAB"
			if tt.want == storage.ErrNoCredential {
				code = "NOPE"
			}
			err := s.ImportCandidates(ctx, code, "b.csv", tt.cands, nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			got, _ := s.Candidates(ctx, "MC-TAB")
			if g, w := names(got), "Nom00001,Nom00002"; g != w {
				t.Fatalf("candidates after a refused import: %s, want %s", g, w)
			}
			after, _ := s.Events(ctx, "")
			if len(after) != len(before) {
				t.Fatalf("%d events after a refused import, want %d", len(after), len(before))
			}
		})
	}
}

func TestCorrectCandidateAudited(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	mustEnrolCredential(t, s, "MC-TAB")
	c := person(1)
	c.Accommodations = []jury.Accommodation{{Kind: jury.AidOther, Detail: "dyslexie sévère"}}
	if err := s.AddCandidate(ctx, "MC-TAB", c); err != nil {
		t.Fatal(err)
	}

	fixed := c
	fixed.FamilyName = "Lefèvre"
	fixed.Accommodations = nil
	if err := s.CorrectCandidate(ctx, "MC-TAB", c.ID, fixed, " "); !errors.Is(err,
		storage.ErrReasonRequired) {
		t.Fatalf("no reason: %v", err)
	}
	if err := s.CorrectCandidate(ctx, "MC-TAB", c.ID, fixed,
		"nom mal orthographié"); err != nil {
		t.Fatal(err)
	}

	got, _ := s.Candidate(ctx, "MC-TAB", c.ID)
	if got.FamilyName != "Lefèvre" || got.AnonCode == "" {
		t.Fatalf("after correction: %+v", got)
	}
	accs, _ := s.Accommodations(ctx, "MC-TAB", c.ID)
	if len(accs) != 1 {
		t.Fatalf("correction changed accommodations: %d", len(accs))
	}

	evs, _ := s.Events(ctx, storage.CandidateEntity("MC-TAB", c.ID))
	last := evs[len(evs)-1]
	if last.Action != "candidate.correct" || last.Reason != "nom mal orthographié" ||
		string(last.Before) != `{"family_name":"Nom00001"}` ||
		string(last.After) != `{"family_name":"Lefèvre"}` {
		t.Fatalf("correction event: %s %s → %s (%s)", last.Action, last.Before, last.After,
			last.Reason)
	}
	for _, e := range evs {
		if strings.Contains(string(e.Before)+string(e.After), "dyslexie") {
			t.Fatalf("event %s holds accommodation details", e.Action)
		}
	}
}

func TestAccommodationsNeverAudited(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	mustEnrolCredential(t, s, "MC-TAB")
	c := person(1)
	s.AddCandidate(ctx, "MC-TAB", c)

	accs := []jury.Accommodation{{Kind: jury.AidExtraTime, ExtraTime: jury.Fraction{Num: 1, Den: 2},
		MedicalOpinion: "Dr Martin, 2025-03-01", Detail: "trouble visuel"}}
	if err := s.SetAccommodations(ctx, "MC-TAB", c.ID, accs, "avis médical"); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Accommodations(ctx, "MC-TAB", c.ID)
	if len(got) != 1 || got[0].Detail != "trouble visuel" {
		t.Fatalf("accommodations = %v", got)
	}
	counts, _ := s.AccommodationCounts(ctx, "MC-TAB")
	if counts[c.ID] != 1 {
		t.Fatalf("counts = %v", counts)
	}
	evs, _ := s.Events(ctx, storage.CandidateEntity("MC-TAB", c.ID))
	last := evs[len(evs)-1]
	if string(last.After) != `{"accommodation":"yes"}` {
		t.Fatalf("accommodation event after = %s", last.After)
	}

	bad := []jury.Accommodation{{Kind: jury.AidExtraTime, ExtraTime: jury.Fraction{Num: 1, Den: 2}}}
	if err := s.SetAccommodations(ctx, "MC-TAB", c.ID, bad, ""); !errors.Is(err,
		jury.ErrAccommodationInvalid) {
		t.Fatalf("half time without medical opinion: %v", err)
	}
}

func TestWithdrawIdentityConsentMilestones(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	mustEnrolCredential(t, s, "MC-TAB")
	c := person(1)
	s.AddCandidate(ctx, "MC-TAB", c)
	at := time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)

	steps := []struct {
		name string
		do   func() error
	}{
		{"withdraw", func() error { return s.WithdrawCandidate(ctx, "MC-TAB", c.ID, "abandon") }},
		{"identity", func() error {
			return s.AddIdentityCheck(ctx, "MC-TAB", c.ID, jury.IdentityCheck{Sitting: 1,
				Method: jury.MethodIDCheck, By: "Mme Roux", At: at, Result: jury.CheckVerified})
		}},
		{"consent", func() error {
			return s.SetConsent(ctx, "MC-TAB", c.ID, jury.Consent{Given: true, Date: at})
		}},
		{"milestones", func() error {
			return s.ImportMilestones(ctx, "MC-TAB", "jalons.csv", map[string][]jury.Milestone{
				c.ID: {{Label: "Atelier 1", Hours: 3, Date: at, Validated: true}}})
		}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
	}

	got, _ := s.Candidate(ctx, "MC-TAB", c.ID)
	if !got.Withdrawn || !got.IdentityVerified(1) || !got.Consent.Given ||
		len(got.Milestones) != 1 || got.Milestones[0].Hours != 3 {
		t.Fatalf("candidate = %+v", got)
	}
	evs, _ := s.Events(ctx, storage.CandidateEntity("MC-TAB", c.ID))
	var actions []string
	for _, e := range evs {
		actions = append(actions, e.Action)
	}
	if g, w := strings.Join(actions, " "),
		"candidate.add candidate.withdraw candidate.identity candidate.consent"; g != w {
		t.Fatalf("actions = %s, want %s", g, w)
	}
	err := s.ImportMilestones(ctx, "MC-TAB", "x.csv", map[string][]jury.Milestone{
		c.ID: {}, "INCONNU": {{Label: "A"}}})
	if !errors.Is(err, storage.ErrNoCandidate) {
		t.Fatalf("milestones of an unknown candidate: %v", err)
	}
}

func TestDrawUniversities(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	mustEnrolCredential(t, s, "MC-TAB")
	var cands []jury.Candidate
	for i := 1; i <= 7; i++ {
		c := person(i)
		c.University = ""
		cands = append(cands, c)
	}
	if err := s.ImportCandidates(ctx, "MC-TAB", "f.csv", cands, nil); err != nil {
		t.Fatal(err)
	}
	draw, err := s.DrawUniversities(ctx, "MC-TAB", 7)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.Candidates(ctx, "MC-TAB")
	counts := map[string]int{}
	for _, c := range got {
		counts[c.University]++
	}
	if len(draw.Assignments) != 7 || counts["UPVD"]+counts["UGA"] != 7 ||
		counts["UPVD"]-counts["UGA"] > 1 || counts["UGA"]-counts["UPVD"] > 1 {
		t.Fatalf("draw gave %v", counts)
	}
	evs, _ := s.Events(ctx, "credential/MC-TAB")
	if last := evs[len(evs)-1]; last.Action != "candidate.draw" ||
		!strings.Contains(string(last.After), `"Seed":7`) {
		t.Fatalf("draw event %s %s", last.Action, last.After)
	}
}
