package parcel_test

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"certeval/parcel"
)

func trustAll(*x509.Certificate) error { return nil }

// FuzzRead feeds Read any bytes: it must refuse or accept without
// panicking or hanging, and what it accepts must be a coherent package.
func FuzzRead(f *testing.F) {
	golden, err := os.ReadFile(filepath.Join("testdata", "results-v1.zip"))
	if err != nil {
		f.Fatal(err)
	}
	s := newSigner(f, "Expert fuzz")
	good := write(f, results(s, 2, 1), s)
	for _, seed := range [][]byte{golden, good, good[:len(good)/2], good[:len(good)-1], {},
		[]byte("PK\x03\x04"), []byte("PK\x05\x06" + string(make([]byte, 18)))} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parcel.Read(data, verify, trustAll)
		if err != nil {
			if p != nil {
				t.Fatal("package returned with an error")
			}
			return
		}
		if p.Signer == nil || len(p.Digest) != 64 || p.Sequence < 1 ||
			p.Expect(p.Credential, p.GridFingerprint) != nil {
			t.Fatalf("incoherent package accepted: %+v", p)
		}
	})
}
