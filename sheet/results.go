package sheet

import (
	"fmt"
	"strings"
)

// ResultRow is one candidate's line on a result sheet.
type ResultRow struct {
	// CandidateID is the candidate's identifier.
	CandidateID string
	// Name is "NOM Prénom", or the anonymous code when grading is blind.
	Name string
	// OutcomeCode and OutcomeLabel are the outcome ("ADM", "Admis·e").
	OutcomeCode  string
	OutcomeLabel string
	// Score is the score as published, or "" when the rules do not publish it.
	Score string
	// Observations say what else the jury decided (decision, resit, appeal).
	Observations string
}

// ResultSheet is the extract of a deliberation sent to one participating
// university's administrative team; the caller renders one per university.
type ResultSheet struct {
	Lang string
	// ID is the document's identifier.
	ID string
	// Header is the participating university's header.
	Header Header
	// Producer names the producing university.
	Producer string
	// Title is the credential's title; Code its code.
	Title string
	Code  string
	Jury  Jury
	Rows  []ResultRow
}

// ResultSheet renders a result sheet.
func (r *Renderer) ResultSheet(s ResultSheet) ([]byte, error) {
	if s.Title == "" {
		return nil, fmt.Errorf("result sheet %q: %w", s.ID, ErrNoContent)
	}
	d, err := r.newDoc(s.Lang, false, tr(s.Lang, "sheet.docID", s.ID))
	if err != nil {
		return nil, err
	}
	d.info(d.t("sheet.results.title")+" — "+s.Title, s.Header.Name)
	d.header(s.Header)
	d.title(d.t("sheet.results.title"), 16)
	d.para(credentialLine(d, s.Title, s.Code), strong, d.margin, d.width(), center)
	if s.Producer != "" {
		d.para(d.t("sheet.producedBy", s.Producer), body, d.margin, d.width(), center)
	}
	d.space(10)
	juryFacts(d, s.Jury, s.ID)

	d.heading(d.t("sheet.results.candidates", len(s.Rows)))
	rows := make([][]string, len(s.Rows))
	for i, row := range s.Rows {
		rows[i] = []string{
			row.CandidateID, row.Name, outcome(row.OutcomeCode, row.OutcomeLabel),
			row.Score, row.Observations,
		}
	}
	d.table([]column{
		{title: d.t("sheet.col.id"), width: 14},
		{title: d.t("sheet.col.name"), width: 24, bold: true},
		{title: d.t("sheet.col.outcome"), width: 18},
		{title: d.t("sheet.col.score"), width: 11, align: right},
		{title: d.t("sheet.col.observations"), width: 33},
	}, rows, true)
	return d.finish()
}

// credentialLine writes the credential's title after its code.
func credentialLine(d *doc, title, code string) string {
	if code == "" {
		return title
	}
	return d.t("sheet.credential", code, title)
}

// outcome writes "CODE – label".
func outcome(code, label string) string {
	return joinNonEmpty(" – ", code, label)
}

// juryFacts draws the deliberation's facts as a two-column table.
func juryFacts(d *doc, j Jury, id string) {
	d.heading(d.t("sheet.jury.title"))
	quorum := d.t("sheet.jury.quorumNotMet")
	if j.QuorumMet {
		quorum = d.t("sheet.jury.quorumMet")
	}
	rows := [][]string{
		{d.t("sheet.jury.date"), formatDate(d.lang, j.Date)},
		{d.t("sheet.jury.sitting"), j.Sitting},
		{d.t("sheet.jury.president"), j.President},
		{d.t("sheet.jury.present"), presentMembers(j.Members)},
		{d.t("sheet.jury.quorum"), joinNonEmpty(" — ", quorum, j.Quorum)},
		{d.t("sheet.jury.rules"), j.Rules},
		{d.t("sheet.jury.grid"), j.GridFingerprint},
		{d.t("sheet.jury.docID"), id},
	}
	d.table([]column{{width: 28, bold: true}, {width: 72}}, rows, false)
	d.space(12)
}

// presentMembers lists the members present with their role.
func presentMembers(ms []Member) string {
	var out []string
	for _, m := range ms {
		if !m.Present {
			continue
		}
		s := m.Name
		if m.Role != "" {
			s += " (" + m.Role + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}
