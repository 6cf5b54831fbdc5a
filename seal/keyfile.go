package seal

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// A key file is a small JSON object (UTF-8, one object, no other data):
//
//	{
//	  "format": "certeval-key",
//	  "version": 1,
//	  "kdf": {"alg": "argon2id", "memory_kib": 65536, "time": 3, "threads": 4},
//	  "salt": "<base64, 16 bytes>",
//	  "certificates": ["<base64 DER of the certificate>", "<issuer>", ...],
//	  "check": "<base64, 32 bytes>",
//	  "nonce": "<base64, 24 bytes>",
//	  "ciphertext": "<base64>",
//	  "checksum": "<base64, 32 bytes>"
//	}
//
// argon2id(passphrase, salt, time, memory_kib, threads) gives 64 bytes: the
// first 32 are the XChaCha20-Poly1305 key, "check" is the SHA-256 of the
// last 32, which tells a wrong passphrase from a damaged file. The
// ciphertext seals the PKCS#8 DER of the private key; its additional data is
// the JSON of the first five fields (format, version, kdf, salt,
// certificates, in that order), so changing a parameter or a certificate
// makes the file unreadable instead of silently weaker or someone else's.
// "checksum" is the SHA-256 of the JSON of every other field, in that
// order: it tells accidental damage apart from a wrong passphrase before
// any costly derivation. When reading, the KDF parameters are bounded (maxMemoryKiB, maxTime,
// maxThreads) so that a hostile file cannot exhaust memory or time.

const (
	keyFormat  = "certeval-key"
	keyVersion = 1
	kdfArgon2  = "argon2id"
	saltSize   = 16
	checkSize  = 32

	maxMemoryKiB = 1 << 20 // 1 GiB
	maxTime      = 10
	maxThreads   = 16
	maxKeyFile   = 1 << 20 // bytes
	maxCerts     = 10
)

// Params are the argon2id costs used to derive a key file's encryption key.
type Params struct {
	MemoryKiB uint32 `json:"memory_kib"`
	Time      uint32 `json:"time"`
	Threads   uint8  `json:"threads"`
}

// DefaultParams are the costs Save uses: 64 MiB of memory and 3 passes,
// about a fifth of a second on the machines Certeval targets.
var DefaultParams = Params{MemoryKiB: 64 * 1024, Time: 3, Threads: 4}

// check reports parameters a reader must refuse.
func (p Params) check() error {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("argon2id time %d out of range", p.Time)
	case p.Threads < 1 || p.Threads > maxThreads:
		return fmt.Errorf("argon2id threads %d out of range", p.Threads)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxMemoryKiB:
		return fmt.Errorf("argon2id memory %d KiB out of range", p.MemoryKiB)
	}
	return nil
}

// stronger returns, field by field, the costlier of p and q.
func (p Params) stronger(q Params) Params {
	return Params{
		MemoryKiB: max(p.MemoryKiB, q.MemoryKiB),
		Time:      max(p.Time, q.Time),
		Threads:   max(p.Threads, q.Threads),
	}
}

type kdfHeader struct {
	Alg string `json:"alg"`
	Params
}

// keyHeader is the authenticated part of a key file.
type keyHeader struct {
	Format       string    `json:"format"`
	Version      int       `json:"version"`
	KDF          kdfHeader `json:"kdf"`
	Salt         []byte    `json:"salt"`
	Certificates [][]byte  `json:"certificates"`
}

// keyBody is the key file but its checksum.
type keyBody struct {
	keyHeader
	Check      []byte `json:"check"`
	Nonce      []byte `json:"nonce"`
	Ciphertext []byte `json:"ciphertext"`
}

// keyFile is a whole key file.
type keyFile struct {
	keyBody
	Checksum []byte `json:"checksum"`
}

// checksum returns the SHA-256 of the JSON of f's body.
func (f *keyFile) checksum() []byte {
	b, err := json.Marshal(f.keyBody)
	if err != nil {
		return nil
	}
	sum := sha256.Sum256(b)
	return sum[:]
}

// Save writes the identity to path, its private key encrypted with
// passphrase at DefaultParams. The file is replaced atomically and readable
// by its owner only.
func (id *Identity) Save(path string, passphrase []byte) error {
	return id.SaveWithParams(path, passphrase, DefaultParams)
}

// SaveWithParams is Save with explicit argon2id costs. Costs below
// DefaultParams are for tests only.
func (id *Identity) SaveWithParams(path string, passphrase []byte, p Params) error {
	b, err := id.seal(passphrase, p)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(path, b); err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	return nil
}

// seal encodes the identity as an encrypted key file.
func (id *Identity) seal(passphrase []byte, p Params) ([]byte, error) {
	if len(passphrase) == 0 {
		return nil, ErrEmptyPassphrase
	}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	if err := checkKey(id.Signer, id.Certificate); err != nil {
		return nil, err
	}

	var f keyFile
	f.keyHeader = keyHeader{
		Format:       keyFormat,
		Version:      keyVersion,
		KDF:          kdfHeader{Alg: kdfArgon2, Params: p},
		Salt:         make([]byte, saltSize),
		Certificates: [][]byte{id.Certificate.Raw},
	}
	for _, c := range id.Chain {
		f.Certificates = append(f.Certificates, c.Raw)
	}
	f.Nonce = make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := io.ReadFull(rand.Reader, f.Salt); err != nil {
		return nil, fmt.Errorf("read salt: %w", err)
	}
	if _, err := io.ReadFull(rand.Reader, f.Nonce); err != nil {
		return nil, fmt.Errorf("read nonce: %w", err)
	}

	// Encrypt the PKCS#8 key, then wipe the clear copy.
	der, err := x509.MarshalPKCS8PrivateKey(id.Signer)
	if err != nil {
		return nil, fmt.Errorf("marshal key: %w", err)
	}
	defer clear(der)
	aead, check, ad, err := f.cipher(passphrase)
	if err != nil {
		return nil, err
	}
	f.Check = check
	f.Ciphertext = aead.Seal(nil, f.Nonce, der, ad)
	f.Checksum = f.checksum()

	return json.MarshalIndent(f, "", "  ")
}

// cipher derives the AEAD, the passphrase check and the additional data
// of f.
func (f *keyFile) cipher(passphrase []byte) (aeadCipher, []byte, []byte, error) {
	p := f.KDF.Params
	k := argon2.IDKey(passphrase, f.Salt, p.Time, p.MemoryKiB, p.Threads, 64)
	defer clear(k)
	aead, err := chacha20poly1305.NewX(k[:32])
	if err != nil {
		return nil, nil, nil, fmt.Errorf("new cipher: %w", err)
	}
	check := sha256.Sum256(k[32:])

	ad, err := json.Marshal(f.keyHeader)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("marshal header: %w", err)
	}
	return aead, check[:], ad, nil
}

// aeadCipher is the part of cipher.AEAD the key file uses.
type aeadCipher interface {
	Seal(dst, nonce, plaintext, additionalData []byte) []byte
	Open(dst, nonce, ciphertext, additionalData []byte) ([]byte, error)
}

// Load reads the identity saved at path, decrypting its private key with
// passphrase. It returns ErrWrongPassphrase or ErrDamagedKey (wrapped)
// when the passphrase or the file is at fault.
func Load(path string, passphrase []byte) (*Identity, error) {
	f, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	return f.open(passphrase)
}

// Certificates reads the certificates of a key file, the signer's first.
// They are stored in clear, so exporting them needs no passphrase; the
// file's structure and checksum are checked all the same.
func Certificates(path string) ([]*x509.Certificate, error) {
	f, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	certs := make([]*x509.Certificate, len(f.Certificates))
	for i, raw := range f.Certificates {
		if certs[i], err = x509.ParseCertificate(raw); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrDamagedKey, path, err)
		}
	}
	return certs, nil
}

// readKeyFile reads and checks the structure of a key file.
func readKeyFile(path string) (*keyFile, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open key file: %w", err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	if len(b) > maxKeyFile {
		return nil, fmt.Errorf("%w: %s is too large", ErrDamagedKey, path)
	}

	var f keyFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrDamagedKey, path, err)
	}
	if err := f.validate(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrDamagedKey, path, err)
	}
	return &f, nil
}

// validate refuses a key file whose fields a reader must not trust.
func (f *keyFile) validate() error {
	switch {
	case f.Format != keyFormat || f.Version != keyVersion:
		return fmt.Errorf("format %q version %d", f.Format, f.Version)
	case f.KDF.Alg != kdfArgon2:
		return fmt.Errorf("kdf %q", f.KDF.Alg)
	case len(f.Salt) < saltSize || len(f.Salt) > 64:
		return errors.New("salt size")
	case len(f.Check) != checkSize:
		return errors.New("check size")
	case len(f.Nonce) != chacha20poly1305.NonceSizeX:
		return errors.New("nonce size")
	case len(f.Ciphertext) <= chacha20poly1305.Overhead:
		return errors.New("ciphertext size")
	case len(f.Certificates) < 1 || len(f.Certificates) > maxCerts:
		return errors.New("certificate count")
	case !bytes.Equal(f.Checksum, f.checksum()):
		return errors.New("checksum mismatch")
	}
	return f.KDF.Params.check()
}

// open decrypts the private key of f.
func (f *keyFile) open(passphrase []byte) (*Identity, error) {
	if len(passphrase) == 0 {
		return nil, ErrEmptyPassphrase
	}
	aead, check, ad, err := f.cipher(passphrase)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(check, f.Check) != 1 {
		return nil, ErrWrongPassphrase
	}
	der, err := aead.Open(nil, f.Nonce, f.Ciphertext, ad)
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed", ErrDamagedKey)
	}
	defer clear(der)

	return f.identity(der)
}

// identity rebuilds the identity from the decrypted key and the
// certificates.
func (f *keyFile) identity(der []byte) (*Identity, error) {
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("%w: private key: %v", ErrDamagedKey, err)
	}
	var certs []*x509.Certificate
	for _, raw := range f.Certificates {
		c, err := x509.ParseCertificate(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: certificate: %v", ErrDamagedKey, err)
		}
		certs = append(certs, c)
	}

	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: %T", ErrUnsupportedKey, key)
	}
	id := &Identity{Certificate: certs[0], Signer: signer}
	if len(certs) > 1 {
		id.Chain = certs[1:]
	}
	if err := checkKey(id.Signer, id.Certificate); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamagedKey, err)
	}
	return id, nil
}

// ChangePassphrase re-encrypts the key file at path under newPass. The
// file keeps its costs, raised to DefaultParams where they were lower.
func ChangePassphrase(path string, oldPass, newPass []byte) error {
	f, err := readKeyFile(path)
	if err != nil {
		return err
	}
	id, err := f.open(oldPass)
	if err != nil {
		return err
	}
	return id.SaveWithParams(path, newPass, f.KDF.Params.stronger(DefaultParams))
}

// writeFileAtomic writes b to a temporary file beside path, syncs it and
// renames it over path, so a crash leaves the old file or the new one.
func writeFileAtomic(path string, b []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	if err = tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err = tmp.Write(b); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// Environment variables from which headless commands take the passphrase.
const (
	EnvPassphrase     = "CERTEVAL_PASSPHRASE"
	EnvPassphraseFile = "CERTEVAL_PASSPHRASE_FILE"
)

// PassphraseFromEnv returns the passphrase for headless signing: the
// contents of the file named by CERTEVAL_PASSPHRASE_FILE (one trailing
// newline removed) when it is set, else the value of CERTEVAL_PASSPHRASE.
// A passphrase is never taken from the command line, where other users of
// the machine can read it.
func PassphraseFromEnv() ([]byte, error) {
	if name := os.Getenv(EnvPassphraseFile); name != "" {
		return passphraseFromFile(name)
	}
	if v := os.Getenv(EnvPassphrase); v != "" {
		return []byte(v), nil
	}
	return nil, ErrNoPassphrase
}

// passphraseFromFile reads a passphrase file.
func passphraseFromFile(name string) ([]byte, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open passphrase file: %w", err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("read passphrase file: %w", err)
	}

	s := strings.TrimSuffix(string(b), "\n")
	s = strings.TrimSuffix(s, "\r")
	if s == "" {
		return nil, fmt.Errorf("%w: %s", ErrEmptyPassphrase, name)
	}
	clear(b)
	return bytes.Clone([]byte(s)), nil
}
