package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certeval/jury"
	"certeval/rubric"
	"certeval/seal"
	"certeval/storage"
)

// packageWorkspace creates a president's workspace with credential
// MC-FHA, its grid and three candidates allotted to expert, and returns
// its path.
func packageWorkspace(t *testing.T, expert string) string {
	t.Helper()
	ctx := context.Background()
	path := gridWorkspace(t)
	s, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b, err := os.ReadFile(sampleGridPath)
	if err != nil {
		t.Fatal(err)
	}
	g, err := rubric.ParseJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveGrid(ctx, "MC-FHA", g, storage.GridSave{}); err != nil {
		t.Fatal(err)
	}
	var cands []jury.Candidate
	for _, id := range []string{"E1", "E2", "E3"} {
		cands = append(cands, jury.Candidate{ID: id, FamilyName: "Nom" + id,
			GivenNames: "Camille", Email: id + "@example.fr",
			BirthDate: time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC)})
	}
	if err := s.ImportCandidates(ctx, "MC-FHA", "test.csv", cands, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range cands {
		sub, err := s.EnsureSubmission(ctx, "MC-FHA", c.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Allot(ctx, sub, expert); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// keyFile saves a new identity under dir with cheap costs.
func keyFile(t *testing.T, dir, name string) (*seal.Identity, string) {
	t.Helper()
	id, err := seal.NewIdentity(seal.Subject{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".key")
	err = id.SaveWithParams(path, []byte("secret"), seal.Params{MemoryKiB: 64, Time: 1,
		Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	return id, path
}

func TestPackageCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(seal.EnvPassphrase, "secret")
	t.Setenv(seal.EnvPassphraseFile, "")
	_, presKey := keyFile(t, dir, "president")
	expert, _ := keyFile(t, dir, "expert")
	keyID := seal.KeyID(expert.Certificate)
	pres := packageWorkspace(t, keyID)
	out := filepath.Join(dir, "affectation.zip")

	code, stdout, stderr := runGridCLI("package", "export", "--db", pres, "--expert", keyID,
		"--key", presKey, "-o", out)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, out) {
		t.Fatalf("export output = %q", stdout)
	}

	mine := filepath.Join(dir, "expert.certeval")
	code, stdout, stderr = runGridCLI("package", "import", "--db", mine, out)
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	if got, want := stdout, "3 corrections fusionnées, 0 inchangées, 0 conflits\n"; got != want {
		t.Fatalf("import output = %q, want %q", got, want)
	}

	// A damaged package is refused in one sentence naming the file.
	b, _ := os.ReadFile(out)
	b[len(b)/2] ^= 1
	bad := filepath.Join(dir, "abîmé.zip")
	if err := os.WriteFile(bad, b, 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runGridCLI("package", "import", "--db", mine, bad)
	if code == 0 || !strings.Contains(stderr, bad) ||
		strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Fatalf("damaged: exit %d, stderr %q", code, stderr)
	}
}
