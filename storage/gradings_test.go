package storage_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"certeval/grading"
	"certeval/jury"
	"certeval/rubric"
	"certeval/seal"
	"certeval/storage"
)

// deskCode is the credential of the grading tests.
const deskCode = "MC-DESK"

// deskFixture is a workspace with a credential graded blind and double
// marked, its grid, candidates and their submissions.
type deskFixture struct {
	s     *storage.Store
	grid  *rubric.Grid
	subs  []int64 // submission row ids, by candidate
	cands []jury.Candidate
}

// deskCredential returns the credential of the grading tests: blind,
// double marked with a gap of 2 levels or 3 points, mean rule.
func deskCredential() *jury.Credential {
	c := testCredential(deskCode)
	c.BlindGrading = true
	c.Competencies = []jury.Competency{{Code: "C1", Title: "Analyser"},
		{Code: "C2", Title: "Concevoir"}, {Code: "C3", Title: "Évaluer"}}
	c.DoubleMarking = jury.DoubleMarking{Enabled: true, LevelGap: 2, PointGap: 3,
		Rule: jury.MarkingMean}
	return c
}

// mustDeskFixture creates the credential, its grid and n candidates with
// a submission each, allotted to every expert given.
func mustDeskFixture(tb testing.TB, n int, experts ...string) *deskFixture {
	tb.Helper()
	ctx := context.Background()
	s := MustOpen(tb)
	s.Actor = "Claire Dubois"
	if err := s.CreateCredential(ctx, deskCredential()); err != nil {
		tb.Fatal(err)
	}
	b, err := os.ReadFile("../rubric/testdata/grille-sae-formation-hybride.json")
	if err != nil {
		tb.Fatal(err)
	}
	grid, err := rubric.ParseJSON(b)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := s.SaveGrid(ctx, deskCode, grid, storage.GridSave{}); err != nil {
		tb.Fatal(err)
	}
	grid, _, _ = s.Grid(ctx, deskCode)
	f := &deskFixture{s: s, grid: grid}
	for i := range n {
		f.cands = append(f.cands, person(i))
	}
	if err := s.ImportCandidates(ctx, deskCode, "test.csv", f.cands, nil); err != nil {
		tb.Fatal(err)
	}
	for _, c := range f.cands {
		id, err := s.EnsureSubmission(ctx, deskCode, c.ID, 1)
		if err != nil {
			tb.Fatal(err)
		}
		f.subs = append(f.subs, id)
		for _, e := range experts {
			if err := s.Allot(ctx, id, e); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return f
}

// grade records choices and the required comments of a grading and
// submits it.
func (f *deskFixture) grade(tb testing.TB, key storage.GradingKey, choices []int) {
	tb.Helper()
	ctx := context.Background()
	d := storage.Draft{Choices: choices, Comments: map[string]string{
		"c4": "Scénario cohérent.", "c7": "Travail soigné."}}
	if err := f.s.SaveDraft(ctx, key, d); err != nil {
		tb.Fatal(err)
	}
	if err := f.s.Submit(ctx, key); err != nil {
		tb.Fatal(err)
	}
}

// newExpert returns a new signing identity and its key identifier.
func newExpert(tb testing.TB, name string) (*seal.Identity, string) {
	tb.Helper()
	id, err := seal.NewIdentity(seal.Subject{Name: name, Role: "Expert pédagogique",
		Institution: "Université de Perpignan"})
	if err != nil {
		tb.Fatal(err)
	}
	return id, seal.KeyID(id.Certificate)
}

// auditActions lists every audit action of s, oldest first.
func auditActions(tb testing.TB, s *storage.Store) []string {
	tb.Helper()
	evs, err := s.Events(context.Background(), "")
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Action)
	}
	return out
}

func TestGradingSaveSubmitAmend(t *testing.T) {
	ctx := context.Background()
	f := mustDeskFixture(t, 2, "expA")
	key := storage.GradingKey{Submission: f.subs[0], Expert: "expA"}

	for c, l := range []int{2, 3, 1} {
		if err := f.s.SaveChoice(ctx, key, c, l); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.s.SaveChoice(ctx, key, 0, 4); !errors.Is(err, storage.ErrLevel) {
		t.Fatalf("level out of range: err = %v, want ErrLevel", err)
	}
	desk, err := f.s.Desk(ctx, "expA", deskCode)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(desk, func(it storage.DeskItem) bool { return it.Key == key })
	if got, want := fmt.Sprint(desk[i].Status, desk[i].Chosen, desk[i].Scored),
		"in_progress 3 6"; got != want {
		t.Fatalf("desk item = %s, want %s", got, want)
	}
	_, info, _ := f.s.Grid(ctx, deskCode)
	if !info.Frozen {
		t.Fatal("grid not frozen by the first choice")
	}

	// Submitting needs every level and the required comments.
	var se *storage.SubmitError
	if err := f.s.Submit(ctx, key); !errors.As(err, &se) ||
		!errors.Is(err, storage.ErrIncomplete) {
		t.Fatalf("submit incomplete: err = %v", err)
	}
	if got, want := fmt.Sprint(se.Missing, se.Feedback), "[3 4 5] [3 6]"; got != want {
		t.Fatalf("missing = %s, want %s", got, want)
	}
	f.grade(t, key, []int{2, 3, 1, 2, 2, 2, -1})
	if err := f.s.SaveChoice(ctx, key, 0, 0); !errors.Is(err, storage.ErrSubmitted) {
		t.Fatalf("choice after submit: err = %v, want ErrSubmitted", err)
	}

	// A change after submission needs a reason and is audited.
	d := storage.Draft{Choices: []int{3, 3, 1, 2, 2, 2, -1},
		Comments: map[string]string{"c4": "Revu.", "c7": "Travail soigné."}}
	if err := f.s.Amend(ctx, key, d, " "); !errors.Is(err, storage.ErrReasonRequired) {
		t.Fatalf("amend without reason: err = %v", err)
	}
	if err := f.s.Amend(ctx, key, d, "erreur de saisie"); err != nil {
		t.Fatal(err)
	}
	sh, err := f.s.GradingSheet(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	got, want := fmt.Sprint(sh.Grading.Choices, sh.Grading.Status), "[3 3 1 2 2 2 -1] submitted"
	if got != want {
		t.Fatalf("after amend = %s, want %s", got, want)
	}
	evs, _ := f.s.Events(ctx, storage.CandidateEntity(deskCode, f.cands[0].ID)+"/grading/expA")
	if len(evs) != 3 || evs[1].Action != "grading.submit" || evs[2].Action != "grading.change" ||
		evs[2].Reason != "erreur de saisie" || len(evs[2].Before) == 0 {
		t.Fatalf("audit = %+v", evs)
	}
}

func TestGradingBlindDeskAndReveal(t *testing.T) {
	ctx := context.Background()
	f := mustDeskFixture(t, 1, "expA")
	desk, err := f.s.Desk(ctx, "expA", deskCode)
	if err != nil {
		t.Fatal(err)
	}
	c := f.cands[0]
	if desk[0].Revealed || desk[0].Label == c.FamilyName+" "+c.GivenNames ||
		len(desk[0].Label) != 9 {
		t.Fatalf("blind desk shows %q", desk[0].Label)
	}
	if err := f.s.RevealCandidate(ctx, f.subs[0], ""); !errors.Is(err,
		storage.ErrReasonRequired) {
		t.Fatalf("reveal without reason: %v", err)
	}
	if err := f.s.RevealCandidate(ctx, f.subs[0], "recours"); err != nil {
		t.Fatal(err)
	}
	desk, _ = f.s.Desk(ctx, "expA", deskCode)
	if got, want := desk[0].Label, c.FamilyName+" "+c.GivenNames; got != want {
		t.Fatalf("revealed label = %q, want %q", got, want)
	}
	if !slices.Contains(auditActions(t, f.s), "candidate.reveal") {
		t.Fatal("reveal not audited")
	}
}

func TestGradingFilesAndBank(t *testing.T) {
	ctx := context.Background()
	f := mustDeskFixture(t, 1, "expA")
	if _, err := f.s.AddSubmissionFile(ctx, f.subs[0], "rapport.pdf", []byte("%PDF"),
		f.s.Now()); err != nil {
		t.Fatal(err)
	}
	sh, err := f.s.GradingSheet(ctx, storage.GradingKey{Submission: f.subs[0], Expert: "expA"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sh.Files) != 1 || sh.Files[0].Size != 4 || len(sh.Files[0].SHA256) != 64 {
		t.Fatalf("files = %+v", sh.Files)
	}
	b, err := f.s.SubmissionFileContent(ctx, sh.Files[0].ID)
	if err != nil || string(b) != "%PDF" {
		t.Fatalf("content = %q, %v", b, err)
	}
	for _, text := range []string{"Bien argumenté.", "À approfondir.", "Bien argumenté."} {
		if err := f.s.AddBankComment(ctx, deskCode, "c1", text); err != nil {
			t.Fatal(err)
		}
	}
	got, err := f.s.BankComments(ctx, deskCode, "c1")
	if err != nil || fmt.Sprint(got) != "[Bien argumenté. À approfondir.]" {
		t.Fatalf("bank = %q, %v", got, err)
	}
}

func TestGradingNotAllotted(t *testing.T) {
	f := mustDeskFixture(t, 1, "expA")
	key := storage.GradingKey{Submission: f.subs[0], Expert: "intrus"}
	if err := f.s.SaveChoice(context.Background(), key, 0, 1); !errors.Is(err,
		storage.ErrNoGrading) {
		t.Fatalf("err = %v, want ErrNoGrading", err)
	}
}

func TestDiscrepanciesAgreementThird(t *testing.T) {
	ctx := context.Background()
	f := mustDeskFixture(t, 3, "expA", "expB")
	pass := []int{2, 2, 2, 2, 2, 2, -1}
	for i, sub := range f.subs {
		f.grade(t, storage.GradingKey{Submission: sub, Expert: "expA"}, pass)
		other := slices.Clone(pass)
		if i == 0 {
			other[0] = 0 // a gap of 2 levels: a discrepancy
		}
		if i == 1 {
			other[0] = 1 // a gap of 1 level, under 3 points: tolerated
		}
		f.grade(t, storage.GradingKey{Submission: sub, Expert: "expB"}, other)
	}
	ds, err := f.s.Discrepancies(ctx, deskCode)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Submission != f.subs[0] ||
		ds[0].Resolution.Need != grading.NeedArbitration || len(ds[0].Gradings) != 2 {
		t.Fatalf("discrepancies = %+v", ds)
	}

	if err := f.s.RequestThirdGrading(ctx, f.subs[0], "expC", "écart de deux niveaux"); err != nil {
		t.Fatal(err)
	}
	ds, _ = f.s.Discrepancies(ctx, deskCode)
	if !ds[0].ThirdAsked {
		t.Fatal("third grading request not shown")
	}
	if desk, _ := f.s.Desk(ctx, "expC", deskCode); len(desk) != 1 {
		t.Fatalf("third expert's desk = %+v", desk)
	}

	a := grading.Agreement{Choices: []int{1, 2, 2, 2, 2, 2, -1}}
	if err := f.s.RecordAgreement(ctx, f.subs[0], a); err == nil {
		t.Fatal("agreement without a reason accepted")
	}
	a.Reason = "accord après échange"
	if err := f.s.RecordAgreement(ctx, f.subs[0], a); err != nil {
		t.Fatal(err)
	}
	if ds, _ = f.s.Discrepancies(ctx, deskCode); len(ds) != 0 {
		t.Fatalf("discrepancy still listed after agreement: %+v", ds)
	}
	got, ok, err := f.s.Agreement(ctx, f.subs[0])
	if err != nil || !ok || got.Reason != a.Reason || got.By != "Claire Dubois" {
		t.Fatalf("agreement = %+v %v %v", got, ok, err)
	}
	acts := auditActions(t, f.s)
	if !slices.Contains(acts, "grading.agree") || !slices.Contains(acts, "grading.third") {
		t.Fatalf("actions = %v", acts)
	}
}

// BenchmarkSaveChoice measures choosing a level: one durable commit. It
// reports the median and the 99th percentile besides the mean.
func BenchmarkSaveChoice(b *testing.B) {
	f := mustDeskFixture(b, 1, "expA")
	key := storage.GradingKey{Submission: f.subs[0], Expert: "expA"}
	ctx := context.Background()
	var took []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if err := f.s.SaveChoice(ctx, key, i%6, i%4); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "ms-p99")
}
