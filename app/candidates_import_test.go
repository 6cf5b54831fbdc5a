package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"certeval/i18n"
	"certeval/jury"
	"certeval/storage"
)

// candidatesUI opens a workspace holding credential MC-TAB and shows the
// candidates area with MC-TAB selected.
func candidatesUI(t *testing.T) (*ui, *candidatesArea) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.certeval")
	s, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	err = s.CreateCredential(context.Background(), &jury.Credential{Code: "MC-TAB",
		Title: "Tableur", Participants: []jury.University{{Code: "UPVD", Name: "Perpignan"},
			{Code: "UGA", Name: "Grenoble Alpes"}}})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}

	u := newTestUI(t, Options{DBPath: path}, nil)
	u.win.Resize(fyne.NewSize(1200, 800))
	a := u.areas[1].(*candidatesArea)
	tapText(t, u.win, "Candidats")
	waitFor(t, "the list of credentials", func() bool { return len(a.creds.Options) == 1 })
	a.creds.SetSelectedIndex(0)
	return u, a
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "enrolment", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCandidatesImportPreviewBadFile(t *testing.T) {
	u, a := candidatesUI(t)
	a.previewFile("bad.csv", fixture(t, "bad.csv"))

	for _, want := range []string{"Ligne", "Colonne", "3", "4", "Date de naissance",
		"Courriel"} {
		if !onScreen(u.win, want) {
			t.Errorf("the preview does not show %q: %q", want, screen(u.win))
		}
	}
	if !containing(u.win, "2 problème(s) à corriger") || containing(u.win, "Inscrire") {
		t.Fatalf("a bad file can be imported: %q", screen(u.win))
	}
	tapText(t, u.win, "Annuler")

	cands, err := u.env.store.Candidates(context.Background(), "MC-TAB")
	if err != nil || len(cands) != 0 {
		t.Fatalf("a bad file enrolled %d candidates (%v)", len(cands), err)
	}
}

func TestCandidatesImportPreviewGoodFile(t *testing.T) {
	u, a := candidatesUI(t)
	a.previewFile("good.csv", fixture(t, "good.csv"))

	for _, want := range []string{"Identifiant", "Lefèvre", "N'Diaye", "Abadie",
		"3 candidat(s) à inscrire. 1 sans université participante : tirage au sort équilibré."} {
		if !onScreen(u.win, want) {
			t.Errorf("the preview does not show %q: %q", want, screen(u.win))
		}
	}
	cands, _ := u.env.store.Candidates(context.Background(), "MC-TAB")
	if len(cands) != 0 {
		t.Fatal("the preview enrolled candidates before confirmation")
	}

	tapText(t, u.win, "Inscrire 3 candidat(s)")
	cands, err := u.env.store.Candidates(context.Background(), "MC-TAB")
	if err != nil || len(cands) != 3 {
		t.Fatalf("after confirming: %d candidates (%v)", len(cands), err)
	}
	for _, c := range cands {
		if c.University == "" {
			t.Errorf("%s has no university after the draw", c.ID)
		}
	}
	if !onScreen(u.win, "3 candidat(s)") || !containing(u.win, "E3   Abadie Zoé") {
		t.Fatalf("the list does not show the candidates: %q", screen(u.win))
	}
}

func TestDurationText(t *testing.T) {
	third := []jury.Accommodation{{Kind: jury.AidExtraTime}}
	tests := []struct {
		base time.Duration
		accs []jury.Accommodation
		want string
	}{
		{2 * time.Hour, third, "2 h, soit 2 h 40 avec l'aménagement"},
		{3 * time.Hour, third, "3 h, soit 4 h avec l'aménagement"},
		{90 * time.Minute, nil, "1 h 30, soit 1 h 30 avec l'aménagement"},
		{0, third, "les modalités (MCC) ne fixent pas de durée"},
	}
	i18n.SetLanguage("fr")
	for _, tt := range tests {
		if got := durationText(tt.base, tt.accs); got != tt.want {
			t.Errorf("durationText(%v) = %q, want %q", tt.base, got, tt.want)
		}
	}
}
