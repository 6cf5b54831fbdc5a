package app

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/jury"
	"certeval/storage"
)

// newGridTest opens a workspace holding credential MC-G (competency C1)
// and shows its grid editor in a test window.
func newGridTest(t *testing.T) (*gridEditor, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	i18n.SetLanguage("fr")
	s, err := storage.Open(filepath.Join(t.TempDir(), "w.certeval"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c := &jury.Credential{Code: "MC-G", Title: "Grilles",
		Competencies: []jury.Competency{{Code: "C1", Title: "Analyser"}}}
	if err := s.CreateCredential(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	w := a.NewWindow("grid")
	w.Resize(fyne.NewSize(1200, 800))
	u := &ui{app: a, win: w}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ed := newGridEditor(&env{store: s, win: w, ctx: ctx, cancel: cancel, shell: u}, "MC-G")
	w.SetContent(ed.Content())
	ed.rebuild() // focus needs the fields in the window
	return ed, w
}

// pressGrid sends a shortcut to the focused field, as the desktop driver does.
func pressGrid(t *testing.T, w fyne.Window, s fyne.Shortcut) {
	t.Helper()
	f, ok := w.Canvas().Focused().(fyne.Shortcutable)
	if !ok {
		t.Fatalf("focused %T does not take shortcuts", w.Canvas().Focused())
	}
	f.TypedShortcut(s)
}

// typeGridFocused types text into the focused field.
func typeGridFocused(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	f := w.Canvas().Focused()
	if f == nil {
		t.Fatal("nothing focused")
	}
	test.Type(f, text)
}

// tapGridButton taps the button of the window or its dialogs labelled text,
// or the dialog's confirm button when text is empty.
func tapGridButton(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	var found *widget.Button
	find := func(o fyne.CanvasObject) {
		b, ok := o.(*widget.Button)
		if ok && (b.Text == text || text == "" && b.Importance == widget.HighImportance) {
			found = b
		}
	}
	walk(w.Content(), find)
	for _, o := range w.Canvas().Overlays().List() {
		walk(o, find)
	}
	if found == nil {
		t.Fatalf("no button %q on %q", text, screen(w))
	}
	test.Tap(found)
}

func TestGridEditorKeyboard(t *testing.T) {
	ed, w := newGridTest(t)
	g := ed.grid

	// A new grid starts with one empty criterion, focused.
	typeGridFocused(t, w, "Analyse de la commande")
	if got := g.Criteria[0].Label; got != "Analyse de la commande" {
		t.Fatalf("label = %q", got)
	}
	if want := i18n.T("rubric.problem.competency_missing", "C1"); !strings.Contains(
		ed.problems.Text, want) {
		t.Fatalf("problems %q lack %q", ed.problems.Text, want)
	}

	// Two levels from the keyboard, the second one named.
	pressGrid(t, w, scAddLevel)
	pressGrid(t, w, scAddLevel)
	typeGridFocused(t, w, " acquis")
	if got := len(ed.grid.Criteria[0].Levels); got != 2 {
		t.Fatalf("%d levels", got)
	}
	if got := ed.grid.Criteria[0].Levels[1]; got.Label != "Niveau 2 acquis" || got.Points != 1 {
		t.Fatalf("level 2 = %+v", got)
	}
	selectGridOption(t, w, "C1")

	// A second criterion takes the levels of the first; then it moves up.
	pressGrid(t, w, scAddCriterion)
	typeGridFocused(t, w, "Scénario")
	pressGrid(t, w, scUp)
	if got := criterionLabels(ed); !slices.Equal(got, []string{"Scénario", "Analyse de la commande"}) {
		t.Fatalf("criteria %v", got)
	}
	if ed.problems.Text != i18n.T("grids.problems.none") {
		t.Fatalf("problems: %s", ed.problems.Text)
	}

	// Duplicated, then the copy removed after confirming.
	pressGrid(t, w, scDupCriterion)
	if got := len(ed.grid.Criteria); got != 3 {
		t.Fatalf("%d criteria after duplicate", got)
	}
	pressGrid(t, w, scDelCriterion)
	tapGridButton(t, w, "")
	if got := criterionLabels(ed); !slices.Equal(got, []string{"Scénario", "Analyse de la commande"}) {
		t.Fatalf("criteria after removal %v", got)
	}

	// Saved from the keyboard as version 1.
	pressGrid(t, w, scSave)
	vs, err := ed.env.store.GridVersions(context.Background(), "MC-G")
	if err != nil || len(vs) != 1 {
		t.Fatalf("versions %v, %v", vs, err)
	}
}

// selectGridOption picks option in the first select that offers it.
func selectGridOption(t *testing.T, w fyne.Window, option string) {
	t.Helper()
	var sel *widget.Select
	walk(w.Content(), func(o fyne.CanvasObject) {
		if s, ok := o.(*widget.Select); ok && sel == nil && slices.Contains(s.Options, option) {
			sel = s
		}
	})
	if sel == nil {
		t.Fatalf("no select offers %q", option)
	}
	sel.SetSelected(option)
}

func criterionLabels(ed *gridEditor) []string {
	var out []string
	for _, c := range ed.grid.Criteria {
		out = append(out, c.Label)
	}
	return out
}

func TestGridEditorFrozenNewVersion(t *testing.T) {
	ed, w := newFrozenGridTest(t)
	ctx := context.Background()
	if want := i18n.T("grids.status.frozen", 1, 0, 2); ed.status.Text != want {
		t.Fatalf("status %q, want %q", ed.status.Text, want)
	}

	// Editing a descriptor and saving asks what becomes of the gradings.
	typeGridFocused(t, w, " de la commande")
	pressGrid(t, w, scSave)
	if ed.carry == nil {
		t.Fatal("no carry-over question")
	}
	ed.carry.choice.SetSelected(i18n.T("grids.carry.over"))
	test.Type(ed.carry.reason, "intitulé précisé")
	tapGridButton(t, w, i18n.T("grids.carry.confirm"))

	vs, err := ed.env.store.GridVersions(ctx, "MC-G")
	if err != nil || len(vs) != 2 || vs[1].Version != 2 {
		t.Fatalf("versions %+v, %v", vs, err)
	}
	evs, err := ed.env.store.Events(ctx, "grid/MC-G")
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	var after map[string]any
	json.Unmarshal(last.After, &after)
	if last.Action != "grid.version" || last.Reason != "intitulé précisé" ||
		after["carry"] != "carry_over" {
		t.Fatalf("last event %s %q %s", last.Action, last.Reason, last.After)
	}
	if ed.info.Version != 2 || ed.grid.Criteria[0].Label != "Analyse de la commande" {
		t.Fatalf("editor on v%d %q", ed.info.Version, ed.grid.Criteria[0].Label)
	}
}

func TestGridEditorPreviewHidesGuidance(t *testing.T) {
	ed, _ := newGridTest(t)
	ed.grid.Criteria[0].Label = "Analyse"
	ed.grid.Criteria[0].Guidance = "secret des correcteurs"
	ed.grid.Criteria[0].Description = "Le besoin est reformulé."
	ed.changed()
	all := strings.Join(texts(ed.preview), "\n")
	if strings.Contains(all, "secret") || !strings.Contains(all, "Le besoin est reformulé.") {
		t.Fatalf("preview:\n%s", all)
	}
}

func TestGridEditorScaleAndPrint(t *testing.T) {
	ed, w := newGridTest(t)
	typeGridFocused(t, w, "Analyse")
	tapGridButton(t, w, i18n.T("grids.action.scale"))
	if got := len(ed.grid.Criteria[0].Levels); got != 4 {
		t.Fatalf("%d levels after the four-level scale", got)
	}
	// The rules offer the scale's levels as the mastery required.
	var last *widget.Select
	walk(w.Content(), func(o fyne.CanvasObject) {
		if s, ok := o.(*widget.Select); ok && len(s.Options) == 4 {
			last = s
		}
	})
	last.SetSelected("3. " + i18n.T("rubric.scale.acquired"))
	if got := ed.grid.Rules.MinMastery; got != 2 {
		t.Fatalf("mastery required = %d, want 2", got)
	}

	// The blank grid of what is on screen, for experts grading on paper.
	pdf, err := BlankGridPDF(ed.grid, ed.cred)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
}

func TestGridEditorSaveDraft(t *testing.T) {
	ed, w := newGridTest(t)
	ctx := context.Background()

	// A criterion with two levels but no competency: one problem left.
	typeGridFocused(t, w, "Analyse")
	pressGrid(t, w, scAddLevel)
	pressGrid(t, w, scAddLevel)
	n := len(ed.problemList())
	if n == 0 || ed.badge.Visible() {
		t.Fatalf("%d problems, badge shown %t", n, ed.badge.Visible())
	}

	// Saving offers a draft, which the expert accepts.
	pressGrid(t, w, scSave)
	if ed.draftAsk == nil {
		t.Fatal("no draft question")
	}
	if want := i18n.T("grids.draft.intro", n); !onScreen(w, want) {
		t.Fatalf("dialog does not say %q: %q", want, screen(w))
	}
	tapGridButton(t, w, i18n.T("grids.draft.confirm"))
	vs, err := ed.env.store.GridVersions(ctx, "MC-G")
	if err != nil || len(vs) != 1 || !vs[0].Draft || len(vs[0].Problems) != n {
		t.Fatalf("versions %+v, %v", vs, err)
	}

	// Reloaded, the editor shows the badge and lists the problems.
	ed.Refresh()
	want := i18n.T("rubric.problem.competency_missing", "C1")
	if !ed.badge.Visible() || ed.badge.Text != i18n.T("grids.badge.draft") ||
		!strings.Contains(ed.problems.Text, want) || ed.grid.Criteria[0].Label != "Analyse" {
		t.Fatalf("badge %t %q, problems %q", ed.badge.Visible(), ed.badge.Text, ed.problems.Text)
	}
	if got := ed.status.Text; got != i18n.T("grids.status.saved_draft", 1, n) {
		t.Fatalf("status %q", got)
	}

	// Fixed and saved, the version is no longer a draft.
	selectGridOption(t, w, "C1")
	pressGrid(t, w, scSave)
	_, info, err := ed.env.store.Grid(ctx, "MC-G")
	if err != nil || info.Draft || info.Version != 1 {
		t.Fatalf("after fixing: %+v, %v", info, err)
	}
	if ed.badge.Visible() || ed.draftAsk != nil {
		t.Fatal("badge still shown, or a draft question asked")
	}
}

func TestGridEditorDraftCancelled(t *testing.T) {
	ed, w := newGridTest(t)
	typeGridFocused(t, w, "Analyse")
	pressGrid(t, w, scSave)
	tapGridButton(t, w, i18n.T("grids.carry.cancel"))
	vs, err := ed.env.store.GridVersions(context.Background(), "MC-G")
	if err != nil || len(vs) != 0 {
		t.Fatalf("cancelled draft wrote %+v, %v", vs, err)
	}
}

// newFrozenGridTest saves a one-criterion grid from the editor, then has
// a grading use its version 1, which freezes it.
func newFrozenGridTest(t *testing.T) (*gridEditor, fyne.Window) {
	t.Helper()
	ed, w := newGridTest(t)
	ctx := context.Background()
	typeGridFocused(t, w, "Analyse")
	pressGrid(t, w, scAddLevel)
	pressGrid(t, w, scAddLevel)
	selectGridOption(t, w, "C1")
	pressGrid(t, w, scSave)
	_, v1, err := ed.env.store.Grid(ctx, "MC-G")
	if err != nil {
		t.Fatal(err)
	}
	if err := ed.env.store.MarkGridUsed(ctx, v1.ID); err != nil {
		t.Fatal(err)
	}
	ed.Refresh()
	return ed, w
}

func TestGridEditorNoDraftOverFrozen(t *testing.T) {
	ed, w := newFrozenGridTest(t)
	ctx := context.Background()

	// The competency removed, saving is refused: no draft of a used grid.
	selectGridOption(t, w, "")
	pressGrid(t, w, scSave)
	if ed.draftAsk != nil || ed.carry != nil {
		t.Fatal("a question was asked")
	}
	if want := i18n.T("grids.draft.frozen", 1, 1); !containing(w, want) {
		t.Fatalf("no refusal on screen: %q", screen(w))
	}
	if vs, _ := ed.env.store.GridVersions(ctx, "MC-G"); len(vs) != 1 || vs[0].Draft {
		t.Fatalf("versions %+v", vs)
	}
}
