package jury

import (
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Milestone is an attendance milestone (jalon, framework §8.2): an activity
// of the training that validates learning time. In a credential's plan it
// says which activities exist; in a candidate's record, which were
// validated.
type Milestone struct {
	Label     string
	Hours     float64
	Date      time.Time // date of validation; zero when not known
	Mandatory bool
	Validated bool
}

// String writes the milestone in one line for the audit trail.
func (m Milestone) String() string {
	s := m.Label + " (" + strconv.FormatFloat(m.Hours, 'f', -1, 64) + " h"
	if !m.Date.IsZero() {
		s += ", " + dateText(m.Date)
	}
	if m.Mandatory {
		s += ", mandatory"
	}
	if m.Validated {
		s += ", validated"
	}
	return s + ")"
}

// Eligible reports whether milestones ms meet the credential's attendance
// rule, and when they do not, a sentence saying why. Mandatory milestones
// of the credential's plan that ms lacks count as not validated; a
// validated milestone without hours counts the plan's hours. Under
// AttendanceFree, or while no rule is set, every candidate is eligible.
func (c *Credential) Eligible(ms []Milestone) (bool, string) {
	kind := c.Attendance.Kind
	var reasons []string
	if kind == AttendanceMandatory || kind == AttendanceBoth {
		if missing := c.unvalidated(ms); len(missing) > 0 {
			reasons = append(reasons, t("attendance.mandatory", strings.Join(missing, ", ")))
		}
	}
	if kind == AttendanceHours || kind == AttendanceBoth {
		got, min := c.validatedHours(ms), c.Attendance.MinHours
		if got < min {
			reasons = append(reasons, t("attendance.hours", hoursText(got), hoursText(min)))
		}
	}
	return len(reasons) == 0, strings.Join(reasons, " ")
}

// unvalidated returns the labels of the mandatory milestones, from the
// plan or from ms, that ms does not validate.
func (c *Credential) unvalidated(ms []Milestone) []string {
	validated := make(map[string]bool)
	for _, m := range ms {
		if m.Validated {
			validated[fold(m.Label)] = true
		}
	}

	var missing []string
	listed := make(map[string]bool)
	for _, m := range append(append([]Milestone(nil), c.Milestones...), ms...) {
		key := fold(m.Label)
		if m.Mandatory && !validated[key] && !listed[key] {
			missing = append(missing, m.Label)
			listed[key] = true
		}
	}
	return missing
}

// validatedHours adds up the hours of the validated milestones, each label
// counted once.
func (c *Credential) validatedHours(ms []Milestone) float64 {
	plan := make(map[string]float64)
	for _, m := range c.Milestones {
		plan[fold(m.Label)] = m.Hours
	}

	hours := make(map[string]float64)
	for _, m := range ms {
		key := fold(m.Label)
		h := m.Hours
		if h == 0 {
			h = plan[key]
		}
		if m.Validated && h > hours[key] {
			hours[key] = h
		}
	}

	total := 0.0
	for _, h := range hours {
		total += h
	}
	return total
}

// IdentityMethod is how a candidate's identity is checked at an evaluation.
type IdentityMethod int

const (
	// MethodProctoring is remote proctoring (télésurveillance).
	MethodProctoring IdentityMethod = iota + 1
	// MethodIDCheck is an identity document checked by a person.
	MethodIDCheck
	// MethodNone records that no check was made.
	MethodNone
)

// Label returns the method's name for the user.
func (m IdentityMethod) Label() string {
	if m < MethodProctoring || m > MethodNone {
		return t("identity.unknown")
	}
	return t("identity.method." + strconv.Itoa(int(m)))
}

// CheckResult is the result of an identity check.
type CheckResult int

const (
	// CheckVerified means the identity was verified.
	CheckVerified CheckResult = iota + 1
	// CheckFailed means it could not be verified.
	CheckFailed
)

// IdentityCheck records the verification of a candidate's identity at one
// evaluation (framework §6.2).
type IdentityCheck struct {
	Sitting int // 1 for the first sitting, 2 for the resit
	Method  IdentityMethod
	By      string // who checked, or the proctoring service
	At      time.Time
	Result  CheckResult // none under MethodNone
}

// String writes the check in one line for the audit trail.
func (ic IdentityCheck) String() string {
	result := map[CheckResult]string{CheckVerified: "verified", CheckFailed: "failed"}
	return strings.Join([]string{strconv.Itoa(ic.Sitting),
		strconv.Itoa(int(ic.Method)), ic.By, ic.At.UTC().Format(time.RFC3339),
		result[ic.Result]}, " ")
}

func (ic IdentityCheck) check() []string {
	switch {
	case ic.Method < MethodProctoring || ic.Method > MethodNone:
		return []string{t("identity.invalid_method")}
	case ic.Method == MethodNone:
		return nil
	case blank(ic.By) || ic.At.IsZero():
		return []string{t("identity.who_when")}
	case ic.Result != CheckVerified && ic.Result != CheckFailed:
		return []string{t("identity.result")}
	}
	return nil
}

// IdentityVerified reports whether the latest identity check of the given
// sitting verified the candidate's identity.
func (c Candidate) IdentityVerified(sitting int) bool {
	var last *IdentityCheck
	for i, ic := range c.IdentityChecks {
		if ic.Sitting == sitting && (last == nil || !ic.At.Before(last.At)) {
			last = &c.IdentityChecks[i]
		}
	}
	return last != nil && last.Method != MethodNone && last.Result == CheckVerified
}

// Consent is a candidate's answer about remote proctoring, as the GDPR
// requires. A refusal records the alternative arranged for the candidate.
type Consent struct {
	Given       bool
	Date        time.Time // zero while the candidate has not answered
	Alternative string    // after a refusal, e.g. "épreuve sur site"
}

// Asked reports whether the candidate has answered.
func (c Consent) Asked() bool { return !c.Date.IsZero() }

// String writes the consent in one line for the audit trail.
func (c Consent) String() string {
	switch {
	case !c.Asked():
		return ""
	case c.Given:
		return "given " + dateText(c.Date)
	}
	return "refused " + dateText(c.Date) + ": " + c.Alternative
}

func (c Consent) check() []string {
	switch {
	case !c.Asked() && (c.Given || !blank(c.Alternative)):
		return []string{t("consent.date")}
	case c.Asked() && !c.Given && blank(c.Alternative):
		return []string{t("consent.alternative")}
	}
	return nil
}

// MilestoneOptions is what a milestone import checks rows against.
type MilestoneOptions struct {
	// CandidateIDs are the enrolled candidates; empty accepts any.
	CandidateIDs []string
	// Plan is the credential's milestones; when set, every label must be
	// one of them, and Mandatory and missing hours come from it.
	Plan []Milestone
}

// milestoneColumns are the columns of a milestone file; CSV.md documents
// them for users and must be kept in step.
var milestoneColumns = []columnSpec{
	{"id", append([]string{"candidat", "candidate"}, candidateColumns[0].aliases...), true},
	{"label", []string{"jalon", "libellé", "libellé du jalon", "activité",
		"milestone", "label", "activity"}, true},
	{"hours", []string{"heures", "nombre d'heures", "durée", "volume horaire",
		"hours", "duration"}, false},
	{"date", []string{"date", "date du jalon", "date de validation",
		"milestone date", "validation date"}, true},
	{"validated", []string{"validé", "validée", "validation", "validated",
		"completed"}, true},
	{"mandatory", []string{"obligatoire", "mandatory", "required"}, false},
}

// ParseMilestones reads the milestones of candidates from CSV, one
// milestone of one candidate a line, and returns them by candidate
// identifier. The file follows the rules of ParseCandidates (encoding,
// separators, all or nothing with a *ImportError). Columns, French or
// English:
//
//	identifiant  candidat, candidate, and the identifier names
//	             of ParseCandidates                           (required)
//	jalon        libellé, libellé du jalon, activité,
//	             milestone, label, activity                   (required)
//	heures       nombre d'heures, durée, volume horaire,
//	             hours, duration: 1,5 or 1.5 or 1h30          (required
//	             without a plan)
//	date         date du jalon, date de validation, milestone
//	             date, validation date: required when
//	             validated                                    (required)
//	validé       validée, validation, validated, completed:
//	             oui/non                                      (required)
//	obligatoire  mandatory, required: oui/non; the plan's
//	             say wins                                     (optional)
func ParseMilestones(r io.Reader, opts MilestoneOptions) (map[string][]Milestone, error) {
	specs := milestoneColumns
	if len(opts.Plan) == 0 {
		specs = append([]columnSpec(nil), specs...)
		specs[2].required = true
	}
	tb, bad, err := readTable(r, specs)
	if err != nil || tb == nil {
		return nil, refusal(bad, err)
	}

	imp := newMilestoneImport(opts)
	out := make(map[string][]Milestone)
	for _, rec := range tb.records {
		id, m, errs := imp.row(tb, rec)
		bad = append(bad, errs...)
		out[id] = append(out[id], m)
	}
	if len(bad) > 0 {
		return nil, refusal(bad, nil)
	}
	return out, nil
}

// milestoneImport holds what milestone rows are checked against.
type milestoneImport struct {
	ids    map[string]string // idKey → identifier as enrolled
	plan   map[string]Milestone
	labels string
	seen   map[string]int // idKey + label key → line
}

func newMilestoneImport(opts MilestoneOptions) *milestoneImport {
	imp := &milestoneImport{
		ids:  make(map[string]string),
		plan: make(map[string]Milestone),
		seen: make(map[string]int),
	}
	for _, id := range opts.CandidateIDs {
		imp.ids[idKey(id)] = id
	}
	labels := make([]string, len(opts.Plan))
	for i, m := range opts.Plan {
		imp.plan[fold(m.Label)] = m
		labels[i] = m.Label
	}
	imp.labels = strings.Join(labels, ", ")
	return imp
}

// row turns one record into a candidate's milestone.
func (imp *milestoneImport) row(tb *csvTable, rec csvRecord) (string, Milestone, []LineError) {
	var errs []LineError
	report := func(col, text string) {
		errs = append(errs, LineError{Line: rec.line, Column: tb.column(col), Text: text})
	}

	id, msg := imp.candidate(tb.value(rec, "id"))
	if msg != "" {
		report("id", msg)
	}
	m, msg := imp.milestone(tb.value(rec, "label"))
	if msg != "" {
		report("label", msg)
	}
	if line, dup := imp.seen[idKey(id)+"\x00"+fold(m.Label)]; dup && msg == "" {
		report("label", t("check.dup_milestone", m.Label, line))
	}
	imp.seen[idKey(id)+"\x00"+fold(m.Label)] = rec.line

	imp.fill(&m, tb, rec, report)
	return id, m, errs
}

// candidate returns the identifier a cell names, or what is wrong with it.
func (imp *milestoneImport) candidate(s string) (string, string) {
	id := norm.NFC.String(strings.TrimSpace(s))
	if msg := checkID(id); msg != "" {
		return id, msg
	}
	if len(imp.ids) == 0 {
		return id, ""
	}
	if known, ok := imp.ids[idKey(id)]; ok {
		return known, ""
	}
	return id, t("check.unknown_candidate", id)
}

// milestone returns the milestone a label names, from the plan if any.
func (imp *milestoneImport) milestone(s string) (Milestone, string) {
	label := cleanText(s)
	if label == "" {
		return Milestone{}, t("check.required")
	}
	if len(imp.plan) == 0 {
		return Milestone{Label: label}, ""
	}
	m, ok := imp.plan[fold(label)]
	if !ok {
		return Milestone{Label: label}, t("check.unknown_milestone", label, imp.labels)
	}
	m.Date, m.Validated = time.Time{}, false
	return m, ""
}

// fill reads the hours, validation, date and mandatory cells into m.
func (imp *milestoneImport) fill(m *Milestone, tb *csvTable, rec csvRecord,
	report func(col, text string)) {
	if s := strings.TrimSpace(tb.value(rec, "hours")); s != "" || len(imp.plan) == 0 {
		h, ok := parseHours(s)
		if !ok {
			report("hours", t("check.hours", s))
		}
		m.Hours = h
	}

	var msg string
	if m.Validated, msg = parseYesNo(tb.value(rec, "validated")); msg != "" {
		report("validated", msg)
	}
	if s := strings.TrimSpace(tb.value(rec, "date")); s != "" {
		d, ok := parseDate(s)
		if !ok {
			report("date", t("check.date", s))
		}
		m.Date = d
	} else if m.Validated {
		report("date", t("check.required"))
	}

	if _, planned := imp.plan[fold(m.Label)]; !planned {
		if m.Mandatory, msg = parseYesNo(tb.value(rec, "mandatory")); msg != "" {
			report("mandatory", msg)
		}
	}
}

// parseHours reads "1,5", "1.5", "2", "1h30" or "1 h 30" as hours.
func parseHours(s string) (float64, bool) {
	s = strings.ToLower(strings.ReplaceAll(s, " ", ""))
	if h, min, ok := strings.Cut(s, "h"); ok {
		hh, err1 := strconv.Atoi(h)
		mm := 0
		var err2 error
		if min != "" {
			mm, err2 = strconv.Atoi(min)
		}
		if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 1000 {
			return 0, false
		}
		return float64(hh) + float64(mm)/60, true
	}

	h, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || math.IsNaN(h) || h < 0 || h > 1000 {
		return 0, false
	}
	return h, true
}
