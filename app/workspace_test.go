package app

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"certeval/storage"
)

func TestSwitchWorkspace(t *testing.T) {
	dir := t.TempDir()
	a, b := mustWorkspace(t, dir, "a.certeval"), mustWorkspace(t, dir, "b.certeval")
	u := newTestUI(t, Options{DBPath: a}, nil)
	if !onScreen(u.win, "Espace de travail : "+a) {
		t.Fatalf("status does not show A: %q", u.status.Text)
	}
	typeShortcut(u.win, areaShortcut(2))
	old := u.env.store

	if err := u.openWorkspace(b); err != nil {
		t.Fatal(err)
	}
	if !onScreen(u.win, "Espace de travail : "+b) || onScreen(u.win, "Espace de travail : "+a) {
		t.Fatalf("status after switching: %q", u.status.Text)
	}
	if _, err := old.Events(context.Background(), ""); err == nil {
		t.Fatal("workspace A is still open after switching to B")
	}
	if got := shownArea(u); got != 2 {
		t.Fatalf("area %d shown after switching, want the same area (2)", got)
	}
	if got := recentFiles(u.app.Preferences()); !slices.Equal(got, []string{b, a}) {
		t.Fatalf("recent files %q, want B then A", got)
	}

	// The areas now read B: its summary names B's file.
	typeShortcut(u.win, areaShortcut(0))
	if !onScreen(u.win, "Fichier : "+b) {
		t.Fatalf("summary does not name B: %q", screen(u.win))
	}
}

// Offsets in a SQLite file's header.
const (
	offUserVersion = 60
	offAppID       = 68
)

func TestRefusedFileKeepsWorkspace(t *testing.T) {
	dir := t.TempDir()
	a := mustWorkspace(t, dir, "a.certeval")
	good := mustWorkspace(t, dir, "model.certeval")
	setU32 := func(off int, v uint32) func([]byte) []byte {
		return func(b []byte) []byte { binary.BigEndian.PutUint32(b[off:], v); return b }
	}

	tests := []struct {
		name string
		file func() string
		want string
		err  error
	}{
		{"not SQLite", func() string {
			p := filepath.Join(dir, "notes.certeval")
			os.WriteFile(p, []byte("Liste des candidats\n"), 0o600)
			return p
		}, "« notes.certeval » n'est pas un espace de travail Certeval : choisissez " +
			"un fichier enregistré par Certeval.", storage.ErrNotSQLite},
		{"truncated", func() string {
			return patched(t, good, filepath.Join(dir, "half.certeval"),
				func(b []byte) []byte { return b[:len(b)-700] })
		}, "« half.certeval » est incomplet, sans doute copié ou téléchargé à moitié : " +
			"ouvrez votre dernière sauvegarde.", storage.ErrTruncated},
		{"another program's database", func() string {
			return patched(t, good, filepath.Join(dir, "other.db"), setU32(offAppID, 0))
		}, "« other.db » est une base de données d'un autre programme, pas un espace de " +
			"travail Certeval : choisissez un autre fichier.", storage.ErrNotWorkspace},
		{"newer version", func() string {
			return patched(t, good, filepath.Join(dir, "new.certeval"),
				setU32(offUserVersion, 9999))
		}, "« new.certeval » a été enregistré par une version plus récente de Certeval : " +
			"mettez Certeval à jour pour l'ouvrir.", storage.ErrTooNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newTestUI(t, Options{DBPath: a}, nil)
			bad := tt.file()
			before, _ := os.ReadFile(bad)

			err := u.openWorkspace(bad)
			if !errors.Is(err, tt.err) {
				t.Fatalf("open error %v, want %v", err, tt.err)
			}
			if !onScreen(u.win, tt.want) {
				t.Fatalf("sentence not shown; screen: %q", screen(u.win))
			}
			if got := u.env.store.Path(); got != a {
				t.Fatalf("open workspace %q, want A still", got)
			}
			if _, err := u.env.store.Events(context.Background(), ""); err != nil {
				t.Fatalf("A no longer usable: %v", err)
			}
			if !onScreen(u.win, "Espace de travail : "+a) {
				t.Fatalf("status line: %q", u.status.Text)
			}
			if after, _ := os.ReadFile(bad); string(after) != string(before) {
				t.Fatal("the refused file was changed")
			}
		})
	}
}

func TestRefusedFileInEnglish(t *testing.T) {
	dir := t.TempDir()
	a := mustWorkspace(t, dir, "a.certeval")
	u := newTestUI(t, Options{DBPath: a}, map[string]string{prefLanguage: "en"})
	bad := patched(t, a, filepath.Join(dir, "new.certeval"), func(b []byte) []byte {
		binary.BigEndian.PutUint32(b[offUserVersion:], 9999)
		return b
	})

	u.openWorkspace(bad)
	want := "“new.certeval” was saved by a newer version of Certeval: " +
		"update Certeval to open it."
	if !onScreen(u.win, want) {
		t.Fatalf("sentence not shown; screen: %q", screen(u.win))
	}
}

func TestNewWorkspaceNeverReplacesAFile(t *testing.T) {
	dir := t.TempDir()
	a := mustWorkspace(t, dir, "a.certeval")
	u := newTestUI(t, Options{DBPath: a}, nil)

	if err := u.newWorkspace(a); !errors.Is(err, errExists) {
		t.Fatalf("new workspace over A: %v, want errExists", err)
	}
	if !containing(u.win, "« a.certeval » existe déjà") {
		t.Fatalf("no sentence shown: %q", screen(u.win))
	}

	fresh := filepath.Join(dir, "neuf.certeval")
	if err := u.newWorkspace(fresh); err != nil {
		t.Fatal(err)
	}
	if got := u.env.store.Path(); got != fresh {
		t.Fatalf("open workspace %q, want %q", got, fresh)
	}
}

func TestRecentMenu(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for _, n := range strings.Split("a b c d e f g h i j", " ") {
		paths = append(paths, mustWorkspace(t, dir, n+".certeval"))
	}
	u := newTestUI(t, Options{DBPath: paths[0]}, nil)
	for _, p := range paths[1:] {
		if err := u.openWorkspace(p); err != nil {
			t.Fatal(err)
		}
	}

	recent := menuItem(t, u.win, "Récents").ChildMenu.Items
	var labels []string
	for _, it := range recent {
		if !it.IsSeparator && it.Label != "Vider la liste" {
			labels = append(labels, it.Label)
		}
	}
	want := slices.Clone(paths[2:])
	slices.Reverse(want)
	if !slices.Equal(labels, want) {
		t.Fatalf("recent menu %q, want %q", labels, want)
	}

	// Choosing one opens it.
	menuItem(t, u.win, paths[5]).Action()
	if got := u.env.store.Path(); got != paths[5] {
		t.Fatalf("open workspace %q, want %q", got, paths[5])
	}
}

func TestClearRecentAsksFirst(t *testing.T) {
	dir := t.TempDir()
	a, b := mustWorkspace(t, dir, "a.certeval"), mustWorkspace(t, dir, "b.certeval")
	u := newTestUI(t, Options{DBPath: a}, nil)
	u.openWorkspace(b)

	menuItem(t, u.win, "Vider la liste").Action()
	if got := len(recentFiles(u.app.Preferences())); got != 2 {
		t.Fatalf("%d recent files before confirming, want 2", got)
	}
	tapText(t, u.win, "Vider")
	if got := recentFiles(u.app.Preferences()); len(got) != 0 {
		t.Fatalf("recent files after confirming: %q", got)
	}
	if it := menuItem(t, u.win, "Aucun espace de travail récent"); !it.Disabled {
		t.Fatal("the empty recent list is not disabled")
	}
}

func TestPushRecent(t *testing.T) {
	tests := []struct {
		name string
		list []string
		path string
		want []string
	}{
		{"first", nil, "a", []string{"a"}},
		{"moves to the front", []string{"b", "a", "c"}, "a", []string{"a", "b", "c"}},
		{"keeps eight", []string{"1", "2", "3", "4", "5", "6", "7", "8"}, "9",
			[]string{"9", "1", "2", "3", "4", "5", "6", "7"}},
		{"drops blanks", []string{"", "b"}, "a", []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pushRecent(tt.list, tt.path); !slices.Equal(got, tt.want) {
				t.Fatalf("pushRecent = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	a := mustWorkspace(t, dir, "a.certeval")
	u := newTestUI(t, Options{DBPath: a}, nil)
	dst := filepath.Join(dir, "copie.certeval")

	done := make(chan error, 1)
	u.backup(dst, func(err error) { done <- err })
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("backup did not finish")
	}
	if !onScreen(u.win, "Copie vérifiée et enregistrée dans « "+dst+" ».") {
		t.Fatalf("no confirmation shown: %q", screen(u.win))
	}
	s, err := storage.Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if evs, err := s.Events(context.Background(), ""); err != nil || len(evs) != 1 {
		t.Fatalf("copy holds %d events (%v), want 1", len(evs), err)
	}
}

func TestBackupOntoItselfRefused(t *testing.T) {
	a := mustWorkspace(t, t.TempDir(), "a.certeval")
	u := newTestUI(t, Options{DBPath: a}, nil)

	u.backup(a, nil)
	if !onScreen(u.win, "Choisissez pour la copie un autre fichier que l'espace de travail "+
		"ouvert.") {
		t.Fatalf("no refusal shown: %q", screen(u.win))
	}
}

func TestCheckReport(t *testing.T) {
	tests := []struct {
		name   string
		checks []storage.Check
		want   []string
	}{
		{"all sound", []storage.Check{
			{Name: "integrity", OK: true, Detail: "ok"},
			{Name: "audit", OK: true, Detail: "3"},
		}, []string{
			"Intégrité du fichier : conforme",
			"Chaîne du journal d'audit : conforme",
			"L'espace de travail est intact.",
		}},
		{"broken chain", []storage.Check{
			{Name: "foreign_keys", OK: true, Detail: "0"},
			{Name: "audit", Detail: "2: its content was altered"},
		}, []string{
			"Cohérence des liens entre les données : conforme",
			"Chaîne du journal d'audit : anomalie (2: its content was altered)",
			"Une anomalie a été trouvée : gardez une copie de ce fichier et ouvrez votre " +
				"dernière sauvegarde.",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkReport(tt.checks); !slices.Equal(got, tt.want) {
				t.Fatalf("checkReport =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestCheckMenuShowsOneLinePerCheck(t *testing.T) {
	a := mustWorkspace(t, t.TempDir(), "a.certeval")
	u := newTestUI(t, Options{DBPath: a}, nil)

	menuItem(t, u.win, "Vérifier l'intégrité").Action()
	want := strings.Join([]string{
		"Intégrité du fichier : conforme",
		"Cohérence des liens entre les données : conforme",
		"Chaîne du journal d'audit : conforme",
		"L'espace de travail est intact.",
	}, "\n")
	waitFor(t, "the check report", func() bool { return onScreen(u.win, want) })
}

func TestSummaryShowsWorkspace(t *testing.T) {
	a := mustWorkspace(t, t.TempDir(), "a.certeval")
	u := newTestUI(t, Options{DBPath: a}, nil)

	typeShortcut(u.win, areaShortcut(5))
	waitFor(t, "the event count", func() bool {
		return onScreen(u.win, "Événements du journal d'audit : 1")
	})
	if !containing(u.win, "« test.create », par certeval.") {
		t.Fatalf("last event not shown: %q", screen(u.win))
	}
}
