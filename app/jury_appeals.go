package app

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/jury"
	"certeval/seal"
	"certeval/storage"
)

// appealsDialog shows the appeals register, with buttons to file an
// appeal and to decide the open ones.
func (a *juryArea) appealsDialog() {
	if a.code() == "" {
		a.env.fail("appeals", i18n.T("deliberation.status.no_credential"), nil)
		return
	}
	recs, err := a.env.store.Appeals(a.env.ctx, a.code())
	if err != nil {
		a.fail("list appeals", err)
		return
	}
	list := container.NewVBox()
	if len(recs) == 0 {
		list.Add(widget.NewLabel(i18n.T("deliberation.appeal.none")))
	}
	var d dialog.Dialog
	for _, rec := range recs {
		list.Add(a.appealLine(rec, func() { d.Hide() }))
	}
	file := widget.NewButton(i18n.T("deliberation.appeal.file"), func() {
		d.Hide()
		a.fileAppealDialog()
	})
	content := container.NewBorder(nil, file, nil, nil, container.NewVScroll(list))
	d = dialog.NewCustom(i18n.T("deliberation.appeal.title"), i18n.T("app.ok"), content,
		a.env.win)
	d.Resize(fyne.NewSize(640, 420))
	d.Show()
}

// appealLine is one appeal of the register, with a button to decide it
// while it is open.
func (a *juryArea) appealLine(rec storage.AppealRecord, hide func()) fyne.CanvasObject {
	text := i18n.T("deliberation.appeal.line", rec.ID, rec.Candidate,
		rec.Filed.Local().Format("2006-01-02"), rec.Contested.Sitting, rec.Contested.Version,
		juryAppealStatus(rec))
	if rec.Late {
		text += " " + i18n.T("deliberation.appeal.late", rec.DaysLate)
	}
	line := wrapped(text)
	if rec.Status != jury.AppealOpen {
		return line
	}
	decide := widget.NewButton(i18n.T("deliberation.appeal.decide"), func() {
		hide()
		a.decideAppealDialog(rec)
	})
	return container.NewBorder(nil, nil, nil, decide, line)
}

// juryAppealStatus names where an appeal stands.
func juryAppealStatus(rec storage.AppealRecord) string {
	switch rec.Status {
	case jury.AppealUpheld:
		return i18n.T("deliberation.appeal.upheld", rec.Revised.Code(), rec.NewVersion)
	case jury.AppealRejected:
		return i18n.T("deliberation.appeal.rejected")
	}
	return i18n.T("deliberation.appeal.open")
}

// fileAppealDialog records a new appeal against the latest closed version.
func (a *juryArea) fileAppealDialog() {
	var ids []string
	if d := a.view.Deliberation; d != nil {
		ids = d.Candidates()
	}
	a.dlg = juryDialog{candidate: widget.NewSelect(ids, nil), filed: widget.NewEntry(),
		reason: widget.NewMultiLineEntry()}
	a.dlg.filed.SetText(time.Now().Format("2006-01-02"))
	items := []*widget.FormItem{
		widget.NewFormItem(i18n.T("deliberation.appeal.candidate"), a.dlg.candidate),
		widget.NewFormItem(i18n.T("deliberation.appeal.filed"), a.dlg.filed),
		widget.NewFormItem(i18n.T("deliberation.appeal.grounds"), a.dlg.reason),
	}
	a.form("deliberation.appeal.file", "deliberation.appeal.file", items, a.fileAppeal)
}

// fileAppeal records the appeal the dialog describes.
func (a *juryArea) fileAppeal() bool {
	filed, err := juryParseDate(a.dlg.filed.Text)
	if err != nil {
		a.env.fail("file appeal", i18n.T("deliberation.error.date", "2006-01-02"), err)
		return false
	}
	ap := jury.Appeal{Candidate: a.dlg.candidate.Selected, Filed: filed,
		Grounds: a.dlg.reason.Text, Contested: jury.Contested{Sitting: a.sittingNo()}}
	var rec storage.AppealRecord
	if !a.do("file appeal", func(ctx context.Context) error {
		rec, err = a.env.store.FileAppeal(ctx, a.code(), ap)
		return err
	}) {
		return false
	}
	if rec.Late {
		a.dlg.then = func() {
			a.env.shell.tell(i18n.T("deliberation.appeal.title"),
				i18n.T("deliberation.appeal.late_recorded", rec.DaysLate))
		}
	}
	return true
}

// decideAppealDialog rejects or upholds an open appeal; upholding needs
// the revised outcome and the president's key to sign the new version.
func (a *juryArea) decideAppealDialog(rec storage.AppealRecord) {
	var opts []string
	for _, o := range jury.Outcomes {
		if !o.Pending() {
			opts = append(opts, juryOutcomeOption(o))
		}
	}
	a.dlg = juryDialog{upheld: widget.NewCheck(i18n.T("deliberation.appeal.uphold"), nil),
		outcome: widget.NewSelect(opts, nil), reason: widget.NewMultiLineEntry(),
		keyPath: widget.NewEntry(), passphrase: widget.NewPasswordEntry()}
	items := []*widget.FormItem{
		widget.NewFormItem(i18n.T("deliberation.appeal.candidate"),
			widget.NewLabel(rec.Candidate)),
		widget.NewFormItem(i18n.T("deliberation.appeal.grounds"), wrapped(rec.Grounds)),
		widget.NewFormItem("", a.dlg.upheld),
		widget.NewFormItem(i18n.T("deliberation.appeal.revised"), a.dlg.outcome),
		widget.NewFormItem(i18n.T("deliberation.appeal.reason"), a.dlg.reason),
		widget.NewFormItem(i18n.T("deliberation.close.key"), a.dlg.keyPath),
		widget.NewFormItem(i18n.T("deliberation.close.passphrase"), a.dlg.passphrase),
	}
	a.form("deliberation.appeal.decide", "deliberation.appeal.decide", items,
		func() bool { return a.decideAppeal(rec) })
}

// decideAppeal records the review the dialog describes.
func (a *juryArea) decideAppeal(rec storage.AppealRecord) bool {
	upheld := a.dlg.upheld.Checked
	var id *seal.Identity
	if upheld {
		var ok bool
		if id, ok = a.loadIdentity(); !ok {
			return false
		}
	}
	revised, reason := juryOptionOutcome(a.dlg.outcome.Selected), a.dlg.reason.Text
	return a.do("decide appeal", func(ctx context.Context) error {
		_, err := a.env.store.DecideAppeal(ctx, a.code(), rec.ID, upheld, revised, reason, id)
		return err
	})
}
