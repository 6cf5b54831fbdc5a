package seal_test

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"certeval/seal"
)

// The fixtures are made by testdata/pkcs12/make.sh.
const p12Password = "motdepasse"

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "pkcs12", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestImportPKCS12(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		password  string
		chain     int
		wantKey   string
		wantError error
	}{
		{"ECDSA with its root", "ecdsa-chain.p12", p12Password, 1, "ecdsa", nil},
		{"RSA self-signed", "rsa.p12", p12Password, 0, "rsa", nil},
		{"wrong password", "rsa.p12", "mauvais", 0, "", seal.ErrPKCS12Password},
		{"AES encryption (OpenSSL 3)", "aes.p12", p12Password, 0, "rsa", nil},
		{"not PKCS#12", "make.sh", p12Password, 0, "", seal.ErrPKCS12Format},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := seal.ImportPKCS12(mustRead(t, tt.file), tt.password)
			if tt.wantError != nil {
				if !errors.Is(err, tt.wantError) {
					t.Fatalf("err %v, want %v", err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatalf("ImportPKCS12: %v", err)
			}
			switch id.Signer.(type) {
			case *ecdsa.PrivateKey:
				if tt.wantKey != "ecdsa" {
					t.Fatalf("got an ECDSA key, want %s", tt.wantKey)
				}
			case *rsa.PrivateKey:
				if tt.wantKey != "rsa" {
					t.Fatalf("got an RSA key, want %s", tt.wantKey)
				}
			}
			if got := len(id.Chain); got != tt.chain {
				t.Fatalf("chain of %d certificates, want %d", got, tt.chain)
			}
			if id.Certificate.Subject.Organization[0] != "Université d'exemple" {
				t.Fatalf("subject %v", id.Certificate.Subject)
			}
		})
	}
}

// TestImportedIdentitySignsPDF signs with each imported identity, trusting
// the root for the chained one, and round-trips it through a key file.
func TestImportedIdentitySignsPDF(t *testing.T) {
	block, _ := pem.Decode(mustRead(t, "ecdsa-root.pem"))
	root, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	doc := MustPDF(t, "Procès-verbal de délibération", 30)

	for _, file := range []string{"ecdsa-chain.p12", "rsa.p12"} {
		t.Run(file, func(t *testing.T) {
			imported, err := seal.ImportPKCS12(mustRead(t, file), p12Password)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "institution.key")
			if err := imported.SaveWithParams(path, []byte("phrase"), fastParams); err != nil {
				t.Fatalf("SaveWithParams: %v", err)
			}
			id, err := seal.Load(path, []byte("phrase"))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if len(id.Chain) != len(imported.Chain) {
				t.Fatalf("chain lost in the key file")
			}

			pool := x509.NewCertPool()
			pool.AddCert(root)
			if len(id.Chain) == 0 {
				pool = MustPool(id)
			}
			r, err := seal.VerifyPDF(MustSign(t, doc, id), pool)
			if err != nil || !r.Authentic {
				t.Fatalf("VerifyPDF: %v, %+v", err, r)
			}
		})
	}
}
