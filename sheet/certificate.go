package sheet

import (
	"fmt"
	"strings"
	"time"
)

// Learner is the identity of a certificate's holder.
type Learner struct {
	GivenNames string
	FamilyName string
	BirthDate  time.Time
}

// Competency is one competency a credential certifies, with its learning
// outcomes.
type Competency struct {
	Code     string
	Title    string
	Outcomes []string
}

// Certificate is the digital certificate of a learner who passed
// (framework §10.2, EU Council Recommendation of 16 June 2022, Annex I).
// It has no place for accommodations: they never leave the jury.
type Certificate struct {
	// Lang is "fr" or "en".
	Lang string
	// ID is the certificate's unique identifier.
	ID string
	// Producer is the producing university's header.
	Producer Header
	// Experts are the pedagogical experts.
	Experts []string
	// Title is the credential's title.
	Title   string
	Learner Learner
	// Competencies are the competencies and learning outcomes certified.
	Competencies []Competency
	IssuedOn     time.Time
	// Country and Region are the issuer's.
	Country string
	Region  string
	// Level is the level where there is one ("EQF 5 / niveau 5"), or "".
	Level string
	// Hours is the notional workload in hours; ECTS the credits, 0 if none.
	Hours float64
	ECTS  float64
	// AssessmentType, Participation, QualityAssurance, Supervision and
	// IdentityVerification are short texts chosen by the caller.
	AssessmentType       string
	Participation        string
	QualityAssurance     string
	Supervision          string
	IdentityVerification string
	// Stackability says how the credential stacks; "" omits it.
	Stackability string
	// LegalRep and LegalRepTitle name the university's legal representative.
	LegalRep      string
	LegalRepTitle string
	// Outcome is the outcome's label ("Admis·e").
	Outcome string
	// Mark is the mark as published ("15,5 / 20"), or "" when the rules do
	// not publish one.
	Mark string
	// QRPayload is the signed payload the QR code carries.
	QRPayload string
	// VerifyHint tells how to verify; "" gives the standard sentence.
	VerifyHint string
}

// qrSide is the QR code's side in points.
const qrSide = 84

// Certificate renders a learner's certificate.
func (r *Renderer) Certificate(c Certificate) ([]byte, error) {
	if c.Title == "" || c.Learner.FamilyName == "" {
		return nil, fmt.Errorf("certificate %q: %w", c.ID, ErrNoContent)
	}
	d, err := r.newDoc(c.Lang, false, tr(c.Lang, "sheet.cert.footer", c.ID))
	if err != nil {
		return nil, err
	}
	d.info(d.t("sheet.cert.title")+" — "+c.Title, c.Producer.Name)
	d.header(c.Producer)
	certIntro(d, c)
	certCompetencies(d, c)
	certDetails(d, c)
	if err := certSignature(d, c); err != nil {
		return nil, err
	}
	return d.finish()
}

// certIntro draws the title, the learner and the credential.
func certIntro(d *doc, c Certificate) {
	d.title(d.t("sheet.cert.title"), 19)
	d.para(d.t("sheet.cert.subtitle"), style{size: 10, color: grey}, d.margin, d.width(), center)
	d.space(6)
	d.para(d.t("sheet.cert.attests"), body, d.margin, d.width(), center)
	d.space(4)
	name := style{bold: true, size: 18, color: black}
	d.para(fullName(c.Learner.GivenNames, c.Learner.FamilyName), name,
		d.margin, d.width(), center)
	if !c.Learner.BirthDate.IsZero() {
		born := d.t("sheet.cert.born", formatDate(d.lang, c.Learner.BirthDate))
		d.para(born, body, d.margin, d.width(), center)
	}
	d.space(3)
	d.para(d.t("sheet.cert.obtained"), body, d.margin, d.width(), center)
	d.space(4)
	d.para(c.Title, style{bold: true, size: 15, color: accent}, d.margin, d.width(), center)
	d.space(4)
	result := c.Outcome
	if c.Mark != "" {
		result = d.t("sheet.cert.outcomeMark", c.Outcome, c.Mark)
	}
	if result != "" {
		d.para(d.t("sheet.cert.outcome", result), strong, d.margin, d.width(), center)
	}
	d.space(6)
}

// certCompetencies lists the competencies and their learning outcomes.
func certCompetencies(d *doc, c Certificate) {
	if len(c.Competencies) == 0 {
		return
	}
	d.heading(d.t("sheet.cert.competencies"))
	indent := 14.0
	for _, comp := range c.Competencies {
		label := comp.Title
		if comp.Code != "" {
			label = comp.Code + " — " + comp.Title
		}
		d.ensure(2 * body.lineHeight())
		d.para(label, strong, d.margin, d.width(), left)
		for _, o := range comp.Outcomes {
			bulletPara(d, o, d.margin+indent, d.width()-indent)
		}
		d.space(2)
	}
	d.space(4)
}

// bulletPara draws a bulleted paragraph whose lines hang after the bullet.
// Outcomes are set a little smaller than the body, so that a certificate
// with a dozen of them still fits on one page.
func bulletPara(d *doc, text string, x, w float64) {
	st := body.withSize(8.5)
	lines := d.wrap(text, st, w-10)
	for i, l := range lines {
		d.ensure(st.lineHeight())
		if i == 0 {
			d.text(x, d.y, "•", st)
		}
		d.text(x+10, d.y, l, st)
		d.y += st.lineHeight()
	}
}

// certDetails draws the Annex I characteristics as a two-column table.
func certDetails(d *doc, c Certificate) {
	d.heading(d.t("sheet.cert.details"))
	rows := [][]string{
		{d.t("sheet.cert.issuedOn"), formatDate(d.lang, c.IssuedOn)},
		{d.t("sheet.cert.country"), joinNonEmpty(" — ", c.Country, c.Region)},
		{d.t("sheet.cert.producer"), c.Producer.Name},
		{d.t("sheet.cert.experts"), strings.Join(c.Experts, ", ")},
	}
	if c.Level != "" {
		rows = append(rows, []string{d.t("sheet.cert.level"), c.Level})
	}
	rows = append(rows,
		[]string{d.t("sheet.cert.workload"), workload(d, c)},
		[]string{d.t("sheet.cert.assessment"), c.AssessmentType},
		[]string{d.t("sheet.cert.participation"), c.Participation},
		[]string{d.t("sheet.cert.quality"), c.QualityAssurance},
		[]string{d.t("sheet.cert.supervision"), c.Supervision},
		[]string{d.t("sheet.cert.identity"), c.IdentityVerification},
	)
	if c.Stackability != "" {
		rows = append(rows, []string{d.t("sheet.cert.stackability"), c.Stackability})
	}
	rows = append(rows, []string{d.t("sheet.cert.validity"), d.t("sheet.cert.unlimitedValue")})
	detailList(d, rows)
	d.space(10)
}

// detailList draws label–value rows as a light two-column list, more
// compact than a boxed table, so that the certificate holds on one page.
func detailList(d *doc, rows [][]string) {
	label, value := strong.withSize(8.5), body.withSize(8.5)
	lw := d.width() * 0.32
	vw := d.width() - lw
	for _, r := range rows {
		ls := d.wrap(r[0], label, lw-6)
		vs := d.wrap(r[1], value, vw)
		h := float64(max(len(ls), len(vs)))*value.lineHeight() + 3
		d.ensure(h)
		for i, l := range ls {
			d.text(d.margin, d.y+float64(i)*label.lineHeight(), l, label)
		}
		for i, l := range vs {
			d.text(d.margin+lw, d.y+float64(i)*value.lineHeight(), l, value)
		}
		d.y += h
		d.line(d.margin, d.y-1.5, d.margin+d.width(), d.y-1.5, 0.4, rule)
	}
}

// workload writes hours and, where set, ECTS credits.
func workload(d *doc, c Certificate) string {
	s := d.t("sheet.cert.hours", formatNumber(d.lang, c.Hours))
	if c.ECTS > 0 {
		s += " — " + d.t("sheet.cert.ects", formatNumber(d.lang, c.ECTS))
	}
	return s
}

// certSignature draws the closing band: the QR code, the identifier and
// how to verify on the left, the legal representative's signature block on
// the right. The band is never split across pages.
func certSignature(d *doc, c Certificate) error {
	const boxW = 220.0
	lines := []struct {
		s  string
		st style
	}{
		{d.t("sheet.cert.forUniversity", c.Producer.Name), small},
		{c.LegalRep, strong},
		{c.LegalRepTitle, body},
		{d.t("sheet.signedElectronically"), style{size: 8.5, color: accent}},
	}
	var wrapped [][]string
	boxH := 2.0 * cellPad
	for _, l := range lines {
		w := d.wrap(l.s, l.st, boxW-2*cellPad)
		wrapped = append(wrapped, w)
		boxH += float64(len(w)) * l.st.lineHeight()
	}
	d.ensure(max(boxH+small.lineHeight()+2, qrSide))
	top := d.y

	// The signature block, on the right.
	x := d.margin + d.width() - boxW
	d.text(x, d.y, d.t("sheet.cert.issuedAt", formatDate(d.lang, c.IssuedOn)), small)
	d.y += small.lineHeight() + 2
	d.rect(x, d.y, boxW, boxH, nil, &rule)
	y := d.y + cellPad
	for i, l := range lines {
		for _, s := range wrapped[i] {
			d.text(x+cellPad, y, s, l.st)
			y += l.st.lineHeight()
		}
	}
	bottom := d.y + boxH

	// The verification block, on the left.
	d.y = top
	if err := certVerify(d, c, d.width()-boxW-16); err != nil {
		return err
	}
	d.y = max(d.y, bottom)
	return nil
}

// certVerify draws the QR code, the identifier and how to verify, in a
// column of width w at the left margin.
func certVerify(d *doc, c Certificate, w float64) error {
	top := d.y
	x := d.margin
	if c.QRPayload != "" {
		if err := d.qr(c.QRPayload, x, top, qrSide); err != nil {
			return err
		}
		x += qrSide + 10
		w -= qrSide + 10
	}
	hint := c.VerifyHint
	if hint == "" {
		hint = d.t("sheet.cert.verifyHint")
	}
	d.para(d.t("sheet.cert.id"), small, x, w, left)
	d.para(c.ID, strong, x, w, left)
	d.space(4)
	d.para(hint, small, x, w, left)
	d.y = max(d.y, top+qrSide)
	return nil
}

// joinNonEmpty joins the parts that are not empty.
func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
