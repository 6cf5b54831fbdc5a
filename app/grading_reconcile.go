package app

import (
	"fmt"
	"math"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"certeval/grading"
	"certeval/i18n"
	"certeval/rubric"
	"certeval/storage"
)

// reconView is the reconciliation of double marking: the submissions
// whose gradings differ beyond the thresholds, side by side per
// criterion, where the jury agrees on levels with a reason or asks for a
// third grading.
type reconView struct {
	area  *gradingArea
	items []storage.Discrepancy
	cur   int

	list   *widget.List
	detail *fyne.Container
	agreed []*widget.Select
	reason *widget.Entry
	third  *widget.Entry
	box    fyne.CanvasObject
}

func newReconView(a *gradingArea) *reconView {
	v := &reconView{area: a, cur: -1}
	v.list = widget.NewList(func() int { return len(v.items) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(v.rowText(v.items[id]))
		})
	v.list.OnSelected = func(id widget.ListItemID) { v.show(id) }
	v.detail = container.NewVBox(wrapped(i18n.T("desk.recon.none")))
	split := container.NewHSplit(v.list, container.NewVScroll(v.detail))
	split.Offset = 0.3
	v.box = split
	return v
}

// rowText is a discrepancy as the list shows it.
func (v *reconView) rowText(d storage.Discrepancy) string {
	var marks []string
	for _, m := range d.Marks {
		marks = append(marks, i18n.Number(m, 2))
	}
	text := i18n.T("desk.recon.row", d.Label, strings.Join(marks, " / "))
	if d.ThirdAsked {
		text += " " + i18n.T("desk.recon.thirdasked")
	}
	return text
}

// load reads the discrepancies of the credential chosen.
func (v *reconView) load() {
	v.items = nil
	if code := v.area.credential(); code != "" {
		ds, err := v.area.env.store.Discrepancies(v.area.env.ctx, code)
		if err != nil {
			v.area.env.fail("list discrepancies", i18n.T("desk.err.read"), err)
			return
		}
		v.items = ds
	}
	v.cur = -1
	v.list.UnselectAll()
	v.list.Refresh()
	v.detail.Objects = []fyne.CanvasObject{wrapped(i18n.T("desk.recon.none"))}
	if len(v.items) > 0 {
		v.detail.Objects = []fyne.CanvasObject{wrapped(i18n.T("desk.recon.choose",
			len(v.items)))}
	}
	v.detail.Refresh()
}

// show puts discrepancy id side by side, criterion by criterion.
func (v *reconView) show(id int) {
	if id < 0 || id >= len(v.items) {
		return
	}
	v.cur = id
	d := v.items[id]
	grid, _, err := v.area.env.store.GridByID(v.area.env.ctx, d.GridID)
	if err != nil {
		v.area.env.fail("read grid", i18n.T("desk.err.read"), err)
		return
	}
	cols := len(d.Gradings) + 2
	cells := []fyne.CanvasObject{bold(i18n.T("desk.recon.criterion"))}
	for i := range d.Gradings {
		cells = append(cells, bold(i18n.T("desk.recon.expert", i+1)))
	}
	cells = append(cells, bold(i18n.T("desk.recon.agreed")))
	v.agreed = nil
	for c, crit := range grid.Criteria {
		cells = append(cells, widget.NewLabel(crit.Label))
		var opts []string
		for _, l := range crit.Levels {
			opts = append(opts, l.Label)
		}
		var levels []int
		for _, g := range d.Gradings {
			cells = append(cells, widget.NewLabel(levelLabel(crit.Levels, g.Choices, c)))
			if c < len(g.Choices) && g.Choices[c] >= 0 {
				levels = append(levels, g.Choices[c])
			}
		}
		sel := widget.NewSelect(opts, nil)
		if len(levels) > 0 && len(opts) > 0 {
			sel.SetSelectedIndex(meanLevel(levels))
		}
		v.agreed = append(v.agreed, sel)
		cells = append(cells, sel)
	}
	v.reason = widget.NewEntry()
	v.reason.SetPlaceHolder(i18n.T("desk.recon.reason"))
	v.third = widget.NewEntry()
	v.third.SetPlaceHolder(i18n.T("desk.recon.thirdexpert"))
	agree := widget.NewButton(i18n.T("desk.recon.agree"), v.agree)
	third := widget.NewButton(i18n.T("desk.recon.third"), v.requestThird)
	v.detail.Objects = []fyne.CanvasObject{bold(d.Label),
		container.NewGridWithColumns(cols, cells...), v.reason, agree, v.third, third}
	v.detail.Refresh()
}

func bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// levelLabel is the label of the level chosen on criterion c, "—" for none.
func levelLabel(levels []rubric.Level, choices []int, c int) string {
	if c >= len(choices) || choices[c] < 0 || choices[c] >= len(levels) {
		return "—"
	}
	return fmt.Sprintf("%d · %s", choices[c]+1, levels[choices[c]].Label)
}

// meanLevel is the level nearest the mean of levels.
func meanLevel(levels []int) int {
	sum := 0
	for _, l := range levels {
		sum += l
	}
	return int(math.Round(float64(sum) / float64(len(levels))))
}

// agree records the levels chosen as the agreed grading.
func (v *reconView) agree() {
	if v.cur < 0 {
		return
	}
	a := grading.Agreement{Reason: strings.TrimSpace(v.reason.Text)}
	for _, s := range v.agreed {
		a.Choices = append(a.Choices, s.SelectedIndex())
	}
	d := v.items[v.cur]
	if err := v.area.env.store.RecordAgreement(v.area.env.ctx, d.Submission, a); err != nil {
		v.area.env.fail("record agreement", explain(err), err)
		return
	}
	v.load()
}

// requestThird asks a third expert to grade the submission.
func (v *reconView) requestThird() {
	if v.cur < 0 {
		return
	}
	d := v.items[v.cur]
	err := v.area.env.store.RequestThirdGrading(v.area.env.ctx, d.Submission,
		strings.TrimSpace(v.third.Text), strings.TrimSpace(v.reason.Text))
	if err != nil {
		v.area.env.fail("request third grading", explain(err), err)
		return
	}
	v.load()
}
