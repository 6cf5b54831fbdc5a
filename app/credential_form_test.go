package app

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
)

// entryAfter returns the entry laid out beside the label showing label.
func entryAfter(t *testing.T, root fyne.CanvasObject, label string) *widget.Entry {
	t.Helper()
	var found *widget.Entry
	walk(root, func(o fyne.CanvasObject) {
		c, ok := o.(*fyne.Container)
		if !ok {
			return
		}
		for i := 0; i+1 < len(c.Objects); i++ {
			l, ok := c.Objects[i].(*widget.Label)
			e, isEntry := c.Objects[i+1].(*widget.Entry)
			if ok && isEntry && l.Text == label {
				found = e
			}
		}
	})
	if found == nil {
		t.Fatalf("no entry labelled %q", label)
	}
	return found
}

func TestCredentialFormCompleteness(t *testing.T) {
	path := mustWorkspace(t, t.TempDir(), "w.certeval")
	u := newTestUI(t, Options{DBPath: path}, nil)
	u.win.Resize(fyne.NewSize(1200, 800))
	a := u.areas[0].(*credentialsArea)
	tapText(t, u.win, "Nouvelle")

	missing := func() int { return len(a.form.missing.Objects) }
	shows := func(key string, args ...any) bool {
		return onScreen(u.win, "• "+i18n.T(key, args...))
	}
	start := missing()
	if !shows("candidates.missing.code") || !shows("candidates.missing.hours") {
		t.Fatalf("an empty form does not ask for the code and hours: %q", screen(u.win))
	}

	steps := []struct {
		label, text string
		gone        string // the sentence that must leave the panel
	}{
		{"Code", "MC-TAB", "candidates.missing.code"},
		{"Intitulé", "Analyse de données avec un tableur", "candidates.missing.title"},
		{"Forme de participation", "à distance, asynchrone", "candidates.missing.participation"},
		{"Conservation des données personnelles (mois)", "24", "candidates.missing.retention"},
	}
	for i, st := range steps {
		test.Type(entryAfter(t, a.Content(), st.label), st.text)
		if shows(st.gone) {
			t.Fatalf("after typing %q, the panel still says %q", st.label, i18n.T(st.gone))
		}
		if got, want := missing(), start-i-1; got != want {
			t.Fatalf("after typing %q: %d items missing, want %d", st.label, got, want)
		}
	}

	hours := entryAfter(t, a.Content(), "Volume horaire (7 à 30 h)")
	test.Type(hours, "45")
	if !containing(u.win, "45") || shows("candidates.missing.hours") {
		t.Fatalf("45 hours is not refused with its reason: %q", a.form.status.Text)
	}
	hours.SetText("")
	test.Type(hours, "20")
	if got, want := missing(), start-len(steps)-1; got != want {
		t.Fatalf("with 20 hours: %d items missing, want %d", got, want)
	}

	tapText(t, u.win, "Enregistrer")
	c, err := u.env.store.Credential(context.Background(), "MC-TAB")
	if err != nil {
		t.Fatalf("saved credential: %v", err)
	}
	if c.Hours != 20 || c.RetentionMonths != 24 || c.Title != "Analyse de données avec un tableur" {
		t.Fatalf("saved %+v", c)
	}
	if !a.form.code.Disabled() {
		t.Fatal("the code of a saved credential can still be edited")
	}

	tapText(t, u.win, "Grille d'évaluation…")
	if !onScreen(u.win, "+ Critère") {
		t.Fatalf("the grid editor is not shown: %q", screen(u.win))
	}
	tapText(t, u.win, "← Référentiel")
	if onScreen(u.win, "+ Critère") || !onScreen(u.win, "Analyse de données avec un tableur") {
		t.Fatalf("back from the grid: %q", screen(u.win))
	}
}
