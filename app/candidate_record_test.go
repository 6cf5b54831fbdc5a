package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"certeval/jury"
	"certeval/storage"
)

// recordUI opens a workspace holding credential MC-REC, whose attendance
// rule requires the mandatory milestone "Atelier 1", with candidates E1
// and E2, and shows the candidates area with MC-REC selected.
func recordUI(t *testing.T) (*ui, *candidatesArea) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.certeval")
	s, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	err = s.CreateCredential(ctx, &jury.Credential{Code: "MC-REC", Title: "Rédaction",
		RetentionMonths: 12,
		Participants:    []jury.University{{Code: "UPVD", Name: "Perpignan"}},
		Attendance:      jury.AttendanceRule{Kind: jury.AttendanceMandatory},
		Milestones: []jury.Milestone{{Label: "Atelier 1", Hours: 3, Mandatory: true},
			{Label: "Atelier 2", Hours: 2}}})
	for _, c := range []jury.Candidate{
		{ID: "E1", FamilyName: "Lefèvre", GivenNames: "Hélène", Email: "h@example.fr",
			BirthDate: time.Date(1986, 7, 4, 0, 0, 0, 0, time.UTC), University: "UPVD"},
		{ID: "E2", FamilyName: "Abadie", GivenNames: "Zoé", Email: "z@example.fr",
			BirthDate: time.Date(2001, 2, 1, 0, 0, 0, 0, time.UTC), University: "UPVD"},
	} {
		if err == nil {
			err = s.AddCandidate(ctx, "MC-REC", c)
		}
	}
	s.Close()
	if err != nil {
		t.Fatal(err)
	}

	u := newTestUI(t, Options{DBPath: path}, nil)
	u.win.Resize(fyne.NewSize(1400, 900))
	a := u.areas[1].(*candidatesArea)
	tapText(t, u.win, "Candidats")
	waitFor(t, "the candidates", func() bool { return len(a.cands) == 2 })
	return u, a
}

// openRecord selects candidate id and opens their record.
func openRecord(t *testing.T, u *ui, a *candidatesArea, id string) {
	t.Helper()
	for i, c := range a.cands {
		if c.ID == id {
			a.list.Select(i)
		}
	}
	tapText(t, u.win, "Dossier…")
	if !containing(u.win, "Dossier de ") {
		t.Fatalf("no record on screen: %q", screen(u.win))
	}
}

// stored reads candidate id of MC-REC from the workspace.
func stored(t *testing.T, u *ui, id string) jury.Candidate {
	t.Helper()
	c, err := u.env.store.Candidate(context.Background(), "MC-REC", id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// topWidget returns the first widget of type T in the top dialog for
// which ok holds.
func topWidget[T fyne.CanvasObject](t *testing.T, w fyne.Window, ok func(T) bool) T {
	t.Helper()
	var found T
	var done bool
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if v, is := o.(T); is && !done && ok(v) {
			found, done = v, true
		}
	})
	if !done {
		t.Fatalf("no such %T in the dialog; screen: %q", found, screen(w))
	}
	return found
}

func placeholder(p string) func(*widget.Entry) bool {
	return func(e *widget.Entry) bool { return e.PlaceHolder == p }
}

// key sends a key to the focused object.
func key(w fyne.Window, name fyne.KeyName) {
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: name})
}

func TestRecordIdentityCheckFromKeyboard(t *testing.T) {
	u, a := recordUI(t)
	openRecord(t, u, a, "E1")
	if !onScreen(u.win, "Dossier de Hélène LEFÈVRE") {
		t.Fatalf("title: %q", screen(u.win))
	}
	w := u.win
	c := w.Canvas()

	// Sitting (Session 1 already), then method, who, when, result, button.
	sitting := topWidget(t, w, func(s *widget.Select) bool {
		return s.Selected == "Session 1"
	})
	c.Focus(sitting)
	c.FocusNext()
	key(w, fyne.KeyRight) // the first method: remote proctoring
	c.FocusNext()
	test.Type(c.Focused().(*widget.Entry), "ProctorU")
	c.FocusNext()
	test.Type(c.Focused().(*widget.Entry), "2026-10-05 09:00")
	c.FocusNext()
	key(w, fyne.KeyRight) // identity verified
	c.FocusNext()
	if b, ok := c.Focused().(*widget.Button); !ok || b.Text != "Ajouter une vérification" {
		t.Fatalf("focus is on %T, not the button", c.Focused())
	}
	key(w, fyne.KeySpace)

	want := "Session 1 — télésurveillance — ProctorU — 2026-10-05 09:00 — identité vérifiée"
	if !onScreen(w, want) {
		t.Fatalf("the check is not listed: %q", screen(w))
	}
	got := stored(t, u, "E1").IdentityChecks
	if len(got) != 1 || got[0].By != "ProctorU" || got[0].Method != jury.MethodProctoring ||
		got[0].Result != jury.CheckVerified || got[0].Sitting != 1 ||
		!got[0].At.Equal(time.Date(2026, 10, 5, 9, 0, 0, 0, time.Local)) {
		t.Fatalf("stored checks: %+v", got)
	}
	if !stored(t, u, "E1").IdentityVerified(1) {
		t.Fatal("the candidate's identity is not verified for sitting 1")
	}
}

func TestRecordIdentityCheckBadDate(t *testing.T) {
	u, a := recordUI(t)
	openRecord(t, u, a, "E1")
	topWidget(t, u.win, func(s *widget.Select) bool {
		return len(s.Options) == 3
	}).SetSelectedIndex(1)
	test.Type(topWidget(t, u.win, placeholder("2026-10-05 09:00")), "5 octobre")
	tapText(t, u.win, "Ajouter une vérification")

	want := "« 5 octobre » n'est pas une date et une heure : écrivez-les comme 2026-10-05 09:00."
	if !onScreen(u.win, want) {
		t.Fatalf("no sentence about the date: %q", screen(u.win))
	}
	if n := len(stored(t, u, "E1").IdentityChecks); n != 0 {
		t.Fatalf("%d checks stored from a bad date", n)
	}
}

func TestRecordConsentRefusedNeedsAlternative(t *testing.T) {
	u, a := recordUI(t)
	openRecord(t, u, a, "E1")
	tapText(t, u.win, "Refusé")
	test.Type(topWidget(t, u.win, placeholder("2026-09-01")), "2026-09-01")
	tapText(t, u.win, "Enregistrer le consentement")

	if !containing(u.win, "indiquez la modalité alternative") {
		t.Fatalf("no error about the alternative: %q", screen(u.win))
	}
	if stored(t, u, "E1").Consent.Asked() {
		t.Fatal("a refusal without an alternative was stored")
	}
	tapText(t, u.win, "OK")

	test.Type(topWidget(t, u.win, placeholder("par exemple : épreuve sur site")),
		"épreuve sur site")
	tapText(t, u.win, "Enregistrer le consentement")
	got := stored(t, u, "E1").Consent
	if got.Given || got.Alternative != "épreuve sur site" ||
		got.Date.Format(time.DateOnly) != "2026-09-01" {
		t.Fatalf("stored consent: %+v", got)
	}
	if !onScreen(u.win, "Consentement refusé le 2026-09-01 ; modalité alternative : "+
		"épreuve sur site.") {
		t.Fatalf("the record does not show the refusal: %q", screen(u.win))
	}
}

func TestRecordMilestoneChangesEligibility(t *testing.T) {
	u, a := recordUI(t)
	openRecord(t, u, a, "E1")
	notYet := "Condition d'assiduité non remplie : Jalons obligatoires non validés : Atelier 1."
	if !onScreen(u.win, notYet) {
		t.Fatalf("eligibility before: %q", screen(u.win))
	}

	tapText(t, u.win, "Atelier 1 (3 h) — validé [obligatoire]")
	eligible := "Condition d'assiduité remplie : le candidat peut se présenter à l'évaluation."
	if !onScreen(u.win, eligible) {
		t.Fatalf("eligibility does not follow the check: %q", screen(u.win))
	}

	// Without a date, then without a reason, nothing is stored.
	tapText(t, u.win, "Enregistrer les jalons")
	if !containing(u.win, "« Atelier 1 » a été validé") {
		t.Fatalf("no sentence about the date: %q", screen(u.win))
	}
	tapText(t, u.win, "OK")
	dates := topWidgets[*widget.Entry](u.win, placeholder("2026-10-05"))
	test.Type(dates[0], "2026-10-02")
	tapText(t, u.win, "Enregistrer les jalons")
	if !onScreen(u.win,
		"Indiquez le motif de ce changement : il est conservé dans le journal.") {
		t.Fatalf("no sentence about the reason: %q", screen(u.win))
	}
	tapText(t, u.win, "OK")
	if ms := stored(t, u, "E1").Milestones; len(ms) != 0 {
		t.Fatalf("milestones stored without date or reason: %+v", ms)
	}

	test.Type(topWidget(t, u.win, placeholder("pourquoi ce changement")),
		"feuille d'émargement")
	tapText(t, u.win, "Enregistrer les jalons")
	ms := stored(t, u, "E1").Milestones
	if ok, why := a.cred.Eligible(ms); !ok || len(ms) != 2 || !ms[0].Validated {
		t.Fatalf("stored milestones %+v are not eligible: %s", ms, why)
	}
	if !onScreen(u.win, eligible) {
		t.Fatalf("eligibility after saving: %q", screen(u.win))
	}
}

// topWidgets returns every widget of type T in the top dialog for which
// ok holds.
func topWidgets[T fyne.CanvasObject](w fyne.Window, ok func(T) bool) []T {
	var out []T
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if v, is := o.(T); is && ok(v) {
			out = append(out, v)
		}
	})
	return out
}

func TestRecordExportPersonalData(t *testing.T) {
	u, a := recordUI(t)
	openRecord(t, u, a, "E2")
	tapText(t, u.win, "Exporter ses données (RGPD)…")

	dir := t.TempDir()
	entries := topWidgets[*widget.Entry](u.win, func(*widget.Entry) bool { return true })
	if len(entries) != 2 || entries[1].Text != "donnees-MC-REC-E2.json" {
		t.Fatalf("the path form holds %d entries: %q", len(entries), screen(u.win))
	}
	entries[0].SetText(dir)
	tapText(t, u.win, "Exporter")

	path := filepath.Join(dir, "donnees-MC-REC-E2.json")
	waitFor(t, "the export", func() bool { return containing(u.win, "écrites dans") })
	if !onScreen(u.win, "Données personnelles écrites dans "+path+".") {
		t.Fatalf("no sentence saying where: %q", screen(u.win))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "Abadie") || strings.Contains(string(b), "Lefèvre") {
		t.Fatalf("the export is not E2's: %s", b)
	}
}

func TestMilestoneImport(t *testing.T) {
	tests := []struct {
		name, csv string
		show      []string
		stored    bool
	}{
		{"good", "candidat;jalon;date;validé\nE1;Atelier 1;02/10/2026;oui\n" +
			"E2;Atelier 2;;non\n",
			[]string{"2 jalon(s) à enregistrer ; ils remplacent ceux des candidats nommés.",
				"Atelier 1", "2026-10-02", "oui", "E2"}, true},
		{"bad", "candidat;jalon;date;validé\nE9;Atelier 1;02/10/2026;oui\n" +
			"E1;Atelier 3;02/10/2026;peut-être\n",
			[]string{"Ligne", "Colonne", "2", "3", "candidat", "jalon", "validé"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, a := recordUI(t)
			a.previewMilestones("jalons.csv", []byte(tc.csv))
			for _, want := range tc.show {
				if !onScreen(u.win, want) {
					t.Errorf("the preview does not show %q: %q", want, screen(u.win))
				}
			}
			if has := containing(u.win, "Enregistrer 2 jalon(s)"); has != tc.stored {
				t.Fatalf("confirm button shown: %v", has)
			}
			if ms := stored(t, u, "E1").Milestones; len(ms) != 0 {
				t.Fatal("the preview recorded milestones")
			}
			if !tc.stored {
				return
			}

			tapText(t, u.win, "Enregistrer 2 jalon(s)")
			if !onScreen(u.win, "2 jalon(s) enregistré(s) pour 2 candidat(s).") {
				t.Fatalf("no sentence after import: %q", screen(u.win))
			}
			ms := stored(t, u, "E1").Milestones
			if ok, _ := a.cred.Eligible(ms); !ok || len(ms) != 1 {
				t.Fatalf("E1's milestones %+v", ms)
			}
			if ok, _ := a.cred.Eligible(stored(t, u, "E2").Milestones); ok {
				t.Fatal("E2 eligible without the mandatory milestone")
			}
		})
	}
}

func TestPurgeExpired(t *testing.T) {
	u, a := recordUI(t)

	// Nothing has expired today.
	a.confirmPurge(time.Now())
	if !containing(u.win, "Seront conservés, anonymes") {
		t.Fatalf("the confirmation does not say what is kept: %q", screen(u.win))
	}
	tapText(t, u.win, "Purger")
	waitFor(t, "the count", func() bool { return containing(u.win, "purgé(s)") })
	if !onScreen(u.win, "0 candidat(s) purgé(s).") {
		t.Fatalf("after a purge today: %q", screen(u.win))
	}
	tapText(t, u.win, "OK")

	// Thirteen months later, both candidates' data have expired.
	a.confirmPurge(time.Now().AddDate(0, 13, 0))
	tapText(t, u.win, "Purger")
	waitFor(t, "the count", func() bool { return containing(u.win, "2 candidat(s) purgé(s).") })
	if c := stored(t, u, "E1"); c.FamilyName != storage.PurgedName || c.Email != "" {
		t.Fatalf("E1 after the purge: %+v", c)
	}
}
