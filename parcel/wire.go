package parcel

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"certeval/grading"
)

// The format and version manifest.json declares.
const (
	formatName    = "certeval-package"
	formatVersion = 1
)

// manifest is manifest.json: what the signature covers.
type manifest struct {
	Format          string    `json:"format"`
	Version         int       `json:"version"`
	Kind            Kind      `json:"kind"`
	ID              string    `json:"id"`
	Credential      string    `json:"credential"`
	GridFingerprint string    `json:"grid_fingerprint"`
	Expert          string    `json:"expert"`
	Created         time.Time `json:"created"`
	Sequence        int       `json:"sequence"`
	Entries         []entry   `json:"entries"`
}

// entry is the manifest's record of one other entry of the archive.
type entry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// assignmentData is data.json of an assignment.
type assignmentData struct {
	Blind       bool         `json:"blind"`
	Submissions []Submission `json:"submissions"`
}

// resultsData is data.json of results.
type resultsData struct {
	Gradings []gradingWire `json:"gradings"`
}

// gradingWire is one grading as data.json writes it.
type gradingWire struct {
	Submission      string            `json:"submission"`
	Expert          string            `json:"expert"`
	GridFingerprint string            `json:"grid_fingerprint"`
	Choices         []int             `json:"choices"`
	Comments        map[string]string `json:"comments,omitempty"`
	Feedback        string            `json:"feedback,omitempty"`
	Status          string            `json:"status"`
	UpdatedAt       time.Time         `json:"updated_at"`
	SubmittedAt     time.Time         `json:"submitted_at,omitzero"`
	Revision        int               `json:"revision"`
}

// toWire returns g as data.json writes it.
func toWire(g grading.Grading) gradingWire {
	return gradingWire{
		Submission: g.Submission, Expert: g.Expert, GridFingerprint: g.GridFingerprint,
		Choices: g.Choices, Comments: g.Comments, Feedback: g.Feedback,
		Status: g.Status.String(), UpdatedAt: g.UpdatedAt.UTC(),
		SubmittedAt: g.SubmittedAt.UTC(), Revision: g.Revision,
	}
}

// fromWire returns the grading data.json holds in w.
func fromWire(w gradingWire) (grading.Grading, error) {
	st, err := grading.ParseStatus(w.Status)
	if err != nil {
		return grading.Grading{}, err
	}
	return grading.Grading{
		Submission: w.Submission, Expert: w.Expert, GridFingerprint: w.GridFingerprint,
		Choices: w.Choices, Comments: w.Comments, Feedback: w.Feedback, Status: st,
		UpdatedAt: w.UpdatedAt.UTC(), SubmittedAt: w.SubmittedAt.UTC(), Revision: w.Revision,
	}, nil
}

// marshal encodes v as compact JSON without HTML escaping, newline ended.
func marshal(v any, indent bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decodeStrict decodes one JSON value from b into v, refusing invalid
// UTF-8, unknown fields and anything after the value.
func decodeStrict(b []byte, v any) error {
	if !utf8.Valid(b) {
		return errors.New("invalid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

// encodeData returns data.json of p.
func encodeData(p *Package) ([]byte, error) {
	if p.Kind == Assignment {
		return marshal(assignmentData{Blind: p.Blind, Submissions: p.Submissions}, false)
	}
	gs := make([]gradingWire, len(p.Gradings))
	for i, g := range p.Gradings {
		gs[i] = toWire(g)
	}
	return marshal(resultsData{Gradings: gs}, false)
}

// decodeData fills p's submissions or gradings from data.json.
func decodeData(p *Package, b []byte) error {
	if p.Kind == Assignment {
		var d assignmentData
		if err := decodeStrict(b, &d); err != nil {
			return fmt.Errorf("decode %s: %v: %w", entryData, err, ErrMalformed)
		}
		p.Blind, p.Submissions = d.Blind, d.Submissions
		return nil
	}
	var d resultsData
	if err := decodeStrict(b, &d); err != nil {
		return fmt.Errorf("decode %s: %v: %w", entryData, err, ErrMalformed)
	}
	for i, w := range d.Gradings {
		g, err := fromWire(w)
		if err != nil {
			return fmt.Errorf("decode %s: grading %d: %v: %w", entryData, i+1, err, ErrMalformed)
		}
		p.Gradings = append(p.Gradings, g)
	}
	return nil
}

// validate checks p is a package Certeval can write and read.
func validate(p *Package) error {
	if err := validateHeader(p); err != nil {
		return fmt.Errorf("validate package: %w", err)
	}
	var err error
	if p.Kind == Assignment {
		err = validateAssignment(p)
	} else {
		err = validateResults(p)
	}
	if err != nil {
		return fmt.Errorf("validate package: %w", err)
	}
	return nil
}

// invalid returns an error wrapping ErrMalformed.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrMalformed)
}

// validateHeader checks the fields the manifest carries.
func validateHeader(p *Package) error {
	switch {
	case p.Kind != Assignment && p.Kind != Results:
		return invalid("kind %q", p.Kind)
	case !isHex(p.ID, 32):
		return invalid("id %q", p.ID)
	case p.Credential == "" || p.GridFingerprint == "" || p.Expert == "":
		return invalid("credential, grid fingerprint and expert required")
	case p.Created.IsZero():
		return invalid("no creation time")
	case p.Sequence < 1:
		return invalid("sequence %d", p.Sequence)
	case !json.Valid(p.Grid):
		return invalid("grid is not JSON")
	}
	return nil
}

// validateAssignment checks the submissions of an assignment.
func validateAssignment(p *Package) error {
	if len(p.Gradings) > 0 {
		return invalid("gradings in an assignment")
	}
	keys, codes := make(map[string]bool), make(map[string]bool)
	for i, s := range p.Submissions {
		switch {
		case s.Key == "" || keys[s.Key]:
			return invalid("submission %d: empty or repeated key", i+1)
		case s.Code == "" || codes[s.Code]:
			return invalid("submission %d: empty or repeated code", i+1)
		case p.Blind && s.Name != "":
			return invalid("submission %d: name in a blind assignment", i+1)
		}
		keys[s.Key], codes[s.Code] = true, true
		for _, f := range s.Files {
			if f.Name == "" || !isHex(f.SHA256, 64) {
				return invalid("submission %d: file %q", i+1, f.Name)
			}
		}
	}
	return nil
}

// validateResults checks the gradings of results: one per submission,
// all by the package's expert with the package's grid.
func validateResults(p *Package) error {
	if len(p.Submissions) > 0 || p.Blind {
		return invalid("submissions in results")
	}
	seen := make(map[string]bool)
	for i, g := range p.Gradings {
		switch {
		case g.Submission == "" || seen[g.Submission]:
			return invalid("grading %d: empty or repeated submission", i+1)
		case g.Expert != p.Expert:
			return invalid("grading %d: by another expert", i+1)
		case g.GridFingerprint != p.GridFingerprint:
			return invalid("grading %d: another grid", i+1)
		case g.Status < grading.NotStarted || g.Status > grading.Submitted:
			return invalid("grading %d: status %d", i+1, g.Status)
		case g.Revision < 0:
			return invalid("grading %d: revision %d", i+1, g.Revision)
		}
		seen[g.Submission] = true
		for _, c := range g.Choices {
			if c < grading.None {
				return invalid("grading %d: level %d", i+1, c)
			}
		}
	}
	return nil
}

// isHex reports whether s is n lowercase hex digits.
func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && !bytes.ContainsAny([]byte(s), "ABCDEF")
}
