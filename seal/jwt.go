package seal

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
)

// JWT is a verified JSON Web Token.
type JWT struct {
	Header map[string]any    // the protected header, alg "ES256"
	Claims []byte            // the claims as signed, a JSON object
	Signer *x509.Certificate // the certificate that keys found for "kid"
}

// SignJWT returns a JWS compact serialisation, signed ES256 by id, of
// claims (a JSON object such as an Open Badges VC-JWT credential). header
// may add fields; "alg" is always "ES256", "typ" defaults to "JWT" and
// "kid" to KeyID of id's certificate. The header also carries the public
// key as a JWK ("jwk") and the certificate chain ("x5c"), so that any
// VC-JWT verifier can check the signature without Certeval and see whom
// the key belongs to; trusting that key remains the verifier's decision.
func SignJWT(id *Identity, header map[string]any, claims []byte) (string, error) {
	if !json.Valid(claims) || !isObject(claims) {
		return "", fmt.Errorf("%w: claims are not a JSON object", ErrMalformedPayload)
	}
	h := maps.Clone(header)
	if h == nil {
		h = map[string]any{}
	}
	if alg, ok := h["alg"]; ok && alg != "ES256" {
		return "", fmt.Errorf("%w: JWT alg %v", ErrUnsupportedKey, alg)
	}
	h["alg"] = "ES256"
	if _, ok := h["typ"]; !ok {
		h["typ"] = "JWT"
	}
	if _, ok := h["kid"]; !ok {
		h["kid"] = KeyID(id.Certificate)
	}
	jwk, err := PublicJWK(id.Certificate)
	if err != nil {
		return "", err
	}
	h["jwk"] = jwk
	x5c := []string{base64.StdEncoding.EncodeToString(id.Certificate.Raw)}
	for _, c := range id.Chain {
		x5c = append(x5c, base64.StdEncoding.EncodeToString(c.Raw))
	}
	h["x5c"] = x5c

	hb, err := json.Marshal(h)
	if err != nil {
		return "", fmt.Errorf("marshal header: %w", err)
	}
	signed := b64.EncodeToString(hb) + "." + b64.EncodeToString(claims)
	rs, err := signRaw(id.Signer, []byte(signed))
	if err != nil {
		return "", err
	}
	return signed + "." + b64.EncodeToString(rs), nil
}

// VerifyJWT checks an ES256 token made by SignJWT: it finds the signer by
// the header's "kid" through keys and verifies the signature. Any other
// "alg" is refused, and so is a token whose header names, in "jwk" or
// "x5c", another key than the signer's. Claims such as "exp" or "nbf" are
// the caller's to check.
func VerifyJWT(token string, keys KeyFinder) (*JWT, error) {
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: JWT has %d parts", ErrMalformedPayload, len(parts))
	}
	hb, err := b64.DecodeString(parts[0])
	if err != nil {
		return nil, fmt.Errorf("%w: JWT header: %v", ErrMalformedPayload, err)
	}
	var t JWT
	if err := json.Unmarshal(hb, &t.Header); err != nil {
		return nil, fmt.Errorf("%w: JWT header: %v", ErrMalformedPayload, err)
	}
	if t.Header["alg"] != "ES256" {
		return nil, fmt.Errorf("%w: JWT alg %v", ErrBadSignature, t.Header["alg"])
	}
	kid, _ := t.Header["kid"].(string)

	// Signature before claims: nothing unauthenticated is parsed further.
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("%w: JWT signature: %v", ErrMalformedPayload, err)
	}
	if t.Signer, err = keys.FindCertificate(kid); err != nil {
		return nil, err
	}
	if err := verifyRaw(t.Signer, []byte(parts[0]+"."+parts[1]), sig); err != nil {
		return nil, err
	}
	if err := headerKeyMatches(t.Header, t.Signer); err != nil {
		return nil, err
	}
	if t.Claims, err = b64.DecodeString(parts[1]); err != nil {
		return nil, fmt.Errorf("%w: JWT claims: %v", ErrMalformedPayload, err)
	}
	return &t, nil
}

// PublicJWK returns the public key of cert as a JSON Web Key (RFC 7517),
// for ECDSA P-256 keys, the only kind that signs JWTs.
func PublicJWK(cert *x509.Certificate) (map[string]any, error) {
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: a JWT needs an ECDSA P-256 key", ErrUnsupportedKey)
	}
	ec, err := pub.ECDH()
	if err != nil || len(ec.Bytes()) != 65 {
		return nil, fmt.Errorf("%w: a JWT needs an ECDSA P-256 key", ErrUnsupportedKey)
	}
	point := ec.Bytes() // 0x04, then X and Y on 32 bytes each
	return map[string]any{"kty": "EC", "crv": "P-256",
		"x": b64.EncodeToString(point[1:33]), "y": b64.EncodeToString(point[33:])}, nil
}

// headerKeyMatches refuses a header whose "jwk" or first "x5c" certificate
// is not signer's: a reader trusting the header would be misled.
func headerKeyMatches(h map[string]any, signer *x509.Certificate) error {
	if raw, ok := h["jwk"]; ok {
		want, err := PublicJWK(signer)
		if err != nil {
			return err
		}
		got, _ := raw.(map[string]any)
		for k, v := range want {
			if got[k] != v {
				return fmt.Errorf("%w: the JWT header's key is not the signer's", ErrBadSignature)
			}
		}
	}
	if raw, ok := h["x5c"]; ok {
		list, _ := raw.([]any)
		var der []byte
		if len(list) > 0 {
			s, _ := list[0].(string)
			der, _ = base64.StdEncoding.DecodeString(s)
		}
		if !bytes.Equal(der, signer.Raw) {
			return fmt.Errorf("%w: the JWT header's certificate is not the signer's",
				ErrBadSignature)
		}
	}
	return nil
}

// isObject reports whether valid JSON b is an object.
func isObject(b []byte) bool {
	s := strings.TrimSpace(string(b))
	return strings.HasPrefix(s, "{")
}
