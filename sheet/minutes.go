package sheet

import (
	"fmt"
	"strconv"
	"time"
)

// Override records a jury decision that departs from the computed outcome.
type Override struct {
	// Computed is the outcome the rules proposed ("AJ – Ajourné·e").
	Computed string
	Reason   string
	// Vote is the vote as recorded ("unanimité", "3 pour, 1 contre").
	Vote string
}

// Decision is one decision recorded in the minutes.
type Decision struct {
	CandidateID  string
	Name         string
	OutcomeCode  string
	OutcomeLabel string
	// Mark is the mark as the jury sees it; "" when there is none.
	Mark         string
	Observations string
	// Override is set when the jury departed from the computed outcome.
	Override *Override
}

// Minutes is the procès-verbal of a deliberation, under the producing
// university's header.
type Minutes struct {
	Lang string
	// ID is the document's identifier.
	ID       string
	Producer Header
	// Title is the credential's title; Code its code.
	Title     string
	Code      string
	Jury      Jury
	Decisions []Decision
	// Version numbers the minutes from 1; Replaces is the ID of the
	// version they replace, "" for the first.
	Version  int
	Replaces string
	// ClosedBy, ClosedAt and DecisionFingerprint record the closing.
	ClosedBy            string
	ClosedAt            time.Time
	DecisionFingerprint string
}

// Minutes renders the minutes of a deliberation.
func (r *Renderer) Minutes(m Minutes) ([]byte, error) {
	if m.Title == "" {
		return nil, fmt.Errorf("minutes %q: %w", m.ID, ErrNoContent)
	}
	d, err := r.newDoc(m.Lang, false, tr(m.Lang, "sheet.docID", m.ID))
	if err != nil {
		return nil, err
	}
	d.info(d.t("sheet.minutes.title")+" — "+m.Title, m.Producer.Name)
	d.header(m.Producer)
	d.title(d.t("sheet.minutes.title"), 16)
	d.para(credentialLine(d, m.Title, m.Code), strong, d.margin, d.width(), center)
	d.para(minutesVersion(d, m), body, d.margin, d.width(), center)
	d.space(10)
	juryFacts(d, m.Jury, m.ID)
	minutesMembers(d, m.Jury.Members)
	minutesDecisions(d, m.Decisions)
	minutesClosing(d, m)
	return d.finish()
}

// minutesVersion writes "Version 2, remplace …".
func minutesVersion(d *doc, m Minutes) string {
	v := d.t("sheet.minutes.version", m.Version)
	if m.Replaces != "" {
		v += " — " + d.t("sheet.minutes.replaces", m.Replaces)
	}
	return v
}

// minutesMembers lists every member convened.
func minutesMembers(d *doc, ms []Member) {
	d.heading(d.t("sheet.minutes.members"))
	rows := make([][]string, len(ms))
	for i, m := range ms {
		state := d.t("sheet.member.absent")
		if m.Present {
			state = d.t("sheet.member.present")
		}
		rows[i] = []string{m.Name, m.Role, m.Institution, state}
	}
	d.table([]column{
		{title: d.t("sheet.col.member"), width: 28, bold: true},
		{title: d.t("sheet.col.role"), width: 24},
		{title: d.t("sheet.col.institution"), width: 34},
		{title: d.t("sheet.col.attendance"), width: 14},
	}, rows, true)
	d.space(12)
}

// minutesDecisions lists every decision, overrides with reason and vote.
func minutesDecisions(d *doc, ds []Decision) {
	d.heading(d.t("sheet.minutes.decisions", len(ds)))
	rows := make([][]string, len(ds))
	for i, x := range ds {
		obs := x.Observations
		if o := x.Override; o != nil {
			note := d.t("sheet.minutes.override", o.Computed, o.Reason, o.Vote)
			obs = joinNonEmpty("\n", obs, note)
		}
		rows[i] = []string{
			x.CandidateID, x.Name, outcome(x.OutcomeCode, x.OutcomeLabel), x.Mark, obs,
		}
	}
	d.table([]column{
		{title: d.t("sheet.col.id"), width: 14},
		{title: d.t("sheet.col.name"), width: 22, bold: true},
		{title: d.t("sheet.col.outcome"), width: 18},
		{title: d.t("sheet.col.mark"), width: 11, align: right},
		{title: d.t("sheet.col.observations"), width: 35},
	}, rows, true)
	d.space(12)
}

// minutesClosing records who closed the deliberation, when, and the
// fingerprint of the decisions, with the signature block.
func minutesClosing(d *doc, m Minutes) {
	rows := [][]string{
		{d.t("sheet.minutes.closedBy"), m.ClosedBy},
		{d.t("sheet.minutes.closedAt"), formatDateTime(d.lang, m.ClosedAt)},
		{d.t("sheet.minutes.fingerprint"), m.DecisionFingerprint},
		{d.t("sheet.minutes.versionLabel"), strconv.Itoa(m.Version)},
	}
	cols := []column{{width: 28, bold: true}, {width: 72}}

	// The closing and its signature stay on one page.
	d.ensure(headingHeight + d.tableHeight(cols, rows, false) + 10 + 3*body.lineHeight())
	d.heading(d.t("sheet.minutes.closing"))
	d.table(cols, rows, false)
	d.space(10)
	sign := d.t("sheet.minutes.signed", m.Jury.President)
	d.para(sign, body, d.margin, d.width(), right)
	d.para(d.t("sheet.signedElectronically"), style{size: 8.5, color: accent},
		d.margin, d.width(), right)
}
