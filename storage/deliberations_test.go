package storage_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"certeval/jury"
	"certeval/storage"
)

// actions lists the actions of evs, comma-separated.
func actions(evs []storage.Event) string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Action)
	}
	return strings.Join(out, ",")
}

// decidableFixture holds four candidates whose proposals are ADM, AJ, ABJ
// and ABI, with the meeting saved.
func decidableFixture(t *testing.T) *juryFixture {
	t.Helper()
	f := mustJuryFixture(t, juryCredential())
	f.add(t,
		juryCand{id: "E01", gradings: []string{choicesPass}},
		juryCand{id: "E02", gradings: []string{choicesFail}},
		juryCand{id: "E03", absence: jury.AbsentJustified},
		juryCand{id: "E04", absence: jury.AbsentUnjustified},
	)
	if err := f.s.SaveMeeting(context.Background(), juryCode,
		juryMeeting(1, f.clock.now())); err != nil {
		t.Fatal(err)
	}
	return f
}

// outcomes returns the decided outcome of every candidate of d.
func outcomes(d *jury.Deliberation) string {
	var out []string
	for _, id := range d.Candidates() {
		out = append(out, id+"="+string(d.Decisions[id].Outcome))
	}
	return strings.Join(out, " ")
}

// vote2 is a vote of the two members present for a departure.
func vote2() *jury.Vote { return &jury.Vote{For: 2} }

func TestDeliberationLifecycle(t *testing.T) {
	f := decidableFixture(t)
	ctx := context.Background()
	s := f.s

	d, err := s.StartDeliberation(ctx, juryCode, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := outcomes(d), "E01= E02= E03= E04="; got != want {
		t.Fatalf("started with %s, want %s", got, want)
	}
	if err := s.AcceptAllProposals(ctx, juryCode, 1); err != nil {
		t.Fatal(err)
	}
	err = s.OverrideDecision(ctx, juryCode, 1, "E02", jury.OutcomePassed, " ", vote2())
	if !errors.Is(err, jury.ErrReasonRequired) {
		t.Fatalf("override without reason: %v, want ErrReasonRequired", err)
	}
	if err := s.OverrideDecision(ctx, juryCode, 1, "E02", jury.OutcomePassed,
		"Travail de qualité ; un critère mal lu par l'expert.", vote2()); err != nil {
		t.Fatal(err)
	}

	f.clock.add(time.Hour)
	closed, err := s.CloseDeliberation(ctx, juryCode, 1, "Claire Dubois", juryIdentity(t))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := outcomes(closed), "E01=ADM E02=ADJ E03=ABJ E04=ABI"; got != want {
		t.Fatalf("closed with %s, want %s", got, want)
	}
	cert, err := s.VerifyDeliberation(ctx, juryCode, 1, 1)
	if err != nil {
		t.Fatalf("verify closed version: %v", err)
	}
	if got := cert.Subject.CommonName; got != "Claire Dubois" {
		t.Fatalf("signed by %q", got)
	}

	f.clock.add(time.Hour)
	if _, err := s.ReopenDeliberation(ctx, juryCode, 1, ""); !errors.Is(err,
		jury.ErrReasonRequired) {
		t.Fatalf("reopen without reason: %v, want ErrReasonRequired", err)
	}
	v2, err := s.ReopenDeliberation(ctx, juryCode, 1, "Erreur de saisie pour E04.")
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || v2.Replaces != 1 || v2.State != jury.Open {
		t.Fatalf("reopened as version %d replacing %d, state %d", v2.Version, v2.Replaces,
			v2.State)
	}
	if err := s.OverrideDecision(ctx, juryCode, 1, "E04", jury.OutcomeAbsentJustified,
		"Justificatif reçu avant la délibération.", vote2()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CloseDeliberation(ctx, juryCode, 1, "Claire Dubois",
		juryIdentity(t)); err != nil {
		t.Fatal(err)
	}

	// Both versions stay on record, each matching its signature.
	all, err := s.Deliberations(ctx, juryCode, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || outcomes(all[0]) != "E01=ADM E02=ADJ E03=ABJ E04=ABI" ||
		outcomes(all[1]) != "E01=ADM E02=ADJ E03=ABJ E04=ABJ" {
		t.Fatalf("versions: %d", len(all))
	}
	for v := 1; v <= 2; v++ {
		if _, err := s.VerifyDeliberation(ctx, juryCode, 1, v); err != nil {
			t.Fatalf("verify version %d: %v", v, err)
		}
	}
}

func TestClosedDeliberationCannotChange(t *testing.T) {
	f := decidableFixture(t)
	ctx := context.Background()
	s := f.s
	if _, err := s.StartDeliberation(ctx, juryCode, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.AcceptAllProposals(ctx, juryCode, 1); err != nil {
		t.Fatal(err)
	}
	closed, err := s.CloseDeliberation(ctx, juryCode, 1, "Claire Dubois", juryIdentity(t))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		change func() error
	}{
		{"accept", func() error { return s.AcceptProposals(ctx, juryCode, 1, "E01") }},
		{"accept all", func() error { return s.AcceptAllProposals(ctx, juryCode, 1) }},
		{"override", func() error {
			return s.OverrideDecision(ctx, juryCode, 1, "E02", jury.OutcomePassed,
				"motif", vote2())
		}},
		{"close again", func() error {
			_, err := s.CloseDeliberation(ctx, juryCode, 1, "Claire Dubois", juryIdentity(t))
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.change(); !errors.Is(err, jury.ErrClosed) {
				t.Fatalf("error = %v, want jury.ErrClosed", err)
			}
		})
	}

	// Nor behind the application's back: the schema refuses it.
	db := s.DB()
	if _, err := db.Exec(`UPDATE deliberations SET data = '{}' WHERE version = 1`); err == nil {
		t.Fatal("a closed version was updated in SQL")
	}
	if _, err := db.Exec(`DELETE FROM deliberations WHERE version = 1`); err == nil {
		t.Fatal("a closed version was deleted in SQL")
	}

	// A new meeting and new proposals leave it as it was.
	if err := s.SaveMeeting(ctx, juryCode, juryMeeting(1, f.clock.days(1))); err != nil {
		t.Fatal(err)
	}
	f.exec(t, `UPDATE submissions SET absence = 0 WHERE candidate_id =
		(SELECT id FROM candidates WHERE ext_id = 'E04')`)
	again, err := s.StartDeliberation(ctx, juryCode, 1)
	if err != nil {
		t.Fatal(err)
	}
	if again.Version != 1 || again.Fingerprint != closed.Fingerprint || again.Verify() != nil {
		t.Fatalf("closed version changed: version %d, fingerprint %s", again.Version,
			again.Fingerprint)
	}
}

func TestCloseRefusals(t *testing.T) {
	f := decidableFixture(t)
	ctx := context.Background()
	s := f.s
	if _, err := s.StartDeliberation(ctx, juryCode, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CloseDeliberation(ctx, juryCode, 1, "Claire Dubois", nil); !errors.Is(err,
		storage.ErrNoIdentity) {
		t.Fatalf("close unsigned: %v, want ErrNoIdentity", err)
	}
	_, err := s.CloseDeliberation(ctx, juryCode, 1, "Claire Dubois", juryIdentity(t))
	if !errors.Is(err, jury.ErrUndecided) {
		t.Fatalf("close undecided: %v, want ErrUndecided", err)
	}

	// Without quorum, nothing can be decided.
	m := juryMeeting(1, f.clock.now())
	m.Members[1].Present = false
	if err := s.SaveMeeting(ctx, juryCode, m); err != nil {
		t.Fatal(err)
	}
	if err := s.AcceptAllProposals(ctx, juryCode, 1); !errors.Is(err, jury.ErrNoQuorum) {
		t.Fatalf("accept without quorum: %v, want ErrNoQuorum", err)
	}
	if _, err := s.ReopenDeliberation(ctx, juryCode, 1, "motif"); !errors.Is(err,
		jury.ErrNotClosed) {
		t.Fatalf("reopen an open deliberation: %v, want ErrNotClosed", err)
	}
}

func TestAuditHoldsEveryStep(t *testing.T) {
	f := decidableFixture(t)
	ctx := context.Background()
	s := f.s
	id := juryIdentity(t)
	steps := []func() error{
		func() error { _, err := s.StartDeliberation(ctx, juryCode, 1); return err },
		func() error { return s.AcceptProposals(ctx, juryCode, 1, "E01", "E03") },
		func() error { return s.AcceptAllProposals(ctx, juryCode, 1) },
		func() error {
			return s.OverrideDecision(ctx, juryCode, 1, "E02", jury.OutcomePassed,
				"Erreur de barème.", &jury.Vote{For: 1, Against: 1, CastingVote: new(true)})
		},
		func() error { _, err := s.CloseDeliberation(ctx, juryCode, 1, "C. D.", id); return err },
		func() error {
			_, err := s.ReopenDeliberation(ctx, juryCode, 1, "Pièce nouvelle.")
			return err
		},
		func() error { _, err := s.CloseDeliberation(ctx, juryCode, 1, "C. D.", id); return err },
	}
	for i, step := range steps {
		f.clock.add(time.Minute)
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	f.clock.add(48 * time.Hour)
	rec, err := s.FileAppeal(ctx, juryCode, jury.Appeal{Candidate: "E04",
		Filed: f.clock.now(), Grounds: "J'étais hospitalisé."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideAppeal(ctx, juryCode, rec.ID, true, jury.OutcomeAbsentJustified,
		"Certificat d'hospitalisation produit.", id); err != nil {
		t.Fatal(err)
	}

	evs, err := s.Events(ctx, "deliberation/"+juryCode+"/1")
	if err != nil {
		t.Fatal(err)
	}
	want := "deliberation.meeting,deliberation.start,deliberation.accept," +
		"deliberation.accept,deliberation.accept_all,deliberation.override," +
		"deliberation.close,deliberation.reopen,deliberation.close,deliberation.appeal," +
		"deliberation.reopen,deliberation.close,deliberation.appeal_uphold"
	if got := actions(evs); got != want {
		t.Fatalf("actions:\n got %s\nwant %s", got, want)
	}
	override := evs[5]
	for _, part := range []string{`"outcome":"ADJ"`, `"For":1`, `"Against":1`,
		`"CastingVote":true`} {
		if !strings.Contains(string(override.After), part) {
			t.Errorf("override event %s lacks %s", override.After, part)
		}
	}
	if override.Reason != "Erreur de barème." || !strings.Contains(string(override.Before),
		`"outcome":"AJ"`) {
		t.Errorf("override event: reason %q, before %s", override.Reason, override.Before)
	}
	if evs[7].Reason != "Pièce nouvelle." {
		t.Errorf("reopen reason = %q", evs[7].Reason)
	}
	n, err := s.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n < int64(len(evs)) {
		t.Fatalf("VerifyAudit checked %d events, want at least %d", n, len(evs))
	}
}

func TestAppeals(t *testing.T) {
	f := decidableFixture(t)
	ctx := context.Background()
	s := f.s
	id := juryIdentity(t)
	if _, err := s.StartDeliberation(ctx, juryCode, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.AcceptAllProposals(ctx, juryCode, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FileAppeal(ctx, juryCode, jury.Appeal{Candidate: "E02",
		Filed: f.clock.now(), Grounds: "motif"}); !errors.Is(err, jury.ErrNotClosed) {
		t.Fatalf("appeal on an open deliberation: %v, want ErrNotClosed", err)
	}
	if _, err := s.CloseDeliberation(ctx, juryCode, 1, "C. D.", id); err != nil {
		t.Fatal(err)
	}

	// One in time, one late: both recorded, the late one flagged.
	inTime, err := s.FileAppeal(ctx, juryCode, jury.Appeal{Candidate: "E02",
		Filed: f.clock.days(3), Grounds: "Erreur de calcul."})
	if err != nil {
		t.Fatal(err)
	}
	late, err := s.FileAppeal(ctx, juryCode, jury.Appeal{Candidate: "E04",
		Filed: f.clock.days(20), Grounds: "Absence justifiée."})
	if err != nil {
		t.Fatal(err)
	}
	if inTime.Late || !late.Late || late.DaysLate != 5 {
		t.Fatalf("late flags: in time %t, late %t (%d days)", inTime.Late, late.Late,
			late.DaysLate)
	}
	props, err := s.Proposals(ctx, juryCode, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := props["E02"].Outcome; got != jury.OutcomePending {
		t.Fatalf("proposal under appeal = %s, want ATT", got)
	}

	// Rejected: nothing changes. Upheld: a new closed, signed version.
	f.clock.add(24 * time.Hour)
	if _, err := s.DecideAppeal(ctx, juryCode, late.ID, false, "", "Hors délai.",
		nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideAppeal(ctx, juryCode, late.ID, false, "", "x", nil); !errors.Is(err,
		storage.ErrAppealDecided) {
		t.Fatalf("second decision: %v, want ErrAppealDecided", err)
	}
	up, err := s.DecideAppeal(ctx, juryCode, inTime.ID, true, jury.OutcomePassed,
		"Erreur de report de note.", id)
	if err != nil {
		t.Fatal(err)
	}
	if up.NewVersion != 2 {
		t.Fatalf("new version = %d, want 2", up.NewVersion)
	}
	all, err := s.Deliberations(ctx, juryCode, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := outcomes(all[1]), "E01=ADM E02=ADM E03=ABJ E04=ABI"; got != want {
		t.Fatalf("after appeal: %s, want %s", got, want)
	}
	if all[0].Decisions["E02"].Outcome != jury.OutcomeNotPassed || !all[1].Decisions["E02"].ByAppeal {
		t.Fatal("the contested version changed, or the new one does not say why")
	}
	if _, err := s.VerifyDeliberation(ctx, juryCode, 1, 2); err != nil {
		t.Fatalf("verify appeal version: %v", err)
	}

	reg, err := s.Appeals(ctx, juryCode)
	if err != nil {
		t.Fatal(err)
	}
	statuses := []jury.AppealStatus{reg[0].Status, reg[1].Status}
	if !slices.Equal(statuses, []jury.AppealStatus{jury.AppealUpheld, jury.AppealRejected}) {
		t.Fatalf("register statuses = %v", statuses)
	}
}

func TestResitAndFinalOutcomes(t *testing.T) {
	f := decidableFixture(t)
	ctx := context.Background()
	s := f.s
	id := juryIdentity(t)
	if _, err := s.EnrolResit(ctx, juryCode); !errors.Is(err, storage.ErrNoDeliberation) {
		t.Fatalf("resit before deliberation: %v", err)
	}
	if _, err := s.StartDeliberation(ctx, juryCode, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.AcceptAllProposals(ctx, juryCode, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EnrolResit(ctx, juryCode); !errors.Is(err, jury.ErrNotClosed) {
		t.Fatalf("resit before closing: %v, want ErrNotClosed", err)
	}
	if _, err := s.CloseDeliberation(ctx, juryCode, 1, "C. D.", id); err != nil {
		t.Fatal(err)
	}

	ids, err := s.EnrolResit(ctx, juryCode)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(ids, ","), "E02,E03"; got != want {
		t.Fatalf("resit candidates = %s, want %s", got, want)
	}
	if _, err := s.EnrolResit(ctx, juryCode); err != nil {
		t.Fatalf("enrol twice: %v", err)
	}

	// E02 does better at the resit; E03 is still waiting.
	f.exec(t, `INSERT INTO gradings (submission_id, grid_id, expert, choices, status,
			updated_at)
		SELECT s.id, ?, 'expert', ?, 2, '2025-07-10T00:00:00Z'
		FROM submissions s JOIN candidates c ON c.id = s.candidate_id
		WHERE c.ext_id = 'E02' AND s.sitting = 2`, f.gridID, choicesPass)
	f.exec(t, `UPDATE submissions SET absence = 1 WHERE sitting = 2 AND candidate_id =
		(SELECT id FROM candidates WHERE ext_id = 'E03')`)
	if err := s.SaveMeeting(ctx, juryCode, juryMeeting(2, f.clock.days(14))); err != nil {
		t.Fatal(err)
	}
	d2, err := s.StartDeliberation(ctx, juryCode, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(d2.Candidates(), ","), "E02,E03"; got != want {
		t.Fatalf("resit deliberation holds %s, want %s", got, want)
	}
	if err := s.AcceptAllProposals(ctx, juryCode, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CloseDeliberation(ctx, juryCode, 2, "C. D.", id); err != nil {
		t.Fatal(err)
	}

	final, err := s.FinalOutcomes(ctx, juryCode)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id   string
		want jury.Outcome
	}{
		{"E01", jury.OutcomePassed},
		{"E02", jury.OutcomePassed},
		{"E03", jury.OutcomeAbsentJustified},
		{"E04", jury.OutcomeAbsentUnjustified},
	}
	for _, tt := range tests {
		fr := final[tt.id]
		if fr.Final.Outcome != tt.want || fr.Reason == "" {
			t.Errorf("%s: final %s (%q), want %s", tt.id, fr.Final.Outcome, fr.Reason, tt.want)
		}
	}
}
