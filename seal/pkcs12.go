package seal

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// ImportPKCS12 reads an institution's certificate and private key from a
// PKCS#12 (.p12, .pfx) file. The key must be ECDSA P-256 or RSA of at least
// 2048 bits; other certificates in the file become the identity's chain.
//
// Both the classic encryption (3DES or RC2 with SHA-1) and the modern one
// (PBES2 with AES, the OpenSSL 3 default) are read, through
// software.sslmate.com/src/go-pkcs12.
func ImportPKCS12(data []byte, password string) (*Identity, error) {
	key, leaf, chain, err := pkcs12.DecodeChain(data, password)
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		return nil, ErrPKCS12Password
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPKCS12Format, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: private key is neither ECDSA nor RSA", ErrUnsupportedKey)
	}
	return identityFromParts(signer, append([]*x509.Certificate{leaf}, chain...))
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
