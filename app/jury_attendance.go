package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/jury"
	"certeval/storage"
)

// attendanceKinds are the choices of the attendance dialog, in order.
var attendanceKinds = []struct {
	kind jury.AbsenceKind
	key  string
}{
	{jury.Present, "deliberation.attendance.present"},
	{jury.AbsentJustified, "deliberation.attendance.absent_justified"},
	{jury.AbsentUnjustified, "deliberation.attendance.absent_unjustified"},
}

// attendanceForm holds the widgets of the attendance dialog.
type attendanceForm struct {
	kind   *widget.RadioGroup
	late   *widget.Check
	at     *widget.Entry // when the late work arrived, as juryDateLayout
	reason *widget.Entry
}

// attendanceDialog records whether the one selected candidate sat the
// sitting shown, absent with or without justification, and whether the
// work came late. The proposal then applies the assessment rules' measure.
func (a *juryArea) attendanceDialog() {
	ids := a.selectedIDs()
	if len(ids) != 1 {
		a.env.fail("record attendance", i18n.T("deliberation.error.select_one"), nil)
		return
	}
	id := ids[0]
	a.dlg = juryDialog{}
	a.att = newAttendanceForm(a.rowOf(id))

	items := []*widget.FormItem{
		widget.NewFormItem(i18n.T("deliberation.override.candidate"), widget.NewLabel(id)),
		widget.NewFormItem(i18n.T("deliberation.attendance.kind"), a.att.kind),
		widget.NewFormItem("", a.att.late),
		widget.NewFormItem(i18n.T("deliberation.attendance.at"), a.att.at),
		widget.NewFormItem(i18n.T("deliberation.attendance.reason"), a.att.reason),
	}
	if d := a.view.Deliberation; d != nil && d.State == jury.Closed {
		items = append(items, widget.NewFormItem("",
			wrapped(i18n.T("deliberation.attendance.closed", d.Version))))
	}
	a.form("deliberation.attendance.title", "deliberation.attendance.save", items,
		func() bool { return a.recordAttendance(id) })
}

// newAttendanceForm builds the dialog's widgets, filled in from what the
// row shows of the candidate.
func newAttendanceForm(r jury.Row) attendanceForm {
	var opts []string
	for _, k := range attendanceKinds {
		opts = append(opts, i18n.T(k.key))
	}
	f := attendanceForm{late: widget.NewCheck(i18n.T("deliberation.attendance.late"), nil),
		at: widget.NewEntry(), reason: widget.NewMultiLineEntry()}
	f.at.SetPlaceHolder(juryDateLayout)
	f.reason.SetPlaceHolder(i18n.T("deliberation.attendance.reason_hint"))
	f.late.SetChecked(r.Flags.Late)

	// Absence and lateness exclude each other: an absent candidate handed
	// nothing in.
	f.kind = widget.NewRadioGroup(opts, func(string) {
		if f.absence() != jury.Present {
			f.late.SetChecked(false)
			f.late.Disable()
			f.at.Disable()
			return
		}
		f.late.Enable()
		f.at.Enable()
	})
	f.kind.Required = true
	f.kind.SetSelected(opts[0])
	switch {
	case r.Proposed == jury.OutcomeAbsentJustified:
		f.kind.SetSelected(opts[1])
	case r.Proposed == jury.OutcomeAbsentUnjustified && !r.Flags.Late:
		f.kind.SetSelected(opts[2])
	}
	return f
}

// absence returns the kind of attendance chosen.
func (f attendanceForm) absence() jury.AbsenceKind {
	for _, k := range attendanceKinds {
		if i18n.T(k.key) == f.kind.Selected {
			return k.kind
		}
	}
	return jury.Present
}

// recordAttendance records what the dialog says; on an open deliberation
// the proposals are loaded again so that the table shows the new one.
func (a *juryArea) recordAttendance(id string) bool {
	const op = "record attendance"
	reason := strings.TrimSpace(a.att.reason.Text)
	if reason == "" {
		a.env.fail(op, i18n.T("deliberation.attendance.reason_required"), nil)
		return false
	}
	att := storage.Attendance{Absence: a.att.absence(),
		Late: a.att.late.Checked && a.att.absence() == jury.Present}
	if at := strings.TrimSpace(a.att.at.Text); att.Late && at != "" {
		t, err := juryParseDate(at)
		if err != nil {
			a.env.fail(op, i18n.T("deliberation.error.date", juryDateLayout), err)
			return false
		}
		att.SubmittedAt = t
	}

	code, sitting := a.code(), a.sittingNo()
	open := a.view.Deliberation != nil && a.view.Deliberation.State == jury.Open
	return a.do(op, func(ctx context.Context) error {
		err := a.env.store.RecordAttendance(ctx, code, id, sitting, att, reason)
		if err != nil || !open {
			return err
		}
		_, err = a.env.store.StartDeliberation(ctx, code, sitting)
		return err
	})
}

// rowOf returns the row of candidate id as the area last read it.
func (a *juryArea) rowOf(id string) jury.Row {
	for _, r := range a.view.Rows {
		if r.ID == id {
			return r
		}
	}
	return jury.Row{ID: id}
}

// showDetail shows, under the table, the proposal of the one candidate
// selected: its outcome, its reasons and the measure applied. The
// deliberation's copy of the proposal is shown when there is one, as in
// the table; otherwise the proposal is computed again.
func (a *juryArea) showDetail() {
	ids := a.selectedIDs()
	if len(ids) != 1 {
		a.detail.SetText("")
		return
	}
	id := ids[0]
	if d := a.view.Deliberation; d != nil {
		if dec, ok := d.Decisions[id]; ok && dec.Proposed.Outcome != "" {
			a.detail.SetText(juryDetailText(id, dec.Proposed))
			return
		}
	}

	code, sitting := a.code(), a.sittingNo()
	a.env.background(func(ctx context.Context) func() {
		props, err := a.env.store.Proposals(ctx, code, sitting)
		return func() {
			if err != nil {
				logError("compute proposals", err)
				return
			}
			p, ok := props[id]
			if ids := a.selectedIDs(); !ok || len(ids) != 1 || ids[0] != id {
				return // the selection changed meanwhile
			}
			a.detail.SetText(juryDetailText(id, p))
		}
	})
}

// juryDetailText is the detail line of one candidate's proposal.
func juryDetailText(id string, p jury.Proposal) string {
	text := i18n.T("deliberation.detail", id, juryOutcomeOption(p.Outcome),
		strings.Join(p.Reasons, " "))
	if p.Measure != "" {
		text += " " + i18n.T("deliberation.detail.measure", p.Measure)
	}
	return strings.TrimSpace(text)
}
