package parcel

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
)

// Read checks and decodes one package file. In this order it checks: the
// archive's structure, bounds (MaxSize, MaxEntries, no duplicate or unsafe
// names) and canonical form; the signature over manifest.json with the
// certificate the package carries, through verify; the manifest, strictly
// (unknown fields refused); the SHA-256 of every other entry against it;
// then trust(cert), by which the caller says whether the key is known;
// and last the content of data.json, strictly.
//
// Each kind of refusal has its sentinel: ErrNotPackage, ErrTooLarge,
// ErrTruncated, ErrTampered, ErrUnsigned, ErrUntrusted (wrapping trust's
// error), ErrVersion, ErrMalformed. Read does not know whose key should
// have signed: the caller checks, for results, that p.Expert is the key
// identifier of p.Signer (seal.KeyID), for an assignment that p.Signer is
// the jury president's; it checks the credential and grid with Expect,
// and that the fingerprint of p.Grid is p.GridFingerprint.
func Read(data []byte, verify Verifier,
	trust func(cert *x509.Certificate) error) (*Package, error) {
	if verify == nil || trust == nil {
		return nil, errors.New("read package: no verifier or no trust function")
	}
	files, err := decodeZip(data)
	if err != nil {
		return nil, err
	}

	cert, err := parseSigner(files[entrySigner])
	if err != nil {
		return nil, err
	}
	if err := verify(cert, files[entryManifest], files[entrySignature]); err != nil {
		return nil, fmt.Errorf("verify package signature: %v: %w", err, ErrTampered)
	}

	man, err := parseManifest(files[entryManifest])
	if err != nil {
		return nil, err
	}
	if err := checkHashes(man, files); err != nil {
		return nil, err
	}
	if err := trust(cert); err != nil {
		return nil, fmt.Errorf("trust signer: %w: %w", err, ErrUntrusted)
	}

	p := &Package{
		Kind: man.Kind, ID: man.ID, Credential: man.Credential,
		GridFingerprint: man.GridFingerprint, Expert: man.Expert,
		Created: man.Created.UTC(), Sequence: man.Sequence, Grid: files[entryGrid],
		Signer: cert, Digest: digest(files[entryManifest]),
	}
	if err := decodeData(p, files[entryData]); err != nil {
		return nil, err
	}
	if err := validate(p); err != nil {
		return nil, fmt.Errorf("read package: %w", err)
	}
	return p, nil
}

// parseSigner returns the one certificate of signer.pem.
func parseSigner(b []byte) (*x509.Certificate, error) {
	block, rest := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" || len(rest) > 0 {
		return nil, fmt.Errorf("read %s: not one PEM certificate: %w", entrySigner, ErrTampered)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("read %s: %v: %w", entrySigner, err, ErrTampered)
	}
	return cert, nil
}

// parseManifest decodes a signed manifest.json: format and version first,
// so that a newer version is told apart from a damaged file, then every
// field strictly.
func parseManifest(b []byte) (manifest, error) {
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil || head.Format != formatName {
		return manifest{}, fmt.Errorf("read %s: format %q: %w", entryManifest, head.Format,
			ErrNotPackage)
	}
	if head.Version != formatVersion {
		return manifest{}, fmt.Errorf("read %s: version %d: %w", entryManifest, head.Version,
			ErrVersion)
	}
	var m manifest
	if err := decodeStrict(b, &m); err != nil {
		return manifest{}, fmt.Errorf("read %s: %v: %w", entryManifest, err, ErrMalformed)
	}
	return m, nil
}

// checkHashes checks the manifest lists exactly the content entries, with
// their sizes and SHA-256.
func checkHashes(m manifest, files map[string][]byte) error {
	names := make([]string, len(m.Entries))
	for i, e := range m.Entries {
		names[i] = e.Name
	}
	if !slices.Equal(names, hashedEntries) {
		return fmt.Errorf("check hashes: manifest lists %v: %w", names, ErrMalformed)
	}
	for _, e := range m.Entries {
		b := files[e.Name]
		if int64(len(b)) != e.Size || digest(b) != e.SHA256 {
			return fmt.Errorf("check hashes: %s differs from the manifest: %w", e.Name,
				ErrTampered)
		}
	}
	return nil
}
