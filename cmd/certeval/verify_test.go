package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certeval/i18n"
	"certeval/issue"
	"certeval/seal"
	"certeval/sheet"
	"certeval/storage"
)

// verifyFixture is a signed certificate and what checks it.
type verifyFixture struct {
	dir    string
	id     *seal.Identity
	trust  string // the signer's certificate, PEM
	signed []byte
	qr     string
}

func newVerifyFixture(t *testing.T) *verifyFixture {
	t.Helper()
	i18n.SetLanguage("fr")
	t.Setenv("CERTEVAL_DB", filepath.Join(t.TempDir(), "absent.certeval"))
	f := &verifyFixture{dir: t.TempDir()}
	var err error
	f.id, err = seal.NewIdentity(seal.Subject{Name: "Claire Dubois",
		Institution: "Université de Lorraine"})
	if err != nil {
		t.Fatal(err)
	}
	f.trust = f.write(t, "ul.pem", f.id.CertificatePEM())
	f.qr, err = issue.SignQR(f.id, issue.Payload{ID: "CE-2026-AAAA-BBBB",
		Learner: "MARTIN Léa", Title: "Concevoir une formation hybride",
		Outcome: "ADM", Date: "2026-03-02"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := sheet.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := r.Certificate(sheet.Certificate{Lang: "fr", ID: "CE-2026-AAAA-BBBB",
		Title: "Concevoir une formation hybride", QRPayload: f.qr,
		Learner: sheet.Learner{GivenNames: "Léa", FamilyName: "Martin"}})
	if err != nil {
		t.Fatal(err)
	}
	f.signed, err = seal.SignPDF(doc, f.id, seal.SignInfo{
		Time: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *verifyFixture) write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(f.dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestVerifyTampered signs a certificate, damages copies of it and wants
// each refused with its reason, the original accepted.
func TestVerifyTampered(t *testing.T) {
	f := newVerifyFixture(t)
	other, err := seal.NewIdentity(seal.Subject{Name: "Intrus"})
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(f.signed)
	flipped[len(flipped)/8] ^= 0x01
	update := append(bytes.Clone(f.signed),
		[]byte("\n9 0 obj\n<< /Title (faux) >>\nendobj\n%%EOF\n")...)
	untrusted, err := seal.SignPDF(mustUnsigned(t), other, seal.SignInfo{})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		data []byte
		code int
		want string
	}{
		{"authentic", f.signed, 0, "authentique — signé par Claire Dubois"},
		{"flipped byte", flipped, 1, seal.Explain(seal.ErrModified)},
		{"incremental update", update, 1, seal.Explain(seal.ErrAppended)},
		{"truncated", f.signed[:len(f.signed)-40], 1, "NON AUTHENTIQUE"},
		{"untrusted signer", untrusted, 1, seal.Explain(seal.ErrUntrusted)},
		{"not signed", mustUnsigned(t), 1, seal.Explain(seal.ErrNotSigned)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := f.write(t, strings.ReplaceAll(tt.name, " ", "-")+".pdf", tt.data)
			code, out, errs := runGridCLI("verify", "--trust", f.trust, p)
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Fatalf("exit %d (want %d), out %q, err %q; want %q", code, tt.code, out,
					errs, tt.want)
			}
		})
	}
}

func mustUnsigned(t *testing.T) []byte {
	t.Helper()
	r, err := sheet.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := r.Certificate(sheet.Certificate{Lang: "fr", ID: "X",
		Title: "Titre", Learner: sheet.Learner{FamilyName: "Nom"}})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestVerifyQR checks the text of a scanned QR code and prints its fields.
func TestVerifyQR(t *testing.T) {
	f := newVerifyFixture(t)
	code, out, _ := runGridCLI("verify", "--trust", f.trust, f.qr)
	if code != 0 || !strings.Contains(out, "authentique") ||
		!strings.Contains(out, "titulaire : MARTIN Léa") {
		t.Fatalf("exit %d, out %q", code, out)
	}

	// A payload whose text was changed no longer matches its signature.
	parts := strings.Split(f.qr, ".")
	forged := parts[0] + "." + parts[1][:len(parts[1])-2] + "AA." + parts[2]
	code, out, _ = runGridCLI("verify", "--trust", f.trust, forged)
	if code != 1 || !strings.Contains(out, "NON AUTHENTIQUE") {
		t.Fatalf("forged payload: exit %d, out %q", code, out)
	}
}

// TestVerifyRevoked uses a workspace's register: a revoked document is
// refused, with the reason, though its signature is valid.
func TestVerifyRevoked(t *testing.T) {
	f := newVerifyFixture(t)
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "w.certeval")
	s, err := storage.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.TrustIssuer(ctx, f.id.CertificatePEM(), ""); err != nil {
		t.Fatal(err)
	}
	doc := storage.Document{ID: "CE-2026-AAAA-BBBB", Kind: issue.KindCertificate,
		Credential: "MC", Candidate: "E001", SHA256: issue.Fingerprint(f.signed),
		KeyID: seal.KeyID(f.id.Certificate), SignerPEM: string(f.id.CertificatePEM()),
		File: "c.pdf"}
	if err := s.RegisterDocuments(ctx, []storage.Document{doc}); err != nil {
		t.Fatal(err)
	}
	p := f.write(t, "c.pdf", f.signed)
	if code, out, errs := runGridCLI("verify", "--db", db, p); code != 0 {
		t.Fatalf("before revocation: exit %d, %q %q", code, out, errs)
	}
	if err := s.RevokeDocument(ctx, doc.ID, "erreur sur le nom"); err != nil {
		t.Fatal(err)
	}
	s.Close()

	for _, arg := range []string{p, f.qr} {
		code, out, _ := runGridCLI("verify", "--db", db, arg)
		if code != 1 || !strings.Contains(out, "révoqué") ||
			!strings.Contains(out, "erreur sur le nom") {
			t.Fatalf("%s after revocation: exit %d, out %q", arg[:10], code, out)
		}
	}
}

// TestVerifyNeedsTrust refuses to verify with neither workspace nor
// --trust, and reports a missing file.
func TestVerifyNeedsTrust(t *testing.T) {
	f := newVerifyFixture(t)
	p := f.write(t, "c.pdf", f.signed)
	if code, _, errs := runGridCLI("verify", p); code != 1 ||
		!strings.Contains(errs, "aucun espace de travail") {
		t.Fatalf("without trust: exit %d, err %q", code, errs)
	}
	code, out, _ := runGridCLI("verify", "--trust", f.trust, p, filepath.Join(f.dir, "nope"))
	if code != 1 || !strings.Contains(out, "c.pdf: authentique") ||
		!strings.Contains(out, "nope: NON AUTHENTIQUE") {
		t.Fatalf("one missing: exit %d, out %q", code, out)
	}
}

// TestVerifyBadge accepts a signed Open Badge and refuses a token signed
// by the same key that is not one.
func TestVerifyBadge(t *testing.T) {
	f := newVerifyFixture(t)
	good, err := issue.SignBadge(f.id, issue.Badge{ID: "CE-2026-AAAA-BBBB",
		IssuerName: "Université de Lorraine", ValidFrom: time.Now(),
		Email: "lea.martin@example.org", Credential: "MC-HYB",
		Title: "Concevoir une formation hybride", Criteria: "Production écrite",
		Outcome: "Passed"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := seal.SignJWT(f.id, map[string]any{"typ": "vc+jwt"},
		[]byte(`{"id":"urn:certeval:credential:CE-2026-AAAA-BBBB","nbf":1}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, token string
		code        int
		want        string
	}{
		{"badge", good, 0, "authentique — signé par Claire Dubois"},
		{"not a badge", other, 1, "pas un badge Open Badges 3.0 conforme (/: missing properties"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := f.write(t, strings.ReplaceAll(tt.name, " ", "-")+".jwt", []byte(tt.token))
			code, out, errs := runGridCLI("verify", "--trust", f.trust, p)
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Fatalf("exit %d (want %d), out %q, err %q; want %q", code, tt.code, out,
					errs, tt.want)
			}
		})
	}
}
