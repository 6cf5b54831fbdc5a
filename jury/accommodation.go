package jury

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// ErrAccommodationInvalid marks an accommodation that breaks a rule.
var ErrAccommodationInvalid = errors.New("jury: invalid accommodation")

// AccommodationKind is a kind of accommodation for candidates with a
// disability (Code de l'éducation, article D613-26).
type AccommodationKind int

const (
	// AidExtraTime gives extra time, one third by default.
	AidExtraTime AccommodationKind = iota + 1
	// AidHuman is a human aid: a secretary, a reader, an interpreter.
	AidHuman
	// AidTechnical is a technical aid: a computer, a screen reader.
	AidTechnical
	// AidAdaptedFormat adapts the subject: large print, braille, audio.
	AidAdaptedFormat
	// AidSplitExam splits the evaluation over several sessions.
	AidSplitExam
	// AidSeparateRoom seats the candidate in a room of their own.
	AidSeparateRoom
	// AidOther is any other accommodation, described in Detail.
	AidOther
)

// Label returns the kind's name for the user.
func (k AccommodationKind) Label() string {
	if k < AidExtraTime || k > AidOther {
		return t("accommodation.unknown")
	}
	return t("accommodation." + strconv.Itoa(int(k)))
}

// Fraction is a fraction of the evaluation's duration, such as 1/3.
type Fraction struct {
	Num, Den int
}

// OneThird is the extra time granted without a medical opinion.
var OneThird = Fraction{1, 3}

// IsZero reports whether f was not set.
func (f Fraction) IsZero() bool { return f == Fraction{} }

// String writes f as "1/3".
func (f Fraction) String() string {
	return strconv.Itoa(f.Num) + "/" + strconv.Itoa(f.Den)
}

// greater reports whether f is greater than g; both have Den > 0.
func (f Fraction) greater(g Fraction) bool {
	return int64(f.Num)*int64(g.Den) > int64(g.Num)*int64(f.Den)
}

// Accommodation is one accommodation granted to a candidate.
//
// Health data: Detail and MedicalOpinion stay with the jury. They are never
// printed on a document, written to an export or a QR payload, nor logged;
// String leaves them out and Redacted removes them.
type Accommodation struct {
	Kind AccommodationKind
	// ExtraTime is the extra fraction of time under AidExtraTime; zero
	// means one third. More than one third needs MedicalOpinion.
	ExtraTime Fraction
	// MedicalOpinion records the medical opinion (who, when) that allows
	// more than one third of extra time.
	MedicalOpinion string
	// Detail is confidential free text for the jury.
	Detail string
}

// Extra returns the extra time granted: one third by default under
// AidExtraTime, none for the other kinds.
func (a Accommodation) Extra() Fraction {
	switch {
	case a.Kind != AidExtraTime:
		return Fraction{0, 1}
	case a.ExtraTime.IsZero():
		return OneThird
	}
	return a.ExtraTime
}

// Validate checks the accommodation: a known kind, a positive extra time
// only under AidExtraTime, and more than one third only with a medical
// opinion. The error is a *ProblemsError wrapping ErrAccommodationInvalid.
func (a Accommodation) Validate() error {
	return problems(ErrAccommodationInvalid, a.check())
}

func (a Accommodation) check() []string {
	f := a.ExtraTime
	switch {
	case a.Kind < AidExtraTime || a.Kind > AidOther:
		return []string{t("accommodation.invalid_kind")}
	case f.IsZero():
		return nil
	case a.Kind != AidExtraTime:
		return []string{t("accommodation.extra_not_time", a.Kind.Label())}
	case f.Num <= 0 || f.Den <= 0:
		return []string{t("accommodation.extra_positive")}
	case f.greater(OneThird) && blank(a.MedicalOpinion):
		return []string{t("accommodation.medical_opinion", f.String())}
	}
	return nil
}

// String describes the accommodation without its confidential parts.
func (a Accommodation) String() string {
	if a.Kind == AidExtraTime {
		return a.Kind.Label() + " " + a.Extra().String()
	}
	return a.Kind.Label()
}

// GoString is String, so that %#v does not print the confidential parts.
func (a Accommodation) GoString() string { return a.String() }

// Redacted returns a copy without Detail and MedicalOpinion.
func (a Accommodation) Redacted() Accommodation {
	a.Detail, a.MedicalOpinion = "", ""
	return a
}

// AdjustedDuration returns the duration of an evaluation for a candidate
// with the given accommodations: base plus the largest extra time granted,
// rounded up to the nanosecond (2 h with one third gives 2 h 40 min).
// Extra times do not add up; invalid ones are ignored.
func AdjustedDuration(base time.Duration, accs []Accommodation) time.Duration {
	extra := Fraction{0, 1}
	for _, a := range accs {
		f := a.Extra()
		if f.Num > 0 && f.Den > 0 && f.greater(extra) {
			extra = f
		}
	}
	if base <= 0 || extra.Num == 0 {
		return base
	}

	den, num := time.Duration(extra.Den), time.Duration(extra.Num)
	q, r := base/den, base%den
	return base + q*num + (r*num+den-1)/den
}

// confidentialText joins the confidential parts, to see whether they changed.
func confidentialText(accs []Accommodation) string {
	var b strings.Builder
	for _, a := range accs {
		b.WriteString(a.MedicalOpinion)
		b.WriteByte(0)
		b.WriteString(a.Detail)
		b.WriteByte(0)
	}
	return b.String()
}
