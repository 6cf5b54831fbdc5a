package main

import (
	"path/filepath"
	"strings"
	"testing"

	"certeval/i18n"
	"certeval/seal"
	"certeval/storage"
)

// TestSheetsRefusals checks what sheets needs before it signs anything:
// a key, its passphrase from the environment, a closed deliberation.
func TestSheetsRefusals(t *testing.T) {
	i18n.SetLanguage("fr")
	dir := t.TempDir()
	db := filepath.Join(dir, "w.certeval")
	s, err := storage.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	id, err := seal.NewIdentity(seal.Subject{Name: "Claire Dubois"})
	if err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "president.key")
	low := seal.Params{MemoryKiB: 8, Time: 1, Threads: 1}
	if err := id.SaveWithParams(key, []byte("phrase de passe"), low); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")

	tests := []struct {
		name, pass string
		args       []string
		want       string
	}{
		{"no out", "phrase de passe", []string{"sheets", "--db", db}, "nombre d'arguments"},
		{"no key", "phrase de passe", []string{"sheets", "--db", db, "--out", out},
			"--key"},
		{"no passphrase", "", []string{"sheets", "--db", db, "--out", out, "--key", key},
			"CERTEVAL_PASSPHRASE"},
		{"wrong passphrase", "autre", []string{"sheets", "--db", db, "--out", out,
			"--key", key}, seal.Explain(seal.ErrWrongPassphrase)},
		{"nothing closed", "phrase de passe", []string{"sheets", "--db", db, "--out", out,
			"--key", key}, "aucune délibération close"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(seal.EnvPassphrase, tt.pass)
			t.Setenv(seal.EnvPassphraseFile, "")
			code, stdout, errs := runGridCLI(tt.args...)
			if code == 0 || !strings.Contains(errs, tt.want) {
				t.Fatalf("exit %d, out %q, err %q; want %q", code, stdout, errs, tt.want)
			}
		})
	}
}
