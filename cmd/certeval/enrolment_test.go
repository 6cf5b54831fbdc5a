package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"certeval/i18n"
	"certeval/jury"
	"certeval/storage"
)

// enrolWorkspace creates a workspace with credential MC-TAB and two
// participating universities, and returns its path.
func enrolWorkspace(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.certeval")
	s, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := &jury.Credential{Code: "MC-TAB", Title: "Analyse de données avec un tableur",
		Participants: []jury.University{{Code: "UPVD", Name: "Université de Perpignan"},
			{Code: "UGA", Name: "Université Grenoble Alpes"}}}
	if err := s.CreateCredential(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return path
}

// runCLI runs one command line and returns its exit code and outputs.
func runCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCandidatesCommands(t *testing.T) {
	i18n.SetLanguage("fr")
	db := enrolWorkspace(t)
	good := filepath.Join("testdata", "enrolment", "good.csv")
	bad := filepath.Join("testdata", "enrolment", "bad.csv")

	code, out, errOut := runCLI("credentials", "--db", db)
	if code != 0 || out != "MC-TAB\tAnalyse de données avec un tableur\n" {
		t.Fatalf("credentials: exit %d, %q %q", code, out, errOut)
	}

	code, out, errOut = runCLI("candidates", "import", "--db", db, "MC-TAB", bad)
	if code != 1 || out != "" {
		t.Fatalf("bad import: exit %d, stdout %q", code, out)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(lines) != 3 ||
		!strings.HasPrefix(lines[0], bad+":3: colonne Date de naissance : ") ||
		!strings.HasPrefix(lines[1], bad+":4: colonne Courriel : ") ||
		!strings.HasPrefix(lines[2], "certeval: import de "+bad+" refusé") {
		t.Fatalf("bad import stderr:\n%s", errOut)
	}
	if _, out, _ = runCLI("candidates", "list", "--db", db, "MC-TAB"); out != "" {
		t.Fatalf("a refused import wrote candidates:\n%s", out)
	}

	code, out, errOut = runCLI("candidates", "import", "--db", db, "MC-TAB", good)
	first, _, _ := strings.Cut(out, "\n")
	if code != 0 || first != "3 candidats inscrits dans MC-TAB" {
		t.Fatalf("good import: exit %d, %q %q", code, out, errOut)
	}

	code, out, _ = runCLI("candidates", "list", "MC-TAB", "--db", db)
	want := "E3\tAbadie\tZoé\nE1\tLefèvre\tHélène\nE2\tN'Diaye\tAïssatou\n"
	if code != 0 || out != want {
		t.Fatalf("list: exit %d\n%q\nwant\n%q", code, out, want)
	}

	code, _, errOut = runCLI("candidates", "import", "--db", db, "MC-TAB", good)
	if code != 1 || !strings.Contains(errOut, good+":2: colonne Identifiant : ") {
		t.Fatalf("second import of the same file: exit %d\n%s", code, errOut)
	}
}

func TestCandidatesCommandErrors(t *testing.T) {
	i18n.SetLanguage("fr")
	db := enrolWorkspace(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown credential", []string{"candidates", "list", "--db", db, "NOPE"},
			"aucune micro-certification de code « NOPE »"},
		{"missing file", []string{"candidates", "import", "--db", db, "MC-TAB", "absent.csv"},
			"impossible de lire absent.csv"},
		{"arguments", []string{"candidates", "import", "--db", db, "MC-TAB"},
			"nombre d'arguments incorrect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(tt.args...)
			if code != 1 || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d, stderr %q, want %q", code, errOut, tt.want)
			}
		})
	}
}
