package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"certeval/i18n"
	"certeval/jury"
	"certeval/rubric"
	"certeval/storage"
)

const sampleGridPath = "../../rubric/testdata/grille-sae-formation-hybride.json"

// gridWorkspace creates a workspace holding credential MC-FHA (competencies
// C1 to C3) and MC-ORA (none), and returns its path.
func gridWorkspace(t *testing.T) string {
	t.Helper()
	i18n.SetLanguage("fr")
	path := filepath.Join(t.TempDir(), "w.certeval")
	s, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fha := &jury.Credential{Code: "MC-FHA", Title: "Concevoir une formation hybride"}
	for _, c := range []string{"C1", "C2", "C3"} {
		fha.Competencies = append(fha.Competencies, jury.Competency{Code: c, Title: c})
	}
	for _, c := range []*jury.Credential{fha, {Code: "MC-ORA", Title: "Accessibilité"}} {
		if err := s.CreateCredential(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// runGridCLI runs one command line and returns its exit code and outputs.
func runGridCLI(args ...string) (int, string, string) {
	var out, errs bytes.Buffer
	code := run(context.Background(), args, &out, &errs)
	return code, out.String(), errs.String()
}

// gridVersions lists the stored versions of a credential's grid.
func gridVersions(t *testing.T, db, code string) []storage.GridVersion {
	t.Helper()
	s, err := storage.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	vs, err := s.GridVersions(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func TestGridImportJSON(t *testing.T) {
	db := gridWorkspace(t)
	code, out, errs := runGridCLI("grid", "import", "--db", db, sampleGridPath)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	vs := gridVersions(t, db, "MC-FHA")
	if len(vs) != 1 {
		t.Fatalf("%d versions", len(vs))
	}
	want := "grille MC-FHA v1 importée (empreinte " + vs[0].Fingerprint[:8] + "…)\n"
	if out != want {
		t.Fatalf("output %q, want %q", out, want)
	}
}

func TestGridImportORA2(t *testing.T) {
	db := gridWorkspace(t)
	file := "../../rubric/testdata/ora2-openassessment.xml"

	// Without --credential the file names no credential.
	code, _, errs := runGridCLI("grid", "import", "--db", db, file)
	if code == 0 || !strings.Contains(errs, "--credential") {
		t.Fatalf("exit %d: %s", code, errs)
	}

	code, out, errs := runGridCLI("grid", "import", "--db", db, "--credential", "MC-ORA", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(out, "grille MC-ORA v1 importée") {
		t.Fatalf("output %q", out)
	}
	if !strings.Contains(errs, "attention : "+file) {
		t.Fatalf("no notice printed: %q", errs)
	}
}

func TestGridImportRefused(t *testing.T) {
	dir := t.TempDir()
	sample, err := os.ReadFile(sampleGridPath)
	if err != nil {
		t.Fatal(err)
	}
	noComp := filepath.Join(dir, "no-competency.json")
	os.WriteFile(noComp, bytes.ReplaceAll(sample, []byte(`"C3"`), []byte(`"C9"`)), 0o600)
	notGrid := filepath.Join(dir, "notes.txt")
	os.WriteFile(notGrid, []byte("nom;prénom\n"), 0o600)
	badType := filepath.Join(dir, "bad-type.json")
	os.WriteFile(badType, bytes.Replace(sample, []byte(`"points": 0`),
		[]byte(`"points": "zéro"`), 1), 0o600)

	tests := []struct {
		name  string
		flags []string
		file  string
		want  []string
	}{
		{"unknown competency, strict", []string{"--strict"}, noComp,
			[]string{noComp + ", $.criteria[5]", "C9", noComp + ", $ :", "C3"}},
		{"not a grid", nil, notGrid, []string{notGrid, "ni une grille"}},
		{"wrong type", nil, badType, []string{badType, "$.criteria[0].levels[0].points"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := gridWorkspace(t)
			args := append([]string{"grid", "import", "--db", db}, tt.flags...)
			code, out, errs := runGridCLI(append(args, tt.file)...)
			if code == 0 || out != "" {
				t.Fatalf("exit %d, output %q", code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(errs, w) {
					t.Errorf("error %q lacks %q", errs, w)
				}
			}
			if vs := gridVersions(t, db, "MC-FHA"); len(vs) != 0 {
				t.Fatalf("refused import wrote %d versions", len(vs))
			}
		})
	}
}

func TestGridExportRoundTrip(t *testing.T) {
	db := gridWorkspace(t)
	if code, _, errs := runGridCLI("grid", "import", "--db", db, sampleGridPath); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	code, out, errs := runGridCLI("grid", "export", "--db", db, "MC-FHA")
	if code != 0 {
		t.Fatalf("export: %s", errs)
	}
	g, err := rubric.ParseJSON([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	vs := gridVersions(t, db, "MC-FHA")
	if got, want := g.Fingerprint(), vs[0].Fingerprint; got != want {
		t.Fatalf("exported fingerprint %s, stored %s", got, want)
	}

	// Imported again, the exported file changes nothing.
	file := filepath.Join(t.TempDir(), "grid.json")
	if code, _, errs := runGridCLI("grid", "export", "--db", db, "MC-FHA", "-o", file); code != 0 {
		t.Fatalf("export -o: %s", errs)
	}
	if code, _, errs := runGridCLI("grid", "import", "--db", db, file); code != 0 {
		t.Fatalf("import again: %s", errs)
	}
	if after := gridVersions(t, db, "MC-FHA"); len(after) != 1 ||
		after[0].Fingerprint != vs[0].Fingerprint {
		t.Fatalf("versions after round trip: %+v", after)
	}
}

func TestGridPrint(t *testing.T) {
	db := gridWorkspace(t)
	if code, _, errs := runGridCLI("grid", "import", "--db", db, sampleGridPath); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	pdf := filepath.Join(t.TempDir(), "grille.pdf")
	if code, _, errs := runGridCLI("grid", "print", "--db", db, "MC-FHA", "-o", pdf); code != 0 {
		t.Fatalf("print: %s", errs)
	}
	b, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF (%v)", err)
	}
	if code, _, _ := runGridCLI("grid", "print", "--db", db, "MC-ORA", "-o", pdf); code == 0 {
		t.Fatal("printing a credential without grid succeeded")
	}
}

// ora2Path is the rubric package's sample ORA2 rubric, whose criteria name
// no competency.
const ora2Path = "../../rubric/testdata/ora2-openassessment.xml"

func TestGridImportORA2Draft(t *testing.T) {
	db := gridWorkspace(t)

	// Into a credential with competencies: kept as a draft, problems shown.
	code, out, errs := runGridCLI("grid", "import", "--db", db, "--credential", "MC-FHA",
		ora2Path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	vs := gridVersions(t, db, "MC-FHA")
	if len(vs) != 1 || !vs[0].Draft || len(vs[0].Problems) == 0 {
		t.Fatalf("versions %+v", vs)
	}
	want := "grille MC-FHA enregistrée comme brouillon : " + strconv.Itoa(len(vs[0].Problems)) +
		" problème(s) à corriger dans l'éditeur de grille\n"
	if out != want {
		t.Fatalf("output %q, want %q", out, want)
	}
	missing := i18n.T("rubric.problem.competency_missing", "C2")
	for _, w := range []string{"attention : " + ora2Path + " : ", // an ORA2 notice
		"attention : " + ora2Path + ", /rubric : " + missing} {
		if !strings.Contains(errs, w) {
			t.Errorf("warnings %q lack %q", errs, w)
		}
	}
	if n := strings.Count(errs, "attention : "+ora2Path+", "); n != len(vs[0].Problems) {
		t.Errorf("%d problems printed, %d stored", n, len(vs[0].Problems))
	}

	// The credential is still missing its grid.
	s, err := storage.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Credential(context.Background(), "MC-FHA")
	s.Close()
	if err != nil || c.MCC.Criteria.Fingerprint != "" {
		t.Fatalf("credential refers to the draft: %+v (%v)", c.MCC.Criteria, err)
	}
}

func TestGridImportStrictRefusesDraft(t *testing.T) {
	db := gridWorkspace(t)
	code, out, errs := runGridCLI("grid", "import", "--db", db, "--strict",
		"--credential", "MC-FHA", ora2Path)
	if code == 0 || out != "" {
		t.Fatalf("exit %d, output %q", code, out)
	}
	if !strings.Contains(errs, ora2Path+", /rubric : ") {
		t.Fatalf("error %q does not locate the problem", errs)
	}
	if vs := gridVersions(t, db, "MC-FHA"); len(vs) != 0 {
		t.Fatalf("refused import wrote %+v", vs)
	}
}

func TestGridDraftFixedByReimport(t *testing.T) {
	db := gridWorkspace(t)
	if code, _, errs := runGridCLI("grid", "import", "--db", db, "--credential", "MC-FHA",
		ora2Path); code != 0 {
		t.Fatalf("import: %s", errs)
	}

	// Exported, each criterion tied to a competency, imported again.
	file := filepath.Join(t.TempDir(), "brouillon.json")
	if code, _, errs := runGridCLI("grid", "export", "--db", db, "MC-FHA", "-o",
		file); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	g, err := rubric.ParseJSONDraft(b)
	if err != nil {
		t.Fatal(err)
	}
	// The rubric scores two criteria: a third one evidences C3.
	var scored []int
	for i := range g.Criteria {
		if g.Criteria[i].Scored() {
			scored = append(scored, i)
		}
	}
	extra := g.Criteria[scored[0]]
	extra.Key, extra.Label = "c3", "Évaluation du plan"
	g.Criteria = append(g.Criteria, extra)
	scored = append(scored, len(g.Criteria)-1)
	for n, i := range scored {
		g.Criteria[i].Competency = []string{"C1", "C2", "C3"}[n%3]
	}
	if b, err = g.JSON(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(file, b, 0o600)
	code, out, errs := runGridCLI("grid", "import", "--db", db, "--strict", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}

	vs := gridVersions(t, db, "MC-FHA")
	if len(vs) != 1 || vs[0].Draft || vs[0].Problems != nil {
		t.Fatalf("versions %+v", vs)
	}
	want := "grille MC-FHA v1 importée (empreinte " + vs[0].Fingerprint[:8] + "…)\n"
	if out != want || errs != "" {
		t.Fatalf("output %q, warnings %q", out, errs)
	}
}
