package app

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/jury"
)

// recordView is a candidate's record (dossier): identity checks at each
// evaluation, consent to remote proctoring, attendance milestones, and
// the export of their personal data.
type recordView struct {
	env  *env
	cred *jury.Credential
	cand jury.Candidate
	box  *fyne.Container // the sections, rebuilt after each change

	// changed runs after a change was stored, to refresh the list.
	changed func()
}

// record opens the record of the selected candidate.
func (a *candidatesArea) record() {
	c, ok := a.current()
	if !ok {
		return
	}
	r := &recordView{env: a.env, cred: a.cred, changed: a.reload}
	if !r.load(c.ID) {
		return
	}
	r.box = container.NewVBox()
	r.fill()
	scroll := container.NewVScroll(r.box)
	scroll.SetMinSize(fyne.NewSize(720, 520))
	d := dialog.NewCustom(i18n.T("enrolment.record.title", recordName(r.cand)),
		i18n.T("enrolment.record.close"), scroll, a.env.win)
	d.Resize(fyne.NewSize(800, 620))
	d.Show()
}

// recordName writes a candidate "Prénom NOM".
func recordName(c jury.Candidate) string {
	return strings.TrimSpace(c.GivenNames + " " + strings.ToUpper(c.FamilyName))
}

// load reads the candidate again from the workspace.
func (r *recordView) load(id string) bool {
	c, err := r.env.store.Candidate(r.env.ctx, r.cred.Code, id)
	if err != nil {
		r.env.fail("read candidate", i18n.T("enrolment.err.read"), err)
		return false
	}
	r.cand = c
	return true
}

// fill lays the sections out from the candidate as stored.
func (r *recordView) fill() {
	r.box.Objects = []fyne.CanvasObject{
		heading(i18n.T("enrolment.record.identity")), r.identitySection(),
		widget.NewSeparator(),
		heading(i18n.T("enrolment.record.consent")), r.consentSection(),
		widget.NewSeparator(),
		heading(i18n.T("enrolment.record.milestones")), r.milestoneSection(),
		widget.NewSeparator(),
		widget.NewButton(i18n.T("enrolment.record.export"), r.export),
	}
	r.box.Refresh()
}

func heading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// saved reloads the record after a change, or says why it was refused.
func (r *recordView) saved(op string, err error) bool {
	if err != nil {
		r.env.fail(op, candidateSentence(err), err)
		return false
	}
	if r.load(r.cand.ID) {
		r.fill()
	}
	if r.changed != nil {
		r.changed()
	}
	return true
}

// dateTimeLayouts are the ways a date and time may be typed.
var dateTimeLayouts = []string{"2006-01-02 15:04", "02/01/2006 15:04", "2/1/2006 15:04"}

// dateLayouts are the ways a date may be typed.
var dateLayouts = []string{time.DateOnly, "02/01/2006", "2/1/2006"}

// parseLocal reads s in the first layout that fits, in local time.
func parseLocal(s string, layouts []string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, s, time.Local); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// identitySection lists the identity checks and a form to add one.
func (r *recordView) identitySection() fyne.CanvasObject {
	list := container.NewVBox()
	for _, ic := range r.cand.IdentityChecks {
		list.Add(wrapped(identityLine(ic)))
	}
	if len(r.cand.IdentityChecks) == 0 {
		list.Add(wrapped(i18n.T("enrolment.record.no_checks")))
	}
	return container.NewVBox(list, r.checkForm())
}

// identityLine writes one identity check: sitting, method, who, when, result.
func identityLine(ic jury.IdentityCheck) string {
	parts := []string{i18n.T("enrolment.record.sitting_n", ic.Sitting), ic.Method.Label()}
	if ic.By != "" {
		parts = append(parts, ic.By)
	}
	if !ic.At.IsZero() {
		parts = append(parts, ic.At.Local().Format("2006-01-02 15:04"))
	}
	if ic.Result != 0 {
		parts = append(parts, resultLabel(ic.Result))
	}
	return strings.Join(parts, " — ")
}

func resultLabel(r jury.CheckResult) string {
	if r == jury.CheckFailed {
		return i18n.T("enrolment.record.result.failed")
	}
	return i18n.T("enrolment.record.result.verified")
}

// checkEntries is the form adding an identity check.
type checkEntries struct {
	sitting, method, result *widget.Select
	by, at                  *widget.Entry
}

// checkForm is the "add a check" form of the identity section.
func (r *recordView) checkForm() fyne.CanvasObject {
	ce := &checkEntries{by: widget.NewEntry(), at: widget.NewEntry()}
	ce.sitting = widget.NewSelect([]string{i18n.T("enrolment.record.sitting_n", 1),
		i18n.T("enrolment.record.sitting_n", 2)}, nil)
	ce.sitting.SetSelectedIndex(0)
	var methods []string
	for m := jury.MethodProctoring; m <= jury.MethodNone; m++ {
		methods = append(methods, m.Label())
	}
	ce.method = widget.NewSelect(methods, nil)
	ce.result = widget.NewSelect([]string{resultLabel(jury.CheckVerified),
		resultLabel(jury.CheckFailed)}, nil)
	ce.at.SetPlaceHolder("2026-10-05 09:00")
	for _, s := range []*widget.Select{ce.method, ce.result} {
		s.PlaceHolder = i18n.T("enrolment.record.choose")
	}

	form := widget.NewForm(
		widget.NewFormItem(i18n.T("enrolment.record.sitting"), ce.sitting),
		widget.NewFormItem(i18n.T("enrolment.record.method"), ce.method),
		widget.NewFormItem(i18n.T("enrolment.record.by"), ce.by),
		widget.NewFormItem(i18n.T("enrolment.record.at"), ce.at),
		widget.NewFormItem(i18n.T("enrolment.record.result"), ce.result))
	add := widget.NewButton(i18n.T("enrolment.record.add_check"), func() { r.addCheck(ce) })
	return widget.NewCard("", i18n.T("enrolment.record.add_check"),
		container.NewVBox(form, container.NewHBox(add)))
}

// addCheck stores the check the form holds, if its date reads.
func (r *recordView) addCheck(ce *checkEntries) {
	at, ok := parseLocal(ce.at.Text, dateTimeLayouts)
	if !ok {
		r.env.fail("add identity check",
			i18n.T("enrolment.record.err.datetime", ce.at.Text), nil)
		return
	}
	ic := jury.IdentityCheck{Sitting: ce.sitting.SelectedIndex() + 1,
		Method: jury.IdentityMethod(ce.method.SelectedIndex() + 1),
		By:     strings.TrimSpace(ce.by.Text), At: at}
	if i := ce.result.SelectedIndex(); i >= 0 && ic.Method != jury.MethodNone {
		ic.Result = jury.CheckResult(i + 1)
	}
	if ce.method.SelectedIndex() < 0 {
		r.env.fail("add identity check", i18n.T("enrolment.record.err.method"), nil)
		return
	}
	r.saved("add identity check",
		r.env.store.AddIdentityCheck(r.env.ctx, r.cred.Code, r.cand.ID, ic))
}

// consentSection shows and records the answer about remote proctoring.
func (r *recordView) consentSection() fyne.CanvasObject {
	given, refused := i18n.T("enrolment.record.given"), i18n.T("enrolment.record.refused")
	alt := widget.NewEntry()
	alt.SetPlaceHolder(i18n.T("enrolment.record.alternative_hint"))
	answer := widget.NewRadioGroup([]string{given, refused}, func(s string) {
		if s == refused {
			alt.Enable()
		} else {
			alt.Disable()
		}
	})
	answer.Horizontal = true
	date := widget.NewEntry()
	date.SetPlaceHolder("2026-09-01")

	c := r.cand.Consent
	if c.Asked() {
		answer.SetSelected(map[bool]string{true: given, false: refused}[c.Given])
		date.SetText(c.Date.Format(time.DateOnly))
		alt.SetText(c.Alternative)
	} else {
		alt.Disable()
	}
	save := widget.NewButton(i18n.T("enrolment.record.save_consent"), func() {
		r.saveConsent(answer.Selected == given, answer.Selected != "", date.Text, alt.Text)
	})
	form := widget.NewForm(
		widget.NewFormItem(i18n.T("enrolment.record.answer"), answer),
		widget.NewFormItem(i18n.T("enrolment.record.date"), date),
		widget.NewFormItem(i18n.T("enrolment.record.alternative"), alt))
	return container.NewVBox(wrapped(consentLine(c)), form, container.NewHBox(save))
}

// consentLine says what the candidate answered, if anything.
func consentLine(c jury.Consent) string {
	switch {
	case !c.Asked():
		return i18n.T("enrolment.record.consent_none")
	case c.Given:
		return i18n.T("enrolment.record.consent_given", c.Date.Format(time.DateOnly))
	}
	return i18n.T("enrolment.record.consent_refused", c.Date.Format(time.DateOnly),
		c.Alternative)
}

// saveConsent records the answer; a refusal needs the alternative.
func (r *recordView) saveConsent(given, answered bool, date, alt string) {
	if !answered {
		r.env.fail("save consent", i18n.T("enrolment.record.err.answer"), nil)
		return
	}
	d, ok := parseLocal(date, dateLayouts)
	if !ok {
		r.env.fail("save consent", i18n.T("enrolment.record.err.date", date), nil)
		return
	}
	c := jury.Consent{Given: given, Date: d}
	if !given {
		c.Alternative = strings.TrimSpace(alt)
	}
	r.saved("save consent", r.env.store.SetConsent(r.env.ctx, r.cred.Code, r.cand.ID, c))
}

// milestoneRow is one milestone on screen: its plan, whether validated,
// and its date.
type milestoneRow struct {
	m     jury.Milestone
	check *widget.Check
	date  *widget.Entry
}

// recordMilestones returns the candidate's milestones followed by those of
// the credential's plan the candidate has no record of.
func recordMilestones(cred *jury.Credential, own []jury.Milestone) []jury.Milestone {
	out := append([]jury.Milestone(nil), own...)
	for _, p := range cred.Milestones {
		found := false
		for _, m := range own {
			found = found || strings.EqualFold(m.Label, p.Label)
		}
		if !found {
			p.Validated, p.Date = false, time.Time{}
			out = append(out, p)
		}
	}
	return out
}

// milestoneSection lists the milestones with the eligibility they give.
func (r *recordView) milestoneSection() fyne.CanvasObject {
	ms := recordMilestones(r.cred, r.cand.Milestones)
	if len(ms) == 0 {
		return wrapped(i18n.T("enrolment.record.no_milestones"))
	}
	eligible := wrapped("")
	rows := make([]*milestoneRow, len(ms))
	grid := container.NewVBox()
	for i, m := range ms {
		rows[i] = r.milestoneLine(m, func() { showEligibility(r.cred, rows, eligible) })
		grid.Add(container.NewBorder(nil, nil, rows[i].check, nil, rows[i].date))
	}
	showEligibility(r.cred, rows, eligible)

	reason := widget.NewEntry()
	reason.SetPlaceHolder(i18n.T("enrolment.record.reason_hint"))
	save := widget.NewButton(i18n.T("enrolment.record.save_milestones"), func() {
		r.saveMilestones(rows, reason.Text)
	})
	return container.NewVBox(grid, eligible,
		container.NewBorder(nil, nil, widget.NewLabel(i18n.T("enrolment.reason")), save,
			reason))
}

// milestoneLine builds the check and date of one milestone; changed runs
// when either changes.
func (r *recordView) milestoneLine(m jury.Milestone, changed func()) *milestoneRow {
	row := &milestoneRow{m: m, date: widget.NewEntry()}
	row.date.SetPlaceHolder("2026-10-05")
	if !m.Date.IsZero() {
		row.date.SetText(m.Date.Format(time.DateOnly))
	}
	row.check = widget.NewCheck(milestoneText(m), nil)
	row.check.SetChecked(m.Validated)
	row.check.OnChanged = func(bool) { changed() }
	row.date.OnChanged = func(string) { changed() }
	return row
}

// milestoneText names a milestone with its hours and whether mandatory.
func milestoneText(m jury.Milestone) string {
	s := i18n.T("enrolment.record.milestone", m.Label, hoursText(m.Hours))
	if m.Mandatory {
		s += " " + i18n.T("enrolment.record.mandatory")
	}
	return s
}

func hoursText(h float64) string {
	return i18n.Number(h, -1)
}

// readMilestones returns the milestones as on screen, or the first date that does
// not read.
func readMilestones(rows []*milestoneRow) ([]jury.Milestone, string) {
	out := make([]jury.Milestone, len(rows))
	for i, row := range rows {
		m := row.m
		m.Validated = row.check.Checked
		m.Date = time.Time{}
		if s := strings.TrimSpace(row.date.Text); s != "" {
			d, ok := parseLocal(s, dateLayouts)
			if !ok {
				return nil, s
			}
			m.Date = d
		}
		out[i] = m
	}
	return out, ""
}

// showEligibility says whether the milestones on screen meet the rule.
func showEligibility(cred *jury.Credential, rows []*milestoneRow, l *widget.Label) {
	ms, _ := readMilestones(rows)
	if ms == nil {
		return
	}
	if ok, why := cred.Eligible(ms); ok {
		l.SetText(i18n.T("enrolment.record.eligible"))
	} else {
		l.SetText(i18n.T("enrolment.record.not_eligible", why))
	}
}

// saveMilestones stores the milestones as on screen, with a reason.
func (r *recordView) saveMilestones(rows []*milestoneRow, reason string) {
	ms, bad := readMilestones(rows)
	if bad != "" {
		r.env.fail("save milestones", i18n.T("enrolment.record.err.date", bad), nil)
		return
	}
	for _, m := range ms {
		if m.Validated && m.Date.IsZero() {
			r.env.fail("save milestones",
				i18n.T("enrolment.record.err.milestone_date", m.Label), nil)
			return
		}
	}
	if strings.TrimSpace(reason) == "" {
		r.env.fail("save milestones", i18n.T("enrolment.err.reason"), nil)
		return
	}
	r.saved("save milestones", r.env.store.SetMilestones(r.env.ctx, r.cred.Code,
		r.cand.ID, ms, strings.TrimSpace(reason)))
}

// export asks where to write the candidate's personal data.
func (r *recordView) export() {
	dir := filepath.Dir(r.env.store.Path())
	name := "donnees-" + fileSafe(r.cred.Code+"-"+r.cand.ID) + ".json"
	r.env.shell.pathForm(i18n.T("enrolment.record.export_title"),
		i18n.T("enrolment.record.export_save"), dir, name, func(dst string) {
			if _, err := os.Stat(dst); err != nil {
				r.writeExport(dst)
				return
			}
			r.env.shell.confirm(i18n.T("enrolment.record.export_title"),
				i18n.T("enrolment.record.export_replace", filepath.Base(dst)),
				i18n.T("enrolment.record.export_save"), func() { r.writeExport(dst) })
		})
}

// fileSafe keeps letters, digits, "-" and "_" for a file name.
func fileSafe(s string) string {
	return strings.Map(func(c rune) rune {
		if c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' ||
			c >= 'a' && c <= 'z' {
			return c
		}
		return '_'
	}, s)
}

// writeExport writes the personal data to dst in the background.
func (r *recordView) writeExport(dst string) {
	code, id := r.cred.Code, r.cand.ID
	r.env.background(func(ctx context.Context) func() {
		b, err := r.env.store.ExportPersonalData(ctx, code, id)
		if err == nil {
			err = os.WriteFile(dst, b, 0o600)
		}
		return func() {
			if err != nil {
				r.env.fail("export personal data",
					i18n.T("enrolment.record.export_failed", dst), err)
				return
			}
			r.env.shell.tell(i18n.T("enrolment.record.export_title"),
				i18n.T("enrolment.record.export_done", dst))
		}
	})
}

// chooseMilestonesFile asks for a milestones CSV file and previews it.
func (a *candidatesArea) chooseMilestonesFile() {
	a.openCSV("read milestones file", a.previewMilestones)
}

// milestoneLineRow is one row of a milestones preview.
type milestoneLineRow struct {
	id string
	m  jury.Milestone
}

// previewMilestones shows what data would record, and records it on
// confirmation; a file with problems lists them and records nothing.
func (a *candidatesArea) previewMilestones(name string, data []byte) {
	ids := make([]string, len(a.cands))
	for i, c := range a.cands {
		ids[i] = c.ID
	}
	byID, err := jury.ParseMilestones(bytes.NewReader(data),
		jury.MilestoneOptions{CandidateIDs: ids, Plan: a.cred.Milestones})
	var ie *jury.ImportError
	if err != nil && !errors.As(err, &ie) {
		a.env.fail("preview milestones", i18n.T("enrolment.err.file"), err)
		return
	}

	var d dialog.Dialog
	cancel := widget.NewButton(i18n.T("enrolment.cancel"), func() { d.Hide() })
	var body fyne.CanvasObject
	var buttons fyne.CanvasObject = container.NewHBox(cancel)
	if ie != nil {
		body = problemsView(importPreview{file: name, problems: ie.Problems})
	} else {
		rows := milestoneRows(byID)
		confirm := widget.NewButton(i18n.T("enrolment.record.import_confirm", len(rows)),
			func() {
				d.Hide()
				a.commitMilestones(name, byID, len(rows))
			})
		confirm.Importance = widget.HighImportance
		body = milestonesView(rows)
		buttons = container.NewHBox(cancel, confirm)
	}
	d = dialog.NewCustomWithoutButtons(i18n.T("enrolment.record.import_title", name),
		container.NewBorder(nil, container.NewCenter(buttons), nil, nil, body), a.env.win)
	d.Resize(fyne.NewSize(760, 480))
	d.Show()
}

// milestoneRows flattens milestones by candidate, sorted by identifier.
func milestoneRows(byID map[string][]jury.Milestone) []milestoneLineRow {
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []milestoneLineRow
	for _, id := range ids {
		for _, m := range byID[id] {
			out = append(out, milestoneLineRow{id: id, m: m})
		}
	}
	return out
}

// milestonesView lists the milestones the file would record.
func milestonesView(rows []milestoneLineRow) fyne.CanvasObject {
	t := widget.NewTable(
		func() (int, int) { return len(rows) + 1, 5 },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(milestoneCell(rows, id))
		})
	for i, w := range []float32{110, 240, 80, 120, 80} {
		t.SetColumnWidth(i, w)
	}
	head := wrapped(i18n.T("enrolment.record.import_ready", len(rows)))
	return container.NewBorder(head, nil, nil, nil, t)
}

func milestoneCell(rows []milestoneLineRow, id widget.TableCellID) string {
	if id.Row == 0 {
		return i18n.T([]string{"enrolment.col.id", "enrolment.record.col.milestone",
			"enrolment.record.col.hours", "enrolment.record.col.date",
			"enrolment.record.col.validated"}[id.Col])
	}
	r := rows[id.Row-1]
	date := ""
	if !r.m.Date.IsZero() {
		date = r.m.Date.Format(time.DateOnly)
	}
	validated := i18n.T("enrolment.record.no")
	if r.m.Validated {
		validated = i18n.T("enrolment.record.yes")
	}
	return []string{r.id, r.m.Label, hoursText(r.m.Hours), date, validated}[id.Col]
}

// commitMilestones records the previewed milestones in one transaction.
func (a *candidatesArea) commitMilestones(file string, byID map[string][]jury.Milestone,
	n int) {
	err := a.env.store.ImportMilestones(a.env.ctx, a.cred.Code, file, byID)
	if err != nil {
		a.env.fail("import milestones", i18n.T("enrolment.err.import"), err)
		return
	}
	a.reload()
	a.env.shell.tell(i18n.T("enrolment.record.import_done_title"),
		i18n.T("enrolment.record.import_done", n, len(byID)))
}

// askPurge explains what a purge removes and keeps, and purges on
// confirmation.
func (a *candidatesArea) askPurge() { a.confirmPurge(time.Now()) }

// confirmPurge asks before purging the data whose retention ran out by now.
func (a *candidatesArea) confirmPurge(now time.Time) {
	a.env.shell.confirm(i18n.T("enrolment.record.purge_title"),
		i18n.T("enrolment.record.purge_text"), i18n.T("enrolment.record.purge_confirm"),
		func() {
			a.env.background(func(ctx context.Context) func() {
				n, err := a.env.store.PurgeExpired(ctx, now)
				return func() { a.purged(n, err) }
			})
		})
}

// purged says how many candidates were purged.
func (a *candidatesArea) purged(n int, err error) {
	if err != nil {
		a.env.fail("purge personal data", i18n.T("enrolment.record.purge_failed"), err)
		return
	}
	a.reload()
	a.env.shell.tell(i18n.T("enrolment.record.purge_title"),
		i18n.T("enrolment.record.purge_done", n))
}
