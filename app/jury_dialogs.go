package app

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/jury"
	"certeval/seal"
)

// juryDialog holds the widgets of the jury's dialog on screen.
type juryDialog struct {
	outcome    *widget.Select
	reason     *widget.Entry
	votes      [3]*widget.Entry // for, against, abstain
	casting    *widget.Select
	keyPath    *widget.Entry
	passphrase *widget.Entry
	candidate  *widget.Select
	filed      *widget.Entry
	upheld     *widget.Check
	dialog     dialog.Dialog
	// then runs once the dialog is hidden after a successful submit: a
	// dialog shown before would be hidden with it.
	then func()
}

// meetingForm builds the meeting's form: date, place or videoconference,
// the members present and the quorum.
func (a *juryArea) meetingForm() fyne.CanvasObject {
	a.date = widget.NewEntry()
	a.date.SetPlaceHolder(juryDateLayout)
	a.place = widget.NewEntry()
	a.place.SetPlaceHolder(i18n.T("deliberation.meeting.place"))
	a.remote = widget.NewCheck(i18n.T("deliberation.meeting.remote"), nil)
	a.members = container.NewHBox()
	a.quorum = widget.NewLabel("")
	save := widget.NewButton(i18n.T("deliberation.meeting.save"), a.saveMeeting)
	return widget.NewCard("", i18n.T("deliberation.meeting.title"), container.NewVBox(
		container.NewGridWithColumns(3, a.date, a.place, a.remote),
		a.members, container.NewHBox(a.quorum, save)))
}

// showMeeting fills the form with the saved meeting, or with the jury of
// the assessment rules when none was saved.
func (a *juryArea) showMeeting() {
	m := a.view.Meeting
	if len(m.Members) == 0 {
		for _, mem := range a.view.Credential.MCC.Jury {
			m.Members = append(m.Members, jury.MeetingMember{Member: mem})
		}
		m.Quorum = a.view.Credential.MCC.Quorum
	}
	a.date.SetText("")
	if !m.Date.IsZero() {
		a.date.SetText(m.Date.Local().Format(juryDateLayout))
	}
	a.place.SetText(m.Place)
	a.remote.SetChecked(m.Remote)

	a.checks = nil
	a.members.RemoveAll()
	for _, mm := range m.Members {
		label := mm.Name
		if mm.President {
			label = i18n.T("deliberation.meeting.president", mm.Name)
		}
		c := widget.NewCheck(label, func(bool) { a.showQuorum() })
		c.SetChecked(mm.Present)
		a.checks = append(a.checks, c)
		a.members.Add(c)
	}
	a.showQuorum()
}

// meeting returns the meeting the form describes.
func (a *juryArea) meeting() (jury.Meeting, error) {
	m := jury.Meeting{Sitting: a.sittingNo(), Place: strings.TrimSpace(a.place.Text),
		Remote: a.remote.Checked, Quorum: a.view.Credential.MCC.Quorum}
	if a.view.Meeting.Quorum > 0 {
		m.Quorum = a.view.Meeting.Quorum
	}
	if strings.TrimSpace(a.date.Text) != "" {
		d, err := juryParseDate(a.date.Text)
		if err != nil {
			return m, err
		}
		m.Date = d
	}
	members := a.view.Meeting.Members
	if len(members) == 0 {
		for _, mem := range a.view.Credential.MCC.Jury {
			members = append(members, jury.MeetingMember{Member: mem})
		}
	}
	for i, mm := range members {
		if i < len(a.checks) {
			mm.Present = a.checks[i].Checked
		}
		m.Members = append(m.Members, mm)
	}
	return m, nil
}

// showQuorum says whether the members ticked make the quorum.
func (a *juryArea) showQuorum() {
	m, _ := a.meeting()
	key := "deliberation.meeting.quorum_missing"
	if m.QuorumMet() {
		key = "deliberation.meeting.quorum_met"
	}
	a.quorum.SetText(i18n.T(key, m.PresentCount(), max(m.Quorum, 1)))
}

// saveMeeting records the meeting.
func (a *juryArea) saveMeeting() {
	m, err := a.meeting()
	if err != nil {
		a.env.fail("save meeting", i18n.T("deliberation.error.date", juryDateLayout), err)
		return
	}
	a.do("save meeting", func(ctx context.Context) error {
		return a.env.store.SaveMeeting(ctx, a.code(), m)
	})
}

// form shows a dialog of items; submit runs when confirmed and keeps the
// dialog open when it returns false.
func (a *juryArea) form(titleKey, confirmKey string, items []*widget.FormItem,
	submit func() bool) {
	f := widget.NewForm(items...)
	var d *dialog.CustomDialog
	ok := widget.NewButton(i18n.T(confirmKey), func() {
		if submit() {
			d.Hide()
			if then := a.dlg.then; then != nil {
				a.dlg.then = nil
				then()
			}
		}
	})
	ok.Importance = widget.HighImportance
	cancel := widget.NewButton(i18n.T("app.cancel"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(i18n.T(titleKey), f, a.env.win)
	d.SetButtons([]fyne.CanvasObject{cancel, ok})
	d.Resize(fyne.NewSize(520, 0))
	a.dlg.dialog = d
	d.Show()
}

// overrideDialog departs from the proposal of the one selected candidate.
func (a *juryArea) overrideDialog() {
	ids := a.selectedIDs()
	if len(ids) != 1 {
		a.env.fail("override", i18n.T("deliberation.error.select_one"), nil)
		return
	}
	id := ids[0]
	var opts []string
	for _, o := range jury.Outcomes {
		if !o.Pending() && o != jury.OutcomePassedByJury {
			opts = append(opts, juryOutcomeOption(o))
		}
	}
	a.dlg = juryDialog{outcome: widget.NewSelect(opts, nil), reason: widget.NewMultiLineEntry(),
		casting: widget.NewSelect([]string{"—", i18n.T("deliberation.vote.for"),
			i18n.T("deliberation.vote.against")}, nil)}
	a.dlg.casting.SetSelectedIndex(0)
	items := []*widget.FormItem{
		widget.NewFormItem(i18n.T("deliberation.override.candidate"), widget.NewLabel(id)),
		widget.NewFormItem(i18n.T("deliberation.override.outcome"), a.dlg.outcome),
		widget.NewFormItem(i18n.T("deliberation.override.reason"), a.dlg.reason),
	}
	for i, key := range []string{"for", "against", "abstain"} {
		a.dlg.votes[i] = widget.NewEntry()
		a.dlg.votes[i].SetText("0")
		items = append(items, widget.NewFormItem(i18n.T("deliberation.vote."+key),
			a.dlg.votes[i]))
	}
	items = append(items, widget.NewFormItem(i18n.T("deliberation.vote.casting"),
		a.dlg.casting))
	a.form("deliberation.override.title", "deliberation.action.override", items,
		func() bool { return a.override(id) })
}

// override records the departure the dialog describes.
func (a *juryArea) override(id string) bool {
	o := juryOptionOutcome(a.dlg.outcome.Selected)
	if o == "" {
		a.env.fail("override", i18n.T("deliberation.error.outcome"), nil)
		return false
	}
	var v jury.Vote
	counts := []*int{&v.For, &v.Against, &v.Abstain}
	for i, e := range a.dlg.votes {
		n, err := strconv.Atoi(strings.TrimSpace(e.Text))
		if err != nil || n < 0 {
			a.env.fail("override", i18n.T("deliberation.error.vote_count"), err)
			return false
		}
		*counts[i] = n
	}
	if i := a.dlg.casting.SelectedIndex(); i > 0 {
		v.CastingVote = new(i == 1)
	}
	reason := a.dlg.reason.Text
	return a.do("override decision", func(ctx context.Context) error {
		return a.env.store.OverrideDecision(ctx, a.code(), a.sittingNo(), id, o, reason, &v)
	})
}

// closeDialog asks for the president's key file and passphrase, closes
// the deliberation and shows its fingerprint.
func (a *juryArea) closeDialog() {
	a.dlg = juryDialog{keyPath: widget.NewEntry(), passphrase: widget.NewPasswordEntry()}
	a.dlg.keyPath.SetPlaceHolder(i18n.T("deliberation.close.key_hint"))
	items := []*widget.FormItem{
		widget.NewFormItem(i18n.T("deliberation.close.key"), a.dlg.keyPath),
		widget.NewFormItem(i18n.T("deliberation.close.passphrase"), a.dlg.passphrase),
	}
	a.form("deliberation.close.title", "deliberation.action.close", items, a.closeDeliberation)
}

// loadIdentity reads the key file the dialog names.
func (a *juryArea) loadIdentity() (*seal.Identity, bool) {
	id, err := seal.Load(strings.TrimSpace(a.dlg.keyPath.Text), []byte(a.dlg.passphrase.Text))
	if err != nil {
		a.env.fail("load signing key", seal.Explain(err), err)
		return nil, false
	}
	return id, true
}

// closeDeliberation closes and signs with the identity of the dialog.
func (a *juryArea) closeDeliberation() bool {
	id, ok := a.loadIdentity()
	if !ok {
		return false
	}
	var d *jury.Deliberation
	if !a.do("close deliberation", func(ctx context.Context) error {
		var err error
		d, err = a.env.store.CloseDeliberation(ctx, a.code(), a.sittingNo(),
			a.env.store.Actor, id)
		return err
	}) {
		return false
	}
	a.lastFingerprint = d.Fingerprint
	a.dlg.then = func() {
		a.env.shell.tell(i18n.T("deliberation.close.done_title"),
			i18n.T("deliberation.close.done", d.Version, d.Fingerprint))
	}
	return true
}

// reopenDialog asks for the reason, then reopens the deliberation.
func (a *juryArea) reopenDialog() {
	a.dlg = juryDialog{reason: widget.NewMultiLineEntry()}
	items := []*widget.FormItem{
		widget.NewFormItem(i18n.T("deliberation.reopen.reason"), a.dlg.reason),
		widget.NewFormItem("", wrapped(i18n.T("deliberation.reopen.warning"))),
	}
	a.form("deliberation.reopen.title", "deliberation.action.reopen", items, func() bool {
		reason := a.dlg.reason.Text
		return a.do("reopen deliberation", func(ctx context.Context) error {
			_, err := a.env.store.ReopenDeliberation(ctx, a.code(), a.sittingNo(), reason)
			return err
		})
	})
}

// revealDialog reveals the names after confirmation.
func (a *juryArea) revealDialog() {
	a.env.shell.confirm(i18n.T("deliberation.reveal.title"),
		i18n.T("deliberation.reveal.confirm"), i18n.T("deliberation.action.reveal"),
		func() {
			a.do("reveal names", func(ctx context.Context) error {
				return a.env.store.RevealNames(ctx, a.code(), a.sittingNo())
			})
		})
}

// resitDialog enrols the resit candidates after confirmation.
func (a *juryArea) resitDialog() {
	a.env.shell.confirm(i18n.T("deliberation.resit.title"),
		i18n.T("deliberation.resit.confirm"), i18n.T("deliberation.action.resit"), func() {
			var ids []string
			if a.do("enrol resit", func(ctx context.Context) error {
				var err error
				ids, err = a.env.store.EnrolResit(ctx, a.code())
				return err
			}) {
				a.env.shell.tell(i18n.T("deliberation.resit.title"),
					i18n.T("deliberation.resit.done", len(ids), strings.Join(ids, ", ")))
			}
		})
}
