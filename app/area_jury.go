package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/jury"
	"certeval/seal"
	"certeval/storage"
)

func init() { registerArea(4, newJuryArea) }

// juryColumns are the columns of the deliberation table after the
// selection mark, with the table column each sorts by.
var juryColumns = []struct {
	key string
	col jury.Column
}{
	{"deliberation.column.id", jury.ColumnID},
	{"deliberation.column.name", jury.ColumnName},
	{"deliberation.column.mark", jury.ColumnMark},
	{"deliberation.column.proposed", jury.ColumnProposed},
	{"deliberation.column.decided", jury.ColumnDecided},
	{"deliberation.column.flags", jury.ColumnAppeal},
}

// juryDateLayout is how dates are typed in the jury's forms.
const juryDateLayout = "2006-01-02 15:04"

// juryArea is the "Jury" area: the meeting, the deliberation table and
// the jury's decisions, the closing and its signature, resits and appeals.
type juryArea struct {
	env *env
	box fyne.CanvasObject

	credential *widget.Select
	sitting    *widget.Select
	status     *widget.Label

	// The meeting form.
	date    *widget.Entry
	place   *widget.Entry
	remote  *widget.Check
	members *fyne.Container
	checks  []*widget.Check
	quorum  *widget.Label

	// The table, its order, its filter and the rows shown.
	table    *widget.Table
	model    *jury.Table
	shown    []jury.Row
	selected map[string]bool
	sortCol  jury.Column
	sortDesc bool
	outcome  *widget.Select
	search   *widget.Entry
	// detail shows the proposal of the one candidate selected: its
	// reasons and the absence or lateness measure applied.
	detail *widget.Label

	view storage.JuryView
	// lastFingerprint is the fingerprint shown after the last closing.
	lastFingerprint string
	// dlg holds the widgets of the dialog on screen, for its handlers.
	dlg juryDialog
	// att holds the widgets of the attendance dialog.
	att attendanceForm
}

// newJuryArea builds the area on the open workspace.
func newJuryArea(e *env) area {
	a := &juryArea{env: e, selected: make(map[string]bool)}
	a.credential = widget.NewSelect(nil, nil)
	a.sitting = widget.NewSelect([]string{i18n.T("deliberation.sitting.1"),
		i18n.T("deliberation.sitting.2")}, nil)
	a.sitting.SetSelectedIndex(0)
	a.status = wrapped("")
	a.detail = wrapped("")

	top := container.NewHBox(widget.NewLabel(i18n.T("deliberation.credential")),
		a.credential, wide(a.sitting, 240))
	a.box = container.NewBorder(
		container.NewVBox(top, a.meetingForm(), a.status, a.toolbar(), a.filterBar()),
		a.detail, nil, nil, a.newTable())

	// Changing the credential or the sitting reads it, once all is built.
	a.credential.OnChanged = func(string) { a.Refresh() }
	a.sitting.OnChanged = func(string) { a.Refresh() }
	return a
}

// Title is the area's name.
func (a *juryArea) Title() string { return i18n.T("app.area.jury") }

// Content is what the area shows.
func (a *juryArea) Content() fyne.CanvasObject { return a.box }

// Refresh reads the credentials, then the chosen sitting, in the
// background.
func (a *juryArea) Refresh() {
	code, sitting := a.credential.Selected, a.sitting.SelectedIndex()+1
	a.env.background(func(ctx context.Context) func() {
		refs, err := a.env.store.Credentials(ctx)
		if err != nil {
			return func() { a.fail("list credentials", err) }
		}
		codes := credentialCodes(refs)
		if code == "" && len(codes) > 0 {
			code = codes[0]
		}
		var v storage.JuryView
		if code != "" {
			v, err = a.env.store.JuryView(ctx, code, sitting)
		}
		return func() { a.show(codes, code, v, err) }
	})
}

// show puts what Refresh read on screen.
func (a *juryArea) show(codes []string, code string, v storage.JuryView, err error) {
	if err != nil {
		a.fail("read deliberation", err)
		return
	}
	a.credential.Options = codes
	if a.credential.Selected != code {
		a.credential.Selected = code
		a.credential.Refresh()
	}
	a.view = v
	a.showMeeting()
	a.showStatus()
	a.model = jury.NewTable(v.Rows)
	a.model.Sort(a.sortCol, a.sortDesc)
	a.applyFilter()
	a.showDetail()
}

// code and sittingNo name what the area shows.
func (a *juryArea) code() string   { return a.credential.Selected }
func (a *juryArea) sittingNo() int { return a.sitting.SelectedIndex() + 1 }

// showStatus describes the deliberation's version and state.
func (a *juryArea) showStatus() {
	d := a.view.Deliberation
	switch {
	case a.code() == "":
		a.status.SetText(i18n.T("deliberation.status.no_credential"))
	case d == nil:
		a.status.SetText(i18n.T("deliberation.status.not_started"))
	case d.State == jury.Closed:
		a.status.SetText(i18n.T("deliberation.status.closed", d.Version, d.ClosedBy,
			d.ClosedAt.Local().Format(juryDateLayout), d.Fingerprint))
	default:
		a.status.SetText(i18n.T("deliberation.status.open", d.Version,
			len(d.Candidates())-len(d.Undecided()), len(d.Candidates())))
	}
}

// toolbar holds the jury's actions.
func (a *juryArea) toolbar() fyne.CanvasObject {
	b := func(key string, f func()) *widget.Button { return widget.NewButton(i18n.T(key), f) }
	return container.NewGridWrap(fyne.NewSize(190, 36),
		b("deliberation.action.start", a.start),
		b("deliberation.action.accept", a.acceptSelected),
		b("deliberation.action.accept_all", a.acceptAll),
		b("deliberation.action.override", a.overrideDialog),
		b("deliberation.action.attendance", a.attendanceDialog),
		b("deliberation.action.close", a.closeDialog),
		b("deliberation.action.reopen", a.reopenDialog),
		b("deliberation.action.reveal", a.revealDialog),
		b("deliberation.action.appeals", a.appealsDialog),
		b("deliberation.action.resit", a.resitDialog),
	)
}

// filterBar holds the outcome select and the search entry.
func (a *juryArea) filterBar() fyne.CanvasObject {
	opts := []string{i18n.T("deliberation.filter.all")}
	for _, o := range jury.Outcomes {
		opts = append(opts, juryOutcomeOption(o))
	}
	a.outcome = widget.NewSelect(opts, func(string) { a.applyFilter() })
	a.outcome.SetSelectedIndex(0)
	a.search = widget.NewEntry()
	a.search.SetPlaceHolder(i18n.T("deliberation.filter.search"))
	a.search.OnChanged = func(string) { a.applyFilter() }
	return container.NewBorder(nil, nil,
		container.NewHBox(widget.NewLabel(i18n.T("deliberation.filter.proposed")),
			wide(a.outcome, 300)),
		nil, a.search)
}

// wide gives a select room for its longest option: Fyne sizes a select by
// its placeholder, which truncates longer choices.
func wide(s *widget.Select, width float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(width, s.MinSize().Height), s)
}

// juryOutcomeOption is how an outcome appears in a select.
func juryOutcomeOption(o jury.Outcome) string { return o.Code() + " — " + o.Label() }

// juryOptionOutcome returns the outcome of a select option, "" for none.
func juryOptionOutcome(opt string) jury.Outcome {
	code, _, _ := strings.Cut(opt, " — ")
	o, err := jury.ParseOutcome(code)
	if err != nil {
		return ""
	}
	return o
}

// applyFilter shows the rows the filter selects, in the current order.
func (a *juryArea) applyFilter() {
	if a.model == nil || a.table == nil {
		return
	}
	a.shown = a.model.Filter(jury.Filter{
		Proposed: juryOptionOutcome(a.outcome.Selected), Text: a.search.Text,
	})
	a.table.Refresh()
}

// sortBy sorts the table by column c; tapping the same header again
// reverses the order.
func (a *juryArea) sortBy(c jury.Column) {
	if a.sortCol == c {
		a.sortDesc = !a.sortDesc
	} else {
		a.sortCol, a.sortDesc = c, false
	}
	if a.model != nil {
		a.model.Sort(a.sortCol, a.sortDesc)
	}
	a.applyFilter()
}

// newTable builds the deliberation table: a selection mark, then the
// columns of juryColumns, with headers that sort when tapped.
func (a *juryArea) newTable() fyne.CanvasObject {
	a.table = widget.NewTable(
		func() (int, int) { return len(a.shown), len(juryColumns) + 1 },
		func() fyne.CanvasObject { return widget.NewLabel("XXXXXXXXXXXXXXXX") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(a.cell(id.Row, id.Col))
		})
	a.table.ShowHeaderRow = true
	a.table.CreateHeader = func() fyne.CanvasObject { return widget.NewButton("", nil) }
	a.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		btn := o.(*widget.Button)
		if id.Col == 0 {
			btn.SetText("✓")
			btn.OnTapped = a.toggleAll
			return
		}
		c := juryColumns[id.Col-1]
		text := i18n.T(c.key)
		if c.col == a.sortCol {
			text += map[bool]string{false: " ▲", true: " ▼"}[a.sortDesc]
		}
		btn.SetText(text)
		btn.OnTapped = func() { a.sortBy(c.col) }
	}
	widths := []float32{36, 110, 200, 70, 80, 80, 220}
	for i, w := range widths {
		a.table.SetColumnWidth(i, w)
	}
	a.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(a.shown) {
			a.toggle(a.shown[id.Row].ID)
		}
		a.table.UnselectAll()
	}
	return a.table
}

// cell returns the text of one cell of the table.
func (a *juryArea) cell(row, col int) string {
	if row < 0 || row >= len(a.shown) {
		return ""
	}
	r := a.shown[row]
	switch col {
	case 0:
		if a.selected[r.ID] {
			return "✓"
		}
		return ""
	case 1:
		return r.ID
	case 2:
		return r.Display()
	case 3:
		if r.HasMark {
			return i18n.Number(r.Mark, 2)
		}
		return "—"
	case 4:
		return r.Proposed.Code()
	case 5:
		return r.Decided.Code()
	}
	return juryFlagsText(r.Flags)
}

// juryFlagsText lists a row's flags in words.
func juryFlagsText(f jury.Flags) string {
	var out []string
	for _, fl := range []struct {
		on  bool
		key string
	}{
		{f.Accommodation, "deliberation.flag.accommodation"}, {f.Late, "deliberation.flag.late"},
		{f.Reconciled, "deliberation.flag.reconciled"}, {f.Appeal, "deliberation.flag.appeal"},
	} {
		if fl.on {
			out = append(out, i18n.T(fl.key))
		}
	}
	return strings.Join(out, ", ")
}

// toggle selects or unselects one candidate.
func (a *juryArea) toggle(id string) {
	a.selected[id] = !a.selected[id]
	if !a.selected[id] {
		delete(a.selected, id)
	}
	a.table.Refresh()
	a.showDetail()
}

// toggleAll selects every row shown, or none when all are selected.
func (a *juryArea) toggleAll() {
	all := len(a.shown) > 0
	for _, r := range a.shown {
		all = all && a.selected[r.ID]
	}
	clear(a.selected)
	if !all {
		for _, r := range a.shown {
			a.selected[r.ID] = true
		}
	}
	a.table.Refresh()
	a.showDetail()
}

// selectedIDs returns the selected candidates shown, in table order.
func (a *juryArea) selectedIDs() []string {
	var ids []string
	for _, r := range a.shown {
		if a.selected[r.ID] {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// do runs a change to the workspace, then shows the sitting again; an
// error is shown as a sentence.
func (a *juryArea) do(op string, change func(ctx context.Context) error) bool {
	if a.code() == "" {
		a.env.fail(op, i18n.T("deliberation.status.no_credential"), nil)
		return false
	}
	if err := change(a.env.ctx); err != nil {
		a.fail(op, err)
		return false
	}
	a.Refresh()
	return true
}

// start opens the deliberation, or loads the proposals again.
func (a *juryArea) start() {
	a.do("start deliberation", func(ctx context.Context) error {
		_, err := a.env.store.StartDeliberation(ctx, a.code(), a.sittingNo())
		return err
	})
}

// acceptSelected accepts the proposals of the selected candidates.
func (a *juryArea) acceptSelected() {
	ids := a.selectedIDs()
	if len(ids) == 0 {
		a.env.fail("accept proposals", i18n.T("deliberation.error.select"), nil)
		return
	}
	if a.do("accept proposals", func(ctx context.Context) error {
		return a.env.store.AcceptProposals(ctx, a.code(), a.sittingNo(), ids...)
	}) {
		clear(a.selected)
	}
}

// acceptAll accepts every proposal that is not pending.
func (a *juryArea) acceptAll() {
	a.do("accept all proposals", func(ctx context.Context) error {
		return a.env.store.AcceptAllProposals(ctx, a.code(), a.sittingNo())
	})
}

// fail shows err as a sentence and logs it.
func (a *juryArea) fail(op string, err error) {
	a.env.fail(op, jurySentence(err), err)
}

// jurySentence returns the sentence a user reads for err.
func jurySentence(err error) string {
	keys := []struct {
		target error
		key    string
	}{
		{storage.ErrNoIdentity, "deliberation.error.identity"},
		{storage.ErrNoDeliberation, "deliberation.error.not_started"},
		{storage.ErrAppealDecided, "deliberation.error.appeal_decided"},
		{storage.ErrNotSigned, "deliberation.error.not_signed"},
		{storage.ErrNoCredential, "deliberation.error.no_credential"},
	}
	for _, k := range keys {
		if errors.Is(err, k.target) {
			return i18n.T(k.key)
		}
	}
	for _, s := range []error{seal.ErrWrongPassphrase, seal.ErrDamagedKey,
		seal.ErrEmptyPassphrase, seal.ErrBadSignature} {
		if errors.Is(err, s) {
			return seal.Explain(err)
		}
	}
	// The jury's own errors are sentences already; its bare sentinels are not.
	if msg := err.Error(); !strings.HasPrefix(msg, "jury:") && isJuryError(err) {
		return msg
	}
	if errors.Is(err, jury.ErrNotClosed) {
		return i18n.T("jury.error.not_closed")
	}
	return i18n.T("deliberation.error.generic")
}

// isJuryError reports whether err comes from the jury's rules.
func isJuryError(err error) bool {
	var undecided *jury.UndecidedError
	var late *jury.LateAppealError
	var problems *jury.ProblemsError
	if errors.As(err, &undecided) || errors.As(err, &late) || errors.As(err, &problems) {
		return true
	}
	for _, s := range []error{jury.ErrNoQuorum, jury.ErrClosed, jury.ErrNotClosed,
		jury.ErrUnknownCandidate, jury.ErrPendingOutcome, jury.ErrReasonRequired,
		jury.ErrVoteRequired, jury.ErrVoteNotCarried, jury.ErrVoteTie, jury.ErrVoteCasting,
		jury.ErrVoteTooMany, jury.ErrVoteEmpty, jury.ErrNoPresident, jury.ErrInvalidOutcome,
		jury.ErrSameOutcome, jury.ErrClosedByRequired, jury.ErrDeliberationEmpty,
		jury.ErrAppealIncomplete, jury.ErrAppealEarly, jury.ErrAppealNotUpheld,
		jury.ErrAppealVersion, jury.ErrAppealNoChange, jury.ErrFingerprint} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// juryParseDate reads a date typed as juryDateLayout, or as a day alone.
func juryParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation(juryDateLayout, s, time.Local); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, time.Local)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	return t, nil
}
