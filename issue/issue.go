// Package issue assembles, signs, writes and verifies the documents a
// workspace issues: minutes and result sheets for the administrative teams,
// certificates and decision letters for the learners, machine-readable
// exports (CSV, XLSX, Open Badges 3.0) for information systems, and the
// register that lets anyone check them later.
//
// It orchestrates: the jury decides, package sheet renders, package seal
// signs and package storage keeps the register. Nothing here changes a
// decision, and accommodations — health data — never reach an issued
// document, export or QR payload.
package issue

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Kinds of issued documents, as the register records them.
const (
	KindCertificate = "certificate"
	KindResults     = "results"
	KindMinutes     = "minutes"
	KindLetter      = "letter"
	KindBadge       = "badge"
	KindExport      = "export"
)

// ErrNoDeliberation reports a workspace without a closed deliberation:
// there is nothing to issue.
var ErrNoDeliberation = errors.New("issue: no closed deliberation")

// idAlphabet is Crockford's base32: no I, L, O or U to misread.
const idAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewID returns a fresh document identifier for year, such as
// "CE-2026-7K3M-Q9XD": 40 random bits, enough that identifiers of one
// workspace do not collide in practice; the register refuses a repeat.
func NewID(year int) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("issue: no randomness: " + err.Error())
	}
	var s [8]byte
	for i := range s {
		s[i] = idAlphabet[b[i]&31]
	}
	return "CE-" + strconv.Itoa(year) + "-" + string(s[:4]) + "-" + string(s[4:])
}

// Fingerprint returns the hex SHA-256 of data, as the register keeps it.
func Fingerprint(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// WriteFile writes data to path atomically: a temporary file in the same
// folder, synced, then renamed over path, so that a reader never sees half
// a document.
func WriteFile(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".certeval-*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)

	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return os.Rename(tmp, path)
}

// dateOnly formats t as a calendar date.
func dateOnly(t time.Time) string { return t.UTC().Format(time.DateOnly) }
