// Package sheet renders Certeval's PDF documents: certificates for learners,
// result sheets and minutes for administrative teams, decision letters and
// blank grading grids for experts who grade on paper.
//
// The package renders and decides nothing: every document is drawn from a
// plain input struct (a view model) that the caller fills in, with labels,
// outcomes and marks already chosen. Output is A4, unsigned and
// deterministic: the same input gives the same bytes, so documents can be
// signed elsewhere and compared byte for byte.
//
// A Renderer parses the embedded fonts once; create one and reuse it for a
// whole batch. Its methods are safe for concurrent use.
package sheet

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/signintech/gopdf"

	"certeval/assets"
)

// Font families as they are named inside the PDF.
const (
	familyRegular = "DejaVuSans"
	familyBold    = "DejaVuSans-Bold"
)

// ErrNoContent reports an input missing what a document cannot do without.
var ErrNoContent = errors.New("sheet: document has nothing to show")

// Renderer draws documents. It holds the parsed fonts, so that each
// document only copies them instead of parsing the TrueType files again.
type Renderer struct {
	fonts  *gopdf.FontContainer
	images sync.Map // [sha256.Size]byte → converted header image
}

// NewRenderer parses the embedded fonts and returns a Renderer ready for
// any number of documents.
func NewRenderer() (*Renderer, error) {
	fc := &gopdf.FontContainer{}
	for family, file := range map[string]string{
		familyRegular: "DejaVuSans.ttf",
		familyBold:    "DejaVuSans-Bold.ttf",
	} {
		if err := fc.AddTTFFontData(family, assets.Font(file)); err != nil {
			return nil, fmt.Errorf("parse font %s: %w", file, err)
		}
	}
	return &Renderer{fonts: fc}, nil
}

// Header is the letterhead of a university: the producing university on
// certificates and minutes, a participating university on result sheets.
type Header struct {
	// Name is the university's full name.
	Name string
	// Image is an optional PNG drawn at the left of the header (a logo or
	// a full letterhead banner); nil draws the name alone.
	Image []byte
	// Lines are optional lines under the name: department, address,
	// country.
	Lines []string
}

// Member is one member of a jury as the minutes and result sheets list it.
type Member struct {
	Name        string
	Role        string // "président·e", "expert·e pédagogique"…
	Institution string
	Present     bool
}

// Jury describes the deliberation a result sheet or minutes record.
type Jury struct {
	// Date is the day of the deliberation.
	Date time.Time
	// Sitting names the sitting ("Session 1", "Session 2 – rattrapage").
	Sitting string
	// Members are every member convened, present or not.
	Members []Member
	// President is the name of the jury's president.
	President string
	// Quorum is a short statement of the quorum ("3 membres présents sur
	// 4"); QuorumMet says whether it was reached.
	Quorum    string
	QuorumMet bool
	// Rules summarises the rules applied (MCC, mastery rule, resit rule).
	Rules string
	// GridFingerprint identifies the grading grid used.
	GridFingerprint string
}
