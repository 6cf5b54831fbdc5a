package jury

import (
	"bytes"
	"errors"
	"strings"
	"time"
	"unicode"
)

// Workload bounds of a micro-credential, in hours (framework §8.1).
const (
	MinHours = 7
	MaxHours = 30
)

// Sentinels behind the errors of Validate and Ready.
var (
	// ErrCredentialInvalid marks a credential that breaks a hard rule.
	ErrCredentialInvalid = errors.New("jury: invalid credential")
	// ErrCredentialIncomplete marks a credential that still misses items:
	// no evaluation can be opened and no document issued with it.
	ErrCredentialIncomplete = errors.New("jury: incomplete credential")
)

// ProblemsError is a refusal made of several problems, each one a whole
// sentence for the user in the current language.
type ProblemsError struct {
	Problems []string
	kind     error
}

// Error returns the problems, one a line.
func (e *ProblemsError) Error() string { return strings.Join(e.Problems, "\n") }

// Unwrap returns the sentinel saying what was refused.
func (e *ProblemsError) Unwrap() error { return e.kind }

// problems returns nil when list is empty, a *ProblemsError otherwise.
func problems(kind error, list []string) error {
	if len(list) == 0 {
		return nil
	}
	return &ProblemsError{Problems: list, kind: kind}
}

// University is a university of the consortium, producing or participating.
type University struct {
	Code    string
	Name    string
	Country string // e.g. "France"
	Region  string // e.g. "Occitanie"
	// Header is the PNG image printed at the top of the documents that
	// carry this university's name.
	Header []byte
	// LegalRep and LegalRepTitle name who signs for the university, e.g.
	// "Marie Dupont", "présidente de l'université".
	LegalRep      string
	LegalRepTitle string
}

// Expert is a pedagogical expert of the credential.
type Expert struct {
	Name        string
	Email       string
	Institution string
}

// Competency is one competency of the credential's competency framework.
type Competency struct {
	Code  string
	Title string
}

// LearningOutcome is one learning outcome (acquis d'apprentissage).
type LearningOutcome struct {
	Code string
	Text string
}

// LevelFramework is the qualifications framework a level refers to.
type LevelFramework int

const (
	// EQF is the European Qualifications Framework (CEC).
	EQF LevelFramework = iota + 1
	// FrenchFramework is the French national framework of qualifications.
	FrenchFramework
)

// Level is a credential's level; the zero Level means none is set.
type Level struct {
	Framework LevelFramework
	Value     int // 1 to 8
}

// MarkingRule says how two markers' grades combine when they do not differ
// beyond the thresholds.
type MarkingRule int

const (
	// MarkingMean takes the mean of the two grades.
	MarkingMean MarkingRule = iota + 1
	// MarkingAgreed requires the two markers to agree on one grade.
	MarkingAgreed
)

// DoubleMarking holds the settings of double marking.
type DoubleMarking struct {
	Enabled bool
	// LevelGap is the discrepancy, in levels on one criterion, from which
	// the two markings must be reconciled.
	LevelGap int
	// PointGap is the discrepancy in points out of 20 from which the two
	// markings must be reconciled.
	PointGap float64
	// Rule applies when there is no discrepancy.
	Rule MarkingRule
}

// AttendanceKind is the kind of attendance condition (framework §8.2).
type AttendanceKind int

const (
	// AttendanceFree sets no attendance condition.
	AttendanceFree AttendanceKind = iota + 1
	// AttendanceMandatory requires every mandatory milestone validated.
	AttendanceMandatory
	// AttendanceHours requires a minimum of validated hours.
	AttendanceHours
	// AttendanceBoth requires both.
	AttendanceBoth
)

// AttendanceRule is the attendance condition to sit the evaluation.
type AttendanceRule struct {
	Kind     AttendanceKind
	MinHours float64 // under AttendanceHours and AttendanceBoth
}

// GridRef refers to the criterion-based grading grid (the evaluation
// criteria). Fingerprint and Version stay empty until a grid exists.
type GridRef struct {
	Fingerprint string
	Version     string
	Summary     string // the criteria as published in the assessment rules
}

// MCC holds the assessment rules (modalités de contrôle des connaissances
// et compétences) that framework §6.1 requires.
type MCC struct {
	EvaluationType string        // e.g. "production écrite individuelle (SAE)"
	Duration       time.Duration // of the evaluation
	// Accommodations are the accommodations offered to candidates with a
	// disability, as published.
	Accommodations string
	AbsenceMeasure string          // what absence leads to
	Lateness       LatenessMeasure // what late work leads to
	LatePenalty    float64         // points out of 20, under LatePenalty
	AppealProcess  string          // how to contest a decision
	AppealDays     int             // deadline, in days after the results
	Resit          ResitRule
	Criteria       GridRef
	Jury           []Member
	Quorum         int // minimum number of members present
}

// Credential is a micro-credential: what it certifies, who produces it,
// and how it is assessed.
type Credential struct {
	Code                 string
	Title                string
	Producer             University
	Participants         []University
	Experts              []Expert
	Hours                float64 // notional workload; 0 while not set
	ECTS                 float64 // 0 when not set
	Level                Level
	Competencies         []Competency
	Outcomes             []LearningOutcome
	Prerequisites        string
	Participation        string // form of participation: online, hybrid…
	QualityAssurance     string
	Supervision          string // supervision during assessment
	IdentityVerification string // identity verification during assessment
	Stackability         string
	BlindGrading         bool
	DoubleMarking        DoubleMarking
	RetentionMonths      int // personal data retention; 0 while not set
	Attendance           AttendanceRule
	// Milestones is the plan of attendance milestones; a candidate's own
	// milestones say which were validated.
	Milestones []Milestone
	MCC        MCC
}

// Validate checks the hard rules: workload between 7 and 30 hours, levels,
// thresholds, unique codes. Unset values (zero) are not its business: see
// Missing. The error is a *ProblemsError wrapping ErrCredentialInvalid.
func (c *Credential) Validate() error {
	var out []string
	out = append(out, c.validateIdentity()...)
	out = append(out, c.validateUniversities()...)
	out = append(out, c.validateFramework()...)
	out = append(out, c.validateSettings()...)
	out = append(out, c.MCC.validate()...)
	return problems(ErrCredentialInvalid, out)
}

// Missing lists every item still missing, each as a sentence saying what
// to fill in. An empty list means the credential is complete.
func (c *Credential) Missing() []string {
	var out []string
	out = append(out, c.missingIdentity()...)
	out = append(out, c.missingUniversities()...)
	out = append(out, c.missingFramework()...)
	out = append(out, c.missingSettings()...)
	out = append(out, c.MCC.missing()...)
	return out
}

// Ready returns nil when the credential is valid and complete, the only
// state in which an evaluation may be opened or a document issued.
func (c *Credential) Ready() error {
	if err := c.Validate(); err != nil {
		return err
	}
	return problems(ErrCredentialIncomplete, c.Missing())
}

// Participant returns the participating university of the given code.
func (c *Credential) Participant(code string) (University, bool) {
	for _, u := range c.Participants {
		if u.Code == code {
			return u, true
		}
	}
	return University{}, false
}

// ImportOptions returns the options to import candidates into c, given the
// identifiers already enrolled.
func (c *Credential) ImportOptions(existing []string) ImportOptions {
	return ImportOptions{Universities: c.Participants, ExistingIDs: existing}
}

func (c *Credential) validateIdentity() []string {
	var out []string
	if c.Code != "" && !validCode(c.Code) {
		out = append(out, t("invalid.code", c.Code))
	}
	if c.Hours != 0 && (c.Hours < MinHours || c.Hours > MaxHours) {
		out = append(out, t("invalid.hours", hoursText(c.Hours)))
	}
	if c.ECTS < 0 {
		out = append(out, t("invalid.ects"))
	}
	return append(out, c.Level.validate()...)
}

func (l Level) validate() []string {
	switch {
	case l == Level{}:
		return nil
	case l.Framework != EQF && l.Framework != FrenchFramework:
		return []string{t("invalid.level_framework")}
	case l.Value < 1 || l.Value > 8:
		return []string{t("invalid.level", l.Value)}
	}
	return nil
}

func (c *Credential) validateUniversities() []string {
	var out []string
	all := append([]University{c.Producer}, c.Participants...)
	for _, u := range all {
		if len(u.Header) > 0 && !isPNG(u.Header) {
			out = append(out, t("invalid.header_png", u.label()))
		}
	}

	seen := make(map[string]bool)
	for _, u := range c.Participants {
		if u.Code != "" && seen[u.Code] {
			out = append(out, t("invalid.dup_university", u.Code))
		}
		seen[u.Code] = true
	}

	for _, e := range c.Experts {
		if e.Email != "" && !validEmail(e.Email) {
			out = append(out, t("invalid.expert_email", e.Email))
		}
	}
	return out
}

func (c *Credential) validateFramework() []string {
	var out []string
	seen := make(map[string]bool)
	for _, k := range c.Competencies {
		if k.Code != "" && seen[k.Code] {
			out = append(out, t("invalid.dup_competency", k.Code))
		}
		seen[k.Code] = true
	}

	seen = make(map[string]bool)
	for _, o := range c.Outcomes {
		if o.Code != "" && seen[o.Code] {
			out = append(out, t("invalid.dup_outcome", o.Code))
		}
		seen[o.Code] = true
	}
	return out
}

func (c *Credential) validateSettings() []string {
	var out []string
	d := c.DoubleMarking
	if d.LevelGap < 0 {
		out = append(out, t("invalid.double_levels"))
	}
	if d.PointGap < 0 || d.PointGap > 20 {
		out = append(out, t("invalid.double_points"))
	}
	if c.RetentionMonths < 0 {
		out = append(out, t("invalid.retention"))
	}

	a := c.Attendance
	if a.MinHours < 0 || (c.Hours > 0 && a.MinHours > c.Hours) {
		out = append(out, t("invalid.attendance_hours", hoursText(a.MinHours),
			hoursText(c.Hours)))
	}
	for _, m := range c.Milestones {
		if m.Hours < 0 {
			out = append(out, t("invalid.milestone_hours", m.Label))
		}
	}
	return out
}

func (m MCC) validate() []string {
	var out []string
	if m.Duration < 0 {
		out = append(out, t("invalid.mcc_duration"))
	}
	if m.Lateness < 0 || m.Lateness > LateRefused {
		out = append(out, t("invalid.mcc_lateness"))
	}
	if m.Lateness == LatePenalty && (m.LatePenalty <= 0 || m.LatePenalty > 20) {
		out = append(out, t("invalid.mcc_penalty"))
	}
	if m.Resit < 0 || m.Resit > ResitBest {
		out = append(out, t("invalid.mcc_resit"))
	}
	if m.AppealDays < 0 {
		out = append(out, t("invalid.mcc_appeal_days"))
	}
	if m.Quorum < 0 || m.Quorum > len(m.Jury) {
		out = append(out, t("invalid.mcc_quorum", m.Quorum, len(m.Jury)))
	}
	if presidents(m.Jury) > 1 {
		out = append(out, t("invalid.mcc_presidents"))
	}
	return out
}

func (c *Credential) missingIdentity() []string {
	var out []string
	out = appendIf(out, blank(c.Code), "missing.code")
	out = appendIf(out, blank(c.Title), "missing.title")
	out = appendIf(out, len(c.Experts) == 0, "missing.experts")
	for i, e := range c.Experts {
		if blank(e.Name) || blank(e.Email) || blank(e.Institution) {
			out = append(out, t("missing.expert", i+1))
		}
	}
	out = appendIf(out, c.Hours == 0, "missing.hours")
	out = appendIf(out, blank(c.Participation), "missing.participation")
	out = appendIf(out, blank(c.QualityAssurance), "missing.quality")
	out = appendIf(out, blank(c.Supervision), "missing.supervision")
	return appendIf(out, blank(c.IdentityVerification), "missing.identity_check")
}

func (c *Credential) missingUniversities() []string {
	p := c.Producer
	var out []string
	out = appendIf(out, blank(p.Code) || blank(p.Name), "missing.producer")
	out = appendIf(out, blank(p.Country) || blank(p.Region), "missing.producer_place")
	out = appendIf(out, len(p.Header) == 0, "missing.producer_header")
	out = appendIf(out, blank(p.LegalRep) || blank(p.LegalRepTitle), "missing.legal_rep")
	out = appendIf(out, len(c.Participants) == 0, "missing.participants")
	for i, u := range c.Participants {
		if blank(u.Code) || blank(u.Name) {
			out = append(out, t("missing.participant", i+1))
		}
		if len(u.Header) == 0 {
			out = append(out, t("missing.participant_header", u.label()))
		}
	}
	return out
}

func (c *Credential) missingFramework() []string {
	var out []string
	out = appendIf(out, len(c.Competencies) == 0, "missing.competencies")
	for i, k := range c.Competencies {
		if blank(k.Code) || blank(k.Title) {
			out = append(out, t("missing.competency", i+1))
		}
	}
	out = appendIf(out, len(c.Outcomes) == 0, "missing.outcomes")
	for i, o := range c.Outcomes {
		if blank(o.Code) || blank(o.Text) {
			out = append(out, t("missing.outcome", i+1))
		}
	}
	return out
}

func (c *Credential) missingSettings() []string {
	var out []string
	d := c.DoubleMarking
	incomplete := d.LevelGap == 0 || d.PointGap == 0 || d.Rule == 0
	out = appendIf(out, d.Enabled && incomplete, "missing.double_marking")
	out = appendIf(out, c.RetentionMonths == 0, "missing.retention")

	a := c.Attendance
	out = appendIf(out, a.Kind == 0, "missing.attendance")
	byHours := a.Kind == AttendanceHours || a.Kind == AttendanceBoth
	out = appendIf(out, byHours && a.MinHours == 0, "missing.attendance_hours")
	byMandatory := a.Kind == AttendanceMandatory || a.Kind == AttendanceBoth
	return appendIf(out, byMandatory && !hasMandatory(c.Milestones), "missing.milestones")
}

func (m MCC) missing() []string {
	var out []string
	out = appendIf(out, blank(m.EvaluationType), "missing.mcc_type")
	out = appendIf(out, m.Duration == 0, "missing.mcc_duration")
	out = appendIf(out, blank(m.Accommodations), "missing.mcc_accommodations")
	out = appendIf(out, blank(m.AbsenceMeasure), "missing.mcc_absence")
	out = appendIf(out, m.Lateness == 0, "missing.mcc_lateness")
	out = appendIf(out, blank(m.AppealProcess), "missing.mcc_appeal")
	out = appendIf(out, m.AppealDays == 0, "missing.mcc_appeal_days")
	out = appendIf(out, m.Resit == 0, "missing.mcc_resit")
	out = appendIf(out, blank(m.Criteria.Fingerprint), "missing.mcc_criteria")
	out = appendIf(out, len(m.Jury) == 0, "missing.mcc_jury")
	out = appendIf(out, len(m.Jury) > 0 && presidents(m.Jury) == 0, "missing.mcc_president")
	return appendIf(out, m.Quorum == 0, "missing.mcc_quorum")
}

// label names a university in a sentence: its code, or its name.
func (u University) label() string {
	if u.Code != "" {
		return u.Code
	}
	return u.Name
}

func presidents(ms []Member) int {
	n := 0
	for _, m := range ms {
		if m.President {
			n++
		}
	}
	return n
}

func hasMandatory(ms []Milestone) bool {
	for _, m := range ms {
		if m.Mandatory {
			return true
		}
	}
	return false
}

func appendIf(out []string, cond bool, key string) []string {
	if cond {
		return append(out, t(key))
	}
	return out
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

func isPNG(b []byte) bool { return bytes.HasPrefix(b, pngMagic) }

// validCode reports whether a code has no space nor control character.
func validCode(s string) bool {
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
	}
	return s != ""
}
