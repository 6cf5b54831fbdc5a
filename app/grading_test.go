package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"certeval/grading"
	"certeval/jury"
	"certeval/rubric"
	"certeval/storage"
)

// gradingCode is the credential of the grading desk's tests.
const gradingCode = "MC-FHA"

// gradingWorkspace creates a workspace with a blind, double-marked
// credential, its grid and n candidates allotted to experts expA and
// expB, and returns its path and the submissions.
func gradingWorkspace(t testing.TB, n int) (string, []int64) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.certeval")
	s, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := &jury.Credential{Code: gradingCode, Title: "Concevoir une formation hybride",
		BlindGrading: true, DoubleMarking: jury.DoubleMarking{Enabled: true, LevelGap: 2,
			PointGap: 3, Rule: jury.MarkingMean}}
	for _, code := range []string{"C1", "C2", "C3"} {
		c.Competencies = append(c.Competencies, jury.Competency{Code: code, Title: code})
	}
	if err := s.CreateCredential(ctx, c); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../rubric/testdata/grille-sae-formation-hybride.json")
	if err != nil {
		t.Fatal(err)
	}
	g, err := rubric.ParseJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveGrid(ctx, gradingCode, g, storage.GridSave{}); err != nil {
		t.Fatal(err)
	}
	var cands []jury.Candidate
	for i := range n {
		cands = append(cands, jury.Candidate{ID: fmt.Sprintf("E%03d", i),
			FamilyName: fmt.Sprintf("Martin%03d", i), GivenNames: "Léa",
			Email: "lea@example.fr", BirthDate: time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC)})
	}
	if err := s.ImportCandidates(ctx, gradingCode, "test.csv", cands, nil); err != nil {
		t.Fatal(err)
	}
	var subs []int64
	for _, cand := range cands {
		sub, err := s.EnsureSubmission(ctx, gradingCode, cand.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range []string{"expA", "expB"} {
			if err := s.Allot(ctx, sub, e); err != nil {
				t.Fatal(err)
			}
		}
		subs = append(subs, sub)
	}
	return path, subs
}

// openGradingArea opens the workspace and shows the grading desk.
func openGradingArea(t *testing.T, path string) (*ui, *gradingArea) {
	t.Helper()
	u := newTestUI(t, Options{DBPath: path}, nil)
	for i, a := range u.areas {
		if g, ok := a.(*gradingArea); ok {
			u.show(i)
			return u, g
		}
	}
	t.Fatal("no grading area")
	return nil, nil
}

// ctrlKey is the shortcut Ctrl+key as the window delivers it.
func ctrlKey(k fyne.KeyName) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
}

// focusedKeys returns the object that has the keyboard.
func focused(t *testing.T, w fyne.Window) fyne.Focusable {
	t.Helper()
	f := w.Canvas().Focused()
	if f == nil {
		t.Fatal("nothing has the keyboard")
	}
	return f
}

func TestGradingDeskKeyboardOnly(t *testing.T) {
	path, _ := gradingWorkspace(t, 3)
	u, a := openGradingArea(t, path)
	w := u.win
	if got, want := a.expert(), "expA"; got != want {
		t.Fatalf("expert = %q, want %q", got, want)
	}
	if onScreen(w, "Martin000 Léa") {
		t.Fatal("blind desk shows a name")
	}

	// Open the first submission from the list, with the keyboard.
	w.Canvas().Focus(a.list)
	a.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if a.page.sheet == nil || focused(t, w) != a.page.keys {
		t.Fatal("the candidate page did not open with the keyboard on the matrix")
	}

	// Choose a level on each scored criterion: 3, then J, Down or K.
	keys := focused(t, w)
	for _, r := range []rune{'3', 'j', '3', 'j', '4', 'j', '3', 'j', '2', 'k', '3', 'j', '3'} {
		keys.TypedRune(r)
	}
	keys.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	keys.TypedRune('3')
	keys.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	keys.TypedRune('3') // the feedback-only criterion has no level
	first := a.page.key()
	want := []int{2, 2, 3, 2, 2, 2, -1}
	if !slices.Equal(a.page.g.Choices, want) {
		t.Fatalf("choices = %v, want %v", a.page.g.Choices, want)
	}
	if !containing(w, "Total : ") {
		t.Fatalf("no running total: %q", screen(w))
	}

	// Ctrl+Enter refuses while required comments are missing.
	keys.(fyne.Shortcutable).TypedShortcut(ctrlKey(fyne.KeyReturn))
	if !containing(w, "commentaire obligatoire pour") {
		t.Fatalf("missing comments not said: %q", screen(w))
	}
	w.Canvas().Overlays().Top().(interface{ Hide() }).Hide()

	// Comments, typed; then Ctrl+Enter from the comment field submits.
	for i, c := range a.page.sheet.Grid.Criteria {
		if c.Feedback == rubric.FeedbackRequired {
			test.Type(a.page.views[i].comment, "Argumentation solide.")
		}
	}
	w.Canvas().Focus(a.page.views[3].comment)
	focused(t, w).(fyne.Shortcutable).TypedShortcut(ctrlKey(fyne.KeyReturn))
	st := sheetOf(t, a, first.Submission, "expA")
	if st.Grading.Status != grading.Submitted || !slices.Equal(st.Grading.Choices, want) ||
		st.Grading.Comments["c7"] != "Argumentation solide." {
		t.Fatalf("saved grading = %+v", st.Grading)
	}

	// A change after submission asks a reason, then is recorded.
	a.page.focus()
	keys = focused(t, w)
	keys.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
	keys.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
	keys.TypedRune('4')
	test.Type(focused(t, w), "erreur de saisie")
	tapText(t, w, "Valider")
	st = sheetOf(t, a, first.Submission, "expA")
	if got := st.Grading.Choices[4]; got != 3 {
		t.Fatalf("changed level = %d, want 3", got)
	}
	evs, err := a.env.store.Events(a.env.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Action != "grading.change" || last.Reason != "erreur de saisie" {
		t.Fatalf("last event = %s %q", last.Action, last.Reason)
	}

	// Ctrl+Z undoes it, with the same reason.
	focused(t, w).(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutUndo{})
	if got := sheetOf(t, a, first.Submission, "expA").Grading.Choices[4]; got != 2 {
		t.Fatalf("after undo level = %d, want 2", got)
	}

	// Ctrl+Right and PageDown move to the next candidates.
	focused(t, w).(fyne.Shortcutable).TypedShortcut(ctrlKey(fyne.KeyRight))
	if got, want := a.page.key(), a.items[a.shown[1]].Key; got != want {
		t.Fatalf("Ctrl+Right opened %v, want %v", got, want)
	}
	focused(t, w).TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageDown})
	if got, want := a.page.key(), a.items[a.shown[2]].Key; got != want {
		t.Fatalf("PageDown opened %v, want %v", got, want)
	}
	if !containing(w, "1 remises sur 3") {
		t.Fatalf("progress not shown: %q", screen(w))
	}
}

// sheetOf reads one grading from the workspace.
func sheetOf(t *testing.T, a *gradingArea, sub int64, expert string) *storage.Sheet {
	t.Helper()
	sh, err := a.env.store.GradingSheet(a.env.ctx, storage.GradingKey{Submission: sub,
		Expert: expert})
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

// gradeDirect records and submits a grading through the workspace.
func gradeDirect(t testing.TB, s *storage.Store, sub int64, expert string, choices []int) {
	t.Helper()
	ctx := context.Background()
	key := storage.GradingKey{Submission: sub, Expert: expert}
	d := storage.Draft{Choices: choices, Comments: map[string]string{"c4": "Bien.",
		"c7": "Bien."}}
	if err := s.SaveDraft(ctx, key, d); err != nil {
		t.Fatal(err)
	}
	if err := s.Submit(ctx, key); err != nil {
		t.Fatal(err)
	}
}

func TestGradingReconcileDiscrepancy(t *testing.T) {
	path, subs := gradingWorkspace(t, 2)
	s, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	gradeDirect(t, s, subs[0], "expA", []int{3, 2, 2, 2, 2, 2, -1})
	gradeDirect(t, s, subs[0], "expB", []int{0, 2, 2, 2, 2, 2, -1})
	gradeDirect(t, s, subs[1], "expA", []int{2, 2, 2, 2, 2, 2, -1})
	gradeDirect(t, s, subs[1], "expB", []int{2, 2, 2, 2, 2, 2, -1})
	s.Close()

	u, a := openGradingArea(t, path)
	w := u.win
	a.tabs.SelectIndex(1)
	if got := len(a.recon.items); got != 1 {
		t.Fatalf("discrepancies = %d, want 1", got)
	}
	a.recon.list.Select(0)
	if !onScreen(w, "4 · Maîtrisé") || !onScreen(w, "1 · Non acquis") {
		t.Fatalf("levels not side by side: %q", screen(w))
	}
	a.recon.agreed[0].SetSelectedIndex(1)
	tapText(t, w, "Enregistrer la correction concertée")
	if !containing(w, "motif") {
		t.Fatalf("agreement without reason not refused: %q", screen(w))
	}
	w.Canvas().Overlays().Top().(interface{ Hide() }).Hide()
	test.Type(a.recon.reason, "accord après échange entre les expert·es")
	tapText(t, w, "Enregistrer la correction concertée")
	ag, ok, err := a.env.store.Agreement(a.env.ctx, subs[0])
	if err != nil || !ok || ag.Choices[0] != 1 {
		t.Fatalf("agreement = %+v, %v, %v", ag, ok, err)
	}
	if len(a.recon.items) != 0 {
		t.Fatal("the reconciled submission is still listed")
	}
}

// BenchmarkNextCandidate measures moving to the next candidate: reading
// the grading and building its page, with the test driver.
func BenchmarkNextCandidate(b *testing.B) {
	path, _ := gradingWorkspace(b, 50)
	a := test.NewTempApp(b)
	a.Preferences().SetString(prefLanguage, "fr")
	w := a.NewWindow("bench")
	u := newUI(a, w, Options{DBPath: path})
	b.Cleanup(func() { u.close(); w.Close() })
	var g *gradingArea
	for i, ar := range u.areas {
		if ga, ok := ar.(*gradingArea); ok {
			u.show(i)
			g = ga
		}
	}
	g.list.Select(0)
	b.ResetTimer()
	for b.Loop() {
		if g.selected == len(g.shown)-1 {
			g.list.Select(0)
			continue
		}
		g.move(1)
	}
}
