package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"certeval/jury"
	"certeval/seal"
	"certeval/storage"
)

// documentsTest is the documents area on a workspace with one closed
// deliberation.
type documentsTest struct {
	a       *documentsArea
	w       fyne.Window
	s       *storage.Store
	keyPath string
	dir     string
}

func newDocumentsTest(t *testing.T) *documentsTest {
	t.Helper()
	app, s, dir := juryFixture(t)
	key := juryKeyFile(t, dir)
	closeJury(t, s, key)

	w := app.NewWindow("documents")
	w.Resize(fyne.NewSize(1200, 800))
	u := &ui{app: app, win: w}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	a := newDocumentsArea(&env{store: s, win: w, ctx: ctx, cancel: cancel,
		shell: u}).(*documentsArea)
	w.SetContent(a.Content())
	a.Refresh()
	waitFor(t, "the register", func() bool { return containing(w, "document(s) au registre") })
	return &documentsTest{a: a, w: w, s: s, keyPath: key, dir: dir}
}

// closeJury holds the meeting, accepts every proposal and closes the
// deliberation of the jury fixture.
func closeJury(t *testing.T, s *storage.Store, key string) {
	t.Helper()
	ctx := context.Background()
	m := jury.Meeting{Sitting: 1, Quorum: 2, Members: []jury.MeetingMember{
		{Member: jury.Member{Name: "Claire Dubois", President: true}, Present: true},
		{Member: jury.Member{Name: "Karim Benali"}, Present: true}}}
	id := loadKey(t, key)
	steps := []func() error{
		func() error { return s.SaveMeeting(ctx, "MC-J", m) },
		func() error { _, err := s.StartDeliberation(ctx, "MC-J", 1); return err },
		func() error { return s.RevealNames(ctx, "MC-J", 1) },
		func() error { return s.AcceptAllProposals(ctx, "MC-J", 1) },
		func() error { _, err := s.CloseDeliberation(ctx, "MC-J", 1, "Claire Dubois", id); return err },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDocumentsIssueByTapping fills in the issue dialog, signs every
// document, and finds them in the register and in the folder.
func TestDocumentsIssueByTapping(t *testing.T) {
	dt := newDocumentsTest(t)
	if !containing(dt.w, "0 document(s) au registre") {
		t.Fatalf("a new register is not empty: %q", screen(dt.w))
	}
	tapText(t, dt.w, "Émettre les documents")
	out := filepath.Join(dt.dir, "sortie")
	dt.a.keyPath.SetText(dt.keyPath)
	test.Type(dt.a.passphrase, juryTestPassphrase)
	dt.a.outDir.SetText(out)
	tapText(t, dt.w, "Signer et écrire")
	waitFor(t, "the documents", func() bool {
		return strings.Contains(dt.a.status.Text, "documents signés écrits")
	})

	// One minutes, one result sheet, three letters, fr and en certificates
	// and a badge for the one who passed, CSV and XLSX.
	want := 1 + 1 + 3 + 2 + 1 + 2
	waitFor(t, "the register", func() bool { return len(dt.a.docs) == want })
	if dt.a.opened != out {
		t.Fatalf("opened %q, want %q", dt.a.opened, out)
	}
	if p, _ := dt.s.SigningKey(context.Background()); p != dt.keyPath {
		t.Fatalf("signing key remembered as %q", p)
	}
	// The register lists documents in the order the workers finished them,
	// so look in its data rather than in the rows the list has drawn.
	certs := 0
	for _, d := range dt.a.docs {
		if d.Kind == "certificate" {
			certs++
		}
	}
	if certs != 2 {
		t.Fatalf("%d certificates in the register, want the fr and en ones", certs)
	}
	entries, _ := filepath.Glob(filepath.Join(out, "MC-J", "S1-v1", "*"))
	if len(entries) != len(dt.a.docs)+2 { // two .sig beside the exports
		t.Fatalf("%d files written: %v", len(entries), entries)
	}
}

// TestDocumentsWrongPassphrase keeps the register empty and says why.
func TestDocumentsWrongPassphrase(t *testing.T) {
	dt := newDocumentsTest(t)
	tapText(t, dt.w, "Émettre les documents")
	dt.a.keyPath.SetText(dt.keyPath)
	test.Type(dt.a.passphrase, "mauvaise")
	tapText(t, dt.w, "Signer et écrire")
	waitFor(t, "the error", func() bool { return containing(dt.w, "phrase de passe ne correspond") })
	if len(dt.a.docs) != 0 {
		t.Fatalf("%d documents issued with a wrong passphrase", len(dt.a.docs))
	}
}

// TestDocumentsRevoke revokes a document by tapping: a reason, then a
// confirmation; the register and the audit trail show it.
func TestDocumentsRevoke(t *testing.T) {
	dt := newDocumentsTest(t)
	tapText(t, dt.w, "Émettre les documents")
	dt.a.keyPath.SetText(dt.keyPath)
	test.Type(dt.a.passphrase, juryTestPassphrase)
	dt.a.outDir.SetText(filepath.Join(dt.dir, "sortie"))
	tapText(t, dt.w, "Signer et écrire")
	waitFor(t, "the documents", func() bool {
		return strings.Contains(dt.a.status.Text, "documents signés écrits")
	})

	waitFor(t, "the register", func() bool { return len(dt.a.docs) > 0 })
	dt.a.list.Select(0)
	id := dt.a.docs[0].ID
	tapText(t, dt.w, "Révoquer")
	var reason fyne.Focusable
	walk(dt.w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if e, ok := o.(fyne.Focusable); ok && reason == nil {
			if _, isEntry := o.(interface{ SetPlaceHolder(string) }); isEntry {
				reason = e
			}
		}
	})
	if reason == nil {
		t.Fatal("no reason entry in the dialog")
	}
	test.Type(reason, "erreur sur le nom")
	tapText(t, dt.w, "Révoquer") // the dialog's button
	tapText(t, dt.w, "Révoquer définitivement")
	waitFor(t, "the revocation", func() bool { return containing(dt.w, "révoqué le") })

	d, err := dt.s.Document(context.Background(), id)
	if err != nil || !d.Revoked || d.RevokeReason != "erreur sur le nom" {
		t.Fatalf("document after revocation: %+v, %v", d, err)
	}
}

// TestDocumentsVerifyFile verifies a file written by the area, then a
// damaged copy.
func TestDocumentsVerifyFile(t *testing.T) {
	dt := newDocumentsTest(t)
	tapText(t, dt.w, "Émettre les documents")
	dt.a.keyPath.SetText(dt.keyPath)
	test.Type(dt.a.passphrase, juryTestPassphrase)
	out := filepath.Join(dt.dir, "sortie")
	dt.a.outDir.SetText(out)
	tapText(t, dt.w, "Signer et écrire")
	waitFor(t, "the documents", func() bool {
		return strings.Contains(dt.a.status.Text, "documents signés écrits")
	})

	pv := filepath.Join(out, "MC-J", "S1-v1", "PV-MC-J-S1.pdf")
	dt.a.verifyFile(pv)
	waitFor(t, "the verdict", func() bool {
		return strings.Contains(dt.a.status.Text, "PV-MC-J-S1.pdf: authentique")
	})
	b, err := os.ReadFile(pv)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dt.dir, "pv-modifie.pdf")
	os.WriteFile(bad, append(b, "\n%%EOF\n"...), 0o600)
	dt.a.verifyFile(bad)
	waitFor(t, "the refusal", func() bool {
		return strings.Contains(dt.a.status.Text, "NON AUTHENTIQUE")
	})
}

// loadKey reads the president's key file of the tests.
func loadKey(t *testing.T, path string) *seal.Identity {
	t.Helper()
	id, err := seal.Load(path, []byte(juryTestPassphrase))
	if err != nil {
		t.Fatal(err)
	}
	return id
}
