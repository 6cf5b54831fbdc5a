// Package seal holds signing identities and everything Certeval signs and
// verifies with them: passphrase-protected key files, embedded PDF
// signatures (PAdES, ECDSA P-256 or RSA with an X.509 certificate), compact
// signed payloads for QR codes, detached signatures for grading packages,
// and ES256 JSON Web Tokens for Open Badges.
//
// The package signs and verifies bytes; it knows no candidate. Its errors
// are package-prefixed sentinels for the log; Explain turns one into the
// sentence a user reads.
package seal

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"certeval/i18n"
)

// Errors returned by this package. Explain gives the sentence a user reads
// for each of them.
var (
	ErrWrongPassphrase  = errors.New("seal: wrong passphrase")
	ErrDamagedKey       = errors.New("seal: damaged key file")
	ErrEmptyPassphrase  = errors.New("seal: empty passphrase")
	ErrNoPassphrase     = errors.New("seal: no passphrase in the environment")
	ErrUnsupportedKey   = errors.New("seal: unsupported key type")
	ErrInvalidSubject   = errors.New("seal: invalid subject")
	ErrPKCS12Password   = errors.New("seal: wrong PKCS#12 password")
	ErrPKCS12Format     = errors.New("seal: unreadable PKCS#12 file")
	ErrNotSigned        = errors.New("seal: document is not signed")
	ErrMalformed        = errors.New("seal: malformed signature")
	ErrPartialCoverage  = errors.New("seal: signature does not cover the whole document")
	ErrAppended         = errors.New("seal: document modified after signing")
	ErrTruncated        = errors.New("seal: document is truncated")
	ErrModified         = errors.New("seal: document content does not match its signature")
	ErrBadSignature     = errors.New("seal: invalid signature")
	ErrUntrusted        = errors.New("seal: signer is not trusted")
	ErrUnknownKey       = errors.New("seal: unknown signing key")
	ErrMalformedPayload = errors.New("seal: malformed signed payload")
)

// explanations maps each sentinel to its message key in seal.json.
var explanations = []i18n.Sentence{
	{Err: ErrWrongPassphrase, Key: "seal.err.wrong_passphrase"},
	{Err: ErrDamagedKey, Key: "seal.err.damaged_key"},
	{Err: ErrEmptyPassphrase, Key: "seal.err.empty_passphrase"},
	{Err: ErrNoPassphrase, Key: "seal.err.no_passphrase"},
	{Err: ErrUnsupportedKey, Key: "seal.err.unsupported_key"},
	{Err: ErrInvalidSubject, Key: "seal.err.invalid_subject"},
	{Err: ErrPKCS12Password, Key: "seal.err.pkcs12_password"},
	{Err: ErrPKCS12Format, Key: "seal.err.pkcs12_format"},
	{Err: ErrNotSigned, Key: "seal.err.not_signed"},
	{Err: ErrMalformed, Key: "seal.err.malformed"},
	{Err: ErrPartialCoverage, Key: "seal.err.partial_coverage"},
	{Err: ErrAppended, Key: "seal.err.appended"},
	{Err: ErrTruncated, Key: "seal.err.truncated"},
	{Err: ErrModified, Key: "seal.err.modified"},
	{Err: ErrBadSignature, Key: "seal.err.bad_signature"},
	{Err: ErrUntrusted, Key: "seal.err.untrusted"},
	{Err: ErrUnknownKey, Key: "seal.err.unknown_key"},
	{Err: ErrMalformedPayload, Key: "seal.err.malformed_payload"},
}

// Explain returns the sentence, in the current language, that tells a user
// what went wrong and what to do. It returns "" for a nil error and a
// general sentence for an error this package does not know.
func Explain(err error) string {
	return i18n.Explain(err, explanations, "seal.err.other")
}

// Identity is a signing identity: a certificate naming a person or an
// institution, and the private key that matches it.
type Identity struct {
	// Certificate names the signer; its public key matches Signer.
	Certificate *x509.Certificate

	// Signer is the private key: *ecdsa.PrivateKey (P-256) or
	// *rsa.PrivateKey.
	Signer crypto.Signer

	// Chain holds the certificates above Certificate, issuer first, when
	// the identity came from an institution's PKCS#12 file; it is empty
	// for a self-signed identity.
	Chain []*x509.Certificate
}

// Subject names the holder of a new identity.
type Subject struct {
	Name        string // person or institution, the certificate's CN
	Role        string // "Président du jury", "Expert pédagogique"… (OU and title)
	Institution string // the university (O)
	Country     string // ISO 3166 two-letter code, "FR" when empty
}

// validity is how long a self-signed certificate lasts: issued documents
// have unlimited validity, so the signing certificate outlives its holder's
// term.
const validity = 30 * 365 * 24 * time.Hour

// oidTitle is the X.520 title attribute, which carries the role.
var oidTitle = asn1.ObjectIdentifier{2, 5, 4, 12}

// NewIdentity creates an ECDSA P-256 key and a self-signed certificate for
// subj, valid for thirty years.
func NewIdentity(subj Subject) (*Identity, error) {
	name, err := subj.pkixName()
	if err != nil {
		return nil, err
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("generate serial: %w", err)
	}

	now := time.Now().UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               name,
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse certificate: %w", err)
	}
	return &Identity{Certificate: cert, Signer: key}, nil
}

// pkixName checks subj and turns it into a certificate subject.
func (subj Subject) pkixName() (pkix.Name, error) {
	name := strings.TrimSpace(subj.Name)
	if name == "" {
		return pkix.Name{}, fmt.Errorf("%w: name is empty", ErrInvalidSubject)
	}
	country := strings.ToUpper(strings.TrimSpace(subj.Country))
	if country == "" {
		country = "FR"
	}
	if len(country) != 2 || strings.Trim(country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return pkix.Name{}, fmt.Errorf("%w: country %q", ErrInvalidSubject, subj.Country)
	}

	n := pkix.Name{CommonName: name, Country: []string{country}}
	if s := strings.TrimSpace(subj.Institution); s != "" {
		n.Organization = []string{s}
	}
	if s := strings.TrimSpace(subj.Role); s != "" {
		n.OrganizationalUnit = []string{s}
		n.ExtraNames = []pkix.AttributeTypeAndValue{{Type: oidTitle, Value: s}}
	}
	return n, nil
}

// SubjectOf reads back the Subject a certificate names.
func SubjectOf(cert *x509.Certificate) Subject {
	s := Subject{Name: cert.Subject.CommonName}
	if len(cert.Subject.Organization) > 0 {
		s.Institution = cert.Subject.Organization[0]
	}
	if len(cert.Subject.OrganizationalUnit) > 0 {
		s.Role = cert.Subject.OrganizationalUnit[0]
	}
	if len(cert.Subject.Country) > 0 {
		s.Country = cert.Subject.Country[0]
	}
	return s
}

// CertificatePEM returns the identity's certificate, then its chain, in PEM.
func (id *Identity) CertificatePEM() []byte {
	return CertificatesPEM(append([]*x509.Certificate{id.Certificate}, id.Chain...))
}

// CertificatesPEM encodes certificates in PEM, one block each, in order.
func CertificatesPEM(certs []*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

// PublicKeyPEM returns the identity's public key as a PEM "PUBLIC KEY"
// block (SubjectPublicKeyInfo).
func (id *Identity) PublicKeyPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{
		Type:  "PUBLIC KEY",
		Bytes: id.Certificate.RawSubjectPublicKeyInfo,
	})
}

// KeyIDSize is the length in bytes of a key identifier.
const KeyIDSize = 8

// RawKeyID returns the key identifier of cert: the first eight bytes of the
// SHA-256 of its SubjectPublicKeyInfo.
func RawKeyID(cert *x509.Certificate) [KeyIDSize]byte {
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	var id [KeyIDSize]byte
	copy(id[:], sum[:])
	return id
}

// KeyID returns the key identifier of cert as 16 lowercase hex digits.
func KeyID(cert *x509.Certificate) string {
	id := RawKeyID(cert)
	return hex.EncodeToString(id[:])
}

// checkKey accepts the keys Certeval signs with: ECDSA P-256 and RSA of at
// least 2048 bits, matching the certificate.
func checkKey(signer crypto.Signer, cert *x509.Certificate) error {
	switch k := signer.(type) {
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return fmt.Errorf("%w: ECDSA curve %s", ErrUnsupportedKey, k.Curve.Params().Name)
		}
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return fmt.Errorf("%w: RSA %d bits", ErrUnsupportedKey, k.N.BitLen())
		}
	default:
		return fmt.Errorf("%w: %T", ErrUnsupportedKey, signer)
	}

	pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return fmt.Errorf("%w: key does not match certificate", ErrUnsupportedKey)
	}
	return nil
}
