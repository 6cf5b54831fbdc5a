package parcel_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"testing"
	"time"

	"certeval/grading"
	"certeval/parcel"
)

// testSigner signs with a local ECDSA P-256 key and its self-signed
// certificate, as seal.Sign does.
type testSigner struct {
	key  crypto.Signer
	cert *x509.Certificate
}

func (s *testSigner) Sign(data []byte) ([]byte, error) {
	if k, ok := s.key.(ed25519.PrivateKey); ok {
		return ed25519.Sign(k, data), nil
	}
	sum := sha256.Sum256(data)
	return s.key.Sign(rand.Reader, sum[:], crypto.SHA256)
}

func (s *testSigner) Certificate() *x509.Certificate { return s.cert }

// keyID names a signer's key as seal.KeyID does.
func (s *testSigner) keyID() string {
	sum := sha256.Sum256(s.cert.RawSubjectPublicKeyInfo)
	return hex.EncodeToString(sum[:8])
}

// newSigner returns a signer with a fresh ECDSA P-256 key.
func newSigner(tb testing.TB, name string) *testSigner {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return selfSign(tb, name, key)
}

// fixedSigner returns an Ed25519 signer derived from name, whose
// signatures are deterministic, for golden files.
func fixedSigner(tb testing.TB, name string) *testSigner {
	tb.Helper()
	seed := sha256.Sum256([]byte(name))
	return selfSign(tb, name, ed25519.NewKeyFromSeed(seed[:]))
}

func selfSign(tb testing.TB, name string, key crypto.Signer) *testSigner {
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: name, Country: []string{"FR"}},
		NotBefore:    time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	return &testSigner{key: key, cert: cert}
}

// verify checks a detached signature as seal.Verify does.
func verify(cert *x509.Certificate, data, sig []byte) error {
	alg := x509.ECDSAWithSHA256
	if _, ok := cert.PublicKey.(ed25519.PublicKey); ok {
		alg = x509.PureEd25519
	}
	return cert.CheckSignature(alg, data, sig)
}

var errUnknownKey = errors.New("unknown key")

// trustOnly returns a trust function that knows only the signers given.
func trustOnly(signers ...*testSigner) func(*x509.Certificate) error {
	return func(cert *x509.Certificate) error {
		for _, s := range signers {
			if s.cert.Equal(cert) {
				return nil
			}
		}
		return errUnknownKey
	}
}

const credential = "MC-IA-2025"

var (
	grid        = []byte(`{"credential":"MC-IA-2025","version":1,"criteria":[]}` + "\n")
	fingerprint = "9f2c0e1b" + "00000000000000000000000000000000000000000000000000000000"
	base        = time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)
)

// gradings returns n submitted gradings by expert, one per submission
// "sub-0001"…, with choices derived from salt.
func gradings(expert string, n, salt int) []grading.Grading {
	gs := make([]grading.Grading, n)
	for i := range gs {
		gs[i] = grading.Grading{
			Submission: fmt.Sprintf("sub-%04d", i+1), Expert: expert,
			GridFingerprint: fingerprint,
			Choices:         []int{(i + salt) % 4, (i * salt) % 4, -1, (i + 2*salt) % 4},
			Comments:        map[string]string{"c1": "Analyse « solide » & précise", "c2": ""},
			Feedback:        fmt.Sprintf("Travail n°%d : bonne démarche.", i+1),
			Status:          grading.Submitted,
			UpdatedAt:       base.Add(time.Duration(i) * time.Minute),
			SubmittedAt:     base.Add(time.Duration(i)*time.Minute + time.Second),
			Revision:        1 + i%3,
		}
	}
	return gs
}

// results returns a results package of expert s with n gradings.
func results(s *testSigner, n, seq int) *parcel.Package {
	return &parcel.Package{
		Kind: parcel.Results, Credential: credential, GridFingerprint: fingerprint,
		Expert: s.keyID(), Created: base, Sequence: seq, Grid: grid,
		Gradings: gradings(s.keyID(), n, seq),
	}
}

// write returns the package file of p signed by s.
func write(tb testing.TB, p *parcel.Package, s *testSigner) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := parcel.Write(&buf, p, s); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// resign updates the manifest's hashes for the files changed, signs it
// again with s and returns the canonical archive: a package a sender
// really made, with whatever content the test put in.
func resign(tb testing.TB, files map[string][]byte, s *testSigner,
	edit func(man map[string]any)) []byte {
	tb.Helper()
	var man map[string]any
	if err := json.Unmarshal(files["manifest.json"], &man); err != nil {
		tb.Fatal(err)
	}
	for _, e := range man["entries"].([]any) {
		e := e.(map[string]any)
		b := files[e["name"].(string)]
		sum := sha256.Sum256(b)
		e["size"], e["sha256"] = len(b), hex.EncodeToString(sum[:])
	}
	if edit != nil {
		edit(man)
	}
	raw, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	files["manifest.json"] = raw
	if files["signature"], err = s.Sign(raw); err != nil {
		tb.Fatal(err)
	}
	return parcel.Repack(files)
}
