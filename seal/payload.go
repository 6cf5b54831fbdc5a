package seal

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// KeyFinder finds the certificate of a trusted signer by its key
// identifier, the hex string KeyID returns. It returns an error wrapping
// ErrUnknownKey when it knows no such key.
type KeyFinder interface {
	FindCertificate(keyID string) (*x509.Certificate, error)
}

// Keyring is a KeyFinder over a fixed set of certificates.
type Keyring map[string]*x509.Certificate

// NewKeyring returns a Keyring holding certs.
func NewKeyring(certs ...*x509.Certificate) Keyring {
	k := make(Keyring, len(certs))
	for _, c := range certs {
		k.Add(c)
	}
	return k
}

// Add puts cert in the keyring.
func (k Keyring) Add(cert *x509.Certificate) {
	k[KeyID(cert)] = cert
}

// FindCertificate returns the certificate whose key identifier is keyID.
func (k Keyring) FindCertificate(keyID string) (*x509.Certificate, error) {
	if c, ok := k[keyID]; ok {
		return c, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrUnknownKey, keyID)
}

// payloadPrefix starts every compact signed payload; the version is part
// of what is signed.
const payloadPrefix = "CV1."

// sigSize is the length of a raw P-256 signature r‖s.
const sigSize = 64

var b64 = base64.RawURLEncoding

// SignPayload signs payload with id's P-256 key and returns compact text
// fit for a QR code:
//
//	"CV1." base64url(payload) "." base64url(keyID ‖ r ‖ s)
//
// where keyID is RawKeyID of the certificate and r‖s the 64-byte ECDSA
// signature over the SHA-256 of everything before the second dot.
func SignPayload(id *Identity, payload []byte) (string, error) {
	signed := payloadPrefix + b64.EncodeToString(payload)
	rs, err := signRaw(id.Signer, []byte(signed))
	if err != nil {
		return "", err
	}
	kid := RawKeyID(id.Certificate)
	return signed + "." + b64.EncodeToString(append(kid[:], rs...)), nil
}

// VerifyPayload checks text made by SignPayload and returns the payload
// and the certificate that keys found for its signer.
func VerifyPayload(text string, keys KeyFinder) ([]byte, *x509.Certificate, error) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, payloadPrefix) {
		return nil, nil, fmt.Errorf("%w: prefix", ErrMalformedPayload)
	}
	dot := strings.LastIndexByte(text, '.')
	if dot < len(payloadPrefix) {
		return nil, nil, fmt.Errorf("%w: no signature", ErrMalformedPayload)
	}
	signed, sigPart := text[:dot], text[dot+1:]
	payload, err := b64.DecodeString(signed[len(payloadPrefix):])
	if err != nil {
		return nil, nil, fmt.Errorf("%w: payload: %v", ErrMalformedPayload, err)
	}
	sig, err := b64.DecodeString(sigPart)
	if err != nil || len(sig) != KeyIDSize+sigSize {
		return nil, nil, fmt.Errorf("%w: signature", ErrMalformedPayload)
	}

	cert, err := keys.FindCertificate(hex.EncodeToString(sig[:KeyIDSize]))
	if err != nil {
		return nil, nil, err
	}
	if err := verifyRaw(cert, []byte(signed), sig[KeyIDSize:]); err != nil {
		return nil, nil, err
	}
	return payload, cert, nil
}

// signRaw signs the SHA-256 of msg with a P-256 signer and returns r‖s.
func signRaw(signer crypto.Signer, msg []byte) ([]byte, error) {
	pub, ok := signer.Public().(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return nil, fmt.Errorf("%w: compact signatures need ECDSA P-256", ErrUnsupportedKey)
	}
	digest := sha256.Sum256(msg)
	der, err := signer.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}

	// Turn the ASN.1 signature into fixed-size r‖s.
	var r, s big.Int
	in := cryptobyte.String(der)
	var inner cryptobyte.String
	if !in.ReadASN1(&inner, asn1.SEQUENCE) || !inner.ReadASN1Integer(&r) ||
		!inner.ReadASN1Integer(&s) {
		return nil, errors.New("sign: unexpected ECDSA signature encoding")
	}
	out := make([]byte, sigSize)
	r.FillBytes(out[:sigSize/2])
	s.FillBytes(out[sigSize/2:])
	return out, nil
}

// verifyRaw checks an r‖s signature of msg by cert's P-256 key.
func verifyRaw(cert *x509.Certificate, msg, rs []byte) error {
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return fmt.Errorf("%w: compact signatures need ECDSA P-256", ErrUnsupportedKey)
	}
	if len(rs) != sigSize {
		return ErrBadSignature
	}
	digest := sha256.Sum256(msg)
	r := new(big.Int).SetBytes(rs[:sigSize/2])
	s := new(big.Int).SetBytes(rs[sigSize/2:])
	if !ecdsa.Verify(pub, digest[:], r, s) {
		return ErrBadSignature
	}
	return nil
}

// Sign returns a detached signature of data by id: ASN.1 ECDSA with
// SHA-256 for a P-256 key, PKCS #1 v1.5 with SHA-256 for an RSA key. Any
// X.509 tool checks it against the certificate.
func Sign(id *Identity, data []byte) ([]byte, error) {
	if err := checkKey(id.Signer, id.Certificate); err != nil {
		return nil, err
	}
	digest := sha256.Sum256(data)
	sig, err := id.Signer.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return sig, nil
}

// Verify checks a signature made by Sign of data with cert's key. It
// returns an error wrapping ErrBadSignature when the signature does not
// match.
func Verify(cert *x509.Certificate, data, sig []byte) error {
	var alg x509.SignatureAlgorithm
	switch cert.PublicKey.(type) {
	case *ecdsa.PublicKey:
		alg = x509.ECDSAWithSHA256
	case *rsa.PublicKey:
		alg = x509.SHA256WithRSA
	default:
		return fmt.Errorf("%w: %T", ErrUnsupportedKey, cert.PublicKey)
	}
	if err := cert.CheckSignature(alg, data, sig); err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return nil
}
