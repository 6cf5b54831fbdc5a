package app

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"certeval/grading"
	"certeval/i18n"
	"certeval/rubric"
	"certeval/storage"
)

// sheetPage is the candidate page of the grading desk: the files, the
// grid as a matrix of levels, comments, feedback, the running total and
// the provisional outcome. Everything works from the keyboard: see
// deskKeys.
type sheetPage struct {
	area    *gradingArea
	sheet   *storage.Sheet
	g       grading.Grading // the grading as saved
	focused int             // criterion with the keyboard focus
	history *grading.History
	reason  string // reason given for changes after submission, on this page
	loading bool   // widgets are being filled: no saving

	keys     *deskKeys
	title    *widget.Label
	status   *widget.Label
	reveal   *widget.Button // lifts the anonymity, for the jury president
	files    *fyne.Container
	rows     *fyne.Container
	views    []*criterionRow
	feedback *commentEntry
	total    *widget.Label
	outcome  *widget.Label
	box      fyne.CanvasObject
}

// criterionRow is one criterion of the matrix.
type criterionRow struct {
	label   *widget.Label
	levels  []*widget.Button
	comment *commentEntry // nil when the grid disables comments
}

func newSheetPage(a *gradingArea) *sheetPage {
	p := &sheetPage{area: a, history: grading.NewHistory(0)}
	p.keys = newDeskKeys(p)
	p.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.status = widget.NewLabel("")
	p.files = container.NewVBox()
	p.rows = container.NewVBox()
	p.feedback = newCommentEntry(p, func(text string) error {
		return p.area.env.store.SaveFeedback(p.area.env.ctx, p.key(), text)
	}, func(d *storage.Draft, text string) { d.Feedback = text })
	p.total = widget.NewLabel("")
	p.outcome = wrapped("")
	submit := widget.NewButton(i18n.T("desk.submit"), p.submit)
	prev := widget.NewButton(i18n.T("desk.previous"), func() { p.area.move(-1) })
	next := widget.NewButton(i18n.T("desk.next"), func() { p.area.move(1) })
	undo := widget.NewButton(i18n.T("desk.undo"), p.undo)
	p.reveal = widget.NewButton(i18n.T("desk.reveal"), p.revealDialog)
	head := container.NewVBox(container.NewHBox(p.title, p.status, p.reveal), p.keys,
		p.files)
	foot := container.NewVBox(widget.NewLabel(i18n.T("desk.feedback")), p.feedback,
		p.total, p.outcome, container.NewHBox(prev, undo, submit, next))
	p.box = container.NewBorder(head, foot, nil, nil, container.NewVScroll(p.rows))
	return p
}

// key names the grading shown.
func (p *sheetPage) key() storage.GradingKey { return p.sheet.Item.Key }

// focus gives the keyboard to the matrix.
func (p *sheetPage) focus() {
	if c := p.area.env.win.Canvas(); c != nil {
		c.Focus(p.keys)
	}
}

// load reads one grading and builds the page for it.
func (p *sheetPage) load(key storage.GradingKey) error {
	sh, err := p.area.env.store.GradingSheet(p.area.env.ctx, key)
	if err != nil {
		return err
	}
	if p.sheet == nil || p.key() != key {
		p.focused, p.reason = 0, ""
		p.history.Clear()
	}
	p.sheet, p.g = sh, sh.Grading.Clone()
	p.focused = min(p.focused, len(sh.Grid.Criteria)-1)
	p.loading = true
	defer func() { p.loading = false }()

	p.title.SetText(sh.Item.Label)
	if sh.Item.Revealed {
		p.reveal.Disable()
	} else {
		p.reveal.Enable()
	}
	p.buildFiles()
	p.buildRows()
	p.feedback.SetText(p.g.Feedback)
	p.feedback.SetPlaceHolder(sh.Grid.FeedbackPrompt)
	p.render()
	return nil
}

// buildFiles lists the submission's files with a button to open each.
func (p *sheetPage) buildFiles() {
	p.files.Objects = nil
	for _, f := range p.sheet.Files {
		f := f
		info := i18n.T("desk.file", f.Name, f.SHA256[:min(12, len(f.SHA256))],
			f.SubmittedAt.Local().Format("2006-01-02 15:04"))
		open := widget.NewButton(i18n.T("desk.file.open"), func() { p.openFile(f) })
		p.files.Add(container.NewHBox(widget.NewLabel(info), open))
	}
	p.files.Refresh()
}

// buildRows makes one row per criterion: its label, a button per level
// and its comment.
func (p *sheetPage) buildRows() {
	p.rows.Objects = nil
	p.views = nil
	bank := p.bankComments()
	for i, c := range p.sheet.Grid.Criteria {
		r := &criterionRow{label: widget.NewLabel("")}
		var cells []fyne.CanvasObject
		for l, lv := range c.Levels {
			b := widget.NewButton(fmt.Sprintf("%d · %s", l+1, lv.Label), func() {
				p.focused = i
				p.choose(l)
				p.focus()
			})
			r.levels = append(r.levels, b)
			cells = append(cells, b)
		}
		line := container.NewVBox(r.label, container.NewGridWithColumns(max(len(cells), 1),
			cells...))
		if c.Feedback != rubric.FeedbackDisabled {
			r.comment = p.criterionComment(c.Key)
			line.Add(r.comment)
			if len(bank[c.Key]) > 0 {
				line.Add(p.bankSelect(r.comment, bank[c.Key]))
			}
		}
		p.views = append(p.views, r)
		p.rows.Add(line)
	}
	p.rows.Refresh()
}

// criterionComment is the comment entry of the criterion of key k.
func (p *sheetPage) criterionComment(k string) *commentEntry {
	e := newCommentEntry(p, func(text string) error {
		return p.area.env.store.SaveComment(p.area.env.ctx, p.key(), k, text)
	}, func(d *storage.Draft, text string) { d.Comments[k] = text })
	e.SetText(p.g.Comments[k])
	return e
}

// bankComments reads the comment bank of every criterion.
func (p *sheetPage) bankComments() map[string][]string {
	out := make(map[string][]string)
	for _, c := range p.sheet.Grid.Criteria {
		list, err := p.area.env.store.BankComments(p.area.env.ctx, p.sheet.Item.Credential,
			c.Key)
		if err != nil {
			logError("read comment bank", err)
			continue
		}
		out[c.Key] = list
	}
	return out
}

// bankSelect inserts a comment of the bank into e.
func (p *sheetPage) bankSelect(e *commentEntry, list []string) *widget.Select {
	s := widget.NewSelect(list, nil)
	s.PlaceHolder = i18n.T("desk.bank")
	s.OnChanged = func(text string) {
		if text == "" {
			return
		}
		e.SetText(strings.TrimSpace(e.Text + " " + text))
		s.ClearSelected()
	}
	return s
}

// render shows the grading's state: levels chosen, the focus, the total
// and the provisional outcome.
func (p *sheetPage) render() {
	crit := p.sheet.Grid.Criteria
	for i, r := range p.views {
		mark := "   "
		if i == p.focused {
			mark = "▶ "
		}
		label := mark + crit[i].Label
		if crit[i].Feedback == rubric.FeedbackRequired {
			label += " " + i18n.T("desk.comment.required")
		}
		r.label.SetText(label)
		for l, b := range r.levels {
			imp := widget.MediumImportance
			if i < len(p.g.Choices) && p.g.Choices[i] == l {
				imp = widget.HighImportance
			}
			if b.Importance != imp {
				b.Importance = imp
				b.Refresh()
			}
		}
	}
	p.status.SetText(p.g.Status.Label())
	p.keys.Refresh()

	res := p.sheet.Grid.Score(p.g.Choices)
	scale := p.sheet.Grid.Rules.Scale.Max()
	p.total.SetText(i18n.T("desk.total", i18n.Number(res.Total, 2), i18n.Number(res.Max, 2),
		i18n.Number(res.Mark, 2), i18n.Number(scale, 2)))
	p.outcome.SetText(outcomeText(res))
}

// outcomeText is the provisional outcome with its reasons.
func outcomeText(res rubric.Result) string {
	switch {
	case !res.Complete:
		return i18n.T("desk.outcome.incomplete")
	case res.Passed:
		return i18n.T("desk.outcome.passed")
	}
	var rs []string
	for _, r := range res.Reasons {
		rs = append(rs, r.String())
	}
	return i18n.T("desk.outcome.failed", strings.Join(rs, " ; "))
}

// moveFocus moves the keyboard focus to another criterion.
func (p *sheetPage) moveFocus(step int) {
	if p.sheet == nil {
		return
	}
	p.focused = min(max(p.focused+step, 0), len(p.views)-1)
	p.render()
}

// draft is the editable part of the grading g.
func draft(g grading.Grading) storage.Draft {
	d := storage.Draft{Choices: append([]int(nil), g.Choices...),
		Comments: map[string]string{}, Feedback: g.Feedback}
	for k, v := range g.Comments {
		d.Comments[k] = v
	}
	return d
}

// choose picks level l on the focused criterion.
func (p *sheetPage) choose(l int) {
	if p.sheet == nil || l >= len(p.sheet.Grid.Criteria[p.focused].Levels) {
		return
	}
	next := p.g.Clone()
	next.Choices[p.focused] = l
	c := p.focused
	p.change(next, func() error {
		return p.area.env.store.SaveChoice(p.area.env.ctx, p.key(), c, l)
	})
}

// change saves next: at once for a grading not submitted, with a reason
// once submitted. The state before goes to the undo history.
func (p *sheetPage) change(next grading.Grading, save func() error) {
	prev := p.g.Clone()
	apply := func(err error) {
		if err != nil {
			p.area.env.fail("save grading", explain(err), err)
			p.reload()
			return
		}
		p.history.Push(prev)
		if next.Status == grading.NotStarted {
			next.Status = grading.InProgress
		}
		p.g = next
		p.render()
		p.area.itemChanged(p.key())
	}
	if p.g.Status != grading.Submitted {
		apply(save())
		return
	}
	p.withReason(func(reason string) {
		apply(p.area.env.store.Amend(p.area.env.ctx, p.key(), draft(next), reason))
	})
}

// reload reads the grading again after a refused change.
func (p *sheetPage) reload() {
	if err := p.load(p.key()); err != nil {
		logError("read grading", err)
	}
	p.focus()
}

// withReason runs f with the reason for changing a submitted grading,
// asking for it the first time on this page.
func (p *sheetPage) withReason(f func(reason string)) {
	if p.reason != "" {
		f(p.reason)
		return
	}
	e := widget.NewEntry()
	e.SetPlaceHolder(i18n.T("desk.reason.placeholder"))
	items := []*widget.FormItem{widget.NewFormItem(i18n.T("desk.reason"), e)}
	d := dialog.NewForm(i18n.T("desk.reason.title"), i18n.T("desk.reason.ok"),
		i18n.T("app.cancel"), items, func(ok bool) {
			defer p.focus()
			if !ok || strings.TrimSpace(e.Text) == "" {
				p.reload()
				return
			}
			p.reason = strings.TrimSpace(e.Text)
			f(p.reason)
		}, p.area.env.win)
	d.Resize(fyne.NewSize(480, 0))
	d.Show()
	p.area.env.win.Canvas().Focus(e)
}

// undo goes back to the state before the last change.
func (p *sheetPage) undo() {
	if p.sheet == nil || p.history.Len() == 0 {
		return
	}
	if p.g.Status == grading.Submitted && p.reason == "" {
		p.withReason(func(string) { p.undo() })
		return
	}
	prev, _ := p.history.Undo()
	prev.Status = p.g.Status
	prev.SubmittedAt = p.g.SubmittedAt
	save := func() error {
		return p.area.env.store.SaveDraft(p.area.env.ctx, p.key(), draft(prev))
	}
	p.change(prev, save)
	p.history.Undo() // change recorded the undone state: forget it
	p.loading = true
	p.syncComments()
	p.loading = false
}

// syncComments shows the comments of the grading in the entries.
func (p *sheetPage) syncComments() {
	for i, r := range p.views {
		if r.comment != nil {
			r.comment.SetText(p.g.Comments[p.sheet.Grid.Criteria[i].Key])
		}
	}
	p.feedback.SetText(p.g.Feedback)
}

// submit hands the grading in, or says what it lacks.
func (p *sheetPage) submit() {
	if p.sheet == nil || p.g.Status == grading.Submitted {
		return
	}
	err := p.area.env.store.Submit(p.area.env.ctx, p.key())
	var se *storage.SubmitError
	if errors.As(err, &se) {
		p.area.env.shell.tell(i18n.T("desk.submit.title"), p.missingText(se))
		return
	}
	if err != nil {
		p.area.env.fail("submit grading", explain(err), err)
		return
	}
	p.reload()
	p.area.itemChanged(p.key())
}

// missingText names the criteria a grading lacks.
func (p *sheetPage) missingText(se *storage.SubmitError) string {
	crit := p.sheet.Grid.Criteria
	var lv, fb []string
	for _, i := range se.Missing {
		lv = append(lv, crit[i].Label)
	}
	for _, i := range se.Feedback {
		fb = append(fb, crit[i].Label)
	}
	var out []string
	if len(lv) > 0 {
		out = append(out, i18n.T("desk.submit.levels", strings.Join(lv, ", ")))
	}
	if len(fb) > 0 {
		out = append(out, i18n.T("desk.submit.comments", strings.Join(fb, ", ")))
	}
	return strings.Join(out, "\n")
}

// openFile writes a temporary copy of a file, checked against its
// SHA-256, and opens it with the system's viewer.
func (p *sheetPage) openFile(f storage.SubmissionFile) {
	b, err := p.area.env.store.SubmissionFileContent(p.area.env.ctx, f.ID)
	if err != nil || b == nil {
		p.area.env.fail("open file", i18n.T("desk.file.absent", f.Name), err)
		return
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != f.SHA256 {
		p.area.env.fail("open file", i18n.T("desk.file.damaged", f.Name), nil)
		return
	}
	dir, err := os.MkdirTemp("", "certeval-")
	if err == nil {
		path := filepath.Join(dir, filepath.Base(f.Name))
		if err = os.WriteFile(path, b, 0o600); err == nil {
			err = fyne.CurrentApp().OpenURL(&url.URL{Scheme: "file", Path: path})
		}
	}
	if err != nil {
		p.area.env.fail("open file", i18n.T("desk.file.cannot", f.Name), err)
	}
}

// shortcut handles the desk's shortcuts; false when s is not one.
func (p *sheetPage) shortcut(s fyne.Shortcut) bool {
	if _, ok := s.(*fyne.ShortcutUndo); ok {
		p.undo()
		return true
	}
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok || cs.Modifier != fyne.KeyModifierShortcutDefault {
		return false
	}
	switch cs.KeyName {
	case fyne.KeyReturn, fyne.KeyEnter:
		p.submit()
	case fyne.KeyRight:
		p.area.move(1)
	case fyne.KeyLeft:
		p.area.move(-1)
	case fyne.KeyZ:
		p.undo()
	default:
		return false
	}
	return true
}

// commentEntry is a comment field of the desk: each change is saved at
// once while the grading is not submitted; once submitted, the change is
// saved with a reason when the field loses the focus. It passes the
// desk's shortcuts on.
type commentEntry struct {
	widget.Entry
	page  *sheetPage
	save  func(text string) error
	put   func(d *storage.Draft, text string)
	dirty bool
}

func newCommentEntry(p *sheetPage, save func(string) error,
	put func(*storage.Draft, string)) *commentEntry {
	e := &commentEntry{page: p, save: save, put: put}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.SetMinRowsVisible(2)
	e.ExtendBaseWidget(e)
	e.OnChanged = e.changed
	return e
}

func (e *commentEntry) changed(text string) {
	p := e.page
	if p.loading || p.sheet == nil {
		return
	}
	if p.g.Status == grading.Submitted {
		e.dirty = true
		return
	}
	next := p.g.Clone()
	d := draft(next)
	e.put(&d, text)
	next.Comments, next.Feedback = d.Comments, d.Feedback
	p.change(next, func() error { return e.save(text) })
}

// FocusLost saves a changed comment of a submitted grading.
func (e *commentEntry) FocusLost() {
	e.Entry.FocusLost()
	if !e.dirty || e.page.sheet == nil {
		return
	}
	e.dirty = false
	p := e.page
	next := p.g.Clone()
	d := draft(next)
	e.put(&d, e.Text)
	next.Comments, next.Feedback = d.Comments, d.Feedback
	p.change(next, nil)
}

// TypedShortcut passes the desk's shortcuts on, other than undo, which
// the field keeps for its text.
func (e *commentEntry) TypedShortcut(s fyne.Shortcut) {
	if _, undo := s.(*fyne.ShortcutUndo); !undo && e.page.shortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

// revealDialog asks for the reason, then shows the candidate's name
// instead of the anonymous code for the submission shown. Only the jury
// president does this; the audit trail records who did and why.
func (p *sheetPage) revealDialog() {
	if p.sheet == nil || p.sheet.Item.Revealed {
		return
	}
	key := p.key()
	reason := widget.NewMultiLineEntry()
	items := []*widget.FormItem{
		widget.NewFormItem("", wrapped(i18n.T("desk.reveal.confirm"))),
		widget.NewFormItem(i18n.T("desk.reveal.reason"), reason),
	}
	d := dialog.NewForm(i18n.T("desk.reveal.title"), i18n.T("desk.reveal.ok"),
		i18n.T("app.cancel"), items, func(ok bool) {
			if ok {
				p.revealCandidate(key, reason.Text)
			}
		}, p.area.env.win)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}

// revealCandidate records the reveal and shows the name on the desk.
func (p *sheetPage) revealCandidate(key storage.GradingKey, reason string) {
	ctx := p.area.env.ctx
	if err := p.area.env.store.RevealCandidate(ctx, key.Submission, reason); err != nil {
		p.area.env.fail("reveal candidate", explain(err), err)
		return
	}
	p.area.itemChanged(key)
	if err := p.load(key); err != nil {
		p.area.env.fail("open grading", i18n.T("desk.err.read"), err)
	}
}
