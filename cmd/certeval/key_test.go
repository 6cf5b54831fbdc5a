package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certeval/i18n"
	"certeval/seal"
	"certeval/storage"
)

// keyEnv sets the passphrase variables for one test; empty unsets them.
func keyEnv(t *testing.T, pass, newPass string) {
	t.Helper()
	t.Setenv(seal.EnvPassphraseFile, "")
	t.Setenv(seal.EnvPassphrase, pass)
	t.Setenv(envNewPassphraseFile, "")
	t.Setenv(envNewPassphrase, newPass)
}

func TestKeyLifecycle(t *testing.T) {
	i18n.SetLanguage("fr")
	dir := t.TempDir()
	key := filepath.Join(dir, "presidente.key")
	keyEnv(t, "première phrase", "seconde phrase de passe")

	// A new key, then its certificate without any passphrase.
	code, out, errOut := runCLI("key", "new", "--name", "Hélène Dupré", "--role",
		"Présidente du jury", "--institution", "Université de Perpignan", "-o", key)
	if code != 0 || !strings.HasPrefix(out, "clé créée dans "+key+" (identifiant ") {
		t.Fatalf("key new: exit %d, %q %q", code, out, errOut)
	}
	id, err := seal.Load(key, []byte("première phrase"))
	if err != nil {
		t.Fatalf("load new key: %v", err)
	}
	keyID := seal.KeyID(id.Certificate)
	if !strings.Contains(out, keyID) {
		t.Fatalf("key new printed %q, want identifier %s", out, keyID)
	}

	t.Setenv(seal.EnvPassphrase, "")
	pemPath := filepath.Join(dir, "presidente.pem")
	code, out, errOut = runCLI("key", "export", key, "-o", pemPath)
	want := keyID + "\tHélène Dupré, Présidente du jury, Université de Perpignan, FR\n"
	if code != 0 || !strings.HasPrefix(out, want) {
		t.Fatalf("key export: exit %d, %q %q, want prefix %q", code, out, errOut, want)
	}
	b, err := os.ReadFile(pemPath)
	if err != nil || string(b) != string(id.CertificatePEM()) {
		t.Fatalf("exported certificate differs (%v)", err)
	}

	// A wrong old passphrase is refused with seal's sentence.
	t.Setenv(seal.EnvPassphrase, "pas la bonne phrase")
	code, _, errOut = runCLI("key", "passwd", key)
	if code != 1 || !strings.Contains(errOut, seal.Explain(seal.ErrWrongPassphrase)) {
		t.Fatalf("wrong passphrase: exit %d, %q", code, errOut)
	}

	t.Setenv(seal.EnvPassphrase, "première phrase")
	if code, out, errOut = runCLI("key", "passwd", key); code != 0 {
		t.Fatalf("key passwd: exit %d, %q %q", code, out, errOut)
	}
	if _, err := seal.Load(key, []byte("première phrase")); !errors.Is(err,
		seal.ErrWrongPassphrase) {
		t.Fatalf("old passphrase still opens the key: %v", err)
	}
	if _, err := seal.Load(key, []byte("seconde phrase de passe")); err != nil {
		t.Fatalf("new passphrase: %v", err)
	}

	// The workspace trusts the exported certificate.
	db := enrolWorkspace(t)
	if code, out, errOut = runCLI("key", "trust", "--db", db, pemPath); code != 0 {
		t.Fatalf("key trust: exit %d, %q %q", code, out, errOut)
	}
	if code, out, errOut = runCLI("key", "trust", "--db", db, "--expert", "MC-TAB",
		pemPath); code != 0 {
		t.Fatalf("key trust --expert: exit %d, %q %q", code, out, errOut)
	}
	checkTrusted(t, db, keyID)
}

// checkTrusted checks that keyID is a trusted issuer and an expert of
// MC-TAB in the workspace at db.
func checkTrusted(t *testing.T, db, keyID string) {
	t.Helper()
	s, err := storage.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	iss, err := s.TrustedIssuers(ctx)
	if err != nil || len(iss) != 1 || iss[0].KeyID != keyID {
		t.Fatalf("trusted issuers %+v (%v), want %s", iss, err, keyID)
	}
	keys, err := s.PackageKeys(ctx)
	if err != nil || len(keys) != 1 || keys[0].KeyID != keyID ||
		keys[0].Role != storage.RoleExpert || keys[0].Credential != "MC-TAB" {
		t.Fatalf("package keys %+v (%v)", keys, err)
	}
}

func TestKeyNewRefusals(t *testing.T) {
	i18n.SetLanguage("fr")
	dir := t.TempDir()
	existing := filepath.Join(dir, "deja.key")
	if err := os.WriteFile(existing, []byte("à garder"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, pass, out, want string
	}{
		{"no passphrase", "", filepath.Join(dir, "a.key"),
			seal.Explain(seal.ErrNoPassphrase)},
		{"short passphrase", "court", filepath.Join(dir, "b.key"),
			i18n.T("keys.err.short", minPassphrase)},
		{"existing file", "une phrase assez longue", existing,
			i18n.T("keys.cli.exists", existing)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keyEnv(t, tt.pass, "")
			code, out, errOut := runCLI("key", "new", "--name", "X", "-o", tt.out)
			if code != 1 || out != "" || errOut != "certeval: "+tt.want+"\n" {
				t.Fatalf("exit %d, stdout %q, stderr %q, want %q", code, out, errOut,
					tt.want)
			}
		})
	}
	if b, _ := os.ReadFile(existing); string(b) != "à garder" {
		t.Fatalf("existing file overwritten: %q", b)
	}
	for _, name := range []string{"a.key", "b.key"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Fatalf("%s written despite the refusal", name)
		}
	}
}

func TestKeyImportP12(t *testing.T) {
	i18n.SetLanguage("fr")
	src := filepath.Join("..", "..", "seal", "testdata", "pkcs12", "ecdsa-chain.p12")
	out := filepath.Join(t.TempDir(), "etablissement.key")
	keyEnv(t, "phrase de l'établissement", "")

	t.Setenv(envP12Password, "mauvais")
	code, _, errOut := runCLI("key", "import-p12", "-o", out, src)
	if code != 1 || !strings.Contains(errOut, seal.Explain(seal.ErrPKCS12Password)) {
		t.Fatalf("wrong password: exit %d, %q", code, errOut)
	}

	t.Setenv(envP12Password, "motdepasse")
	code, stdout, errOut := runCLI("key", "import-p12", "-o", out, src)
	if code != 0 || !strings.HasPrefix(stdout, "clé importée dans "+out) {
		t.Fatalf("import: exit %d, %q %q", code, stdout, errOut)
	}
	id, err := seal.Load(out, []byte("phrase de l'établissement"))
	if err != nil || len(id.Chain) != 1 {
		t.Fatalf("imported key: %v, chain %d", err, len(id.Chain))
	}
}
