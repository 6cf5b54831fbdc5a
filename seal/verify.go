package seal

import (
	"bytes"
	"crypto"
	_ "crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/digitorus/pkcs7"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Report is the outcome of checking a signed PDF.
type Report struct {
	// Authentic is true only when the signature covers the whole file,
	// matches its content, and was made by a certificate the trust pool
	// holds (or chains to).
	Authentic bool

	// Signer is read from the signing certificate; it is set whenever the
	// signature could be read, authentic or not.
	Signer Subject

	// SignedAt is the signing time the signer declared (/M), or the CMS
	// signing time when the dictionary has none.
	SignedAt time.Time

	// Reason is the sentence, in the current language, saying why the
	// document is not authentic; it is empty when it is.
	Reason string

	// Problem is the sentinel behind Reason (ErrModified, ErrAppended…),
	// nil when the document is authentic.
	Problem error

	// Certificate is the signing certificate, nil when none could be read.
	Certificate *x509.Certificate
}

// fail records why the document is not authentic.
func (r *Report) fail(err error) *Report {
	r.Authentic = false
	r.Problem = err
	r.Reason = Explain(err)
	return r
}

// VerifyPDF checks the last signature of a PDF. It never trusts the file
// alone: the signed byte ranges must cover the whole file but the signature
// value itself, nothing may follow them, the CMS signature must match the
// SHA-256 of those bytes, and the signer's certificate must be in trust or
// chain to it (a nil pool trusts nobody). The document's problems are
// reported in the Report; the error is for the caller's.
func VerifyPDF(doc []byte, trust *x509.CertPool) (*Report, error) {
	r := &Report{}
	sig, err := findSignature(doc)
	if err != nil {
		return r.fail(err), nil
	}
	p7, signed, err := sig.parse(doc)
	if err != nil {
		return r.fail(err), nil
	}
	r.Certificate = p7.GetOnlySigner()
	if r.Certificate == nil {
		return r.fail(fmt.Errorf("%w: no single signer", ErrMalformed)), nil
	}
	r.Signer = SubjectOf(r.Certificate)
	r.SignedAt = sig.declaredTime(doc)
	var cmsTime time.Time
	if p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &cmsTime) == nil &&
		r.SignedAt.IsZero() {
		r.SignedAt = cmsTime
	}

	// The content first, so that a modified document says so even when
	// its signer is also unknown.
	p7.Content = signed
	if err := p7.Verify(); err != nil {
		var mismatch *pkcs7.MessageDigestMismatchError
		if errors.As(err, &mismatch) {
			return r.fail(ErrModified), nil
		}
		return r.fail(fmt.Errorf("%w: %v", ErrBadSignature, err)), nil
	}
	if err := checkSigningCertificate(p7, r.Certificate); err != nil {
		return r.fail(err), nil
	}
	if err := checkTrust(r.Certificate, p7.Certificates, trust, cmsTime); err != nil {
		return r.fail(err), nil
	}
	r.Authentic = true
	return r, nil
}

// checkTrust verifies cert against the trust pool at the signing time.
func checkTrust(cert *x509.Certificate, bundled []*x509.Certificate,
	trust *x509.CertPool, at time.Time) error {
	if trust == nil {
		return ErrUntrusted
	}
	inter := x509.NewCertPool()
	for _, c := range bundled {
		if c != cert {
			inter.AddCert(c)
		}
	}
	_, err := cert.Verify(x509.VerifyOptions{
		Roots:         trust,
		Intermediates: inter,
		CurrentTime:   at,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUntrusted, err)
	}
	return nil
}

// pdfSignature locates a signature in a file.
type pdfSignature struct {
	br        [4]int64 // the /ByteRange values
	dictStart int      // where the signature object starts
}

var (
	byteRangeKey = []byte("/ByteRange")
	byteRangeRE  = regexp.MustCompile(
		`^\s*\[\s*(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s*\]`)
	subFilterRE = regexp.MustCompile(`/SubFilter\s*/(adbe\.pkcs7\.detached|ETSI\.CAdES\.detached)`)
	dateRE      = regexp.MustCompile(`/M\s*\(D:(\d{14})(Z|[+-]\d{2}'\d{2}'?)?`)
)

// findSignature finds the last /ByteRange of doc and checks that it
// covers the whole file but a /Contents hex string.
func findSignature(doc []byte) (*pdfSignature, error) {
	at := bytes.LastIndex(doc, byteRangeKey)
	if at < 0 {
		return nil, ErrNotSigned
	}
	m := byteRangeRE.FindSubmatch(doc[at+len(byteRangeKey):])
	if m == nil {
		return nil, fmt.Errorf("%w: unreadable /ByteRange", ErrMalformed)
	}
	sig := &pdfSignature{dictStart: bytes.LastIndex(doc[:at], []byte(" obj"))}
	for i := range sig.br {
		v, err := strconv.ParseInt(string(m[i+1]), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: /ByteRange: %v", ErrMalformed, err)
		}
		sig.br[i] = v
	}
	return sig, sig.checkCoverage(doc)
}

// checkCoverage enforces a == 0, a hole that is exactly the <…> value of
// /Contents, and c+d == len(doc).
func (s *pdfSignature) checkCoverage(doc []byte) error {
	a, b, c, d := s.br[0], s.br[1], s.br[2], s.br[3]
	n := int64(len(doc))
	switch {
	case a != 0 || b <= 0 || c <= b || d < 0:
		return fmt.Errorf("%w: /ByteRange %v", ErrPartialCoverage, s.br)
	case c+d > n || c > n:
		return fmt.Errorf("%w: /ByteRange ends at %d, file has %d bytes", ErrTruncated, c+d, n)
	case c+d < n:
		return fmt.Errorf("%w: %d bytes follow the signed range", ErrAppended, n-c-d)
	}

	// The hole is "<hex>" right after "/Contents".
	hole := doc[b:c]
	if len(hole) < 2 || hole[0] != '<' || hole[len(hole)-1] != '>' || !isHex(hole[1:len(hole)-1]) {
		return fmt.Errorf("%w: the unsigned bytes are not the signature value", ErrPartialCoverage)
	}
	if !bytes.HasSuffix(bytes.TrimRight(doc[:b], " \t\r\n"), []byte("/Contents")) {
		return fmt.Errorf("%w: the unsigned bytes are not /Contents", ErrPartialCoverage)
	}
	return nil
}

// isHex reports whether b is a non-empty even run of hex digits.
func isHex(b []byte) bool {
	if len(b) == 0 || len(b)%2 != 0 {
		return false
	}
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// parse decodes the CMS signature and returns it with the signed bytes.
func (s *pdfSignature) parse(doc []byte) (*pkcs7.PKCS7, []byte, error) {
	b, c := s.br[1], s.br[2]
	if !subFilterRE.Match(s.dict(doc)) {
		return nil, nil, fmt.Errorf("%w: unsupported /SubFilter", ErrMalformed)
	}
	der, err := hex.DecodeString(string(doc[b+1 : c-1]))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}

	// Drop the zero padding after the DER value; anything else there
	// would be unsigned data riding along with the signature.
	var raw asn1.RawValue
	if rest, err := asn1.Unmarshal(der, &raw); err == nil {
		if len(bytes.Trim(rest, "\x00")) > 0 {
			return nil, nil, fmt.Errorf("%w: data after the signature value", ErrMalformed)
		}
		der = raw.FullBytes
	}
	p7, err := pkcs7.Parse(der)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if err := checkDigestAlgorithm(p7); err != nil {
		return nil, nil, err
	}

	signed := make([]byte, 0, int64(len(doc))-(c-b))
	signed = append(signed, doc[:b]...)
	signed = append(signed, doc[c:]...)
	return p7, signed, nil
}

// checkDigestAlgorithm refuses SHA-1 and older digests.
func checkDigestAlgorithm(p7 *pkcs7.PKCS7) error {
	for _, si := range p7.Signers {
		alg := si.DigestAlgorithm.Algorithm
		if !alg.Equal(pkcs7.OIDDigestAlgorithmSHA256) &&
			!alg.Equal(pkcs7.OIDDigestAlgorithmSHA384) &&
			!alg.Equal(pkcs7.OIDDigestAlgorithmSHA512) {
			return fmt.Errorf("%w: digest algorithm %v", ErrBadSignature, alg)
		}
	}
	return nil
}

// dict returns the signed bytes of the signature object, from "obj" to
// the /Contents hole, then from the hole to "endobj".
func (s *pdfSignature) dict(doc []byte) []byte {
	b, c := s.br[1], s.br[2]
	start := max(s.dictStart, 0)
	end := bytes.Index(doc[c:], []byte("endobj"))
	if end < 0 {
		end = len(doc) - int(c)
	}
	out := append([]byte(nil), doc[start:b]...)
	return append(out, doc[c:int(c)+end]...)
}

// declaredTime reads the /M date of the signature dictionary.
func (s *pdfSignature) declaredTime(doc []byte) time.Time {
	m := dateRE.FindSubmatch(s.dict(doc))
	if m == nil {
		return time.Time{}
	}
	t, err := time.ParseInLocation("20060102150405", string(m[1]), time.UTC)
	if err != nil {
		return time.Time{}
	}
	zone := string(m[2])
	if len(zone) < 6 || zone == "Z" {
		return t
	}
	h, _ := strconv.Atoi(zone[1:3])
	mi, _ := strconv.Atoi(zone[4:6])
	off := time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute
	if zone[0] == '+' {
		off = -off
	}
	return t.Add(off)
}

// oidSigningCertificateV2 is the ESS signed attribute that binds a CMS
// signature to its signer's certificate (RFC 5035), required by PAdES.
var oidSigningCertificateV2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}

// checkSigningCertificate checks, when the signature carries one, that the
// signed certificate hash is that of cert, so the certificate bundled with
// the signature cannot be swapped for another holding the same key.
func checkSigningCertificate(p7 *pkcs7.PKCS7, cert *x509.Certificate) error {
	var raw asn1.RawValue
	if err := p7.UnmarshalSignedAttribute(oidSigningCertificateV2, &raw); err != nil {
		return nil // absent: older signers do not add it
	}

	// SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 {
	//   hashAlgorithm DEFAULT sha256, certHash OCTET STRING, ... } }
	in := cryptobyte.String(raw.FullBytes)
	var scv2, certs, id, hash cryptobyte.String
	ok := in.ReadASN1(&scv2, cbasn1.SEQUENCE) && scv2.ReadASN1(&certs, cbasn1.SEQUENCE) &&
		certs.ReadASN1(&id, cbasn1.SEQUENCE)
	h := crypto.SHA256
	if ok && id.PeekASN1Tag(cbasn1.SEQUENCE) {
		var alg cryptobyte.String
		var oid asn1.ObjectIdentifier
		ok = id.ReadASN1(&alg, cbasn1.SEQUENCE) && alg.ReadASN1ObjectIdentifier(&oid)
		h = hashForOID(oid)
	}
	if !ok || h == 0 || !id.ReadASN1(&hash, cbasn1.OCTET_STRING) {
		return fmt.Errorf("%w: unreadable signing certificate attribute", ErrMalformed)
	}

	d := h.New()
	d.Write(cert.Raw)
	if !bytes.Equal(d.Sum(nil), hash) {
		return fmt.Errorf("%w: certificate is not the one signed for", ErrBadSignature)
	}
	return nil
}

// hashForOID returns the SHA-2 hash of oid, 0 for any other.
func hashForOID(oid asn1.ObjectIdentifier) crypto.Hash {
	switch {
	case oid.Equal(pkcs7.OIDDigestAlgorithmSHA256):
		return crypto.SHA256
	case oid.Equal(pkcs7.OIDDigestAlgorithmSHA384):
		return crypto.SHA384
	case oid.Equal(pkcs7.OIDDigestAlgorithmSHA512):
		return crypto.SHA512
	}
	return 0
}
