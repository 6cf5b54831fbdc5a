package seal_test

import (
	"bytes"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"certeval/seal"
)

func TestSignVerifyPDF(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	signed := MustSign(t, MustPDF(t, "Certificat de réussite", 40), id)

	r, err := seal.VerifyPDF(signed, MustPool(id))
	if err != nil {
		t.Fatalf("VerifyPDF: %v", err)
	}
	if !r.Authentic || r.Problem != nil || r.Reason != "" {
		t.Fatalf("report %+v, want authentic", r)
	}
	if got, want := r.Signer.Name, "Jeanne Martin"; got != want {
		t.Errorf("signer %q, want %q", got, want)
	}
	if got, want := r.Signer.Institution, "Université de Lorraine"; got != want {
		t.Errorf("institution %q, want %q", got, want)
	}
	if !r.SignedAt.Equal(signTime) {
		t.Errorf("signed at %v, want %v", r.SignedAt, signTime)
	}
	if !r.Certificate.Equal(id.Certificate) {
		t.Errorf("report names another certificate")
	}
}

func TestVerifyPDFTrustsNobodyByDefault(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	signed := MustSign(t, MustPDF(t, "Certificat", 5), id)
	r, err := seal.VerifyPDF(signed, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Authentic || !errors.Is(r.Problem, seal.ErrUntrusted) {
		t.Fatalf("report %+v, want untrusted", r)
	}
}

// TestSignPDFDeterministic checks that two signatures of the same input
// differ only inside the signature value.
func TestSignPDFDeterministic(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	doc := MustPDF(t, "Certificat", 40)
	a, b := MustSign(t, doc, id), MustSign(t, doc, id)
	if len(a) != len(b) {
		t.Fatalf("lengths %d and %d differ", len(a), len(b))
	}
	br := byteRange(t, a)
	if !bytes.Equal(a[:br[1]], b[:br[1]]) || !bytes.Equal(a[br[2]:], b[br[2]:]) {
		t.Fatalf("signed bytes differ between two signatures of the same input")
	}
	if !bytes.HasPrefix(a, doc) {
		t.Fatalf("signing rewrote the original bytes instead of appending")
	}
}

func TestSignPDFRefusesJunk(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	doc := MustPDF(t, "Certificat", 3)
	for name, junk := range map[string][]byte{
		"empty":     nil,
		"text":      []byte("ceci n'est pas un PDF"),
		"truncated": doc[:len(doc)/2],
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := seal.SignPDF(junk, id, seal.SignInfo{Time: signTime}); err == nil {
				t.Fatalf("SignPDF signed junk")
			}
		})
	}
}

// attack is one forged or damaged document and the reason it must fail.
type attack struct {
	name string
	doc  []byte
	want error
}

// TestVerifyPDFAttacks writes the attack corpus to testdata/attacks and
// checks that VerifyPDF refuses each document for the right reason, and
// that pdfsig, where installed, does not call any of them valid and
// totally signed.
func TestVerifyPDFAttacks(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	stranger := MustIdentity(t, "Mallory")
	doc := MustPDF(t, "Certificat de Jeanne Martin", 40)
	signed := MustSign(t, doc, id)
	pool := MustPool(id)

	dir := filepath.Join("testdata", "attacks")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "original.pdf"), signed, 0o644); err != nil {
		t.Fatal(err)
	}

	for _, a := range attacks(t, doc, signed, id, stranger) {
		t.Run(a.name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(dir, a.name+".pdf"), a.doc, 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := seal.VerifyPDF(a.doc, pool)
			if err != nil {
				t.Fatalf("VerifyPDF: %v", err)
			}
			if r.Authentic {
				t.Fatalf("forged document reported authentic")
			}
			if !errors.Is(r.Problem, a.want) {
				t.Fatalf("problem %v, want %v", r.Problem, a.want)
			}
			if r.Reason != seal.Explain(a.want) {
				t.Fatalf("reason %q, want %q", r.Reason, seal.Explain(a.want))
			}
			// poppler must see the same damage; trust is not its question.
			if a.want == seal.ErrUntrusted || !hasPdfsig {
				return
			}
			out, _ := exec.Command("pdfsig", filepath.Join(dir, a.name+".pdf")).CombinedOutput()
			if bytes.Contains(out, []byte("Signature is Valid.")) &&
				bytes.Contains(out, []byte("Total document signed")) {
				t.Fatalf("pdfsig accepts the forged document:\n%s", out)
			}
		})
	}
}

// hasPdfsig tells whether poppler's pdfsig is installed.
var hasPdfsig = func() bool { _, err := exec.LookPath("pdfsig"); return err == nil }()

// attacks builds the corpus from an unsigned document and its signature.
func attacks(t *testing.T, doc, signed []byte, id, stranger *seal.Identity) []attack {
	br := byteRange(t, signed)
	other := MustSign(t, MustPDF(t, "Certificat de Paul Durand", 40), id)
	return []attack{
		{"not-signed", doc, seal.ErrNotSigned},
		{"flipped-byte", flip(signed, br[1]/2), seal.ErrModified},
		{"incremental-update", appendUpdate(t, signed), seal.ErrAppended},
		{"byterange-skips-content", skipContent(t, signed, br), seal.ErrPartialCoverage},
		{"untrusted-signer", MustSign(t, doc, stranger), seal.ErrUntrusted},
		{"signature-copied", copySignature(t, signed, other), seal.ErrModified},
		{"signature-value-changed", changeSignatureValue(t, signed, br), seal.ErrBadSignature},
		{"truncated", signed[:len(signed)-100], seal.ErrTruncated},
		{"truncated-before-signature", signed[:br[1]/2], seal.ErrNotSigned},
	}
}

var byteRangeRE = regexp.MustCompile(`/ByteRange\s*\[(\d+) (\d+) (\d+) (\d+)\s*\]`)

// byteRange returns the /ByteRange of a signed document.
func byteRange(t *testing.T, doc []byte) [4]int {
	t.Helper()
	m := byteRangeRE.FindSubmatch(doc)
	if m == nil {
		t.Fatalf("no /ByteRange")
	}
	var br [4]int
	for i := range br {
		br[i], _ = strconv.Atoi(string(m[i+1]))
	}
	return br
}

// flip returns doc with one bit of byte at changed.
func flip(doc []byte, at int) []byte {
	out := bytes.Clone(doc)
	out[at] ^= 0x01
	return out
}

// appendUpdate adds an incremental update that replaces the first page's
// content with a blue rectangle, as a forger would.
func appendUpdate(t *testing.T, signed []byte) []byte {
	t.Helper()
	last := func(re string) string {
		all := regexp.MustCompile(re).FindAllSubmatch(signed, -1)
		if len(all) == 0 {
			t.Fatalf("no match for %s", re)
		}
		return string(all[len(all)-1][1])
	}
	content := last(`/Type /Page\s+/Parent \d+ 0 R\s+/Resources \d+ 0 R\s+/Contents\s+(\d+) 0 R`)
	root, size, prev := last(`/Root (\d+) 0 R`), last(`/Size (\d+)`), last(`startxref\s+(\d+)`)

	var b bytes.Buffer
	b.Write(signed)
	at := b.Len()
	stream := "0 0 1 rg 50 700 300 80 re f"
	fmt.Fprintf(&b, "%s 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n",
		content, len(stream), stream)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 1\n0000000000 65535 f\r\n%s 1\n%010d 00000 n\r\n", content, at)
	fmt.Fprintf(&b, "trailer\n<< /Size %s /Root %s 0 R /Prev %s >>\nstartxref\n%d\n%%%%EOF\n",
		size, root, prev, xref)
	return b.Bytes()
}

// skipContent rewrites the /ByteRange, at the same length, so that the
// unsigned hole starts 30 bytes early and swallows part of the dictionary.
func skipContent(t *testing.T, signed []byte, br [4]int) []byte {
	t.Helper()
	m := byteRangeRE.FindIndex(signed)
	old := signed[m[0]:m[1]]
	repl := fmt.Sprintf("/ByteRange [%d %d %d %d]", br[0], br[1]-30, br[2], br[3])
	if len(repl) > len(old) {
		t.Fatalf("replacement longer than the original")
	}
	repl += string(bytes.Repeat([]byte(" "), len(old)-len(repl)))
	out := bytes.Clone(signed)
	copy(out[m[0]:], repl)
	return out
}

// copySignature puts the signature value of signed into the hole of other,
// a different document signed by the same key.
func copySignature(t *testing.T, signed, other []byte) []byte {
	t.Helper()
	from, to := byteRange(t, signed), byteRange(t, other)
	value := signed[from[1]:from[2]]
	if len(value) != to[2]-to[1] {
		t.Fatalf("signature holes differ in size: %d and %d", len(value), to[2]-to[1])
	}
	out := bytes.Clone(other)
	copy(out[to[1]:], value)
	return out
}

// changeSignatureValue flips the last byte of the CMS DER, which is the
// last byte of the ECDSA signature value.
func changeSignatureValue(t *testing.T, signed []byte, br [4]int) []byte {
	t.Helper()
	hexValue := signed[br[1]+1 : br[2]-1]
	der, err := hex.DecodeString(string(hexValue))
	if err != nil {
		t.Fatal(err)
	}
	var raw asn1.RawValue
	if _, err := asn1.Unmarshal(der, &raw); err != nil {
		t.Fatal(err)
	}
	der[len(raw.FullBytes)-1] ^= 0x01
	out := bytes.Clone(signed)
	copy(out[br[1]+1:], []byte(hex.EncodeToString(der)))
	return out
}

// TestPDFToolsAcceptSignature runs poppler's pdfsig and qpdf on a signed
// document, and pdfsig on the incremental update attack.
func TestPDFToolsAcceptSignature(t *testing.T) {
	for _, tool := range []string{"pdfsig", "qpdf"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (apt-get install poppler-utils qpdf): %v", tool, err)
		}
	}
	id := MustIdentity(t, "Jeanne Martin")
	signed := MustSign(t, MustPDF(t, "Certificat de réussite", 40), id)
	dir := t.TempDir()
	path := filepath.Join(dir, "signed.pdf")
	if err := os.WriteFile(path, signed, 0o644); err != nil {
		t.Fatal(err)
	}

	out, _ := exec.Command("pdfsig", path).CombinedOutput()
	for _, want := range []string{"Signature is Valid.", "Total document signed"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("pdfsig does not say %q:\n%s", want, out)
		}
	}
	out, err := exec.Command("qpdf", "--check", path).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("No syntax or stream encoding errors")) {
		t.Errorf("qpdf --check: %v\n%s", err, out)
	}

	// The forged update is a well-formed PDF that poppler no longer
	// calls totally signed.
	forged := filepath.Join(dir, "forged.pdf")
	if err := os.WriteFile(forged, appendUpdate(t, signed), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ = exec.Command("pdfsig", forged).CombinedOutput()
	if bytes.Contains(out, []byte("Total document signed")) {
		t.Errorf("pdfsig calls the updated document totally signed:\n%s", out)
	}
	out, err = exec.Command("qpdf", "--check", forged).CombinedOutput()
	if err != nil {
		t.Errorf("qpdf --check on the forged update: %v\n%s", err, out)
	}
}

// BenchmarkSignPDF signs a gopdf certificate of about 30 KB.
func BenchmarkSignPDF(b *testing.B) {
	id := MustIdentity(b, "Jeanne Martin")
	doc := MustPDF(b, "Certificat de réussite", 700)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		MustSign(b, doc, id)
	}
}

// BenchmarkVerifyPDF verifies the same document.
func BenchmarkVerifyPDF(b *testing.B) {
	id := MustIdentity(b, "Jeanne Martin")
	signed := MustSign(b, MustPDF(b, "Certificat de réussite", 400), id)
	pool := MustPool(id)
	b.ResetTimer()
	for b.Loop() {
		if r, err := seal.VerifyPDF(signed, pool); err != nil || !r.Authentic {
			b.Fatalf("VerifyPDF: %v %+v", err, r)
		}
	}
}
