package jury

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"certeval/i18n"
)

// ErrCandidateInvalid marks a candidate record that breaks a rule.
var ErrCandidateInvalid = errors.New("jury: invalid candidate")

// ErrAnonCollision reports two candidates given the same anonymous code.
var ErrAnonCollision = errors.New("jury: anonymous code collision")

// Candidate is a learner enrolled in a micro-credential.
//
// Accommodations hold health data: they stay with the jury and never go
// into a document, export or QR payload that leaves it.
type Candidate struct {
	ID         string // enrolment identifier, unique in the credential
	FamilyName string
	GivenNames string
	BirthDate  time.Time // a date at midnight UTC
	Email      string
	University string // participating university's code
	// AnonCode replaces the identity when grading is blind; see AnonCode.
	AnonCode  string
	Withdrawn bool

	IdentityChecks []IdentityCheck
	Consent        Consent
	Accommodations []Accommodation
	Milestones     []Milestone
}

// FullName returns the given names then the family name.
func (c Candidate) FullName() string {
	return strings.TrimSpace(c.GivenNames + " " + c.FamilyName)
}

// Validate checks a candidate entered or corrected by hand with the same
// rules as the import. The error is a *ProblemsError wrapping
// ErrCandidateInvalid.
func (c Candidate) Validate() error {
	var out []string
	for _, f := range []struct{ key, msg string }{
		{"field.id", checkID(c.ID)},
		{"field.family_name", checkName(c.FamilyName)},
		{"field.given_names", checkName(c.GivenNames)},
		{"field.birth_date", checkBirthDate(c.BirthDate)},
		{"field.email", checkEmail(c.Email)},
	} {
		if f.msg != "" {
			out = append(out, t("check.field", t(f.key), f.msg))
		}
	}

	out = append(out, c.Consent.check()...)
	for _, ic := range c.IdentityChecks {
		out = append(out, ic.check()...)
	}
	for _, a := range c.Accommodations {
		out = append(out, a.check()...)
	}
	return problems(ErrCandidateInvalid, out)
}

// AnonCode returns a candidate's anonymous code for blind grading: the
// first 40 bits of HMAC-SHA256 under key of the credential code and the
// candidate identifier, as eight base32 characters grouped "ABCD-EFGH".
//
// The key is the workspace's secret: without it, nobody can tell whose
// code it is by hashing the list of enrolment numbers. The same key,
// credential and identifier always give the same code.
func AnonCode(key []byte, credential, id string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(credential))
	mac.Write([]byte{0})
	mac.Write([]byte(id))
	s := anonEncoding.EncodeToString(mac.Sum(nil)[:5])
	return s[:4] + "-" + s[4:]
}

// anonEncoding is Crockford's base32 alphabet: no I, L, O nor U to misread.
var anonEncoding = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").
	WithPadding(base32.NoPadding)

// AssignAnonCodes sets the anonymous code of every candidate. It returns an
// error wrapping ErrAnonCollision, leaving cands unchanged, if two
// candidates would share a code.
func AssignAnonCodes(cands []Candidate, key []byte, credential string) error {
	codes := make([]string, len(cands))
	seen := make(map[string]string, len(cands))
	for i, c := range cands {
		codes[i] = AnonCode(key, credential, c.ID)
		if other, dup := seen[codes[i]]; dup {
			return fmt.Errorf("assign codes to %q and %q: %w", other, c.ID, ErrAnonCollision)
		}
		seen[codes[i]] = c.ID
	}
	for i := range cands {
		cands[i].AnonCode = codes[i]
	}
	return nil
}

// FieldChange is one field changed by a correction, for the audit trail.
// A confidential change (health data) records that the field changed and
// leaves Before and After empty.
type FieldChange struct {
	Field        string // stable name, e.g. "family_name"
	Before       string
	After        string
	Confidential bool
}

// Label returns the field's name for the user.
func (f FieldChange) Label() string { return t("field." + f.Field) }

// Diff lists the fields that differ from c to other, in a fixed order, with
// their values before (c) and after (other). Accommodation details and
// medical opinions are confidential: only the fact that they changed is
// recorded.
func (c Candidate) Diff(other Candidate) []FieldChange {
	before, after := c.fields(), other.fields()
	var out []FieldChange
	for i := range before {
		if before[i].value != after[i].value {
			out = append(out, FieldChange{
				Field: before[i].name, Before: before[i].value, After: after[i].value,
			})
		}
	}
	if confidentialText(c.Accommodations) != confidentialText(other.Accommodations) {
		out = append(out, FieldChange{Field: "accommodation_detail", Confidential: true})
	}
	return out
}

type namedValue struct{ name, value string }

// fields returns the candidate's fields as text, in the order of Diff.
func (c Candidate) fields() []namedValue {
	return []namedValue{
		{"id", c.ID},
		{"family_name", c.FamilyName},
		{"given_names", c.GivenNames},
		{"birth_date", dateText(c.BirthDate)},
		{"email", c.Email},
		{"university", c.University},
		{"anon_code", c.AnonCode},
		{"withdrawn", strconv.FormatBool(c.Withdrawn)},
		{"consent", c.Consent.String()},
		{"identity_checks", joinStrings(c.IdentityChecks)},
		{"accommodations", joinStrings(c.Accommodations)},
		{"milestones", joinStrings(c.Milestones)},
	}
}

func joinStrings[T fmt.Stringer](xs []T) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = x.String()
	}
	return strings.Join(parts, "; ")
}

func dateText(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// t returns the message of a key of the candidates catalogue.
func t(key string, args ...any) string {
	return i18n.T("candidates."+key, args...)
}

// hoursText writes a number of hours with a decimal comma in French.
func hoursText(h float64) string {
	return i18n.Number(h, -1)
}

// checkID returns what is wrong with an identifier, or "".
func checkID(id string) string {
	switch {
	case id == "":
		return t("check.required")
	case !validCode(id):
		return t("check.id_chars", id)
	case utf8.RuneCountInString(id) > 64:
		return t("check.too_long", 64)
	}
	return ""
}

// checkName returns what is wrong with a cleaned name, or "".
func checkName(s string) string {
	switch {
	case s == "":
		return t("check.required")
	case utf8.RuneCountInString(s) > 200:
		return t("check.too_long", 200)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return t("check.control")
		}
	}
	if !strings.ContainsFunc(s, unicode.IsLetter) {
		return t("check.no_letter", s)
	}
	return ""
}

func checkBirthDate(d time.Time) string {
	if d.IsZero() {
		return t("check.required")
	}
	if d.Year() < 1900 || d.After(time.Now()) {
		return t("check.birth_implausible", dateText(d))
	}
	return ""
}

func checkEmail(s string) string {
	switch {
	case s == "":
		return t("check.required")
	case !validEmail(s):
		return t("check.email", s)
	}
	return ""
}

// validEmail reports whether s has the shape of an e-mail address:
// local@domain.tld, no spaces, no empty dot-separated part.
func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at < 1 || strings.Count(s, "@") != 1 || strings.ContainsAny(s, " \t\r\n,;:<>()[]\\\"") {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if !dotted(local) || !dotted(domain) || !strings.Contains(domain, ".") {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// dotted reports whether s is non-empty dot-separated non-empty parts.
func dotted(s string) bool {
	return s != "" && !strings.HasPrefix(s, ".") && !strings.HasSuffix(s, ".") &&
		!strings.Contains(s, "..")
}

// cleanText returns s in Unicode NFC with runs of white space, line breaks
// included, made one space and none at either end.
func cleanText(s string) string {
	s = norm.NFC.String(s)
	if !strings.ContainsFunc(s, unicode.IsSpace) {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// fold returns the key under which two spellings of a name match: letters
// and digits only, lower case, without accents.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
