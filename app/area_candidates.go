package app

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/jury"
	cstorage "certeval/storage"
)

func init() { registerArea(2, newCandidatesArea) }

// candidatesArea is the "Candidats" area: the candidates of the selected
// credential, their enrolment, correction and withdrawal, the CSV import
// with its preview, the draw of participating universities, and — for
// the jury's president only — accommodations.
type candidatesArea struct {
	env *env

	creds    *widget.Select
	refs     []cstorage.CredentialRef
	cred     *jury.Credential
	cands    []jury.Candidate
	accs     map[string]int
	selected int

	president *widget.Check
	list      *widget.List
	count     *widget.Label
	actions   []*widget.Button // need a selected candidate
	accButton *widget.Button
	box       fyne.CanvasObject
}

// newCandidatesArea builds the area on the open workspace.
func newCandidatesArea(e *env) area {
	a := &candidatesArea{env: e, selected: -1}
	a.creds = widget.NewSelect(nil, func(string) { a.pick() })
	a.creds.PlaceHolder = i18n.T("enrolment.cred.pick")
	// The settings have no role yet: this toggle stands for it.
	a.president = widget.NewCheck(i18n.T("enrolment.cand.president"), func(bool) {
		a.showRole()
	})
	a.count = widget.NewLabel("")
	a.list = widget.NewList(func() int { return len(a.cands) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(a.line(i)) })
	a.list.OnSelected = func(i widget.ListItemID) { a.selected = i; a.enable() }
	a.list.OnUnselected = func(widget.ListItemID) { a.selected = -1; a.enable() }

	bar := container.NewHBox(
		widget.NewButton(i18n.T("enrolment.cand.add"), a.add),
		widget.NewButton(i18n.T("enrolment.cand.import"), a.chooseImportFile),
		widget.NewButton(i18n.T("enrolment.cand.draw"), a.draw),
		widget.NewButton(i18n.T("enrolment.record.import"), a.chooseMilestonesFile),
		widget.NewButton(i18n.T("enrolment.record.purge"), a.askPurge))
	correct := widget.NewButton(i18n.T("enrolment.cand.correct"), a.correct)
	withdraw := widget.NewButton(i18n.T("enrolment.cand.withdraw"), a.withdraw)
	record := widget.NewButton(i18n.T("enrolment.record.open"), a.record)
	a.accButton = widget.NewButton(i18n.T("enrolment.cand.accommodations"), a.accommodations)
	a.actions = []*widget.Button{correct, withdraw, record, a.accButton}

	top := container.NewVBox(container.NewBorder(nil, nil,
		widget.NewLabel(i18n.T("enrolment.cred.credential")), nil, a.creds),
		bar, a.president, a.count)
	a.box = container.NewBorder(top, container.NewHBox(correct, withdraw, record, a.accButton),
		nil, nil, a.list)
	a.showRole()
	a.enable()
	return a
}

// Title is the area's name.
func (a *candidatesArea) Title() string { return i18n.T("app.area.candidates") }

// Content is what the area shows.
func (a *candidatesArea) Content() fyne.CanvasObject { return a.box }

// Refresh reads the credentials and the candidates again.
func (a *candidatesArea) Refresh() {
	a.env.withCredentials(func(refs []cstorage.CredentialRef) {
		a.refs = refs
		opts := credentialLabels(refs)
		a.creds.Options = opts
		a.creds.Refresh()
		if a.creds.SelectedIndex() < 0 && len(opts) > 0 {
			a.creds.SetSelectedIndex(0) // picks and loads the first credential
			return
		}
		a.reload()
	})
}

// pick follows the choice of a credential.
func (a *candidatesArea) pick() {
	c, ok := a.env.readCredential(a.refs, a.creds.SelectedIndex())
	if !ok {
		return
	}
	a.cred = c
	a.reload()
}

// reload reads the candidates of the selected credential.
func (a *candidatesArea) reload() {
	a.cands, a.accs, a.selected = nil, nil, -1
	if a.cred != nil {
		var err error
		a.cands, err = a.env.store.Candidates(a.env.ctx, a.cred.Code)
		if err == nil && a.president.Checked {
			a.accs, err = a.env.store.AccommodationCounts(a.env.ctx, a.cred.Code)
		}
		if err != nil {
			a.env.fail("list candidates", i18n.T("enrolment.err.read"), err)
		}
	}
	a.count.SetText(i18n.T("enrolment.cand.count", len(a.cands)))
	a.list.UnselectAll()
	a.list.Refresh()
	a.enable()
}

// line is one candidate in the list: ID, name, university, flags.
func (a *candidatesArea) line(i int) string {
	if i >= len(a.cands) {
		return ""
	}
	c := a.cands[i]
	parts := []string{c.ID, c.FamilyName + " " + c.GivenNames, c.University}
	var flags []string
	if c.Withdrawn {
		flags = append(flags, i18n.T("enrolment.flag.withdrawn"))
	}
	if c.IdentityVerified(1) {
		flags = append(flags, i18n.T("enrolment.flag.identity"))
	}
	if c.Consent.Asked() && !c.Consent.Given {
		flags = append(flags, i18n.T("enrolment.flag.no_consent"))
	}
	if a.accs[c.ID] > 0 {
		flags = append(flags, i18n.T("enrolment.flag.accommodation"))
	}
	if len(flags) > 0 {
		parts = append(parts, "["+strings.Join(flags, ", ")+"]")
	}
	return strings.Join(parts, "   ")
}

func (a *candidatesArea) showRole() {
	a.accButton.Hidden = !a.president.Checked
	a.accButton.Refresh()
	if a.cred != nil {
		a.reload()
	}
}

func (a *candidatesArea) enable() {
	for _, b := range a.actions {
		if a.selected >= 0 && a.selected < len(a.cands) {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

func (a *candidatesArea) current() (jury.Candidate, bool) {
	if a.cred == nil || a.selected < 0 || a.selected >= len(a.cands) {
		return jury.Candidate{}, false
	}
	return a.cands[a.selected], true
}

// candidateEntries edits a candidate's identity.
type candidateEntries struct {
	id, family, given, birth, email *widget.Entry
	university                      *widget.Select
}

func (a *candidatesArea) entries(c jury.Candidate) *candidateEntries {
	ce := &candidateEntries{id: widget.NewEntry(), family: widget.NewEntry(),
		given: widget.NewEntry(), birth: widget.NewEntry(), email: widget.NewEntry()}
	ce.id.SetText(c.ID)
	ce.family.SetText(c.FamilyName)
	ce.given.SetText(c.GivenNames)
	ce.birth.SetPlaceHolder("jj/mm/aaaa")
	if !c.BirthDate.IsZero() {
		ce.birth.SetText(c.BirthDate.Format("02/01/2006"))
	}
	ce.email.SetText(c.Email)
	var codes []string
	for _, u := range a.cred.Participants {
		codes = append(codes, u.Code)
	}
	ce.university = widget.NewSelect(codes, nil)
	ce.university.SetSelected(c.University)
	return ce
}

func (ce *candidateEntries) items() []*widget.FormItem {
	return []*widget.FormItem{
		widget.NewFormItem(i18n.T("enrolment.col.id"), ce.id),
		widget.NewFormItem(i18n.T("enrolment.col.family"), ce.family),
		widget.NewFormItem(i18n.T("enrolment.col.given"), ce.given),
		widget.NewFormItem(i18n.T("enrolment.col.birth"), ce.birth),
		widget.NewFormItem(i18n.T("enrolment.col.email"), ce.email),
		widget.NewFormItem(i18n.T("enrolment.col.university"), ce.university),
	}
}

// candidate reads the entries over base.
func (ce *candidateEntries) candidate(base jury.Candidate) jury.Candidate {
	c := base
	c.ID = strings.TrimSpace(ce.id.Text)
	c.FamilyName = strings.TrimSpace(ce.family.Text)
	c.GivenNames = strings.TrimSpace(ce.given.Text)
	c.Email = strings.TrimSpace(ce.email.Text)
	c.University = ce.university.Selected
	c.BirthDate = time.Time{}
	for _, layout := range []string{"02/01/2006", "2/1/2006", time.DateOnly} {
		if d, err := time.Parse(layout, strings.TrimSpace(ce.birth.Text)); err == nil {
			c.BirthDate = d
			break
		}
	}
	return c
}

// add enrols one candidate entered by hand.
func (a *candidatesArea) add() {
	if a.cred == nil {
		return
	}
	ce := a.entries(jury.Candidate{})
	dialog.ShowForm(i18n.T("enrolment.cand.add"), i18n.T("enrolment.save"),
		i18n.T("enrolment.cancel"), ce.items(), func(ok bool) {
			if !ok {
				return
			}
			err := a.env.store.AddCandidate(a.env.ctx, a.cred.Code, ce.candidate(jury.Candidate{}))
			a.done("add candidate", err)
		}, a.env.win)
}

// correct changes a candidate's record, with the reason asked.
func (a *candidatesArea) correct() {
	old, ok := a.current()
	if !ok {
		return
	}
	ce := a.entries(old)
	reason := widget.NewEntry()
	items := append(ce.items(), widget.NewFormItem(i18n.T("enrolment.reason"), reason))
	dialog.ShowForm(i18n.T("enrolment.cand.correct"), i18n.T("enrolment.save"),
		i18n.T("enrolment.cancel"), items, func(ok bool) {
			if !ok {
				return
			}
			err := a.env.store.CorrectCandidate(a.env.ctx, a.cred.Code, old.ID,
				ce.candidate(old), reason.Text)
			a.done("correct candidate", err)
		}, a.env.win)
}

// withdraw records a withdrawal after confirmation and a reason.
func (a *candidatesArea) withdraw() {
	c, ok := a.current()
	if !ok {
		return
	}
	reason := widget.NewEntry()
	dialog.ShowForm(i18n.T("enrolment.cand.withdraw_title", c.FullName()),
		i18n.T("enrolment.cand.withdraw"), i18n.T("enrolment.cancel"),
		[]*widget.FormItem{widget.NewFormItem(i18n.T("enrolment.reason"), reason)},
		func(ok bool) {
			if ok {
				a.done("withdraw candidate",
					a.env.store.WithdrawCandidate(a.env.ctx, a.cred.Code, c.ID, reason.Text))
			}
		}, a.env.win)
}

// draw assigns universities at random, balanced, after confirmation.
func (a *candidatesArea) draw() {
	if a.cred == nil {
		return
	}
	a.env.shell.confirm(i18n.T("enrolment.cand.draw"), i18n.T("enrolment.cand.draw_confirm"),
		i18n.T("enrolment.cand.draw"), func() {
			d, err := a.env.store.DrawUniversities(a.env.ctx, a.cred.Code, jury.RandomSeed())
			a.done("draw universities", err)
			if err == nil {
				a.env.shell.tell(i18n.T("enrolment.cand.draw"),
					i18n.T("enrolment.cand.drawn", len(d.Assignments), d.Seed))
			}
		})
}

// accommodations edits the accommodation of the selected candidate; only
// the jury's president sees the button.
func (a *candidatesArea) accommodations() {
	c, ok := a.current()
	if !ok || !a.president.Checked {
		return
	}
	accs, err := a.env.store.Accommodations(a.env.ctx, a.cred.Code, c.ID)
	if err != nil {
		a.env.fail("read accommodations", i18n.T("enrolment.err.read"), err)
		return
	}
	var kinds []string
	for k := jury.AidExtraTime; k <= jury.AidOther; k++ {
		kinds = append(kinds, k.Label())
	}
	kind := widget.NewSelect(kinds, nil)
	extra, opinion, detail := widget.NewEntry(), widget.NewEntry(), widget.NewMultiLineEntry()
	extra.SetPlaceHolder("1/3")
	if len(accs) > 0 {
		kind.SetSelectedIndex(int(accs[0].Kind) - 1)
		if !accs[0].ExtraTime.IsZero() {
			extra.SetText(accs[0].ExtraTime.String())
		}
		opinion.SetText(accs[0].MedicalOpinion)
		detail.SetText(accs[0].Detail)
	}
	reason := widget.NewEntry()

	// The evaluation's duration with the accommodation, computed as it is typed.
	duration := widget.NewLabel("")
	showDuration := func() {
		var list []jury.Accommodation
		if i := kind.SelectedIndex(); i >= 0 {
			list = append(list, jury.Accommodation{Kind: jury.AccommodationKind(i + 1),
				ExtraTime: parseFraction(extra.Text)})
		}
		duration.SetText(durationText(a.cred.MCC.Duration, list))
	}
	kind.OnChanged = func(string) { showDuration() }
	extra.OnChanged = func(string) { showDuration() }
	showDuration()

	items := []*widget.FormItem{
		widget.NewFormItem(i18n.T("enrolment.acc.kind"), kind),
		widget.NewFormItem(i18n.T("enrolment.acc.extra"), extra),
		widget.NewFormItem(i18n.T("enrolment.acc.duration"), duration),
		widget.NewFormItem(i18n.T("enrolment.acc.opinion"), opinion),
		widget.NewFormItem(i18n.T("enrolment.acc.detail"), detail),
		widget.NewFormItem(i18n.T("enrolment.reason"), reason),
	}
	dialog.ShowForm(i18n.T("enrolment.acc.title", c.FullName()), i18n.T("enrolment.save"),
		i18n.T("enrolment.cancel"), items, func(ok bool) {
			if !ok {
				return
			}
			var list []jury.Accommodation
			if i := kind.SelectedIndex(); i >= 0 {
				list = append(list, jury.Accommodation{Kind: jury.AccommodationKind(i + 1),
					ExtraTime: parseFraction(extra.Text), MedicalOpinion: opinion.Text,
					Detail: detail.Text})
			}
			a.done("save accommodations", a.env.store.SetAccommodations(a.env.ctx,
				a.cred.Code, c.ID, list, reason.Text))
		}, a.env.win)
}

// durationText says how long the evaluation lasts for a candidate with
// accs, beside its normal duration ("2 h → 2 h 40"); "" when the
// assessment rules set no duration.
func durationText(base time.Duration, accs []jury.Accommodation) string {
	if base <= 0 {
		return i18n.T("enrolment.acc.noduration")
	}
	return i18n.T("enrolment.acc.durationValue", hoursMinutes(base),
		hoursMinutes(jury.AdjustedDuration(base, accs)))
}

// hoursMinutes writes a duration the French way: "2 h", "2 h 40".
func hoursMinutes(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	if m == 0 {
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %02d", h, m)
}

// parseFraction reads "1/3"; anything else is zero (one third by default).
func parseFraction(s string) jury.Fraction {
	num, den, ok := strings.Cut(strings.TrimSpace(s), "/")
	n, okN := parseNumber(num)
	d, okD := parseNumber(den)
	if !ok || !okN || !okD || d == 0 {
		return jury.Fraction{}
	}
	return jury.Fraction{Num: int(n), Den: int(d)}
}

// done reloads after a change, or says why it was refused.
func (a *candidatesArea) done(op string, err error) {
	if err != nil {
		a.env.fail(op, candidateSentence(err), err)
		return
	}
	a.reload()
}

// candidateSentence says why a change to a candidate was refused.
func candidateSentence(err error) string {
	var pe *jury.ProblemsError
	switch {
	case errors.As(err, &pe):
		return strings.Join(pe.Problems, "\n")
	case errors.Is(err, cstorage.ErrReasonRequired):
		return i18n.T("enrolment.err.reason")
	case errors.Is(err, cstorage.ErrCandidateExists):
		return i18n.T("enrolment.err.id_used")
	case errors.Is(err, cstorage.ErrNoUniversities):
		return i18n.T("enrolment.err.no_universities")
	}
	return i18n.T("enrolment.err.save")
}
