package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certeval/demo"
	"certeval/i18n"
	"certeval/seal"
	"certeval/storage"
)

// sample builds the sample workspace with a cheap key, for speed.
func sample(t *testing.T) string {
	t.Helper()
	i18n.SetLanguage("fr")
	path := filepath.Join(t.TempDir(), "exemple.certeval")
	err := demo.Create(context.Background(), path, demo.Options{
		KeyParams: seal.Params{MemoryKiB: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestHelpDescribesEveryCommand(t *testing.T) {
	i18n.SetLanguage("fr")
	code, out, _ := runCLI("--help")
	if code != 0 {
		t.Fatalf("--help exit %d", code)
	}
	for name, c := range commands {
		if !i18n.Has(c.help) {
			t.Errorf("command %q: help key %q has no translation", name, c.help)
		}
		if name == "" || name == "help" {
			continue
		}
		if !strings.Contains(out, "certeval "+name) {
			t.Errorf("--help does not list %q", name)
		}
		code, out, _ := runCLI(append(strings.Fields(name), "--help")...)
		if code != 0 || !strings.Contains(out, i18n.T(c.help)[:20]) {
			t.Errorf("%s --help: exit %d, %q", name, code, out)
		}
	}
}

// TestSampleSheetsVerify issues every document of the sample workspace and
// verifies each one: what "certeval demo" builds, "certeval sheets" signs
// and "certeval verify" accepts.
func TestSampleSheetsVerify(t *testing.T) {
	db := sample(t)
	out := filepath.Join(t.TempDir(), "documents")
	t.Setenv("CERTEVAL_PASSPHRASE", demo.Passphrase)
	code, stdout, stderr := runCLI("sheets", "--db", db, "--out", out)
	if code != 0 {
		t.Fatalf("sheets: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "documents signés écrits") {
		t.Fatalf("sheets said %q", stdout)
	}
	pdfs, _ := filepath.Glob(filepath.Join(out, "*", "*", "*.pdf"))
	if len(pdfs) < 30 {
		t.Fatalf("only %d PDFs written", len(pdfs))
	}
	args := append([]string{"verify", "--db", db}, pdfs...)
	code, stdout, stderr = runCLI(args...)
	if code != 0 {
		t.Fatalf("verify: exit %d\n%s%s", code, stdout, stderr)
	}
	if got := strings.Count(stdout, "authentique"); got != len(pdfs) {
		t.Fatalf("%d of %d documents authentic:\n%s", got, len(pdfs), stdout)
	}
}

func TestCheckNamesTamperedEvent(t *testing.T) {
	db := sample(t)
	code, out, _ := runCLI("check", "--db", db)
	if code != 0 || strings.Count(out, "\tok\t") != 3 {
		t.Fatalf("check of the sample: exit %d\n%s", code, out)
	}

	// Someone edits the audit trail behind Certeval's back.
	s, err := storage.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP TRIGGER audit_events_no_update`,
		`UPDATE audit_events SET reason = 'rien à signaler' WHERE seq = 42`,
	} {
		if _, err := s.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	code, out, errOut := runCLI("check", "--db", db)
	if code == 0 {
		t.Fatalf("check passed a tampered workspace:\n%s", out)
	}
	if !strings.Contains(out, "journal d'audit\tÉCHEC\t42:") {
		t.Fatalf("check did not name event 42:\n%s%s", out, errOut)
	}
}

func TestRefusedFileLeftUnchanged(t *testing.T) {
	i18n.SetLanguage("fr")
	path := filepath.Join(t.TempDir(), "notes.certeval")
	content := []byte("nom;prénom\nDupont;Marie\n")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI("check", "--db", path)
	if code == 0 || !strings.Contains(errOut, "n'est pas un espace de travail Certeval") {
		t.Fatalf("exit %d, %q", code, errOut)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, content) {
		t.Fatal("the refused file was changed")
	}
}

func TestBackupCommand(t *testing.T) {
	db := sample(t)
	dst := filepath.Join(t.TempDir(), "copie.certeval")
	code, out, errOut := runCLI("backup", "--db", db, dst)
	if code != 0 {
		t.Fatalf("backup: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "vérifiée") {
		t.Fatalf("backup said %q", out)
	}
	code, out, _ = runCLI("check", "--db", dst)
	if code != 0 {
		t.Fatalf("check of the copy: exit %d\n%s", code, out)
	}
}
