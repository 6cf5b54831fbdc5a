// Package parcel reads and writes Certeval's grading packages: the signed
// files that carry a grid and the submissions allotted to an expert from
// the jury president (an assignment), and an expert's gradings back to the
// jury president (results). FORMAT.md describes the file for anyone who
// checks one with ordinary tools.
//
// A package is a zip archive written in one canonical way, whose
// manifest.json lists the SHA-256 of every other entry and is signed by
// the sender. Read refuses a package that is damaged, truncated, unsigned,
// changed after signing, signed by a key the caller does not trust, or
// larger than the limits, each with its own sentinel error; Explain gives
// the sentence a user reads.
//
// The package carries the grid as opaque JSON bytes with its fingerprint,
// and signs and verifies through the Signer and Verifier it is given, so
// that it depends on neither the grid nor the key code. Merge and
// CheckSequence are the pure rules the storage layer applies on import.
package parcel

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"certeval/grading"
	"certeval/i18n"
)

// Errors returned by this package. Explain gives the sentence a user reads
// for each of them.
var (
	ErrNotPackage      = errors.New("parcel: not a Certeval grading package")
	ErrTooLarge        = errors.New("parcel: package exceeds the size limits")
	ErrTruncated       = errors.New("parcel: package is truncated")
	ErrTampered        = errors.New("parcel: package was modified after signing or is damaged")
	ErrUnsigned        = errors.New("parcel: package is not signed")
	ErrUntrusted       = errors.New("parcel: package signed by an untrusted key")
	ErrVersion         = errors.New("parcel: unsupported package version")
	ErrMalformed       = errors.New("parcel: invalid package content")
	ErrOtherCredential = errors.New("parcel: package is for another credential")
	ErrOtherGrid       = errors.New("parcel: package uses another grid")
	ErrReplayed        = errors.New("parcel: package older than the last one imported")
)

// explanations maps each sentinel to its message key in grading.json.
var explanations = []i18n.Sentence{
	{Err: ErrNotPackage, Key: "grading.package.err.not_package"},
	{Err: ErrTooLarge, Key: "grading.package.err.too_large"},
	{Err: ErrTruncated, Key: "grading.package.err.truncated"},
	{Err: ErrTampered, Key: "grading.package.err.tampered"},
	{Err: ErrUnsigned, Key: "grading.package.err.unsigned"},
	{Err: ErrUntrusted, Key: "grading.package.err.untrusted"},
	{Err: ErrVersion, Key: "grading.package.err.version"},
	{Err: ErrMalformed, Key: "grading.package.err.malformed"},
	{Err: ErrOtherCredential, Key: "grading.package.err.other_credential"},
	{Err: ErrOtherGrid, Key: "grading.package.err.other_grid"},
	{Err: ErrReplayed, Key: "grading.package.err.replayed"},
}

// Explain returns the sentence, in the current language, that tells a user
// what went wrong with a package and what to do. It returns "" for a nil
// error and a general sentence for an error this package does not know.
func Explain(err error) string {
	return i18n.Explain(err, explanations, "grading.package.err.other")
}

// Limits of the packages Read accepts.
const (
	MaxSize    = 64 << 20 // total uncompressed size of the entries, in bytes
	MaxEntries = 16       // entries in the archive
)

// Signer signs the manifest of a package being written: a seal identity
// behind a small adapter.
type Signer interface {
	// Sign returns a detached signature of data.
	Sign(data []byte) ([]byte, error)
	// Certificate returns the certificate of the signing key.
	Certificate() *x509.Certificate
}

// Verifier checks a detached signature of data by cert's key, as
// seal.Verify does.
type Verifier func(cert *x509.Certificate, data, sig []byte) error

// Kind says which way a package goes.
type Kind string

// The two kinds of package.
const (
	Assignment Kind = "assignment" // jury president → expert: grid and submissions
	Results    Kind = "results"    // expert → jury president: gradings
)

// Package is the content of one package file.
type Package struct {
	Kind Kind
	// ID is 32 lowercase hex digits, random; Write draws one when empty.
	ID              string
	Credential      string // code of the micro-credential
	GridFingerprint string // fingerprint of the grid carried in Grid
	// Expert is the key identifier of the expert the assignment is for,
	// or of the expert whose results these are.
	Expert string
	// Created is when the package was made, in UTC; Write sets it to the
	// current second when zero.
	Created time.Time
	// Sequence numbers the packages of one kind for one expert and one
	// credential, from 1, one more each time, so that an older package
	// replayed after a newer one is detected (CheckSequence).
	Sequence int
	Grid     []byte // the grid in Certeval JSON, carried as is

	Blind       bool         // assignment: submissions carry no names
	Submissions []Submission // assignment: the submissions allotted
	Gradings    []grading.Grading

	// Signer is the certificate that signed the package; Read sets it.
	Signer *x509.Certificate
	// Digest is the SHA-256, in hex, of the signed manifest: two packages
	// with the same digest have the same content. Read and Write set it.
	Digest string
}

// Submission is one submission allotted to an expert in an assignment.
// It says whether an accommodation applies, never what it is.
type Submission struct {
	Key           string `json:"key"`            // stable key of the submission
	Code          string `json:"code"`           // anonymous code shown when grading blind
	Name          string `json:"name,omitempty"` // candidate's name; empty when blind
	Accommodation bool   `json:"accommodation"`  // an accommodation applies
	Files         []File `json:"files"`
}

// File names one file of a submission and its content's SHA-256, so that
// the expert's copy can be checked.
type File struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"` // lowercase hex
}

// NewID returns a new random package identifier: 16 bytes in hex.
func NewID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// Expect checks the package is for the credential with the code given and,
// unless gridFingerprint is empty, carries that grid. The caller also
// checks that the fingerprint of p.Grid is p.GridFingerprint, since this
// package does not read grids.
func (p *Package) Expect(credential, gridFingerprint string) error {
	if p.Credential != credential {
		return fmt.Errorf("expect credential %s, package is for %s: %w",
			credential, p.Credential, ErrOtherCredential)
	}
	if gridFingerprint != "" && p.GridFingerprint != gridFingerprint {
		return fmt.Errorf("expect grid %s, package has %s: %w",
			gridFingerprint, p.GridFingerprint, ErrOtherGrid)
	}
	return nil
}

// Seen is what a workspace keeps of the last package it imported of one
// kind, from or for one expert, for one credential.
type Seen struct {
	ID       string
	Sequence int
	Digest   string
}

// Seen returns what a workspace keeps of p once it is imported.
func (p *Package) Seen() Seen {
	return Seen{ID: p.ID, Sequence: p.Sequence, Digest: p.Digest}
}

// CheckSequence refuses, with ErrReplayed, a package that is not newer
// than the last one imported of its kind from or for the same expert and
// credential. Importing again the very package last imported (same
// identifier, sequence and content) is accepted: merging it changes
// nothing. A zero last means nothing was imported yet.
func CheckSequence(last Seen, p *Package) error {
	if p.Sequence > last.Sequence || p.Seen() == last {
		return nil
	}
	return fmt.Errorf("check sequence: package %d after %d: %w",
		p.Sequence, last.Sequence, ErrReplayed)
}
