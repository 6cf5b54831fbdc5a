package issue_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"certeval/issue"
	"certeval/rubric"
)

func needTool(tb testing.TB, name string) {
	tb.Helper()
	if _, err := exec.LookPath(name); err != nil {
		tb.Skipf("%s is not installed", name)
	}
}

// issueAll runs the pipeline on a fresh workspace and returns the summary.
func issueAll(t *testing.T) (issue.Summary, *issue.Verifier) {
	t.Helper()
	ctx := context.Background()
	id := mustIdentity(t, "Claire Dubois")
	s := mustWorkspace(t, id)
	var calls, last int
	sum, err := issue.Sheets(ctx, s, id, t.TempDir(), func(done, total int) {
		calls++
		last = done
		if done > total {
			t.Errorf("progress %d of %d", done, total)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != sum.Documents || last != sum.Documents {
		t.Fatalf("progress called %d times, last %d, for %d documents", calls, last,
			sum.Documents)
	}
	docs, err := s.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != sum.Documents {
		t.Fatalf("register holds %d documents, %d written", len(docs), sum.Documents)
	}
	v, err := issue.WorkspaceVerifier(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	return sum, v
}

// TestSheets issues the documents of a closed deliberation and verifies
// every one: 1 minutes, 2 result sheets (UL, UPS), 3 letters, 2×2
// certificates and 2 badges for the two who passed, CSV and XLSX.
func TestSheets(t *testing.T) {
	sum, v := issueAll(t)
	if got, want := sum.Documents, 1+2+3+4+2+2; got != want {
		t.Fatalf("%d documents issued, want %d: %v", got, want, sum.Files)
	}
	for _, f := range sum.Files {
		if strings.HasSuffix(f, issue.SidecarExt) {
			continue
		}
		if r := v.Check(context.Background(), f); !r.Authentic {
			t.Errorf("%s", r.Line())
		}
	}

	// An export changed after issue no longer matches its signature file.
	for _, f := range sum.Files {
		if filepath.Ext(f) != ".csv" {
			continue
		}
		b, _ := os.ReadFile(f)
		os.WriteFile(f, bytes.Replace(b, []byte("AJ"), []byte("ADM"), 1), 0o644)
		if r := v.Check(context.Background(), f); r.Authentic {
			t.Fatalf("changed export accepted: %s", r.Line())
		}
	}
}

// TestSheetsCancelled stops at once when the context is cancelled.
func TestSheetsCancelled(t *testing.T) {
	id := mustIdentity(t, "Claire Dubois")
	s := mustWorkspace(t, id)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := issue.Sheets(ctx, s, id, t.TempDir(), nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Sheets on a cancelled context = %v", err)
	}
}

// TestNoAccommodationLeaves extracts the text of every outbound document,
// export, badge and QR payload and looks for the accommodation's detail.
func TestNoAccommodationLeaves(t *testing.T) {
	needTool(t, "pdftotext")
	sum, v := issueAll(t)
	payloads := 0
	for _, f := range sum.Files {
		text := outboundText(t, f)
		if strings.HasSuffix(f, ".pdf") && strings.Contains(f, "certificat-") {
			p := scanQR(t, f)
			r := v.QR(context.Background(), p)
			if !r.Authentic || r.Payload == nil {
				t.Fatalf("QR code of %s: %s", f, r.Line())
			}
			text += p + strings.Join(r.Details(), "\n")
			payloads++
		}
		if len(strings.TrimSpace(text)) < 20 {
			t.Fatalf("no text extracted from %s", f)
		}
		for _, word := range []string{secret, "dyslexie", "Lefèvre"} {
			if strings.Contains(strings.ToLower(text), strings.ToLower(word)) {
				t.Errorf("%s contains %q", filepath.Base(f), word)
			}
		}
	}
	if payloads == 0 && hasTool("zbarimg") {
		t.Fatal("no QR payload checked")
	}
}

func hasTool(name string) bool { _, err := exec.LookPath(name); return err == nil }

// outboundText returns the readable text of an issued file.
func outboundText(t *testing.T, path string) string {
	t.Helper()
	switch filepath.Ext(path) {
	case ".pdf":
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", path, err)
		}
		return string(out)
	case ".xlsx":
		return zipText(t, path)
	case ".jwt":
		b, _ := os.ReadFile(path)
		parts := strings.Split(string(b), ".")
		claims, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			t.Fatal(err)
		}
		return string(claims)
	case issue.SidecarExt:
		b, _ := os.ReadFile(path)
		body, _ := base64.RawURLEncoding.DecodeString(strings.Split(string(b), ".")[1])
		return string(b) + string(body)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// zipText returns every XML part of an XLSX file.
func zipText(t *testing.T, path string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(&buf, rc)
		rc.Close()
	}
	return buf.String()
}

// scanQR reads the QR code of a certificate's first page.
func scanQR(t *testing.T, path string) string {
	t.Helper()
	needTool(t, "pdftoppm")
	needTool(t, "zbarimg")
	png := filepath.Join(t.TempDir(), "page")
	if out, err := exec.Command("pdftoppm", "-png", "-r", "150", "-singlefile", path,
		png).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	out, err := exec.Command("zbarimg", "--quiet", "--raw", png+".png").Output()
	if err != nil {
		t.Fatalf("zbarimg found no code in %s: %v", path, err)
	}
	return strings.TrimSpace(string(out))
}

// TestMinutesNameTheGridGradedWith: a grid version added after the
// deliberation does not change the fingerprint the minutes print.
func TestMinutesNameTheGridGradedWith(t *testing.T) {
	needTool(t, "pdftotext")
	ctx := context.Background()
	id := mustIdentity(t, "Claire Dubois")
	s := mustWorkspace(t, id)
	data, err := os.ReadFile("../rubric/testdata/grille-sae-formation-hybride.json")
	if err != nil {
		t.Fatal(err)
	}
	g1, err := rubric.ParseJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	g2 := *g1
	g2.Title += " (version 2)"
	g2.Version = 2
	v2, err := g2.JSON()
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.DB().Exec(`INSERT INTO grids (credential_id, version, fingerprint, data,
			frozen, created_at)
		SELECT id, 2, ?, ?, 0, '2026-03-05T00:00:00Z' FROM credentials WHERE code = ?`,
		g2.Fingerprint(), string(v2), testCode)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := issue.Sheets(ctx, s, id, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range sum.Files {
		if !strings.HasPrefix(filepath.Base(f), "PV-") {
			continue
		}
		text := outboundText(t, f)
		if !strings.Contains(text, g1.Fingerprint()[:16]) ||
			strings.Contains(text, g2.Fingerprint()[:16]) {
			t.Fatalf("minutes name the wrong grid (want %s, not %s):\n%s",
				g1.Fingerprint(), g2.Fingerprint(), text)
		}
		return
	}
	t.Fatal("no minutes issued")
}
