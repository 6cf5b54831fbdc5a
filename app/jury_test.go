package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/jury"
	"certeval/seal"
	"certeval/storage"
)

// juryTestPassphrase protects the president's key file in the tests.
const juryTestPassphrase = "cheval-agrafe-batterie"

// juryTest is the jury area on a workspace with three candidates whose
// proposals are ADM (E01), AJ (E02) and ABJ (E03).
type juryTest struct {
	a       *juryArea
	w       fyne.Window
	s       *storage.Store
	keyPath string
}

// juryFixture opens a test app, in French, and a workspace in a new folder
// holding the jury fixture; it returns the folder too.
func juryFixture(t *testing.T) (fyne.App, *storage.Store, string) {
	t.Helper()
	app := test.NewTempApp(t)
	i18n.SetLanguage("fr")
	dir := t.TempDir()
	s, err := storage.Open(filepath.Join(dir, "w.certeval"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.Actor = "Claire Dubois"
	juryWorkspace(t, s)
	return app, s, dir
}

// newJuryTest builds the fixture and shows the area in a test window.
func newJuryTest(t *testing.T) *juryTest {
	t.Helper()
	app, s, dir := juryFixture(t)
	w := app.NewWindow("jury")
	w.Resize(fyne.NewSize(1400, 900))
	u := &ui{app: app, win: w}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	a := newJuryArea(&env{store: s, win: w, ctx: ctx, cancel: cancel, shell: u}).(*juryArea)
	w.SetContent(a.Content())
	a.Refresh()
	waitFor(t, "the table", func() bool { return len(a.shown) == 3 })
	return &juryTest{a: a, w: w, s: s, keyPath: juryKeyFile(t, dir)}
}

// juryWorkspace records the credential, its grid, three candidates and
// their work.
func juryWorkspace(t *testing.T, s *storage.Store) {
	t.Helper()
	ctx := context.Background()
	univ := jury.University{Code: "UL", Name: "Université de Lorraine"}
	c := &jury.Credential{Code: "MC-J", Title: "Jury", Hours: 20, BlindGrading: true,
		Producer: univ, Participants: []jury.University{univ},
		MCC: jury.MCC{AppealDays: 15, Resit: jury.ResitBest, Quorum: 2, Jury: []jury.Member{
			{Name: "Claire Dubois", Role: "présidente", President: true},
			{Name: "Karim Benali", Role: "expert"}, {Name: "Anne Roux", Role: "experte"},
		}}}
	if err := s.CreateCredential(ctx, c); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"Martin", "Bernard", "Petit"} {
		cand := jury.Candidate{ID: "E0" + string(rune('1'+i)), FamilyName: name,
			GivenNames: "Camille", BirthDate: time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC),
			Email: strings.ToLower(name) + "@example.fr", University: "UL"}
		if err := s.AddCandidate(ctx, "MC-J", cand); err != nil {
			t.Fatal(err)
		}
	}

	// No storage call records submissions and gradings yet: the fixture
	// writes them as the grading code will.
	grid, err := os.ReadFile("../rubric/testdata/grille-sae-formation-hybride.json")
	if err != nil {
		t.Fatal(err)
	}
	db := s.DB()
	steps := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO grids (credential_id, version, fingerprint, data, frozen, created_at)
			SELECT id, 1, 'fp', ?, 1, '2025-01-01T00:00:00Z' FROM credentials`,
			[]any{string(grid)}},
		{`INSERT INTO submissions (candidate_id, sitting, absence)
			SELECT id, 1, CASE ext_id WHEN 'E03' THEN 1 ELSE 0 END FROM candidates`, nil},
		{`INSERT INTO gradings (submission_id, grid_id, expert, choices, status, updated_at)
			SELECT s.id, 1, 'x', CASE c.ext_id WHEN 'E01' THEN '[2,2,2,2,2,2,-1]'
				ELSE '[0,0,0,0,0,0,-1]' END, 2, '2025-06-01T00:00:00Z'
			FROM submissions s JOIN candidates c ON c.id = s.candidate_id
			WHERE c.ext_id <> 'E03'`, nil},
	}
	for _, st := range steps {
		if _, err := db.Exec(st.q, st.args...); err != nil {
			t.Fatal(err)
		}
	}
}

// juryKeyFile saves the president's identity with the cheapest costs the
// key file allows, and returns its path.
func juryKeyFile(t *testing.T, dir string) string {
	t.Helper()
	id, err := seal.NewIdentity(seal.Subject{Name: "Claire Dubois",
		Role: "Présidente du jury", Institution: "Université de Lorraine"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "presidente.key")
	fast := seal.Params{MemoryKiB: 64, Time: 1, Threads: 1}
	if err := id.SaveWithParams(path, []byte(juryTestPassphrase), fast); err != nil {
		t.Fatal(err)
	}
	return path
}

// rowOf returns the row of candidate id as the area last read it.
func (jt *juryTest) rowOf(id string) jury.Row {
	for _, r := range jt.a.view.Rows {
		if r.ID == id {
			return r
		}
	}
	return jury.Row{}
}

// selectRow taps the row of candidate id in the table.
func (jt *juryTest) selectRow(t *testing.T, id string) {
	t.Helper()
	i := slices.IndexFunc(jt.a.shown, func(r jury.Row) bool { return r.ID == id })
	if i < 0 {
		t.Fatalf("%s is not shown", id)
	}
	jt.a.table.Select(widget.TableCellID{Row: i, Col: 1})
}

// openMeeting ticks the president and one member, saves the meeting and
// opens the deliberation.
func (jt *juryTest) openMeeting(t *testing.T) {
	t.Helper()
	test.Tap(jt.a.checks[0])
	if !containing(jt.w, "Quorum non atteint : 1 membre(s)") {
		t.Fatalf("quorum shown as met with one member: %q", jt.a.quorum.Text)
	}
	test.Tap(jt.a.checks[1])
	if !containing(jt.w, "Quorum atteint : 2 membre(s) présent(s) sur 2") {
		t.Fatalf("quorum: %q", jt.a.quorum.Text)
	}
	test.Type(jt.a.place, "Salle du conseil")
	tapText(t, jt.w, "Enregistrer la réunion")
	tapText(t, jt.w, "Ouvrir la délibération")
	waitFor(t, "the deliberation", func() bool {
		return strings.HasPrefix(jt.a.status.Text, "Version 1 ouverte")
	})
}

func TestJuryDeliberationByTapping(t *testing.T) {
	jt := newJuryTest(t)
	a, w := jt.a, jt.w
	if !onScreen(w, jt.rowOf("E01").AnonCode) || containing(w, "Martin") {
		t.Fatal("names shown before the president revealed them")
	}
	jt.openMeeting(t)

	tapText(t, w, "Tout accepter")
	waitFor(t, "the decisions", func() bool { return jt.rowOf("E02").Decided != "" })
	if got := a.status.Text; !strings.Contains(got, "3 décision(s) prise(s) sur 3") {
		t.Fatalf("status = %q", got)
	}

	// Override E02's AJ with a pass, reason written, 2 votes for.
	jt.selectRow(t, "E02")
	tapText(t, w, "Modifier le résultat")
	a.dlg.outcome.SetSelected(juryOutcomeOption(jury.OutcomePassed))
	test.Type(a.dlg.reason, "Un critère mal lu par l'expert.")
	a.dlg.votes[0].SetText("2")
	tapText(t, w, "Modifier le résultat")
	waitFor(t, "the override", func() bool { return jt.rowOf("E02").Decided == "ADJ" })

	// Close with the president's key file and passphrase.
	tapText(t, w, "Clore et signer")
	test.Type(a.dlg.keyPath, jt.keyPath)
	test.Type(a.dlg.passphrase, juryTestPassphrase)
	tapText(t, w, "Clore et signer")
	top := w.Canvas().Overlays().Top()
	if a.lastFingerprint == "" || top == nil || !slices.ContainsFunc(texts(top),
		func(s string) bool { return strings.Contains(s, a.lastFingerprint) }) {
		t.Fatalf("fingerprint not shown in a dialog after closing; screen: %q", screen(w))
	}
	tapText(t, w, "OK")
	waitFor(t, "the closed state", func() bool {
		return strings.HasPrefix(a.status.Text, "Version 1 close")
	})

	// Reopening asks for a reason first.
	tapText(t, w, "Rouvrir")
	tapText(t, w, "Rouvrir")
	if !containing(w, "motif de la réouverture") {
		t.Fatalf("no request for a reason; screen: %q", screen(w))
	}
	tapText(t, w, "OK")
	test.Type(a.dlg.reason, "Justificatif d'absence reçu pour E03.")
	tapText(t, w, "Rouvrir")
	waitFor(t, "version 2", func() bool {
		return strings.HasPrefix(a.status.Text, "Version 2 ouverte")
	})

	jt.checkAudit(t)
}

// checkAudit checks that every step is in the audit trail, intact.
func (jt *juryTest) checkAudit(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	evs, err := jt.s.Events(ctx, "deliberation/MC-J/1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		got = append(got, e.Action)
		if e.Action == "deliberation.override" && e.Reason != "Un critère mal lu par l'expert." {
			t.Errorf("override reason = %q", e.Reason)
		}
	}
	want := []string{"deliberation.meeting", "deliberation.start", "deliberation.accept_all",
		"deliberation.override", "deliberation.close", "deliberation.reopen"}
	if !slices.Equal(got, want) {
		t.Fatalf("audit actions = %v, want %v", got, want)
	}
	if _, err := jt.s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := jt.s.VerifyDeliberation(ctx, "MC-J", 1, 1); err != nil {
		t.Fatalf("closed version does not verify: %v", err)
	}
}

func TestJuryCloseWrongPassphrase(t *testing.T) {
	jt := newJuryTest(t)
	a, w := jt.a, jt.w
	jt.openMeeting(t)
	tapText(t, w, "Tout accepter")
	waitFor(t, "the decisions", func() bool { return jt.rowOf("E01").Decided != "" })

	tapText(t, w, "Clore et signer")
	test.Type(a.dlg.keyPath, jt.keyPath)
	test.Type(a.dlg.passphrase, "mauvaise phrase")
	tapText(t, w, "Clore et signer")
	if !containing(w, seal.Explain(seal.ErrWrongPassphrase)) {
		t.Fatalf("wrong passphrase not explained; screen: %q", screen(w))
	}
	if d, _ := jt.s.Deliberations(context.Background(), "MC-J", 1); d[0].State != jury.Open {
		t.Fatal("closed with a wrong passphrase")
	}
}

func TestJuryTableSortFilterReveal(t *testing.T) {
	jt := newJuryTest(t)
	a, w := jt.a, jt.w
	ids := func() string {
		var out []string
		for _, r := range a.shown {
			out = append(out, r.ID)
		}
		return strings.Join(out, ",")
	}

	tapText(t, w, "Identifiant ▲")
	if got, want := ids(), "E03,E02,E01"; got != want {
		t.Fatalf("after tapping the header: %s, want %s", got, want)
	}
	tapText(t, w, "Note")
	if got, want := ids(), "E02,E01,E03"; got != want {
		t.Fatalf("by mark: %s, want %s (no mark last)", got, want)
	}

	a.outcome.SetSelected(juryOutcomeOption(jury.OutcomeAbsentJustified))
	if got := ids(); got != "E03" {
		t.Fatalf("filtered on ABJ: %s", got)
	}
	a.outcome.SetSelectedIndex(0)
	test.Type(a.search, jt.rowOf("E02").AnonCode)
	if got := ids(); got != "E02" {
		t.Fatalf("searched the code: %s", got)
	}
	a.search.SetText("")

	// Keyboard: the table takes focus and space selects a cell.
	w.Canvas().Focus(a.table)
	a.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if len(a.selectedIDs()) != 1 {
		t.Fatalf("space selected %v", a.selectedIDs())
	}

	tapText(t, w, "Lever l'anonymat")
	tapText(t, w, "Lever l'anonymat")
	waitFor(t, "the names", func() bool { return jt.rowOf("E01").Revealed })
	waitFor(t, "the names on screen", func() bool { return containing(w, "Camille Martin") })
}

// closeFirst opens the first sitting, accepts every proposal and closes
// version 1 with the president's key.
func (jt *juryTest) closeFirst(t *testing.T) {
	t.Helper()
	a, w := jt.a, jt.w
	jt.openMeeting(t)
	tapText(t, w, "Tout accepter")
	waitFor(t, "the decisions", func() bool { return jt.rowOf("E03").Decided != "" })
	tapText(t, w, "Clore et signer")
	test.Type(a.dlg.keyPath, jt.keyPath)
	test.Type(a.dlg.passphrase, juryTestPassphrase)
	tapText(t, w, "Clore et signer")
	tapText(t, w, "OK")
	waitFor(t, "the closed state", func() bool {
		return strings.HasPrefix(a.status.Text, "Version 1 close")
	})
}

func TestJuryAppealFiledAndRejected(t *testing.T) {
	jt := newJuryTest(t)
	a, w := jt.a, jt.w
	jt.closeFirst(t)

	// File E02's appeal from the register.
	tapText(t, w, "Recours")
	if !containing(w, "Aucun recours enregistré.") {
		t.Fatalf("empty register not said; screen: %q", screen(w))
	}
	tapText(t, w, "Enregistrer un recours")
	a.dlg.candidate.SetSelected("E02")
	test.Type(a.dlg.reason, "Le critère 3 a été mal apprécié.")
	tapText(t, w, "Enregistrer un recours")
	recs, err := jt.s.Appeals(context.Background(), "MC-J")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Candidate != "E02" || recs[0].Status != jury.AppealOpen {
		t.Fatalf("appeals after filing = %+v", recs)
	}

	// Reject it with a written reason.
	tapText(t, w, "Recours")
	tapText(t, w, "Statuer")
	test.Type(a.dlg.reason, "La grille a été appliquée correctement.")
	tapText(t, w, "Statuer")
	if recs, err = jt.s.Appeals(context.Background(), "MC-J"); err != nil {
		t.Fatal(err)
	}
	if recs[0].Status != jury.AppealRejected {
		t.Fatalf("appeal status = %v, want rejected", recs[0].Status)
	}
	tapText(t, w, "Recours")
	if !containing(w, "version 1 : rejeté") {
		t.Fatalf("register does not show the rejection; screen: %q", screen(w))
	}
}

func TestJuryResitEnrolled(t *testing.T) {
	jt := newJuryTest(t)
	a, w := jt.a, jt.w

	// Before closing, enrolment is refused.
	tapText(t, w, "Inscrire au rattrapage")
	tapText(t, w, "Inscrire au rattrapage")
	if !containing(w, "pas encore ouverte") {
		t.Fatalf("no refusal before closing; screen: %q", screen(w))
	}
	tapText(t, w, "OK")

	jt.closeFirst(t)
	tapText(t, w, "Inscrire au rattrapage")
	tapText(t, w, "Inscrire au rattrapage")
	if !containing(w, "2 candidat·e(s) inscrit·e(s) au rattrapage : E02, E03") {
		t.Fatalf("enrolment not told; screen: %q", screen(w))
	}
	tapText(t, w, "OK")

	a.sitting.SetSelectedIndex(1)
	waitFor(t, "the resit's candidates", func() bool {
		return len(a.view.Rows) == 2 && len(a.shown) == 2 &&
			a.shown[0].ID == "E02" && a.shown[1].ID == "E03"
	})
	if got := jt.rowOf("E03").Proposed; got != jury.OutcomePending {
		t.Fatalf("E03 at the resit proposed %s, want ATT (not graded yet)", got)
	}
}
