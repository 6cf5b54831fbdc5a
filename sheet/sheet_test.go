package sheet_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"certeval/sheet"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var (
	rendererOnce sync.Once
	renderer     *sheet.Renderer
	rendererErr  error
)

// mustRenderer returns the Renderer shared by the tests.
func mustRenderer(tb testing.TB) *sheet.Renderer {
	tb.Helper()
	rendererOnce.Do(func() { renderer, rendererErr = sheet.NewRenderer() })
	if rendererErr != nil {
		tb.Fatal(rendererErr)
	}
	return renderer
}

// document is one fixed document and what its text must show.
type document struct {
	name   string
	render func(r *sheet.Renderer) ([]byte, error)
	want   []string
}

func documents() []document {
	c := sampleCertificate("fr")
	return []document{
		{"certificate_fr", func(r *sheet.Renderer) ([]byte, error) {
			return r.Certificate(c)
		}, []string{
			"Université Claude Bernard Lyon 1", "Certificat numérique",
			"Dr Élodie Lefèvre", "Pr Jean-Baptiste N'Diaye",
			"Concevoir une évaluation par compétences en formation à distance",
			"Marie-Hélène DUPONT-ŒHLER", "né·e le 12 mars 1988",
			"C1 — Construire une situation d'apprentissage et d'évaluation",
			"Rédiger une consigne authentique alignée sur les acquis visés",
			"Évaluer et rendre compte", "30 juin 2025", "France — Auvergne-Rhône-Alpes",
			"Niveau 6", "24 heures — 1,5 ECTS", "Production écrite évaluée",
			"En ligne, asynchrone", "Qualiopi", "Évaluation non surveillée",
			"Pièce d'identité vérifiée", "Empilable dans le DU", "Frédéric Fleury",
			"Président de l'université", "Signé électroniquement", "Admise, note 15,5 / 20",
			"UCBL-MC-2025-000142", "Validité", "illimitée",
			"Vérifier : certeval verify <fichier> ou scanner le QR code", "Page 1 / 1",
		}},
		{"certificate_en", func(r *sheet.Renderer) ([]byte, error) {
			return r.Certificate(sampleCertificate("en"))
		}, []string{
			"Digital certificate", "born on 12 March 1988", "Date of issue",
			"30 June 2025", "24 hours — 1.5 ECTS", "Validity", "unlimited",
			"Verify: certeval verify <file> or scan the QR code", "Signed electronically",
		}},
		{"results", func(r *sheet.Renderer) ([]byte, error) {
			return r.ResultSheet(sampleResults(8, false))
		}, []string{
			"Université de Strasbourg", "Relevé de résultats", "MC-EVAL-01",
			"CAND-0001", "MARTIN Camille", "ADM – Admis·e", "AJ – Ajourné·e", "10 / 20",
			"Session 2 (rattrapage)", "27 juin 2025", "Session 1", "Pr Anne Moreau",
			"3 membres présents sur 4", "MCC v2", "sha256:4f2a9c1e…d07b",
			"RS-2025-06-27-UNISTRA", "Page 1 / 1",
		}},
		{"minutes", func(r *sheet.Renderer) ([]byte, error) {
			return r.Minutes(sampleMinutes())
		}, []string{
			"Université Claude Bernard Lyon 1", "Procès-verbal de délibération",
			"Mme Sophie Garnier", "absent·e", "présent·e", "Université de Strasbourg",
			"Pr Anne Moreau", "atteint", "MCC v2", "sha256:4f2a9c1e…d07b",
			"ADJ – Admis·e par décision du jury", "unanimité", "progression constatée",
			"Version 2", "PV-2025-06-27-MC-EVAL-01-v1", "27 juin 2025 à 16:42 UTC",
			"sha256:9b7e01c3…a4f0", "Signé électroniquement",
		}},
		{"letter", func(r *sheet.Renderer) ([]byte, error) {
			return r.Letter(sampleLetter())
		}, []string{
			"Mme Marie-Hélène DUPONT-ŒHLER", "Décision : Admise", "Note : 15,5 / 20",
			"Voies de recours", "recours gracieux", "Date limite de recours : 29 août 2025",
			"Villeurbanne, le 30 juin 2025", "Présidente du jury",
		}},
		{"grid", func(r *sheet.Renderer) ([]byte, error) {
			return r.BlankGrid(sampleGrid())
		}, []string{
			"Grille d'évaluation critériée", "Candidat·e (nom ou code)", "Critère",
			"Insuffisant", "Très satisfaisant", "Alignement", "Retour formatif",
			"☐ 4,5 pts", "Commentaires", "Commentaire général", "sha256:4f2a9c1e…d07b",
		}},
	}
}

// TestGolden compares each document with its golden file, byte for byte,
// after rendering it twice: the output must not depend on the run.
func TestGolden(t *testing.T) {
	r := mustRenderer(t)
	for _, doc := range documents() {
		t.Run(doc.name, func(t *testing.T) {
			got := mustRender(t, r, doc)
			again := mustRender(t, r, doc)
			if !bytes.Equal(got, again) {
				t.Fatal("two renderings of the same input differ")
			}
			path := filepath.Join("testdata", doc.name+".pdf")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("output differs from %s (%d bytes, want %d); "+
					"check the change and run go test -update", path, len(got), len(want))
			}
		})
	}
}

func mustRender(tb testing.TB, r *sheet.Renderer, doc document) []byte {
	tb.Helper()
	b, err := doc.render(r)
	if err != nil {
		tb.Fatalf("render %s: %v", doc.name, err)
	}
	return b
}

// TestText checks that every required element is in each document's text,
// and that qpdf finds the file sound.
func TestText(t *testing.T) {
	needTool(t, "pdftotext")
	needTool(t, "qpdf")
	r := mustRenderer(t)
	for _, doc := range documents() {
		t.Run(doc.name, func(t *testing.T) {
			path := writeTemp(t, mustRender(t, r, doc))
			text := pdfText(t, path)
			for _, w := range doc.want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q", w)
				}
			}
			qpdfCheck(t, path)
			checkInsideMargins(t, path)
		})
	}
}

// TestLongTable proves that a long list paginates with its header and
// footer on every page, and that long names and observations wrap inside
// their cells without a row split across pages.
func TestLongTable(t *testing.T) {
	needTool(t, "pdftotext")
	r := mustRenderer(t)
	for _, tc := range []struct {
		name  string
		long  bool
		pages int // exact count expected, 0 for "at least 3"
	}{
		{"60 candidates", false, 3},
		{"60 candidates with long names and observations", true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := r.ResultSheet(sampleResults(60, tc.long))
			if err != nil {
				t.Fatal(err)
			}
			path := writeTemp(t, b)
			pages := strings.Split(strings.TrimRight(pdfText(t, path), "\f"), "\f")
			if tc.pages > 0 && len(pages) != tc.pages || len(pages) < 3 {
				t.Fatalf("60 rows fill %d pages, want %d (at least 3)", len(pages), tc.pages)
			}
			checkPages(t, pages)
			checkEachRowOnce(t, strings.Join(pages, " "), 60)
			checkInsideMargins(t, path)
			qpdfCheck(t, path)
		})
	}
}

// checkPages wants "Page i / n" and the repeated table header on each page.
func checkPages(t *testing.T, pages []string) {
	t.Helper()
	n := strconv.Itoa(len(pages))
	for i, p := range pages {
		if want := "Page " + strconv.Itoa(i+1) + " / " + n; !strings.Contains(p, want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
		if !strings.Contains(p, "Observations") || !strings.Contains(p, "Nom ou code") {
			t.Errorf("page %d lacks the repeated table header", i+1)
		}
	}
}

// checkEachRowOnce wants every candidate's identifier exactly once: a row
// split across pages or lost would break it.
func checkEachRowOnce(t *testing.T, text string, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("CAND-%04d", i)
		if c := strings.Count(text, id); c != 1 {
			t.Errorf("%s appears %d times, want once", id, c)
		}
	}
}

// TestQRCodeScans reads the certificate's QR code back from a rendering of
// the page and wants the payload.
func TestQRCodeScans(t *testing.T) {
	needTool(t, "pdftoppm")
	needTool(t, "zbarimg")
	c := sampleCertificate("fr")
	b, err := mustRenderer(t).Certificate(c)
	if err != nil {
		t.Fatal(err)
	}
	path := writeTemp(t, b)
	png := filepath.Join(t.TempDir(), "page")
	if out, err := exec.Command("pdftoppm", "-png", "-r", "150", "-singlefile", path,
		png).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	out, err := exec.Command("zbarimg", "--quiet", "--raw", png+".png").Output()
	if err != nil {
		t.Fatalf("zbarimg found no code: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != c.QRPayload {
		t.Fatalf("QR code reads %q, want %q", got, c.QRPayload)
	}
}

// TestEmptyInput refuses documents with nothing to show.
func TestEmptyInput(t *testing.T) {
	r := mustRenderer(t)
	for name, render := range map[string]func() ([]byte, error){
		"certificate": func() ([]byte, error) { return r.Certificate(sheet.Certificate{}) },
		"results":     func() ([]byte, error) { return r.ResultSheet(sheet.ResultSheet{}) },
		"minutes":     func() ([]byte, error) { return r.Minutes(sheet.Minutes{}) },
		"letter":      func() ([]byte, error) { return r.Letter(sheet.Letter{}) },
		"grid":        func() ([]byte, error) { return r.BlankGrid(sheet.BlankGrid{}) },
	} {
		if _, err := render(); !errors.Is(err, sheet.ErrNoContent) {
			t.Errorf("%s: err = %v, want ErrNoContent", name, err)
		}
	}
}

// TestBadHeaderImage reports an image that is not one.
func TestBadHeaderImage(t *testing.T) {
	c := sampleCertificate("fr")
	c.Producer.Image = []byte("not an image")
	if _, err := mustRenderer(t).Certificate(c); err == nil {
		t.Fatal("a header image that is not an image was accepted")
	}
}

// TestNoAccommodationField guards the rule that accommodations never reach
// a document leaving the jury.
func TestNoAccommodationField(t *testing.T) {
	for _, v := range []any{sheet.Certificate{}, sheet.ResultSheet{}, sheet.ResultRow{},
		sheet.Letter{}, sheet.Learner{}} {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			name := strings.ToLower(typ.Field(i).Name)
			if strings.Contains(name, "accommodation") || strings.Contains(name, "amenag") {
				t.Errorf("%s has field %s", typ.Name(), typ.Field(i).Name)
			}
		}
	}
}

// TestConcurrent renders from one Renderer in several goroutines and gets
// the same bytes as one at a time.
func TestConcurrent(t *testing.T) {
	r := mustRenderer(t)
	want, err := r.Certificate(sampleCertificate("fr"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			got, err := r.Certificate(sampleCertificate("fr"))
			if err == nil && !bytes.Equal(got, want) {
				err = errors.New("concurrent rendering gave other bytes")
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed (apt-get install poppler-utils qpdf): %v", name, err)
	}
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// pdfText returns the text of a PDF, pages separated by form feeds, with
// runs of spaces and line breaks inside a page collapsed to one space.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(string(out), "\f")
	for i, p := range pages {
		pages[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(pages, "\f")
}

func qpdfCheck(t *testing.T, path string) {
	t.Helper()
	out, err := exec.Command("qpdf", "--check", path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "No syntax or stream encoding errors") {
		t.Errorf("qpdf --check: %v\n%s", err, out)
	}
}
