package issue

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"certeval/i18n"
	"certeval/jury"
	"certeval/rubric"
	"certeval/sheet"
	"certeval/storage"
)

// sitting is one closed deliberation with what its documents are drawn
// from. It holds no accommodation: Candidates come from storage without
// them, and nothing here asks for them.
type sitting struct {
	cred       *jury.Credential
	d          *jury.Deliberation
	candidates map[string]jury.Candidate
	issuedAt   time.Time
	grid       *rubric.Grid // the grid version graded with; nil without one
	// breakdown holds the points per criterion behind each mark.
	breakdown storage.Breakdown
	// evidence maps a competency's code to the learning outcomes the grid's
	// criteria evidence for it; nil without a grid.
	evidence map[string][]string
}

// gridFingerprint is the fingerprint of the grid the sitting was graded
// with, or the one the assessment rules name when no work was graded.
func (s *sitting) gridFingerprint() string {
	if s.grid != nil {
		return s.grid.Fingerprint()
	}
	return s.cred.MCC.Criteria.Fingerprint
}

// evidence reads from a grid which learning outcomes each competency's
// criteria evidence, in the grid's order.
func evidence(g *rubric.Grid) map[string][]string {
	out := make(map[string][]string)
	for _, c := range g.Criteria {
		for _, o := range c.Outcomes {
			if !slices.Contains(out[c.Competency], o) {
				out[c.Competency] = append(out[c.Competency], o)
			}
		}
	}
	return out
}

// header is the letterhead of a university.
func header(u jury.University) sheet.Header {
	h := sheet.Header{Name: u.Name, Image: u.Header}
	for _, l := range []string{u.Region, u.Country} {
		if l != "" {
			h.Lines = append(h.Lines, l)
		}
	}
	return h
}

// name is "FAMILY Given names", or the identifier when the candidate is
// unknown (purged, say).
func (s *sitting) name(id string) string {
	c, ok := s.candidates[id]
	if !ok {
		return id
	}
	return strings.ToUpper(c.FamilyName) + " " + c.GivenNames
}

// sittingLabel names a sitting in lang.
func sittingLabel(lang string, n int) string {
	if n > 1 {
		return i18n.In(lang, "issue.sitting.resit", n)
	}
	return i18n.In(lang, "issue.sitting.first", n)
}

// mark formats a mark out of 20 in lang, "" when there is none.
func mark(lang string, dec jury.Decision) string {
	if !dec.Proposed.HasMark {
		return ""
	}
	return i18n.NumberIn(lang, dec.Proposed.Mark, -1) + " / 20"
}

// rules sums up the assessment rules the jury applied: the evaluation,
// the grid's pass rules, the resit rule and the lateness measure.
func (s *sitting) rules(lang string) string {
	mcc := s.cred.MCC
	parts := []string{mcc.EvaluationType}
	if g := s.grid; g != nil {
		parts = append(parts, i18n.In(lang, "issue.rules.grid", g.Version))
		if g.Rules.MinTotal > 0 {
			unit := i18n.In(lang, "issue.rules.points")
			if g.Rules.MinTotalIsMark {
				unit = fmt.Sprintf("/ %s", strconv.FormatFloat(g.Rules.Scale.Max(), 'f', -1, 64))
			}
			parts = append(parts, i18n.In(lang, "issue.rules.min",
				strconv.FormatFloat(g.Rules.MinTotal, 'f', -1, 64), unit))
		}
		if g.Rules.MinMastery > 0 {
			parts = append(parts, i18n.In(lang, "issue.rules.mastery"))
		}
	}
	switch mcc.Resit {
	case jury.ResitReplaces:
		parts = append(parts, i18n.In(lang, "issue.rules.resitReplaces"))
	case jury.ResitBest:
		parts = append(parts, i18n.In(lang, "issue.rules.resitBest"))
	}
	switch mcc.Lateness {
	case jury.LateAccepted:
		parts = append(parts, i18n.In(lang, "issue.rules.lateAccepted"))
	case jury.LatePenalty:
		parts = append(parts, i18n.In(lang, "issue.rules.latePenalty",
			strconv.FormatFloat(mcc.LatePenalty, 'f', -1, 64)))
	case jury.LateRefused:
		parts = append(parts, i18n.In(lang, "issue.rules.lateRefused"))
	}
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ; ")
}

// juryOf describes the deliberation's jury for minutes and result sheets.
func (s *sitting) juryOf(lang string) sheet.Jury {
	m := s.d.Meeting
	j := sheet.Jury{Date: m.Date, Sitting: sittingLabel(lang, s.d.Sitting),
		QuorumMet: m.QuorumMet(), GridFingerprint: s.gridFingerprint(),
		Quorum: i18n.In(lang, "issue.quorum", m.PresentCount(), len(m.Members)),
		Rules:  s.rules(lang)}
	for _, mm := range m.Members {
		j.Members = append(j.Members, sheet.Member{Name: mm.Name, Role: mm.Role,
			Institution: mm.Institution, Present: mm.Present})
	}
	if p, ok := m.President(); ok {
		j.President = p.Name
	}
	return j
}

// observations says what else the jury decided for one candidate.
func observations(lang string, dec jury.Decision) string {
	var out []string
	if dec.Outcome == jury.OutcomePassedByJury {
		out = append(out, i18n.In(lang, "issue.obs.byjury"))
	}
	if dec.ByAppeal {
		out = append(out, i18n.In(lang, "issue.obs.appeal"))
	}
	if dec.Outcome == jury.OutcomeNotPassed || dec.Outcome == jury.OutcomeAbsentJustified {
		out = append(out, i18n.In(lang, "issue.obs.resit"))
	}
	return strings.Join(out, " ; ")
}

// minutes returns the minutes of the deliberation.
func (s *sitting) minutes(id string) sheet.Minutes {
	const lang = "fr"
	m := sheet.Minutes{Lang: lang, ID: id, Producer: header(s.cred.Producer),
		Title: s.cred.Title, Code: s.cred.Code, Jury: s.juryOf(lang),
		Version: s.d.Version, ClosedBy: s.d.ClosedBy, ClosedAt: s.d.ClosedAt,
		DecisionFingerprint: s.d.Fingerprint}
	if s.d.Replaces > 0 {
		m.Replaces = fmt.Sprintf("%s-S%d-v%d", s.cred.Code, s.d.Sitting, s.d.Replaces)
	}
	for _, cid := range s.d.Candidates() {
		dec := s.d.Decisions[cid]
		row := sheet.Decision{CandidateID: cid, Name: s.name(cid),
			OutcomeCode: dec.Outcome.Code(), OutcomeLabel: dec.Outcome.LabelIn(lang),
			Mark: mark(lang, dec), Observations: observations(lang, dec)}
		if dec.Vote != nil {
			row.Override = &sheet.Override{
				Computed: dec.Proposed.Outcome.Code() + " – " +
					dec.Proposed.Outcome.LabelIn(lang),
				Reason: dec.Reason, Vote: voteText(lang, *dec.Vote)}
		}
		m.Decisions = append(m.Decisions, row)
	}
	return m
}

func voteText(lang string, v jury.Vote) string {
	return i18n.In(lang, "issue.vote", v.For, v.Against, v.Abstain)
}

// universities returns the participating universities of the sitting's
// candidates, by code, in order; candidates without one go with the
// producing university.
func (s *sitting) universities() []string {
	seen := map[string]bool{}
	for _, cid := range s.d.Candidates() {
		seen[s.universityOf(cid)] = true
	}
	out := make([]string, 0, len(seen))
	for u := range seen {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

func (s *sitting) universityOf(cid string) string {
	if u := s.candidates[cid].University; u != "" {
		return u
	}
	return s.cred.Producer.Code
}

// resultSheet returns the result sheet of one participating university,
// listing its own learners only.
func (s *sitting) resultSheet(id, univ string) sheet.ResultSheet {
	const lang = "fr"
	u, ok := s.cred.Participant(univ)
	if !ok {
		u = s.cred.Producer
	}
	rs := sheet.ResultSheet{Lang: lang, ID: id, Header: header(u),
		Producer: s.cred.Producer.Name, Title: s.cred.Title, Code: s.cred.Code,
		Jury: s.juryOf(lang)}
	for _, cid := range s.d.Candidates() {
		if s.universityOf(cid) != univ {
			continue
		}
		dec := s.d.Decisions[cid]
		rs.Rows = append(rs.Rows, sheet.ResultRow{CandidateID: cid, Name: s.name(cid),
			OutcomeCode: dec.Outcome.Code(), OutcomeLabel: dec.Outcome.LabelIn(lang),
			Score: mark(lang, dec), Observations: observations(lang, dec)})
	}
	return rs
}

// certificate returns the certificate of a learner who passed, in lang.
func (s *sitting) certificate(id, lang, cid, qr string) sheet.Certificate {
	c, cred := s.candidates[cid], s.cred
	dec := s.d.Decisions[cid]
	cert := sheet.Certificate{Lang: lang, ID: id, Producer: header(cred.Producer),
		Title: cred.Title, Learner: sheet.Learner{GivenNames: c.GivenNames,
			FamilyName: c.FamilyName, BirthDate: c.BirthDate},
		IssuedOn: s.issuedAt, Country: cred.Producer.Country, Region: cred.Producer.Region,
		Level: levelText(cred.Level), Hours: cred.Hours, ECTS: cred.ECTS,
		AssessmentType: cred.MCC.EvaluationType, Participation: cred.Participation,
		QualityAssurance: cred.QualityAssurance, Supervision: cred.Supervision,
		IdentityVerification: cred.IdentityVerification, Stackability: cred.Stackability,
		LegalRep: cred.Producer.LegalRep, LegalRepTitle: cred.Producer.LegalRepTitle,
		Outcome: dec.Outcome.LabelIn(lang), Mark: mark(lang, dec), QRPayload: qr}
	for _, e := range cred.Experts {
		cert.Experts = append(cert.Experts, e.Name)
	}
	cert.Competencies = s.competencies()
	return cert
}

// competencies lists the credential's competencies, each with the learning
// outcomes its grid criteria evidence. Outcomes no criterion names are
// listed under the last competency, so that none is left off a certificate.
func (s *sitting) competencies() []sheet.Competency {
	text := make(map[string]string)
	for _, o := range s.cred.Outcomes {
		text[o.Code] = o.Text
	}
	used := make(map[string]bool)
	var out []sheet.Competency
	for _, comp := range s.cred.Competencies {
		c := sheet.Competency{Code: comp.Code, Title: comp.Title}
		for _, code := range s.evidence[comp.Code] {
			if t, ok := text[code]; ok && !used[code] {
				c.Outcomes = append(c.Outcomes, t)
				used[code] = true
			}
		}
		out = append(out, c)
	}
	for _, o := range s.cred.Outcomes {
		if !used[o.Code] && len(out) > 0 {
			out[len(out)-1].Outcomes = append(out[len(out)-1].Outcomes, o.Text)
		}
	}
	return out
}

// levelText writes a credential's level, "" when it has none.
func levelText(l jury.Level) string {
	switch l.Framework {
	case jury.EQF:
		return fmt.Sprintf("EQF %d / CEC %d", l.Value, l.Value)
	case jury.FrenchFramework:
		return fmt.Sprintf("niveau %d (cadre national)", l.Value)
	}
	return ""
}

// letter returns the decision letter of one candidate.
func (s *sitting) letter(id, cid string) sheet.Letter {
	const lang = "fr"
	c, cred, dec := s.candidates[cid], s.cred, s.d.Decisions[cid]
	l := sheet.Letter{Lang: lang, ID: id, Producer: header(cred.Producer),
		Place: cred.Producer.Region, Date: s.issuedAt,
		Recipient: strings.TrimSpace(c.GivenNames + " " + c.FamilyName),
		Title:     cred.Title, Sitting: sittingLabel(lang, s.d.Sitting),
		JuryDate: s.d.Meeting.Date, Outcome: dec.Outcome.LabelIn(lang),
		Mark: mark(lang, dec), Details: observations(lang, dec),
		AppealProcedure: cred.MCC.AppealProcess,
		Signatory:       s.juryOf(lang).President,
		SignatoryTitle:  i18n.In(lang, "issue.president")}
	if l.Recipient == "" {
		l.Recipient = cid
	}
	if cred.MCC.AppealDays > 0 {
		l.AppealDeadline = s.d.Meeting.Date.AddDate(0, 0, cred.MCC.AppealDays)
	}
	return l
}

// results returns the plain input of the exports.
func (s *sitting) results() Results {
	r := Results{Credential: s.cred.Code, Title: s.cred.Title, Sitting: s.d.Sitting}
	for _, cid := range s.d.Candidates() {
		c, dec := s.candidates[cid], s.d.Decisions[cid]
		r.Rows = append(r.Rows, ResultRow{CandidateID: cid, FamilyName: c.FamilyName,
			GivenNames: c.GivenNames, University: s.universityOf(cid),
			OutcomeCode: dec.Outcome.Code(), OutcomeLabel: dec.Outcome.LabelIn("fr"),
			Mark: dec.Proposed.Mark, HasMark: dec.Proposed.HasMark,
			Points: s.breakdown.Points[cid]})
	}
	r.Criteria = s.breakdown.Criteria
	return r
}

// badge returns the Open Badges input of a learner who passed.
func (s *sitting) badge(id, cid string) Badge {
	c, cred, dec := s.candidates[cid], s.cred, s.d.Decisions[cid]
	b := Badge{ID: id, IssuerName: cred.Producer.Name, ValidFrom: s.issuedAt,
		Email: c.Email, Name: strings.TrimSpace(c.GivenNames + " " + c.FamilyName),
		Credential: cred.Code, Title: cred.Title, Hours: cred.Hours, ECTS: cred.ECTS,
		Outcome: dec.Outcome.LabelIn("en"), Mark: mark("en", dec),
		Criteria: strings.TrimSpace(cred.MCC.EvaluationType + ". " +
			cred.MCC.Criteria.Summary)}
	var comps []string
	for _, comp := range cred.Competencies {
		comps = append(comps, comp.Title)
	}
	b.Description = strings.Join(comps, "; ")
	if cred.Level.Framework == jury.EQF {
		b.EQFLevel = cred.Level.Value
	}
	return b
}

// payload returns the QR payload of a learner's certificate.
func (s *sitting) payload(id, cid string) Payload {
	return Payload{ID: id, Learner: s.name(cid), Title: s.cred.Title,
		Outcome: s.d.Decisions[cid].Outcome.Code(), Date: dateOnly(s.issuedAt)}
}
