package issue

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"certeval/i18n"
	"certeval/seal"
	"certeval/storage"
)

// Payload is what a certificate's QR code carries, signed with
// seal.SignPayload. It never holds an accommodation.
// Its keys are one letter long to keep the QR code small.
type Payload struct {
	ID      string `json:"id"`
	Learner string `json:"n"` // "FAMILY Given names"
	Title   string `json:"t"` // the credential's title
	Outcome string `json:"o"` // the outcome code, "ADM" or "ADJ"
	Date    string `json:"d"` // the date of issue, YYYY-MM-DD
	KeyID   string `json:"k"` // seal.KeyID of the issuer
}

// SignQR returns the signed text of p for a QR code. The key must be P-256.
func SignQR(id *seal.Identity, p Payload) (string, error) {
	p.KeyID = seal.KeyID(id.Certificate)
	b, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("sign payload: %w", err)
	}
	text, err := seal.SignPayload(id, b)
	if err != nil {
		return "", fmt.Errorf("sign payload: %w", err)
	}
	return text, nil
}

// sidecar is the signed text written beside an export that cannot carry
// its own signature (CSV, XLSX), in FILE.sig.
type sidecar struct {
	ID     string `json:"id"`
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	Date   string `json:"date"`
}

// SidecarExt is the extension of the signature file written beside an
// export: "resultats.csv" is signed by "resultats.csv.sig".
const SidecarExt = ".sig"

// signSidecar returns the signed text for FILE.sig of data.
func signSidecar(id *seal.Identity, docID, name string, data []byte,
	at time.Time) ([]byte, error) {
	b, err := json.Marshal(sidecar{ID: docID, File: name, SHA256: Fingerprint(data),
		Date: dateOnly(at)})
	if err != nil {
		return nil, err
	}
	text, err := seal.SignPayload(id, b)
	return []byte(text + "\n"), err
}

// Result is the verdict on one file or one scanned QR code.
type Result struct {
	Name      string // the file, or the start of the scanned text
	Authentic bool
	Signer    string    // who signed, as the certificate names them
	SignedAt  time.Time // when, as the signer declared it
	Reason    string    // why not authentic, a sentence; "" when authentic
	Payload   *Payload  // the QR payload, for a scanned code
	Document  *storage.Document
}

// Line returns the verdict in one line for the command line:
// "FILE: authentique — signé par X le D" or "FILE: NON AUTHENTIQUE — why".
func (r Result) Line() string {
	if r.Authentic {
		return i18n.T("issue.verify.ok", r.Name, r.Signer,
			r.SignedAt.Format(i18n.T("issue.date.layout")))
	}
	return i18n.T("issue.verify.bad", r.Name, r.Reason)
}

// Details returns the payload's fields, one "label : value" a line, for a
// scanned code; nil otherwise.
func (r Result) Details() []string {
	p := r.Payload
	if p == nil {
		return nil
	}
	return []string{
		i18n.T("issue.payload.id", p.ID), i18n.T("issue.payload.learner", p.Learner),
		i18n.T("issue.payload.title", p.Title), i18n.T("issue.payload.outcome", p.Outcome),
		i18n.T("issue.payload.date", p.Date), i18n.T("issue.payload.key", p.KeyID),
	}
}

// Register is what the verifier reads of a workspace's register.
type Register interface {
	Document(ctx context.Context, id string) (storage.Document, error)
	DocumentByFingerprint(ctx context.Context, sha string) (storage.Document, error)
}

// Verifier checks issued documents against the issuers it trusts and,
// when it has one, a workspace's register (for revocations).
type Verifier struct {
	trust    []*x509.Certificate
	register Register
}

// NewVerifier returns a verifier trusting certs, looking revocations up in
// reg (nil when no workspace is at hand).
func NewVerifier(reg Register, certs ...*x509.Certificate) *Verifier {
	return &Verifier{trust: certs, register: reg}
}

// WorkspaceVerifier returns a verifier over the issuers s trusts, plus
// extra, with s's register.
func WorkspaceVerifier(ctx context.Context, s *storage.Store,
	extra ...*x509.Certificate) (*Verifier, error) {
	issuers, err := s.TrustedIssuers(ctx)
	if err != nil {
		return nil, err
	}
	certs := append([]*x509.Certificate(nil), extra...)
	for _, iss := range issuers {
		certs = append(certs, iss.Certificate)
	}
	return NewVerifier(s, certs...), nil
}

func (v *Verifier) pool() *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range v.trust {
		p.AddCert(c)
	}
	return p
}

func (v *Verifier) keyring() seal.Keyring { return seal.NewKeyring(v.trust...) }

// Check verifies arg: a file, or the text of a scanned QR code ("CV1.…").
func (v *Verifier) Check(ctx context.Context, arg string) Result {
	if strings.HasPrefix(arg, "CV1.") {
		if _, err := os.Stat(arg); err != nil { // too long a name, or no such file
			return v.QR(ctx, arg)
		}
	}
	data, err := os.ReadFile(arg)
	if err != nil {
		return Result{Name: arg, Reason: i18n.T("issue.verify.unreadable")}
	}
	return v.File(ctx, arg, data)
}

// File verifies the contents data of the file called name.
func (v *Verifier) File(ctx context.Context, name string, data []byte) Result {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF")):
		return v.pdf(ctx, name, data)
	case isJWT(data):
		return v.jwt(ctx, name, data)
	}
	return v.export(ctx, name, data)
}

// pdf verifies an embedded PDF signature, then the register.
func (v *Verifier) pdf(ctx context.Context, name string, data []byte) Result {
	r := Result{Name: name}
	rep, err := seal.VerifyPDF(data, v.pool())
	if err != nil {
		r.Reason = seal.Explain(err)
		return r
	}
	r.Signer, r.SignedAt = signerName(rep.Signer), rep.SignedAt
	if !rep.Authentic {
		r.Reason = rep.Reason
		return r
	}
	r.Authentic = true
	return v.checkRegister(ctx, r, "", Fingerprint(data))
}

// jwt verifies an Open Badges VC-JWT.
func (v *Verifier) jwt(ctx context.Context, name string, data []byte) Result {
	r := Result{Name: name}
	tok, err := seal.VerifyJWT(string(bytes.TrimSpace(data)), v.keyring())
	if err != nil {
		r.Reason = seal.Explain(err)
		return r
	}
	var claims struct {
		ID  string `json:"id"`
		NBF int64  `json:"nbf"`
	}
	if err := json.Unmarshal(tok.Claims, &claims); err != nil {
		r.Reason = seal.Explain(seal.ErrMalformedPayload)
		return r
	}
	if err := CheckBadge(tok.Claims); err != nil {
		r.Reason = i18n.T("issue.verify.notbadge",
			strings.TrimPrefix(err.Error(), ErrNotBadge.Error()+": "))
		return r
	}
	r.Authentic = true
	r.Signer = signerName(seal.SubjectOf(tok.Signer))
	r.SignedAt = time.Unix(claims.NBF, 0).UTC()
	return v.checkRegister(ctx, r, strings.TrimPrefix(claims.ID, "urn:certeval:credential:"),
		"")
}

// export verifies a file signed by its FILE.sig beside it.
func (v *Verifier) export(ctx context.Context, name string, data []byte) Result {
	r := Result{Name: name}
	sig, err := os.ReadFile(name + SidecarExt)
	if err != nil {
		r.Reason = i18n.T("issue.verify.nosidecar", filepath.Base(name)+SidecarExt)
		return r
	}
	payload, cert, err := seal.VerifyPayload(strings.TrimSpace(string(sig)), v.keyring())
	if err != nil {
		r.Reason = seal.Explain(err)
		return r
	}
	var sc sidecar
	if err := json.Unmarshal(payload, &sc); err != nil {
		r.Reason = seal.Explain(seal.ErrMalformedPayload)
		return r
	}
	r.Signer = signerName(seal.SubjectOf(cert))
	r.SignedAt, _ = time.Parse(time.DateOnly, sc.Date)
	if sc.SHA256 != Fingerprint(data) {
		r.Reason = seal.Explain(seal.ErrModified)
		return r
	}
	r.Authentic = true
	return v.checkRegister(ctx, r, sc.ID, "")
}

// QR verifies the text of a scanned QR code and reads its payload.
func (v *Verifier) QR(ctx context.Context, text string) Result {
	r := Result{Name: shortName(text)}
	payload, cert, err := seal.VerifyPayload(strings.TrimSpace(text), v.keyring())
	if err != nil {
		r.Reason = seal.Explain(err)
		return r
	}
	var p Payload
	if err := json.Unmarshal(payload, &p); err != nil {
		r.Reason = seal.Explain(seal.ErrMalformedPayload)
		return r
	}
	r.Payload = &p
	r.Authentic = true
	r.Signer = signerName(seal.SubjectOf(cert))
	r.SignedAt, _ = time.Parse(time.DateOnly, p.Date)
	return v.checkRegister(ctx, r, p.ID, "")
}

// checkRegister looks an authentic document up in the register, by id or
// by fingerprint, and turns a revoked one into a refusal.
func (v *Verifier) checkRegister(ctx context.Context, r Result, id, sha string) Result {
	if v.register == nil {
		return r
	}
	var d storage.Document
	var err error
	if id != "" {
		d, err = v.register.Document(ctx, id)
	} else {
		d, err = v.register.DocumentByFingerprint(ctx, sha)
	}
	if errors.Is(err, storage.ErrUnknownDocument) {
		return r
	}
	if err != nil {
		r.Authentic, r.Reason = false, i18n.T("issue.verify.register")
		return r
	}
	r.Document = &d
	if d.Revoked {
		r.Authentic = false
		r.Reason = i18n.T("issue.verify.revoked",
			d.RevokedAt.Format(i18n.T("issue.date.layout")), d.RevokeReason)
	}
	return r
}

// signerName names a signer: "Name (Institution)".
func signerName(s seal.Subject) string {
	if s.Institution != "" && s.Institution != s.Name {
		return s.Name + " (" + s.Institution + ")"
	}
	return s.Name
}

// shortName is how a scanned text is named in a verdict.
func shortName(text string) string {
	if len(text) > 20 {
		return text[:20] + "…"
	}
	return text
}

// isJWT reports whether data looks like a JWS compact serialisation.
func isJWT(data []byte) bool {
	data = bytes.TrimSpace(data)
	return bytes.HasPrefix(data, []byte("eyJ")) && bytes.Count(data, []byte(".")) == 2 &&
		!bytes.ContainsAny(data, " \n;")
}
