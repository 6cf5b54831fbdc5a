package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"

	"certeval/storage"
)

// writeSample is a small demonstration builder: a real workspace with
// one recorded event.
func writeSample(path string) error {
	s, err := storage.Open(path)
	if err != nil {
		return err
	}
	_, err = s.Record(context.Background(), storage.Event{
		Action: "demo.create", Entity: "workspace/demo",
	})
	return errors.Join(err, s.Close())
}

func TestFirstRunShownWithoutWorkspace(t *testing.T) {
	def := filepath.Join(t.TempDir(), "data", "certeval.certeval")
	u := newTestUI(t, Options{DefaultPath: def, CreateSample: writeSample}, nil)

	for _, want := range []string{
		"Bienvenue dans Certeval", "Découvrir avec l'espace d'exemple",
		"Créer un espace de travail vide", "Ouvrir un fichier existant…",
		"Aucun espace de travail ouvert",
	} {
		if !onScreen(u.win, want) {
			t.Fatalf("%q not on the first-run screen: %q", want, screen(u.win))
		}
	}
	if !menuItem(t, u.win, "Sauvegarder une copie…").Disabled {
		t.Fatal("backup offered with no workspace open")
	}
}

func TestFirstRunEmptyWorkspace(t *testing.T) {
	def := filepath.Join(t.TempDir(), "data", "certeval.certeval")
	u := newTestUI(t, Options{DefaultPath: def}, nil)
	if onScreen(u.win, "Découvrir avec l'espace d'exemple") {
		t.Fatal("sample offered with no sample builder")
	}

	tapText(t, u.win, "Créer un espace de travail vide")
	if _, err := os.Stat(def); err != nil {
		t.Fatalf("default workspace not created: %v", err)
	}
	if !onScreen(u.win, "Espace de travail : "+def) {
		t.Fatalf("status line: %q", u.status.Text)
	}
}

func TestFirstRunSample(t *testing.T) {
	def := filepath.Join(t.TempDir(), "data", "certeval.certeval")
	u := newTestUI(t, Options{DefaultPath: def, CreateSample: writeSample}, nil)

	tapText(t, u.win, "Découvrir avec l'espace d'exemple")
	sample := filepath.Join(filepath.Dir(def), "exemple.certeval")
	waitFor(t, "the sample workspace", func() bool {
		return onScreen(u.win, "Espace de travail : "+sample)
	})
	typeShortcut(u.win, areaShortcut(5))
	waitFor(t, "the sample's event", func() bool {
		return onScreen(u.win, "Événements du journal d'audit : 1")
	})
}

func TestFirstRunSampleFailure(t *testing.T) {
	def := filepath.Join(t.TempDir(), "certeval.certeval")
	broken := func(path string) error {
		os.WriteFile(path, []byte("half"), 0o600)
		return errors.New("demo: disk full")
	}
	u := newTestUI(t, Options{DefaultPath: def, CreateSample: broken}, nil)

	tapText(t, u.win, "Découvrir avec l'espace d'exemple")
	waitFor(t, "the failure sentence", func() bool {
		return onScreen(u.win, "L'espace d'exemple n'a pas pu être préparé : vérifiez la "+
			"place libre sur le disque, ou créez un espace de travail vide.")
	})
	if _, err := os.Stat(filepath.Join(filepath.Dir(def), "exemple.certeval")); err == nil {
		t.Fatal("a failed sample was left behind")
	}
	if u.env != nil {
		t.Fatal("a workspace is open after a failed sample")
	}
}

func TestStartOpensRememberedWorkspace(t *testing.T) {
	dir := t.TempDir()
	a, def := mustWorkspace(t, dir, "a.certeval"), mustWorkspace(t, dir, "default.certeval")
	tests := []struct {
		name   string
		recent []string
		db     string
		want   string
	}{
		{"last used", []string{a}, "", a},
		{"command line wins", []string{a}, def, def},
		{"default when nothing remembered", nil, "", def},
		{"default when the last one is gone", []string{filepath.Join(dir, "gone")}, "", def},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := test.NewTempApp(t)
			app.Preferences().SetStringList(prefRecent, tt.recent)
			u := newUI(app, app.NewWindow("t"), Options{DBPath: tt.db, DefaultPath: def})
			defer u.close()
			if u.env == nil || u.env.store.Path() != tt.want {
				t.Fatalf("opened %v, want %s", u.env, tt.want)
			}
		})
	}
}

func TestStartWithRefusedFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "notes.txt")
	os.WriteFile(bad, []byte("pas une base"), 0o600)
	u := newTestUI(t, Options{DBPath: bad, DefaultPath: filepath.Join(dir, "d.certeval")}, nil)

	if u.env != nil {
		t.Fatal("a refused file was opened")
	}
	if !onScreen(u.win, "Bienvenue dans Certeval") || !containing(u.win, "« notes.txt »") {
		t.Fatalf("first-run screen and error expected: %q", screen(u.win))
	}
}
