// Package jury holds the rules of a micro-credential's assessment, from the
// credential and its assessment rules (MCC) to the enrolment of candidates,
// their accommodations, identity checks and attendance milestones, and on to
// the jury's deliberation: proposed outcomes, decisions, votes, resits and
// appeals. It is pure Go: no window, no database, no PDF.
//
// The vocabulary is the framework's (Cadre commun des micro-certifications):
// an identifier may be English while the label a user sees is French.
package jury

// ResitRule says how a resit result combines with the first sitting's.
type ResitRule int

const (
	// ResitReplaces makes the resit result replace the first one.
	ResitReplaces ResitRule = iota + 1
	// ResitBest keeps the better of the two results.
	ResitBest
)

// AbsenceKind is what happened when a candidate did not sit the evaluation.
type AbsenceKind int

const (
	// Present means the candidate sat the evaluation (or submitted work).
	Present AbsenceKind = iota
	// AbsentJustified (ABJ) opens the resit.
	AbsentJustified
	// AbsentUnjustified (ABI) makes the candidate "défaillant·e".
	AbsentUnjustified
)

// LatenessMeasure is what the assessment rules do with late work.
type LatenessMeasure int

const (
	// LateAccepted accepts late work without penalty.
	LateAccepted LatenessMeasure = iota + 1
	// LatePenalty accepts late work with a penalty in points out of 20.
	LatePenalty
	// LateRefused refuses late work: the candidate counts as absent unjustified.
	LateRefused
)

// Member is one member of a jury.
type Member struct {
	Name        string
	Role        string // e.g. "présidente", "experte pédagogique"
	Institution string
	President   bool
}
