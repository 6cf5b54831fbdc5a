package app

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"certeval/grading"
	"certeval/i18n"
	"certeval/storage"
)

func init() { registerArea(3, newGradingArea) }

// gradingArea is the "Correction" area: the grading desk of one expert
// (the submissions allotted to them and the candidate page), the
// reconciliation of double marking, and the grading packages.
type gradingArea struct {
	env *env

	credSel   *widget.Select
	expertSel *widget.Select
	// expertKeys maps an expert's label in expertSel to their key identifier.
	expertKeys map[string]string
	filterSel  *widget.Select
	list       *widget.List
	count      *widget.Label
	page       *sheetPage
	pageBox    *fyne.Container

	items    []storage.DeskItem // every item of the expert
	shown    []int              // indices in items that pass the filter
	selected int                // index in shown, -1 for none

	recon *reconView
	pkgs  *packagesView
	tabs  *container.AppTabs
	box   fyne.CanvasObject
}

// statusFilters are the filter's choices: every status, then each one.
var statusFilters = []grading.Status{-1, grading.NotStarted, grading.InProgress,
	grading.Submitted}

// newGradingArea builds the area on the open workspace.
func newGradingArea(e *env) area {
	a := &gradingArea{env: e, selected: -1}
	a.credSel = widget.NewSelect(nil, func(string) { a.loadExperts() })
	a.expertSel = widget.NewSelect(nil, func(string) { a.loadDesk() })
	a.filterSel = widget.NewSelect(filterLabels(), nil)
	a.filterSel.SetSelectedIndex(0)
	a.filterSel.OnChanged = func(string) { a.applyFilter() }
	a.count = widget.NewLabel("")
	a.list = widget.NewList(func() int { return len(a.shown) }, newDeskRow, a.updateRow)
	a.list.OnSelected = func(id widget.ListItemID) { a.open(id) }
	next := widget.NewButton(i18n.T("desk.next_ungraded"), a.nextUngraded)

	a.page = newSheetPage(a)
	a.pageBox = container.NewStack(wrapped(i18n.T("desk.choose")))
	bar := container.NewHBox(widget.NewLabel(i18n.T("desk.credential")), a.credSel,
		widget.NewLabel(i18n.T("desk.expert")), wide(a.expertSel, 280),
		widget.NewLabel(i18n.T("desk.filter")), wide(a.filterSel, 150), next)
	left := container.NewBorder(a.count, nil, nil, nil, a.list)
	split := container.NewHSplit(left, a.pageBox)
	split.Offset = 0.28

	a.recon = newReconView(a)
	a.pkgs = newPackagesView(a)
	a.tabs = container.NewAppTabs(
		container.NewTabItem(i18n.T("desk.tab.desk"), split),
		container.NewTabItem(i18n.T("desk.tab.reconcile"), a.recon.box),
		container.NewTabItem(i18n.T("desk.tab.packages"), a.pkgs.box),
	)
	a.tabs.OnSelected = func(*container.TabItem) { a.refreshTab() }
	a.box = container.NewBorder(bar, nil, nil, nil, a.tabs)
	return a
}

// filterLabels are the status filter's labels.
func filterLabels() []string {
	out := []string{i18n.T("desk.filter.all")}
	for _, s := range statusFilters[1:] {
		out = append(out, s.Label())
	}
	return out
}

// Title is the area's name.
func (a *gradingArea) Title() string { return i18n.T("app.area.grading") }

// Content is what the area shows.
func (a *gradingArea) Content() fyne.CanvasObject { return a.box }

// Refresh reads the credentials again, keeping the one chosen.
func (a *gradingArea) Refresh() {
	refs, err := a.env.store.Credentials(a.env.ctx)
	if err != nil {
		a.env.fail("list credentials", i18n.T("desk.err.read"), err)
		return
	}
	codes := credentialCodes(refs)
	keep := a.credSel.Selected
	a.credSel.SetOptions(codes)
	switch {
	case keep != "" && contains(codes, keep):
		a.loadExperts()
	case len(codes) > 0:
		a.credSel.SetSelected(codes[0])
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// credential is the code of the credential chosen.
func (a *gradingArea) credential() string { return a.credSel.Selected }

// expert is the key identifier of the expert whose desk is shown.
func (a *gradingArea) expert() string {
	if k, ok := a.expertKeys[a.expertSel.Selected]; ok {
		return k
	}
	return a.expertSel.Selected
}

// expertLabels names the experts by their certificate's name when the
// workspace knows their key, and keeps a short key identifier beside it.
func (a *gradingArea) expertLabels(keys []string) []string {
	names := make(map[string]string)
	if pks, err := a.env.store.PackageKeys(a.env.ctx); err == nil {
		for _, pk := range pks {
			names[pk.KeyID] = pk.Name
		}
	}
	a.expertKeys = make(map[string]string)
	labels := make([]string, len(keys))
	for i, k := range keys {
		labels[i] = k
		if n := names[k]; n != "" {
			labels[i] = fmt.Sprintf("%s (%.8s)", n, k)
		}
		a.expertKeys[labels[i]] = k
	}
	return labels
}

// loadExperts lists the experts with submissions in the credential.
func (a *gradingArea) loadExperts() {
	experts, err := a.env.store.GradingExperts(a.env.ctx, a.credential())
	if err != nil {
		a.env.fail("list experts", i18n.T("desk.err.read"), err)
		return
	}
	keep := a.expertSel.Selected
	experts = a.expertLabels(experts)
	a.expertSel.SetOptions(experts)
	switch {
	case keep != "" && contains(experts, keep):
		a.loadDesk()
	case len(experts) > 0:
		a.expertSel.SetSelected(experts[0])
	default:
		a.expertSel.ClearSelected()
		a.loadDesk()
	}
	a.refreshTab()
}

// refreshTab reloads the tab shown other than the desk.
func (a *gradingArea) refreshTab() {
	switch a.tabs.SelectedIndex() {
	case 1:
		a.recon.load()
	case 2:
		a.pkgs.load()
	}
}

// loadDesk reads the expert's submissions.
func (a *gradingArea) loadDesk() {
	a.items = nil
	if a.expert() != "" {
		items, err := a.env.store.Desk(a.env.ctx, a.expert(), a.credential())
		if err != nil {
			a.env.fail("read desk", i18n.T("desk.err.read"), err)
			return
		}
		a.items = items
	}
	a.applyFilter()
}

// applyFilter keeps the items of the status chosen.
func (a *gradingArea) applyFilter() {
	want := statusFilters[max(a.filterSel.SelectedIndex(), 0)]
	a.shown = a.shown[:0]
	done := 0
	for i, it := range a.items {
		if it.Status == grading.Submitted {
			done++
		}
		if want < 0 || it.Status == want {
			a.shown = append(a.shown, i)
		}
	}
	a.count.SetText(i18n.T("desk.count", done, len(a.items)))
	a.list.UnselectAll()
	a.selected = -1
	a.list.Refresh()
}

// newDeskRow is one line of the list: the label (anonymous code or name)
// on the left, then the share of criteria graded and the status.
func newDeskRow() fyne.CanvasObject {
	bar := widget.NewProgressBar()
	bar.TextFormatter = func() string { return "" }
	right := container.NewHBox(container.NewCenter(
		container.NewGridWrap(fyne.NewSize(70, 14), bar)), widget.NewLabel(""))
	label := widget.NewLabel("")
	label.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, nil, right, label)
}

func (a *gradingArea) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(a.shown) {
		return
	}
	it := a.items[a.shown[id]]
	c := o.(*fyne.Container)
	right := c.Objects[1].(*fyne.Container)
	label := it.Label
	if it.Sitting > 1 {
		label += "  ·  " + i18n.T("desk.resit")
	}
	c.Objects[0].(*widget.Label).SetText(label)
	wrap := right.Objects[0].(*fyne.Container).Objects[0].(*fyne.Container)
	wrap.Objects[0].(*widget.ProgressBar).SetValue(progress(it))
	right.Objects[1].(*widget.Label).SetText(it.Status.Label())
}

// progress is the share of scored criteria with a level.
func progress(it storage.DeskItem) float64 {
	if it.Scored == 0 {
		return 0
	}
	return float64(it.Chosen) / float64(it.Scored)
}

// open shows the candidate page of the id-th item shown.
func (a *gradingArea) open(id int) {
	if id < 0 || id >= len(a.shown) {
		return
	}
	a.selected = id
	key := a.items[a.shown[id]].Key
	if err := a.page.load(key); err != nil {
		a.env.fail("open grading", i18n.T("desk.err.read"), err)
		return
	}
	a.pageBox.Objects = []fyne.CanvasObject{a.page.box}
	a.pageBox.Refresh()
	a.page.focus()
}

// move opens the next (+1) or previous (-1) candidate.
func (a *gradingArea) move(step int) {
	id := a.selected + step
	if id < 0 || id >= len(a.shown) {
		return
	}
	a.list.Select(id)
}

// nextUngraded opens the first candidate after the current one, then
// from the top, whose grading is not submitted.
func (a *gradingArea) nextUngraded() {
	n := len(a.shown)
	for k := 1; k <= n; k++ {
		id := (a.selected + k + n) % n
		if a.items[a.shown[id]].Status != grading.Submitted {
			a.list.Select(id)
			return
		}
	}
}

// itemChanged reads one item again after its grading changed.
func (a *gradingArea) itemChanged(key storage.GradingKey) {
	items, err := a.env.store.Desk(a.env.ctx, key.Expert, a.credential())
	if err != nil {
		logError("read desk", err)
		return
	}
	for _, it := range items {
		for i := range a.items {
			if a.items[i].Key == it.Key {
				a.items[i] = it
			}
		}
	}
	done := 0
	for _, it := range a.items {
		if it.Status == grading.Submitted {
			done++
		}
	}
	a.count.SetText(i18n.T("desk.count", done, len(a.items)))
	a.list.Refresh()
}

// explain turns a storage or grading error into a sentence.
func explain(err error) string {
	var se *storage.SubmitError
	switch {
	case errors.As(err, &se):
		return i18n.T("desk.err.incomplete", len(se.Missing), len(se.Feedback))
	case errors.Is(err, storage.ErrReasonRequired):
		return i18n.T("desk.err.reason")
	case errors.Is(err, storage.ErrNoGrading):
		return i18n.T("desk.err.notallotted")
	case errors.Is(err, storage.ErrGridDraft):
		return i18n.T("desk.err.draft")
	case errors.Is(err, context.Canceled):
		return ""
	}
	for _, known := range []error{grading.ErrReasonRequired, grading.ErrChoices,
		grading.ErrAgreementAuthor} {
		if errors.Is(err, known) {
			return grading.Explain(err)
		}
	}
	return i18n.T("desk.err.save")
}
