package seal_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"certeval/seal"
)

func TestSignVerifyPayload(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	payload := []byte(`{"id":"MC-2025-0042","o":"admis"}`)
	text, err := seal.SignPayload(id, payload)
	if err != nil {
		t.Fatalf("SignPayload: %v", err)
	}
	if !regexp.MustCompile(`^CV1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{96}$`).MatchString(text) {
		t.Fatalf("text %q is not CV1.payload.signature in base64url", text)
	}

	got, signer, err := seal.VerifyPayload(text, seal.NewKeyring(id.Certificate))
	if err != nil {
		t.Fatalf("VerifyPayload: %v", err)
	}
	if string(got) != string(payload) || !signer.Equal(id.Certificate) {
		t.Fatalf("got %q by %v", got, signer.Subject)
	}
}

func TestVerifyPayloadRefuses(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	stranger := MustIdentity(t, "Mallory")
	keys := seal.NewKeyring(id.Certificate)
	text, err := seal.SignPayload(id, []byte(`{"o":"ajourné"}`))
	if err != nil {
		t.Fatal(err)
	}
	forged, err := seal.SignPayload(stranger, []byte(`{"o":"admis"}`))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(text, ".")
	admis := base64.RawURLEncoding.EncodeToString([]byte(`{"o":"admis"}`))
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sig[10] ^= 1

	tests := []struct {
		name string
		text string
		want error
	}{
		{"payload swapped", parts[0] + "." + admis + "." + parts[2], seal.ErrBadSignature},
		{"signature changed", parts[0] + "." + parts[1] + "." +
			base64.RawURLEncoding.EncodeToString(sig), seal.ErrBadSignature},
		{"unknown signer", forged, seal.ErrUnknownKey},
		{"other version", "CV2." + parts[1] + "." + parts[2], seal.ErrMalformedPayload},
		{"no signature", "CV1." + parts[1], seal.ErrMalformedPayload},
		{"short signature", text[:len(text)-4], seal.ErrMalformedPayload},
		{"empty", "", seal.ErrMalformedPayload},
		{"bad base64", "CV1.@@@." + parts[2], seal.ErrMalformedPayload},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := seal.VerifyPayload(tt.text, keys)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
		})
	}
}

func TestKeyID(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	kid := seal.KeyID(id.Certificate)
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(kid) {
		t.Fatalf("KeyID %q, want 16 hex digits", kid)
	}
	if kid == seal.KeyID(MustIdentity(t, "Paul Durand").Certificate) {
		t.Fatalf("two keys share an identifier")
	}
	pem := string(id.PublicKeyPEM()) + string(id.CertificatePEM())
	for _, want := range []string{"BEGIN PUBLIC KEY", "BEGIN CERTIFICATE"} {
		if !strings.Contains(pem, want) {
			t.Fatalf("export lacks %q", want)
		}
	}
}

func TestDetachedSignature(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	rsaID, err := seal.ImportPKCS12(mustRead(t, "rsa.p12"), p12Password)
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("paquet de notation\x00binaire")

	for _, signer := range []*seal.Identity{id, rsaID} {
		t.Run(signer.Certificate.PublicKeyAlgorithm.String(), func(t *testing.T) {
			sig, err := seal.Sign(signer, data)
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			if err := seal.Verify(signer.Certificate, data, sig); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			changed := append([]byte{}, data...)
			changed[0] ^= 1
			if err := seal.Verify(signer.Certificate, changed, sig); !errors.Is(err, seal.ErrBadSignature) {
				t.Fatalf("changed data: %v, want %v", err, seal.ErrBadSignature)
			}
			other := MustIdentity(t, "Mallory").Certificate
			if err := seal.Verify(other, data, sig); !errors.Is(err, seal.ErrBadSignature) {
				t.Fatalf("other key: %v, want %v", err, seal.ErrBadSignature)
			}
		})
	}

	// Compact signatures need P-256.
	if _, err := seal.SignPayload(rsaID, data); !errors.Is(err, seal.ErrUnsupportedKey) {
		t.Fatalf("SignPayload with RSA: %v, want %v", err, seal.ErrUnsupportedKey)
	}
}

func TestSignVerifyJWT(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	keys := seal.NewKeyring(id.Certificate)
	claims := []byte(`{"iss":"https://univ.example","vc":{"type":["OpenBadgeCredential"]}}`)
	token, err := seal.SignJWT(id, map[string]any{"cty": "vc"}, claims)
	if err != nil {
		t.Fatalf("SignJWT: %v", err)
	}

	got, err := seal.VerifyJWT(token, keys)
	if err != nil {
		t.Fatalf("VerifyJWT: %v", err)
	}
	if string(got.Claims) != string(claims) || !got.Signer.Equal(id.Certificate) {
		t.Fatalf("claims %s by %v", got.Claims, got.Signer.Subject)
	}
	want := map[string]any{
		"alg": "ES256", "typ": "JWT", "cty": "vc", "kid": seal.KeyID(id.Certificate),
	}
	for k, v := range want {
		if got.Header[k] != v {
			t.Errorf("header %s = %v, want %v", k, got.Header[k], v)
		}
	}
}

func TestVerifyJWTRefuses(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	keys := seal.NewKeyring(id.Certificate)
	token, err := seal.SignJWT(id, nil, []byte(`{"sub":"a"}`))
	if err != nil {
		t.Fatal(err)
	}
	p := strings.Split(token, ".")
	enc := base64.RawURLEncoding.EncodeToString
	kid := seal.KeyID(id.Certificate)
	other := MustIdentity(t, "Intrus")
	otherJWK, err := seal.PublicJWK(other.Certificate)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"claims changed", p[0] + "." + enc([]byte(`{"sub":"b"}`)) + "." + p[2], seal.ErrBadSignature},
		{"alg none", enc([]byte(`{"alg":"none","kid":"`+kid+`"}`)) + "." + p[1] + ".",
			seal.ErrBadSignature},
		{"alg HS256", enc([]byte(`{"alg":"HS256","kid":"`+kid+`"}`)) + "." + p[1] + "." + p[2],
			seal.ErrBadSignature},
		{"unknown kid", enc([]byte(`{"alg":"ES256","kid":"0011223344556677"}`)) + "." +
			p[1] + "." + p[2],
			seal.ErrUnknownKey},
		{"two parts", p[0] + "." + p[1], seal.ErrMalformedPayload},
		{"header names another key", resign(t, id, map[string]any{"alg": "ES256",
			"kid": kid, "jwk": otherJWK}, p[1]), seal.ErrBadSignature},
		{"header names another certificate", resign(t, id, map[string]any{"alg": "ES256",
			"kid": kid, "x5c": []string{base64.StdEncoding.EncodeToString(other.Certificate.Raw)}},
			p[1]), seal.ErrBadSignature},
		{"header not JSON", enc([]byte("{")) + "." + p[1] + "." + p[2], seal.ErrMalformedPayload},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := seal.VerifyJWT(tt.token, keys)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
		})
	}

	if _, err := seal.SignJWT(id, map[string]any{"alg": "RS256"}, []byte(`{}`)); err == nil {
		t.Fatalf("SignJWT accepted alg RS256")
	}
	if _, err := seal.SignJWT(id, nil, []byte(`[1]`)); !errors.Is(err, seal.ErrMalformedPayload) {
		t.Fatalf("SignJWT accepted claims that are not an object: %v", err)
	}
}

// resign signs header and the encoded claims with id's key, as a forger
// holding that key but writing the header himself would.
func resign(t *testing.T, id *seal.Identity, header map[string]any, claims string) string {
	t.Helper()
	hb, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	signed := base64.RawURLEncoding.EncodeToString(hb) + "." + claims
	digest := sha256.Sum256([]byte(signed))
	der, err := id.Signer.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &rs); err != nil {
		t.Fatal(err)
	}
	raw := make([]byte, 64)
	rs.R.FillBytes(raw[:32])
	rs.S.FillBytes(raw[32:])
	return signed + "." + base64.RawURLEncoding.EncodeToString(raw)
}

// TestJWTCheckedWithoutCerteval verifies a token as any VC-JWT reader
// would, with the standard library only: the key from the header's JWK,
// the signer's name from its certificate chain.
func TestJWTCheckedWithoutCerteval(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	token, err := seal.SignJWT(id, map[string]any{"typ": "vc+jwt"}, []byte(`{"sub":"a"}`))
	if err != nil {
		t.Fatal(err)
	}
	p := strings.Split(token, ".")
	hb, err := base64.RawURLEncoding.DecodeString(p[0])
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Alg string            `json:"alg"`
		JWK map[string]string `json:"jwk"`
		X5C []string          `json:"x5c"`
	}
	if err := json.Unmarshal(hb, &h); err != nil {
		t.Fatal(err)
	}
	if h.Alg != "ES256" || h.JWK["kty"] != "EC" || h.JWK["crv"] != "P-256" {
		t.Fatalf("header %s", hb)
	}
	x, _ := base64.RawURLEncoding.DecodeString(h.JWK["x"])
	y, _ := base64.RawURLEncoding.DecodeString(h.JWK["y"])
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(),
		append(append([]byte{4}, x...), y...))
	if err != nil {
		t.Fatalf("JWK: %v", err)
	}
	sig, _ := base64.RawURLEncoding.DecodeString(p[2])
	digest := sha256.Sum256([]byte(p[0] + "." + p[1]))
	if len(sig) != 64 || !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]),
		new(big.Int).SetBytes(sig[32:])) {
		t.Fatal("signature does not verify with the header's key")
	}
	if len(h.X5C) == 0 {
		t.Fatal("no certificate in the header")
	}
	der, _ := base64.StdEncoding.DecodeString(h.X5C[0])
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if cert.Subject.CommonName != "Jeanne Martin" || !cert.PublicKey.(*ecdsa.PublicKey).Equal(pub) {
		t.Fatalf("certificate %v does not name the signer's key", cert.Subject)
	}
}

func FuzzVerifyPayload(f *testing.F) {
	id := MustIdentity(f, "Jeanne Martin")
	keys := seal.NewKeyring(id.Certificate)
	text, err := seal.SignPayload(id, []byte(`{"o":"admis"}`))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{text, "", "CV1.", "CV1..", "CV1.e30.AAAA"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		payload, signer, err := seal.VerifyPayload(s, keys)
		if err == nil && (signer == nil || payload == nil) {
			t.Fatalf("accepted %q without payload or signer", s)
		}
		if err == nil && strings.TrimSpace(s) != text {
			t.Fatalf("accepted a text it was not given: %q", s)
		}
	})
}

func FuzzVerifyPDF(f *testing.F) {
	id := MustIdentity(f, "Jeanne Martin")
	signed := MustSign(f, MustPDF(f, "Certificat", 3), id)
	pool := MustPool(id)
	f.Add(signed)
	f.Add(signed[len(signed)-3000:])
	f.Fuzz(func(t *testing.T, doc []byte) {
		r, err := seal.VerifyPDF(doc, pool)
		if err != nil {
			t.Fatalf("VerifyPDF: %v", err)
		}
		if r.Authentic && string(doc) != string(signed) {
			t.Fatalf("accepted a document that is not the signed one")
		}
	})
}
