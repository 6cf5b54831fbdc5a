package seal

import (
	"crypto/x509"
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
// "kid" to KeyID of id's certificate.
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
// "alg" is refused. Claims such as "exp" or "nbf" are the caller's to check.
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
	if t.Claims, err = b64.DecodeString(parts[1]); err != nil {
		return nil, fmt.Errorf("%w: JWT claims: %v", ErrMalformedPayload, err)
	}
	return &t, nil
}

// isObject reports whether valid JSON b is an object.
func isObject(b []byte) bool {
	s := strings.TrimSpace(string(b))
	return strings.HasPrefix(s, "{")
}
