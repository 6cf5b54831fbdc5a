package seal

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"

	"golang.org/x/crypto/pkcs12"
)

// ImportPKCS12 reads an institution's certificate and private key from a
// PKCS#12 (.p12, .pfx) file. The key must be ECDSA P-256 or RSA of at least
// 2048 bits; other certificates in the file become the identity's chain.
//
// Only the classic PKCS#12 encryption (3DES or RC2 with SHA-1) is read; a
// file protected with AES (PBES2, the OpenSSL 3 default) is refused with
// ErrPKCS12Format and must be exported again with "openssl pkcs12 -export
// -legacy" or "-keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1".
func ImportPKCS12(data []byte, password string) (*Identity, error) {
	blocks, err := pkcs12.ToPEM(data, password)
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		return nil, ErrPKCS12Password
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPKCS12Format, err)
	}

	// Sort the bags into one private key and the certificates.
	var signer crypto.Signer
	var certs []*x509.Certificate
	for _, b := range blocks {
		switch b.Type {
		case "PRIVATE KEY":
			if signer != nil {
				return nil, fmt.Errorf("%w: more than one private key", ErrPKCS12Format)
			}
			if signer, err = parseBagKey(b.Bytes); err != nil {
				return nil, err
			}
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%w: certificate: %v", ErrPKCS12Format, err)
			}
			certs = append(certs, c)
		}
	}
	if signer == nil {
		return nil, fmt.Errorf("%w: no private key", ErrPKCS12Format)
	}
	return identityFromParts(signer, certs)
}

// parseBagKey parses a key as pkcs12.ToPEM gives it: PKCS#1 for RSA,
// SEC 1 for ECDSA.
func parseBagKey(der []byte) (crypto.Signer, error) {
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	return nil, fmt.Errorf("%w: private key is neither ECDSA nor RSA", ErrUnsupportedKey)
}

// identityFromParts finds the certificate that matches signer and orders
// the others from issuer upwards.
func identityFromParts(signer crypto.Signer, certs []*x509.Certificate) (*Identity, error) {
	var id Identity
	var rest []*x509.Certificate
	for _, c := range certs {
		if id.Certificate == nil && checkKey(signer, c) == nil {
			id.Certificate = c
			continue
		}
		rest = append(rest, c)
	}
	if id.Certificate == nil {
		if len(certs) == 0 {
			return nil, fmt.Errorf("%w: no certificate", ErrPKCS12Format)
		}
		return nil, checkKey(signer, certs[0])
	}
	id.Signer = signer

	// Walk up the issuers; certificates off the path are dropped.
	cur := id.Certificate
	for range rest {
		next := issuerOf(cur, rest)
		if next == nil || next == cur {
			break
		}
		id.Chain = append(id.Chain, next)
		cur = next
	}
	return &id, nil
}

// issuerOf returns the certificate in pool that signed c, or nil.
func issuerOf(c *x509.Certificate, pool []*x509.Certificate) *x509.Certificate {
	for _, p := range pool {
		if c.CheckSignatureFrom(p) == nil {
			return p
		}
	}
	return nil
}
