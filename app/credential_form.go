package app

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/jury"
)

// producerKey keys the producing university's header in credentialForm.headers.
const producerKey = "\x00producer"

// credentialForm edits a jury.Credential field by field and shows, live,
// what is still missing or wrong.
type credentialForm struct {
	base    *jury.Credential // what was loaded: fields the form does not show stay
	headers map[string][]byte
	fields  []formField
	bad     []string // numbers that could not be read, as sentences

	code     *widget.Entry
	missing  *fyne.Container // one label per sentence
	status   *widget.Label
	headerOf *widget.Select
	loading  bool
	content  fyne.CanvasObject
	panel    fyne.CanvasObject

	// onChange is called after each edit, with the form's credential.
	onChange func(*jury.Credential)
	// chooseHeader asks for a PNG file and hands its bytes back.
	chooseHeader func(done func([]byte))
}

// formField moves one value between a widget and a credential.
type formField struct {
	load  func(*jury.Credential)
	store func(*jury.Credential)
}

// newCredentialForm builds an empty form.
func newCredentialForm() *credentialForm {
	f := &credentialForm{base: &jury.Credential{}, headers: map[string][]byte{}}
	f.missing = container.NewVBox()
	f.status = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	f.panel = container.NewVScroll(container.NewVBox(f.status, f.missing))
	f.content = container.NewVScroll(container.NewVBox(
		f.section("enrolment.cred.s.identity", f.identityFields()...),
		f.section("enrolment.cred.s.universities", f.universityFields()...),
		f.section("enrolment.cred.s.framework", f.frameworkFields()...),
		f.section("enrolment.cred.s.settings", f.settingsFields()...),
		f.section("enrolment.cred.s.mcc", f.mccFields()...),
	))
	f.update()
	return f
}

// section lays label/widget pairs out as a titled form.
func (f *credentialForm) section(key string, pairs ...fyne.CanvasObject) fyne.CanvasObject {
	return widget.NewCard(i18n.T(key), "", container.New(layout.NewFormLayout(), pairs...))
}

func (f *credentialForm) identityFields() []fyne.CanvasObject {
	var out []fyne.CanvasObject
	f.code = f.entry(false)
	out = append(out, f.bind("enrolment.cred.code", f.code, textBinding(f.code,
		func(c *jury.Credential) *string { return &c.Code }))...)
	out = append(out, f.text("enrolment.cred.title", false,
		func(c *jury.Credential) *string { return &c.Title })...)
	out = append(out, f.number("enrolment.cred.hours",
		func(c *jury.Credential) *float64 { return &c.Hours })...)
	out = append(out, f.number("enrolment.cred.ects",
		func(c *jury.Credential) *float64 { return &c.ECTS })...)
	out = append(out, enumChoice(f, "enrolment.cred.level_framework",
		[]string{"enrolment.level.eqf", "enrolment.level.fr"},
		func(c *jury.Credential) *jury.LevelFramework { return &c.Level.Framework })...)
	out = append(out, f.integer("enrolment.cred.level",
		func(c *jury.Credential) *int { return &c.Level.Value })...)
	return append(out, f.text("enrolment.cred.prerequisites", true,
		func(c *jury.Credential) *string { return &c.Prerequisites })...)
}

func (f *credentialForm) universityFields() []fyne.CanvasObject {
	var out []fyne.CanvasObject
	p := func(get func(u *jury.University) *string) func(c *jury.Credential) *string {
		return func(c *jury.Credential) *string { return get(&c.Producer) }
	}
	for _, x := range []struct {
		key string
		get func(u *jury.University) *string
	}{
		{"enrolment.cred.producer_code", func(u *jury.University) *string { return &u.Code }},
		{"enrolment.cred.producer_name", func(u *jury.University) *string { return &u.Name }},
		{"enrolment.cred.country", func(u *jury.University) *string { return &u.Country }},
		{"enrolment.cred.region", func(u *jury.University) *string { return &u.Region }},
		{"enrolment.cred.legal_rep", func(u *jury.University) *string { return &u.LegalRep }},
		{"enrolment.cred.legal_rep_title",
			func(u *jury.University) *string { return &u.LegalRepTitle }},
	} {
		out = append(out, f.text(x.key, false, p(x.get))...)
	}
	out = append(out, f.lines("enrolment.cred.participants", participantsText,
		f.storeParticipants)...)
	return append(out, f.headerRow()...)
}

func (f *credentialForm) frameworkFields() []fyne.CanvasObject {
	out := f.lines("enrolment.cred.experts", expertsText, storeExperts)
	out = append(out, f.lines("enrolment.cred.competencies", competenciesText,
		storeCompetencies)...)
	return append(out, f.lines("enrolment.cred.outcomes", outcomesText, storeOutcomes)...)
}

func (f *credentialForm) settingsFields() []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, x := range []struct {
		key string
		get func(c *jury.Credential) *string
	}{
		{"enrolment.cred.participation",
			func(c *jury.Credential) *string { return &c.Participation }},
		{"enrolment.cred.quality",
			func(c *jury.Credential) *string { return &c.QualityAssurance }},
		{"enrolment.cred.supervision", func(c *jury.Credential) *string { return &c.Supervision }},
		{"enrolment.cred.identity_check",
			func(c *jury.Credential) *string { return &c.IdentityVerification }},
		{"enrolment.cred.stackability",
			func(c *jury.Credential) *string { return &c.Stackability }},
	} {
		out = append(out, f.text(x.key, false, x.get)...)
	}
	out = append(out, f.check("enrolment.cred.blind",
		func(c *jury.Credential) *bool { return &c.BlindGrading })...)
	out = append(out, f.check("enrolment.cred.double",
		func(c *jury.Credential) *bool { return &c.DoubleMarking.Enabled })...)
	out = append(out, f.integer("enrolment.cred.double_levels",
		func(c *jury.Credential) *int { return &c.DoubleMarking.LevelGap })...)
	out = append(out, f.number("enrolment.cred.double_points",
		func(c *jury.Credential) *float64 { return &c.DoubleMarking.PointGap })...)
	out = append(out, enumChoice(f, "enrolment.cred.double_rule",
		[]string{"enrolment.rule.mean", "enrolment.rule.agreed"},
		func(c *jury.Credential) *jury.MarkingRule { return &c.DoubleMarking.Rule })...)
	out = append(out, f.integer("enrolment.cred.retention",
		func(c *jury.Credential) *int { return &c.RetentionMonths })...)
	out = append(out, enumChoice(f, "enrolment.cred.attendance",
		[]string{"enrolment.att.free", "enrolment.att.mandatory", "enrolment.att.hours",
			"enrolment.att.both"},
		func(c *jury.Credential) *jury.AttendanceKind { return &c.Attendance.Kind })...)
	out = append(out, f.number("enrolment.cred.attendance_hours",
		func(c *jury.Credential) *float64 { return &c.Attendance.MinHours })...)
	return append(out, f.lines("enrolment.cred.milestones", milestonesText,
		storeMilestones)...)
}

func (f *credentialForm) mccFields() []fyne.CanvasObject {
	m := func(get func(m *jury.MCC) *string) func(c *jury.Credential) *string {
		return func(c *jury.Credential) *string { return get(&c.MCC) }
	}
	out := f.text("enrolment.cred.mcc_type", false,
		m(func(m *jury.MCC) *string { return &m.EvaluationType }))
	out = append(out, f.minutes("enrolment.cred.mcc_duration")...)
	out = append(out, f.text("enrolment.cred.mcc_accommodations", true,
		m(func(m *jury.MCC) *string { return &m.Accommodations }))...)
	out = append(out, f.text("enrolment.cred.mcc_absence", true,
		m(func(m *jury.MCC) *string { return &m.AbsenceMeasure }))...)
	out = append(out, enumChoice(f, "enrolment.cred.mcc_lateness",
		[]string{"enrolment.late.accepted", "enrolment.late.penalty", "enrolment.late.refused"},
		func(c *jury.Credential) *jury.LatenessMeasure { return &c.MCC.Lateness })...)
	out = append(out, f.number("enrolment.cred.mcc_penalty",
		func(c *jury.Credential) *float64 { return &c.MCC.LatePenalty })...)
	out = append(out, f.text("enrolment.cred.mcc_appeal", true,
		m(func(m *jury.MCC) *string { return &m.AppealProcess }))...)
	out = append(out, f.integer("enrolment.cred.mcc_appeal_days",
		func(c *jury.Credential) *int { return &c.MCC.AppealDays })...)
	out = append(out, enumChoice(f, "enrolment.cred.mcc_resit",
		[]string{"enrolment.resit.replaces", "enrolment.resit.best"},
		func(c *jury.Credential) *jury.ResitRule { return &c.MCC.Resit })...)
	out = append(out, f.lines("enrolment.cred.mcc_jury", juryText, storeJury)...)
	out = append(out, f.integer("enrolment.cred.mcc_quorum",
		func(c *jury.Credential) *int { return &c.MCC.Quorum })...)
	criteria := widget.NewLabel("")
	f.fields = append(f.fields, formField{load: func(c *jury.Credential) {
		criteria.SetText(i18n.T("enrolment.cred.criteria_none"))
		if c.MCC.Criteria.Fingerprint != "" {
			criteria.SetText(i18n.T("enrolment.cred.criteria_set", c.MCC.Criteria.Version,
				shortHash(c.MCC.Criteria.Fingerprint)))
		}
	}, store: func(*jury.Credential) {}})
	return append(out, widget.NewLabel(i18n.T("enrolment.cred.mcc_criteria")), criteria)
}

// bind registers a field shown by obj under the label key.
func (f *credentialForm) bind(key string, obj fyne.CanvasObject,
	ff formField) []fyne.CanvasObject {
	f.fields = append(f.fields, ff)
	return []fyne.CanvasObject{widget.NewLabel(i18n.T(key)), obj}
}

func textBinding(e *widget.Entry, p func(*jury.Credential) *string) formField {
	return formField{
		load:  func(c *jury.Credential) { e.SetText(*p(c)) },
		store: func(c *jury.Credential) { *p(c) = strings.TrimSpace(e.Text) },
	}
}

// entry returns an entry that reports its edits.
func (f *credentialForm) entry(multi bool) *widget.Entry {
	e := widget.NewEntry()
	if multi {
		e = widget.NewMultiLineEntry()
		e.SetMinRowsVisible(3)
		e.Wrapping = fyne.TextWrapWord
	}
	e.OnChanged = func(string) { f.changed() }
	return e
}

func (f *credentialForm) text(key string, multi bool,
	p func(*jury.Credential) *string) []fyne.CanvasObject {
	e := f.entry(multi)
	return f.bind(key, e, textBinding(e, p))
}

func (f *credentialForm) number(key string,
	p func(*jury.Credential) *float64) []fyne.CanvasObject {
	e := f.entry(false)
	return f.bind(key, e, formField{
		load: func(c *jury.Credential) { e.SetText(numberText(*p(c))) },
		store: func(c *jury.Credential) {
			v, ok := parseNumber(e.Text)
			f.badIf(!ok, key)
			*p(c) = v
		},
	})
}

func (f *credentialForm) integer(key string, p func(*jury.Credential) *int) []fyne.CanvasObject {
	e := f.entry(false)
	return f.bind(key, e, formField{
		load: func(c *jury.Credential) { e.SetText(intText(*p(c))) },
		store: func(c *jury.Credential) {
			v, ok := parseNumber(e.Text)
			f.badIf(!ok || v != float64(int(v)), key)
			*p(c) = int(v)
		},
	})
}

// minutes edits the evaluation's duration in minutes.
func (f *credentialForm) minutes(key string) []fyne.CanvasObject {
	e := f.entry(false)
	return f.bind(key, e, formField{
		load: func(c *jury.Credential) { e.SetText(intText(int(c.MCC.Duration.Minutes()))) },
		store: func(c *jury.Credential) {
			v, ok := parseNumber(e.Text)
			f.badIf(!ok, key)
			c.MCC.Duration = time.Duration(v * float64(time.Minute))
		},
	})
}

func (f *credentialForm) check(key string, p func(*jury.Credential) *bool) []fyne.CanvasObject {
	ch := widget.NewCheck("", func(bool) { f.changed() })
	return f.bind(key, ch, formField{
		load:  func(c *jury.Credential) { ch.SetChecked(*p(c)) },
		store: func(c *jury.Credential) { *p(c) = ch.Checked },
	})
}

// enumChoice edits an enumeration whose values are 1, 2… in the order of
// the option keys; 0 is "not set".
func enumChoice[T ~int](f *credentialForm, key string, optionKeys []string,
	p func(*jury.Credential) *T) []fyne.CanvasObject {
	labels := make([]string, len(optionKeys))
	for i, k := range optionKeys {
		labels[i] = i18n.T(k)
	}
	s := widget.NewSelect(labels, func(string) { f.changed() })
	s.PlaceHolder = i18n.T("enrolment.cred.choose")
	return f.bind(key, s, formField{
		load: func(c *jury.Credential) {
			if v := int(*p(c)); v >= 1 && v <= len(labels) {
				s.SetSelectedIndex(v - 1)
			} else {
				s.ClearSelected()
			}
		},
		store: func(c *jury.Credential) { *p(c) = T(s.SelectedIndex() + 1) },
	})
}

// lines edits a list, one item a line, parts separated by ";".
func (f *credentialForm) lines(key string, show func(*jury.Credential) string,
	store func(*jury.Credential, [][]string)) []fyne.CanvasObject {
	e := f.entry(true)
	e.SetPlaceHolder(i18n.T(key + ".hint"))
	return f.bind(key, e, formField{
		load:  func(c *jury.Credential) { e.SetText(show(c)) },
		store: func(c *jury.Credential) { store(c, splitLines(e.Text)) },
	})
}

// headerRow chooses the PNG header of the producing or a participating
// university.
func (f *credentialForm) headerRow() []fyne.CanvasObject {
	f.headerOf = widget.NewSelect(nil, nil)
	f.headerOf.PlaceHolder = i18n.T("enrolment.cred.header_of")
	button := widget.NewButton(i18n.T("enrolment.cred.header_choose"), func() {
		target := f.headerTarget()
		if target == "" || f.chooseHeader == nil {
			return
		}
		f.chooseHeader(func(b []byte) {
			f.headers[target] = b
			f.changed()
		})
	})
	return []fyne.CanvasObject{widget.NewLabel(i18n.T("enrolment.cred.header")),
		container.NewBorder(nil, nil, nil, button, f.headerOf)}
}

func (f *credentialForm) headerTarget() string {
	switch i := f.headerOf.SelectedIndex(); {
	case i < 0:
		return ""
	case i == 0:
		return producerKey
	default:
		code, _, _ := strings.Cut(f.headerOf.Selected, " ")
		return code
	}
}

func (f *credentialForm) badIf(bad bool, key string) {
	if bad {
		f.bad = append(f.bad, i18n.T("enrolment.cred.bad_number", i18n.T(key)))
	}
}

// load shows c in the form; existing says whether it is already saved,
// in which case its code cannot change.
func (f *credentialForm) load(c *jury.Credential, existing bool) {
	f.base = cloneCredential(c)
	f.headers = map[string][]byte{producerKey: c.Producer.Header}
	for _, u := range c.Participants {
		f.headers[u.Code] = u.Header
	}
	f.loading = true
	for _, ff := range f.fields {
		ff.load(c)
	}
	f.loading = false
	if existing {
		f.code.Disable()
	} else {
		f.code.Enable()
	}
	f.update()
}

// credential returns the credential the form holds now.
func (f *credentialForm) credential() *jury.Credential {
	c := cloneCredential(f.base)
	f.bad = nil
	for _, ff := range f.fields {
		ff.store(c)
	}
	c.Producer.Header = f.headers[producerKey]
	for i := range c.Participants {
		c.Participants[i].Header = f.headers[c.Participants[i].Code]
	}
	return c
}

// changed follows an edit.
func (f *credentialForm) changed() {
	if !f.loading {
		f.update()
	}
}

// update refreshes the completeness panel and the header choices.
func (f *credentialForm) update() {
	c := f.credential()
	problems := f.problems(c)
	f.missing.RemoveAll()
	for _, p := range problems {
		l := widget.NewLabel("• " + p)
		l.Wrapping = fyne.TextWrapWord
		f.missing.Add(l)
	}
	if len(problems) == 0 {
		f.status.SetText(i18n.T("enrolment.cred.complete"))
	} else {
		f.status.SetText(i18n.T("enrolment.cred.missing_count", len(problems)))
	}
	f.headerChoices(c)
	if f.onChange != nil {
		f.onChange(c)
	}
}

// problems lists unreadable numbers, broken rules, then missing items.
func (f *credentialForm) problems(c *jury.Credential) []string {
	out := append([]string(nil), f.bad...)
	if err := c.Validate(); err != nil {
		if pe, ok := err.(*jury.ProblemsError); ok {
			out = append(out, pe.Problems...)
		}
	}
	return append(out, c.Missing()...)
}

func (f *credentialForm) headerChoices(c *jury.Credential) {
	opts := []string{i18n.T("enrolment.cred.header_producer")}
	for _, u := range c.Participants {
		opts = append(opts, strings.TrimSpace(u.Code+" "+u.Name))
	}
	f.headerOf.Options = opts
}

func cloneCredential(c *jury.Credential) *jury.Credential {
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("app: credential not serialisable: %v", err))
	}
	var out jury.Credential
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("app: credential not readable: %v", err))
	}
	return &out
}

// splitLines splits text into non-empty lines of trimmed ";" parts.
func splitLines(text string) [][]string {
	var out [][]string
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, ";")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		out = append(out, parts)
	}
	return out
}

// part returns the i-th part of a line, or "".
func part(parts []string, i int) string {
	if i < len(parts) {
		return parts[i]
	}
	return ""
}

func joinLines(rows [][]string) string {
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = strings.Join(r, " ; ")
	}
	return strings.Join(lines, "\n")
}

func participantsText(c *jury.Credential) string {
	var rows [][]string
	for _, u := range c.Participants {
		rows = append(rows, []string{u.Code, u.Name})
	}
	return joinLines(rows)
}

// storeParticipants keeps what the lines do not show (country, legal
// representative) for the universities whose code stays.
func (f *credentialForm) storeParticipants(c *jury.Credential, rows [][]string) {
	old := map[string]jury.University{}
	for _, u := range c.Participants {
		old[u.Code] = u
	}
	c.Participants = nil
	for _, r := range rows {
		u := old[part(r, 0)]
		u.Code, u.Name = part(r, 0), part(r, 1)
		c.Participants = append(c.Participants, u)
	}
}

func expertsText(c *jury.Credential) string {
	var rows [][]string
	for _, e := range c.Experts {
		rows = append(rows, []string{e.Name, e.Email, e.Institution})
	}
	return joinLines(rows)
}

func storeExperts(c *jury.Credential, rows [][]string) {
	c.Experts = nil
	for _, r := range rows {
		c.Experts = append(c.Experts, jury.Expert{Name: part(r, 0), Email: part(r, 1),
			Institution: part(r, 2)})
	}
}

func competenciesText(c *jury.Credential) string {
	var rows [][]string
	for _, k := range c.Competencies {
		rows = append(rows, []string{k.Code, k.Title})
	}
	return joinLines(rows)
}

func storeCompetencies(c *jury.Credential, rows [][]string) {
	c.Competencies = nil
	for _, r := range rows {
		c.Competencies = append(c.Competencies, jury.Competency{Code: part(r, 0),
			Title: part(r, 1)})
	}
}

func outcomesText(c *jury.Credential) string {
	var rows [][]string
	for _, o := range c.Outcomes {
		rows = append(rows, []string{o.Code, o.Text})
	}
	return joinLines(rows)
}

func storeOutcomes(c *jury.Credential, rows [][]string) {
	c.Outcomes = nil
	for _, r := range rows {
		c.Outcomes = append(c.Outcomes, jury.LearningOutcome{Code: part(r, 0), Text: part(r, 1)})
	}
}

func milestonesText(c *jury.Credential) string {
	var rows [][]string
	for _, m := range c.Milestones {
		rows = append(rows, []string{m.Label, numberText(m.Hours), yesNoText(m.Mandatory)})
	}
	return joinLines(rows)
}

func storeMilestones(c *jury.Credential, rows [][]string) {
	c.Milestones = nil
	for _, r := range rows {
		h, _ := parseNumber(part(r, 1))
		c.Milestones = append(c.Milestones, jury.Milestone{Label: part(r, 0), Hours: h,
			Mandatory: isYes(part(r, 2))})
	}
}

func juryText(c *jury.Credential) string {
	var rows [][]string
	for _, m := range c.MCC.Jury {
		rows = append(rows, []string{m.Name, m.Role, m.Institution, yesNoText(m.President)})
	}
	return joinLines(rows)
}

func storeJury(c *jury.Credential, rows [][]string) {
	c.MCC.Jury = nil
	for _, r := range rows {
		c.MCC.Jury = append(c.MCC.Jury, jury.Member{Name: part(r, 0), Role: part(r, 1),
			Institution: part(r, 2), President: isYes(part(r, 3))})
	}
}

func yesNoText(b bool) string {
	if b {
		return i18n.T("enrolment.yes")
	}
	return i18n.T("enrolment.no")
}

func isYes(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "oui", "yes", "o", "y", "x", "1", "président", "présidente", "président·e":
		return true
	}
	return false
}

// parseNumber reads a number written with a decimal point or comma;
// empty is zero.
func parseNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	if s == "" {
		return 0, true
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

func numberText(v float64) string {
	if v == 0 {
		return ""
	}
	return i18n.Number(v, -1)
}

func intText(v int) string {
	if v == 0 {
		return ""
	}
	return strconv.Itoa(v)
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
