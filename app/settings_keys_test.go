package app

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"

	"certeval/seal"
)

// keysOnScreen opens the settings of a new workspace and returns its
// keys section.
func keysOnScreen(t *testing.T) (*ui, *keysSection) {
	t.Helper()
	db := mustWorkspace(t, t.TempDir(), "a.certeval")
	u := newTestUI(t, Options{DBPath: db}, nil)
	typeShortcut(u.win, areaShortcut(5))
	return u, u.areas[5].(*settingsArea).keys
}

// fillKeyForm types a holder, passphrases and a file name in the create
// form.
func fillKeyForm(k *keysSection, pass, confirm, file string) {
	test.Type(k.name, "Hélène Dupré")
	test.Type(k.role, "Présidente du jury")
	test.Type(k.institution, "Université de Perpignan")
	test.Type(k.pass, pass)
	test.Type(k.confirm, confirm)
	k.file.SetText("")
	test.Type(k.file, file)
}

func TestKeyCreateFromSettings(t *testing.T) {
	u, k := keysOnScreen(t)
	if !onScreen(u.win, "Clés de signature") {
		t.Fatalf("no keys section: %q", screen(u.win))
	}
	fillKeyForm(k, "phrase de passe longue", "phrase de passe longue", "presidente.key")
	path := filepath.Join(k.folder.Text, "presidente.key")

	tapText(t, u.win, "Créer la clé")
	waitFor(t, "the key", func() bool { return k.use.Visible() })
	id, err := seal.Load(path, []byte("phrase de passe longue"))
	if err != nil {
		t.Fatalf("load the created key: %v", err)
	}
	if got, want := seal.SubjectOf(id.Certificate).Role, "Présidente du jury"; got != want {
		t.Fatalf("role %q, want %q", got, want)
	}
	want := "Clé enregistrée dans " + path + " (identifiant " + seal.KeyID(id.Certificate) + ")."
	if !onScreen(u.win, want) {
		t.Fatalf("no %q on screen: %q", want, screen(u.win))
	}

	test.Tap(k.use)
	if got, err := u.env.store.SigningKey(u.env.ctx); err != nil || got != path {
		t.Fatalf("signing key %q (%v), want %q", got, err, path)
	}
	if !onScreen(u.win, path) {
		t.Fatalf("signing key not shown: %q", screen(u.win))
	}
}

func TestKeyCreateRefusesMismatch(t *testing.T) {
	u, k := keysOnScreen(t)
	fillKeyForm(k, "phrase de passe longue", "phrase de passe autre", "x.key")

	tapText(t, u.win, "Créer la clé")
	if !onScreen(u.win, "La phrase de passe et sa confirmation diffèrent : "+
		"saisissez-les de nouveau.") {
		t.Fatalf("no refusal: %q", screen(u.win))
	}
	if _, err := os.Stat(filepath.Join(k.folder.Text, "x.key")); err == nil {
		t.Fatal("key written despite the mismatch")
	}
}

func TestKeyChangePassphrase(t *testing.T) {
	u, k := keysOnScreen(t)
	id, err := seal.NewIdentity(seal.Subject{Name: "Hélène Dupré"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "k.key")
	cheap := seal.Params{MemoryKiB: 64, Time: 1, Threads: 1}
	if err := id.SaveWithParams(path, []byte("ancienne phrase"), cheap); err != nil {
		t.Fatal(err)
	}

	test.Type(k.pwFile, path)
	test.Type(k.pwOld, "ancienne phrase")
	test.Type(k.pwNew, "nouvelle phrase de passe")
	test.Type(k.pwConfirm, "nouvelle phrase de passe")
	test.Tap(k.change)
	done := "La phrase de passe de " + path + " a été changée."
	waitFor(t, "the change", func() bool { return onScreen(u.win, done) })

	if _, err := seal.Load(path, []byte("ancienne phrase")); !errors.Is(err,
		seal.ErrWrongPassphrase) {
		t.Fatalf("old passphrase still opens the key: %v", err)
	}
	if _, err := seal.Load(path, []byte("nouvelle phrase de passe")); err != nil {
		t.Fatalf("new passphrase: %v", err)
	}
}
