package sheet

import (
	"fmt"
	"time"
)

// Letter is the letter telling a candidate the jury's decision.
type Letter struct {
	Lang string
	// ID is the document's identifier.
	ID string
	// Producer is the producing university's header.
	Producer Header
	// Place and Date are where and when the letter is written.
	Place string
	Date  time.Time
	// Recipient is the candidate's full name; Address optional lines.
	Recipient string
	Address   []string
	// Title is the credential's title; Sitting the sitting decided.
	Title   string
	Sitting string
	// JuryDate is the day of the deliberation.
	JuryDate time.Time
	// Outcome is the decision's label; Mark the mark if published, or "".
	Outcome string
	Mark    string
	// Details adds what follows from the decision (resit date…), or "".
	Details string
	// AppealProcedure says how to appeal; AppealDeadline by when.
	AppealProcedure string
	AppealDeadline  time.Time
	// Signatory and SignatoryTitle sign the letter.
	Signatory      string
	SignatoryTitle string
}

// Letter renders a decision letter.
func (r *Renderer) Letter(l Letter) ([]byte, error) {
	if l.Title == "" || l.Recipient == "" {
		return nil, fmt.Errorf("letter %q: %w", l.ID, ErrNoContent)
	}
	d, err := r.newDoc(l.Lang, false, tr(l.Lang, "sheet.docID", l.ID))
	if err != nil {
		return nil, err
	}
	d.info(d.t("sheet.letter.subject", l.Title), l.Producer.Name)
	d.header(l.Producer)
	letterAddress(d, l)
	letterBody(d, l)
	letterAppeal(d, l)
	letterSignature(d, l)
	return d.finish()
}

// letterAddress draws the recipient block, the place and date, the subject.
func letterAddress(d *doc, l Letter) {
	x := d.margin + d.width()*0.55
	w := d.width() * 0.45
	d.space(10)
	d.para(l.Recipient, strong, x, w, left)
	for _, a := range l.Address {
		d.para(a, body, x, w, left)
	}
	d.space(18)
	dated := formatDate(d.lang, l.Date)
	if l.Place != "" {
		dated = d.t("sheet.letter.dated", l.Place, dated)
	}
	d.para(dated, body, x, w, left)
	d.space(22)
	d.para(d.t("sheet.letter.subject", l.Title), strong, d.margin, d.width(), left)
	d.space(14)
}

// letterBody announces the decision.
func letterBody(d *doc, l Letter) {
	d.para(d.t("sheet.letter.salutation"), body, d.margin, d.width(), left)
	d.space(8)
	intro := d.t("sheet.letter.intro", l.Title, formatDate(d.lang, l.JuryDate), l.Sitting)
	d.para(intro, body, d.margin, d.width(), left)
	d.space(8)

	// The decision stands out in a shaded box.
	lines := []string{d.t("sheet.letter.decision", l.Outcome)}
	if l.Mark != "" {
		lines = append(lines, d.t("sheet.letter.mark", l.Mark))
	}
	h := float64(len(lines))*strong.lineHeight() + 2*cellPad + 4
	d.ensure(h)
	d.rect(d.margin, d.y, d.width(), h, &shade, nil)
	y := d.y + cellPad + 2
	for _, s := range lines {
		d.text(d.margin+10, y, s, strong)
		y += strong.lineHeight()
	}
	d.y += h + 10
	if l.Details != "" {
		d.para(l.Details, body, d.margin, d.width(), left)
		d.space(8)
	}
}

// letterAppeal explains how and until when the decision can be appealed.
func letterAppeal(d *doc, l Letter) {
	d.heading(d.t("sheet.letter.appeal"))
	d.para(l.AppealProcedure, body, d.margin, d.width(), left)
	if !l.AppealDeadline.IsZero() {
		d.space(4)
		deadline := d.t("sheet.letter.deadline", formatDate(d.lang, l.AppealDeadline))
		d.para(deadline, strong, d.margin, d.width(), left)
	}
	d.space(14)
	d.para(d.t("sheet.letter.closing"), body, d.margin, d.width(), left)
	d.space(24)
}

// letterSignature draws the signatory's block on the right.
func letterSignature(d *doc, l Letter) {
	x := d.margin + d.width()*0.55
	w := d.width() * 0.45
	d.ensure(4 * body.lineHeight())
	d.para(l.Signatory, strong, x, w, left)
	d.para(l.SignatoryTitle, body, x, w, left)
	d.para(d.t("sheet.signedElectronically"), style{size: 8.5, color: accent}, x, w, left)
}
