package seal

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestLoadTamperedWithChecksum edits a key file as an attacker would,
// recomputing the checksum, and expects each edit to be refused.
func TestLoadTamperedWithChecksum(t *testing.T) {
	id, err := NewIdentity(Subject{Name: "Jeanne Martin"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewIdentity(Subject{Name: "Paul Durand"})
	if err != nil {
		t.Fatal(err)
	}
	fast := Params{MemoryKiB: 64, Time: 1, Threads: 1}
	good, err := id.seal([]byte("phrase"), fast)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		edit func(f *keyFile)
		want error
	}{
		{"certificate swapped", func(f *keyFile) {
			f.Certificates[0] = other.Certificate.Raw
		}, ErrDamagedKey},
		{"ciphertext changed", func(f *keyFile) { f.Ciphertext[0] ^= 1 }, ErrDamagedKey},
		{"memory above 1 GiB", func(f *keyFile) { f.KDF.MemoryKiB = 4 << 20 }, ErrDamagedKey},
		{"time above 10", func(f *keyFile) { f.KDF.Time = 1000 }, ErrDamagedKey},
		{"no threads", func(f *keyFile) { f.KDF.Threads = 0 }, ErrDamagedKey},
		{"other version", func(f *keyFile) { f.Version = 2 }, ErrDamagedKey},
		{"time changed, indistinguishable from a wrong passphrase", func(f *keyFile) {
			f.KDF.Time = 2
		}, ErrWrongPassphrase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f keyFile
			if err := json.Unmarshal(good, &f); err != nil {
				t.Fatal(err)
			}
			tt.edit(&f)
			f.Checksum = f.checksum()
			b, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "k.key")
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}

			_, err = Load(path, []byte("phrase"))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Load: %v, want %v", err, tt.want)
			}
		})
	}
}

// TestLoadRefusesForeignKey checks that a key file whose key does not
// match its certificate is refused even when well formed.
func TestLoadRefusesForeignKey(t *testing.T) {
	id, _ := NewIdentity(Subject{Name: "Jeanne Martin"})
	other, _ := NewIdentity(Subject{Name: "Paul Durand"})
	mixed := &Identity{Certificate: other.Certificate, Signer: id.Signer}
	_, err := mixed.seal([]byte("phrase"), Params{MemoryKiB: 64, Time: 1, Threads: 1})
	if !errors.Is(err, ErrUnsupportedKey) {
		t.Fatalf("seal of a mismatched identity: %v", err)
	}
}
