package seal_test

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"certeval/i18n"
	"certeval/seal"
)

func TestSaveLoad(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	path := filepath.Join(t.TempDir(), "jeanne.key")
	pass := []byte("correct horse battery staple")
	if err := id.SaveWithParams(path, pass, fastParams); err != nil {
		t.Fatalf("SaveWithParams: %v", err)
	}

	got, err := seal.Load(path, pass)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !got.Certificate.Equal(id.Certificate) {
		t.Fatalf("certificate changed on the way")
	}
	sig, err := seal.Sign(got, []byte("paquet"))
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if err := seal.Verify(id.Certificate, []byte("paquet"), sig); err != nil {
		t.Fatalf("loaded key does not sign for the certificate: %v", err)
	}
}

func TestSaveKeepsKeyPrivate(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	dir := t.TempDir()
	path := filepath.Join(dir, "jeanne.key")
	if err := id.SaveWithParams(path, []byte("phrase"), fastParams); err != nil {
		t.Fatalf("SaveWithParams: %v", err)
	}

	// Only the key file is left, readable by its owner only.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(entries), 1; got != want {
		t.Fatalf("%d files in the folder, want %d (no temporary file left)", got, want)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fi.Mode().Perm(), os.FileMode(0o600); got != want {
		t.Fatalf("mode %v, want %v", got, want)
	}

	// Neither the key's DER nor its base64 appears in the file.
	der, err := x509.MarshalPKCS8PrivateKey(id.Signer)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if bytes.Contains(b, der[len(der)-40:]) ||
		bytes.Contains(b, []byte(base64.StdEncoding.EncodeToString(der)[40:80])) {
		t.Fatalf("the private key is stored in clear")
	}
}

func TestSaveUsesDefaultParams(t *testing.T) {
	if seal.DefaultParams.MemoryKiB < 64*1024 || seal.DefaultParams.Time < 3 {
		t.Fatalf("DefaultParams %+v below 64 MiB and 3 passes", seal.DefaultParams)
	}
	id := MustIdentity(t, "Jeanne Martin")
	path := filepath.Join(t.TempDir(), "jeanne.key")
	if err := id.Save(path, []byte("phrase")); err != nil {
		t.Fatalf("Save: %v", err)
	}

	var f struct {
		KDF struct {
			Alg       string `json:"alg"`
			MemoryKiB uint32 `json:"memory_kib"`
			Time      uint32 `json:"time"`
		} `json:"kdf"`
	}
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("key file is not JSON: %v", err)
	}
	if f.KDF.Alg != "argon2id" || f.KDF.MemoryKiB < 64*1024 || f.KDF.Time < 3 {
		t.Fatalf("kdf %+v, want argon2id with at least 64 MiB and 3 passes", f.KDF)
	}
	if _, err := seal.Load(path, []byte("phrase")); err != nil {
		t.Fatalf("Load: %v", err)
	}
}

func TestLoadWrongPassphrase(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	path := filepath.Join(t.TempDir(), "jeanne.key")
	if err := id.SaveWithParams(path, []byte("la bonne"), fastParams); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		pass string
		want error
	}{
		{"wrong", "la mauvaise", seal.ErrWrongPassphrase},
		{"case differs", "La bonne", seal.ErrWrongPassphrase},
		{"empty", "", seal.ErrEmptyPassphrase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := seal.Load(path, []byte(tt.pass))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Load: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestLoadDamagedFile(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	dir := t.TempDir()
	path := filepath.Join(dir, "jeanne.key")
	if err := id.SaveWithParams(path, []byte("phrase"), fastParams); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)

	tests := []struct {
		name   string
		damage func([]byte) []byte
	}{
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }},
		{"empty", func([]byte) []byte { return nil }},
		{"not json", func([]byte) []byte { return []byte("-----BEGIN PRIVATE KEY-----") }},
		{"byte changed in ciphertext", func(b []byte) []byte {
			return replaceField(t, b, "ciphertext", func(v []byte) { v[3] ^= 1 })
		}},
		{"salt changed", func(b []byte) []byte {
			return replaceField(t, b, "salt", func(v []byte) { v[0] ^= 1 })
		}},
		{"hostile memory", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"memory_kib": 64`), []byte(`"memory_kib": 4194304`), 1)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := filepath.Join(dir, "bad.key")
			if err := os.WriteFile(bad, tt.damage(bytes.Clone(good)), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := seal.Load(bad, []byte("phrase"))
			if !errors.Is(err, seal.ErrDamagedKey) {
				t.Fatalf("Load: %v, want %v", err, seal.ErrDamagedKey)
			}
		})
	}
}

// replaceField edits the base64 field name of a key file with edit.
func replaceField(t *testing.T, b []byte, name string, edit func([]byte)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	v, err := base64.StdEncoding.DecodeString(m[name].(string))
	if err != nil {
		t.Fatal(err)
	}
	edit(v)
	m[name] = base64.StdEncoding.EncodeToString(v)
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestChangePassphrase(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	path := filepath.Join(t.TempDir(), "jeanne.key")
	if err := id.SaveWithParams(path, []byte("ancienne"), fastParams); err != nil {
		t.Fatal(err)
	}

	err := seal.ChangePassphrase(path, []byte("fausse"), []byte("nouvelle"))
	if !errors.Is(err, seal.ErrWrongPassphrase) {
		t.Fatalf("ChangePassphrase with a wrong old one: %v", err)
	}
	if err := seal.ChangePassphrase(path, []byte("ancienne"), []byte("nouvelle")); err != nil {
		t.Fatalf("ChangePassphrase: %v", err)
	}
	if _, err := seal.Load(path, []byte("ancienne")); !errors.Is(err, seal.ErrWrongPassphrase) {
		t.Fatalf("old passphrase still opens the key: %v", err)
	}
	got, err := seal.Load(path, []byte("nouvelle"))
	if err != nil {
		t.Fatalf("Load with the new passphrase: %v", err)
	}
	if !got.Certificate.Equal(id.Certificate) {
		t.Fatalf("certificate changed")
	}
}

func TestPassphraseFromEnv(t *testing.T) {
	dir := t.TempDir()
	file := func(content string) string {
		p := filepath.Join(dir, "pass.txt")
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name    string
		env     string
		file    string
		want    string
		wantErr error
	}{
		{name: "variable", env: "mon secret", want: "mon secret"},
		{name: "file with newline", file: "mon secret\n", want: "mon secret"},
		{name: "file with CRLF", file: "mon secret\r\n", want: "mon secret"},
		{name: "file keeps inner spaces", file: " a b \n", want: " a b "},
		{name: "file wins", env: "autre", file: "mon secret", want: "mon secret"},
		{name: "empty file", file: "\n", wantErr: seal.ErrEmptyPassphrase},
		{name: "nothing set", wantErr: seal.ErrNoPassphrase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(seal.EnvPassphrase, tt.env)
			t.Setenv(seal.EnvPassphraseFile, "")
			if tt.file != "" {
				t.Setenv(seal.EnvPassphraseFile, file(tt.file))
			}
			got, err := seal.PassphraseFromEnv()
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestExplainEverySentinel(t *testing.T) {
	sentinels := []error{
		seal.ErrWrongPassphrase, seal.ErrDamagedKey, seal.ErrEmptyPassphrase,
		seal.ErrNoPassphrase, seal.ErrUnsupportedKey, seal.ErrInvalidSubject,
		seal.ErrPKCS12Password, seal.ErrPKCS12Format, seal.ErrNotSigned,
		seal.ErrMalformed, seal.ErrPartialCoverage, seal.ErrAppended,
		seal.ErrTruncated, seal.ErrModified, seal.ErrBadSignature,
		seal.ErrUntrusted, seal.ErrUnknownKey, seal.ErrMalformedPayload,
	}
	defer i18n.SetLanguage(i18n.Language())
	for _, lang := range i18n.Languages {
		i18n.SetLanguage(lang)
		seen := map[string]bool{}
		for _, err := range sentinels {
			msg := seal.Explain(err)
			if msg == "" || msg[len(msg)-1] != '.' || bytes.HasPrefix([]byte(msg), []byte("seal.")) {
				t.Errorf("%s: %v explained as %q, want a sentence", lang, err, msg)
			}
			if seen[msg] {
				t.Errorf("%s: %v shares its sentence %q", lang, err, msg)
			}
			seen[msg] = true
		}
	}
	if m := i18n.Missing(); len(m) > 0 {
		t.Fatalf("missing translations: %v", m)
	}
}

func TestNewIdentitySubject(t *testing.T) {
	tests := []struct {
		name    string
		subj    seal.Subject
		wantErr bool
	}{
		{"full", seal.Subject{
			Name: "Jeanne Martin", Role: "Experte pédagogique",
			Institution: "Université de Lorraine", Country: "FR",
		}, false},
		{"country defaults to FR", seal.Subject{Name: "Jeanne Martin"}, false},
		{"no name", seal.Subject{Institution: "Université de Lorraine"}, true},
		{"bad country", seal.Subject{Name: "Jeanne Martin", Country: "France"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := seal.NewIdentity(tt.subj)
			if tt.wantErr {
				if !errors.Is(err, seal.ErrInvalidSubject) {
					t.Fatalf("err %v, want %v", err, seal.ErrInvalidSubject)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := seal.SubjectOf(id.Certificate)
			want := tt.subj
			if want.Country == "" {
				want.Country = "FR"
			}
			if got != want {
				t.Fatalf("certificate names %+v, want %+v", got, want)
			}
			if id.Certificate.NotAfter.Sub(id.Certificate.NotBefore).Hours() < 20*365*24 {
				t.Fatalf("validity shorter than twenty years")
			}
		})
	}
}

func TestCertificatesNeedNoPassphrase(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	path := filepath.Join(t.TempDir(), "jeanne.key")
	if err := id.SaveWithParams(path, []byte("une phrase longue"), fastParams); err != nil {
		t.Fatal(err)
	}
	certs, err := seal.Certificates(path)
	if err != nil || len(certs) != 1 || !certs[0].Equal(id.Certificate) {
		t.Fatalf("Certificates = %v, %v", certs, err)
	}

	b, _ := os.ReadFile(path)
	b[len(b)/2] ^= 1
	damaged := filepath.Join(t.TempDir(), "abime.key")
	os.WriteFile(damaged, b, 0o600)
	if _, err := seal.Certificates(damaged); !errors.Is(err, seal.ErrDamagedKey) {
		t.Fatalf("damaged file: err = %v, want ErrDamagedKey", err)
	}
}
