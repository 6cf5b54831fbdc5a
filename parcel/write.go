package parcel

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"time"
)

// Write signs p with s and writes it to w as one package file. It draws
// p.ID when empty, sets p.Created to the current second when zero, and
// sets p.Digest. A package that Read would refuse is not written: its
// error wraps ErrMalformed.
func Write(w io.Writer, p *Package, s Signer) error {
	if p.ID == "" {
		p.ID = NewID()
	}
	if p.Created.IsZero() {
		p.Created = time.Now().UTC().Truncate(time.Second)
	}
	if err := validate(p); err != nil {
		return fmt.Errorf("write package: %w", err)
	}
	cert := s.Certificate()
	if cert == nil {
		return errors.New("write package: signer has no certificate")
	}

	// The content entries first, since the manifest lists their hashes.
	data, err := encodeData(p)
	if err != nil {
		return fmt.Errorf("write package: %w", err)
	}
	files := []file{
		{entryData, data},
		{entryGrid, p.Grid},
		{entrySigner, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})},
	}
	man, err := marshal(newManifest(p, files), true)
	if err != nil {
		return fmt.Errorf("write package: %w", err)
	}

	sig, err := s.Sign(man)
	if err != nil {
		return fmt.Errorf("sign package: %w", err)
	}
	if len(sig) == 0 {
		return fmt.Errorf("sign package: empty signature: %w", ErrUnsigned)
	}
	files = append(files, file{entryManifest, man}, file{entrySignature, sig})

	if _, err := w.Write(encodeZip(files)); err != nil {
		return fmt.Errorf("write package: %w", err)
	}
	p.Digest = digest(man)
	return nil
}

// newManifest returns the manifest of p whose content entries are files.
func newManifest(p *Package, files []file) manifest {
	m := manifest{
		Format: formatName, Version: formatVersion, Kind: p.Kind, ID: p.ID,
		Credential: p.Credential, GridFingerprint: p.GridFingerprint, Expert: p.Expert,
		Created: p.Created.UTC(), Sequence: p.Sequence,
	}
	for _, f := range files {
		m.Entries = append(m.Entries, entry{Name: f.name, Size: int64(len(f.data)),
			SHA256: digest(f.data)})
	}
	return m
}

// digest returns the SHA-256 of b in lowercase hex.
func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
