package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/jury"
	"certeval/rubric"
	"certeval/storage"
)

// The grid editor's shortcuts, answered by every text field of the
// editor; the help line under the toolbar lists them.
var (
	scAddCriterion = &desktop.CustomShortcut{KeyName: fyne.KeyN,
		Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	scDupCriterion = ctrl(fyne.KeyD)
	scDupLevel     = &desktop.CustomShortcut{KeyName: fyne.KeyD,
		Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	scAddLevel     = ctrl(fyne.KeyL)
	scUp           = altKey(fyne.KeyUp)
	scDown         = altKey(fyne.KeyDown)
	scLeft         = altKey(fyne.KeyLeft)
	scRight        = altKey(fyne.KeyRight)
	scDelCriterion = ctrl(fyne.KeyDelete)
	scDelLevel     = &desktop.CustomShortcut{KeyName: fyne.KeyDelete,
		Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	scSave = ctrl(fyne.KeyS)
)

// altKey is the shortcut Alt+key.
func altKey(key fyne.KeyName) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierAlt}
}

// gridEditor edits the grid of one credential: the criteria as rows, the
// levels as columns, the pass rules, live validation and the candidate's
// preview. It saves through storage.SaveGrid, asking what becomes of the
// gradings when the stored version is frozen, and offering to keep a grid
// that still has problems as a draft.
type gridEditor struct {
	env  *env
	code string
	cred *jury.Credential

	grid  *rubric.Grid        // what is being edited
	saved *rubric.Grid        // the stored current version, nil when none
	info  storage.GridVersion // its description
	cur   int                 // the criterion being edited
	lvl   int                 // the level being edited, -1 for the criterion's fields
	bad   map[*gridEntry]string

	matrix   *fyne.Container
	preview  *fyne.Container
	problems *widget.Label
	totals   *widget.Label
	status   *widget.Label
	badge    *widget.Label // "Brouillon", shown while the stored version is a draft
	rules    *fyne.Container
	focus    *gridEntry    // the field to focus after a rebuild
	carry    *carryForm    // the open carry-over question, nil when none
	draftAsk dialog.Dialog // the open draft question, nil when none
	box      fyne.CanvasObject
}

// newGridEditor builds the editor of the grid of the credential of the
// given code, loaded from the workspace (a new grid when it has none).
func newGridEditor(e *env, credentialCode string) *gridEditor {
	ed := &gridEditor{env: e, code: credentialCode, bad: map[*gridEntry]string{}}
	ed.matrix = container.NewVBox()
	ed.preview = container.NewVBox()
	ed.rules = container.NewVBox()
	ed.problems = wrapped("")
	ed.totals = widget.NewLabel("")
	ed.status = wrapped("")
	ed.badge = widget.NewLabelWithStyle(i18n.T("grids.badge.draft"), fyne.TextAlignLeading,
		fyne.TextStyle{Bold: true})
	ed.badge.Importance = widget.WarningImportance
	ed.load()
	ed.box = ed.layout()
	ed.rebuild()
	return ed
}

// Content is what the editor shows.
func (ed *gridEditor) Content() fyne.CanvasObject { return ed.box }

// Refresh reads the grid again from the workspace, dropping unsaved edits.
func (ed *gridEditor) Refresh() {
	ed.load()
	ed.rebuild()
}

// load reads the credential and its current grid.
func (ed *gridEditor) load() {
	ctx := ed.env.ctx
	cred, err := ed.env.store.Credential(ctx, ed.code)
	if err != nil {
		ed.env.fail("read credential", i18n.T("grids.err.read"), err)
		cred = &jury.Credential{Code: ed.code}
	}
	ed.cred = cred
	g, info, err := ed.env.store.Grid(ctx, ed.code)
	switch {
	case errors.Is(err, storage.ErrNoGrid):
		ed.saved, ed.info = nil, storage.GridVersion{}
		ed.grid = rubric.NewGrid(ed.code)
		ed.grid.Title = i18n.T("grids.new.title", cred.Title)
		ed.grid.Criteria = []rubric.Criterion{{Key: "c1", Weight: 1}}
	case err != nil:
		ed.env.fail("read grid", i18n.T("grids.err.read"), err)
		ed.grid = rubric.NewGrid(ed.code)
	default:
		ed.saved, ed.info, ed.grid = g, info, g.Clone()
	}
	ed.cur, ed.lvl = 0, -1
}

// competencies are the codes of the credential's competencies, nil when
// it lists none (then criteria are not checked against them).
func (ed *gridEditor) competencies() []string {
	var out []string
	for _, c := range ed.cred.Competencies {
		out = append(out, c.Code)
	}
	return out
}

// layout builds the editor's frame: toolbar and help on top, the matrix
// and the preview in tabs, the rules, totals and problems at the side.
func (ed *gridEditor) layout() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(i18n.T("grids.editor.title", ed.code),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	help := wrapped(i18n.T("grids.help"))
	help.Importance = widget.LowImportance
	top := container.NewVBox(container.NewHBox(title, ed.badge), ed.status, ed.toolbar(), help)

	tabs := container.NewAppTabs(
		container.NewTabItem(i18n.T("grids.tab.edit"), container.NewVScroll(ed.matrix)),
		container.NewTabItem(i18n.T("grids.tab.preview"), container.NewVScroll(ed.preview)))
	heading := func(key string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(i18n.T(key), fyne.TextAlignLeading,
			fyne.TextStyle{Bold: true})
	}
	side := container.NewVScroll(container.NewVBox(heading("grids.rules.title"), ed.totals,
		ed.rules, widget.NewSeparator(), heading("grids.problems.title"), ed.problems))
	split := container.NewHSplit(tabs, side)
	split.Offset = 0.7
	return container.NewBorder(top, nil, nil, nil, split)
}

// toolbar holds a button for each action, for those who use the mouse.
func (ed *gridEditor) toolbar() fyne.CanvasObject {
	b := func(key string, f func()) *widget.Button { return widget.NewButton(i18n.T(key), f) }
	return container.NewHBox(
		b("grids.action.add_criterion", ed.addCriterion),
		b("grids.action.add_level", ed.addLevel),
		b("grids.action.duplicate", ed.duplicateCriterion),
		b("grids.action.remove", ed.askRemoveCriterion),
		b("grids.action.scale", ed.askScale),
		b("grids.action.copy", ed.chooseTemplate),
		b("grids.action.print", ed.choosePrint),
		b("grids.action.save", ed.save))
}

// shortcut runs the editor action bound to s and reports whether there
// was one.
func (ed *gridEditor) shortcut(s fyne.Shortcut) bool {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok {
		return false
	}
	actions := []struct {
		sc *desktop.CustomShortcut
		do func()
	}{
		{scAddCriterion, ed.addCriterion}, {scDupCriterion, ed.duplicateCriterion},
		{scDupLevel, ed.duplicateLevel}, {scAddLevel, ed.addLevel},
		{scUp, func() { ed.moveCriterion(-1) }}, {scDown, func() { ed.moveCriterion(1) }},
		{scLeft, func() { ed.moveLevel(-1) }}, {scRight, func() { ed.moveLevel(1) }},
		{scDelCriterion, ed.askRemoveCriterion}, {scDelLevel, ed.askRemoveLevel},
		{scSave, ed.save},
	}
	for _, a := range actions {
		if a.sc.KeyName == cs.KeyName && a.sc.Modifier == cs.Modifier {
			a.do()
			return true
		}
	}
	return false
}

// gridEntry is a text field of the editor: it tells the editor which
// criterion and level it belongs to and answers the editor's shortcuts.
type gridEntry struct {
	widget.Entry
	ed       *gridEditor
	row, col int // criterion index (-1 for the rules), level index (-1 for none)
}

func (ed *gridEditor) newEntry(row, col int, multi bool, text, hint string,
	changed func(string)) *gridEntry {
	e := &gridEntry{ed: ed, row: row, col: col}
	e.MultiLine = multi
	if multi {
		e.Wrapping = fyne.TextWrapWord
		e.SetMinRowsVisible(2)
	}
	e.ExtendBaseWidget(e)
	e.SetText(text)
	lines := strings.Split(text, "\n")
	e.CursorRow, e.CursorColumn = len(lines)-1, len([]rune(lines[len(lines)-1]))
	e.SetPlaceHolder(hint)
	e.OnChanged = func(s string) {
		changed(s)
		ed.changed()
	}
	return e
}

// TypedShortcut runs the editor's shortcuts, and the field's own others.
func (e *gridEntry) TypedShortcut(s fyne.Shortcut) {
	if !e.ed.shortcut(s) {
		e.Entry.TypedShortcut(s)
	}
}

// FocusGained makes the field's criterion and level the current ones.
func (e *gridEntry) FocusGained() {
	if e.row >= 0 {
		e.ed.cur, e.ed.lvl = e.row, e.col
	}
	e.Entry.FocusGained()
}

// numberEntry is a field holding a number: a decimal comma is accepted;
// what does not parse is listed with the problems and set keeps the old
// value.
func (ed *gridEditor) numberEntry(row, col int, x float64, what string,
	set func(float64)) *gridEntry {
	var e *gridEntry
	e = ed.newEntry(row, col, false, gridNumberText(x), "", func(s string) {
		v, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(s), ",", ".", 1), 64)
		if err != nil {
			ed.bad[e] = i18n.T("grids.err.number", what, s)
			return
		}
		delete(ed.bad, e)
		set(v)
	})
	return e
}

func gridNumberText(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// rebuild draws the matrix and the rules again from the grid, then puts
// the focus back on the current criterion or level.
func (ed *gridEditor) rebuild() {
	ed.bad = map[*gridEntry]string{}
	ed.focus = nil
	ed.matrix.RemoveAll()
	for i := range ed.grid.Criteria {
		ed.matrix.Add(ed.criterionRow(i))
		ed.matrix.Add(widget.NewSeparator())
	}
	ed.rules.RemoveAll()
	ed.rules.Add(ed.rulesForm())
	ed.changed()
	if ed.focus != nil {
		ed.env.win.Canvas().Focus(ed.focus)
	}
}

// criterionRow is one row of the matrix: the criterion's fields, then one
// column per level.
func (ed *gridEditor) criterionRow(i int) fyne.CanvasObject {
	c := &ed.grid.Criteria[i]
	label := ed.newEntry(i, -1, false, c.Label, i18n.T("grids.field.label"),
		func(s string) { c.Label = s })
	if i == ed.cur && ed.lvl < 0 {
		ed.focus = label
	}
	desc := ed.newEntry(i, -1, true, c.Description, i18n.T("grids.field.description"),
		func(s string) { c.Description = s })
	guide := ed.newEntry(i, -1, true, c.Guidance, i18n.T("grids.field.guidance"),
		func(s string) { c.Guidance = s })
	w := ed.numberEntry(i, -1, critWeight(*c), i18n.T("grids.field.weight_of", i+1),
		func(v float64) { c.Weight = v })

	comp := widget.NewSelect(append([]string{""}, ed.competencies()...), func(s string) {
		c.Competency = s
		ed.changed()
	})
	comp.Selected = c.Competency
	comp.PlaceHolder = i18n.T("grids.field.competency")
	modes := []string{i18n.T("grids.feedback.disabled"), i18n.T("grids.feedback.optional"),
		i18n.T("grids.feedback.required")}
	fb := widget.NewSelect(modes, func(s string) {
		c.Feedback = rubric.FeedbackMode(slices.Index(modes, s))
		ed.changed()
	})
	fb.Selected = modes[c.Feedback]
	elim := ed.eliminatory(c)

	head := widget.NewLabelWithStyle(i18n.T("grids.criterion", i+1, c.Key),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	fields := container.NewVBox(head, label, desc, guide,
		widget.NewForm(widget.NewFormItem(i18n.T("grids.field.weight"), w),
			widget.NewFormItem(i18n.T("grids.field.competency"), comp),
			widget.NewFormItem(i18n.T("grids.field.feedback"), fb)), elim)
	cols := []fyne.CanvasObject{fields}
	for j := range c.Levels {
		cols = append(cols, ed.levelCell(i, j))
	}
	return container.NewGridWithColumns(len(cols), cols...)
}

// eliminatory is the check box and the minimum level of an eliminatory
// criterion.
func (ed *gridEditor) eliminatory(c *rubric.Criterion) fyne.CanvasObject {
	var names []string
	for j, l := range c.Levels {
		names = append(names, fmt.Sprintf("%d. %s", j+1, l.Label))
	}
	lowest := widget.NewSelect(names, func(s string) {
		c.MinLevel = slices.Index(names, s)
		ed.changed()
	})
	if c.MinLevel >= 0 && c.MinLevel < len(names) {
		lowest.Selected = names[c.MinLevel]
	}
	check := widget.NewCheck(i18n.T("grids.field.eliminatory"), func(on bool) {
		c.Eliminatory = on
		if on {
			lowest.Enable()
		} else {
			lowest.Disable()
		}
		ed.changed()
	})
	check.Checked = c.Eliminatory
	if !c.Eliminatory {
		lowest.Disable()
	}
	return container.NewVBox(check, lowest)
}

// levelCell is the column of level j of criterion i: label, descriptor,
// points.
func (ed *gridEditor) levelCell(i, j int) fyne.CanvasObject {
	l := &ed.grid.Criteria[i].Levels[j]
	label := ed.newEntry(i, j, false, l.Label, i18n.T("grids.field.level"),
		func(s string) { l.Label = s })
	if i == ed.cur && j == ed.lvl {
		ed.focus = label
	}
	desc := ed.newEntry(i, j, true, l.Descriptor, i18n.T("grids.field.descriptor"),
		func(s string) { l.Descriptor = s })
	pts := ed.numberEntry(i, j, l.Points, i18n.T("grids.field.points_of", j+1, i+1),
		func(v float64) { l.Points = v })
	return container.NewVBox(label, desc,
		widget.NewForm(widget.NewFormItem(i18n.T("grids.field.points"), pts)))
}

// rulesForm holds the pass rules, editable while editing the criteria.
func (ed *gridEditor) rulesForm() fyne.CanvasObject {
	r := &ed.grid.Rules
	minTotal := ed.numberEntry(-1, -1, r.MinTotal, i18n.T("grids.rules.min_total"),
		func(v float64) { r.MinTotal = v })
	isMark := widget.NewCheck(i18n.T("grids.rules.is_mark"), func(on bool) {
		r.MinTotalIsMark = on
		ed.changed()
	})
	isMark.Checked = r.MinTotalIsMark
	outOf := ed.numberEntry(-1, -1, r.Scale.Max(), i18n.T("grids.rules.out_of"),
		func(v float64) { r.Scale.OutOf = v })

	var names []string
	for j, l := range widestLevels(ed.grid) {
		names = append(names, fmt.Sprintf("%d. %s", j+1, l.Label))
	}
	mastery := widget.NewSelect(names, func(s string) {
		r.MinMastery = max(0, slices.Index(names, s))
		ed.changed()
	})
	if r.MinMastery < len(names) {
		mastery.Selected = names[r.MinMastery]
	}
	return widget.NewForm(
		widget.NewFormItem(i18n.T("grids.rules.min_total"), minTotal),
		widget.NewFormItem("", isMark),
		widget.NewFormItem(i18n.T("grids.rules.out_of"), outOf),
		widget.NewFormItem(i18n.T("grids.rules.min_mastery"), mastery))
}

// widestLevels are the levels of the criterion that has the most.
func widestLevels(g *rubric.Grid) []rubric.Level {
	var out []rubric.Level
	for _, c := range g.Criteria {
		if len(c.Levels) > len(out) {
			out = c.Levels
		}
	}
	return out
}

// problemList is every reason the grid cannot be saved yet: numbers that
// do not parse, then the grid's own problems.
func (ed *gridEditor) problemList() []string {
	var out []string
	for _, msg := range ed.bad {
		out = append(out, msg)
	}
	slices.Sort(out)
	for _, p := range ed.grid.Validate(ed.competencies()) {
		out = append(out, p.Error())
	}
	return out
}

// changed shows the grid's problems, totals, status and preview again.
func (ed *gridEditor) changed() {
	if ps := ed.problemList(); len(ps) > 0 {
		ed.problems.SetText(strings.Join(ps, "\n"))
	} else {
		ed.problems.SetText(i18n.T("grids.problems.none"))
	}
	lo, hi := ed.grid.Bounds()
	ed.totals.SetText(i18n.T("grids.totals", gridNumber(lo), gridNumber(hi),
		gridNumber(ed.grid.Rules.Scale.Max())))
	ed.status.SetText(ed.statusText())
	if ed.saved != nil && ed.info.Draft {
		ed.badge.Show()
	} else {
		ed.badge.Hide()
	}
	fillPreview(ed.preview, ed.grid)
}

// statusText says which version is stored and what saving will do.
func (ed *gridEditor) statusText() string {
	switch {
	case ed.saved == nil:
		return i18n.T("grids.status.new")
	case ed.info.Draft:
		return i18n.T("grids.status.saved_draft", ed.info.Version, len(ed.info.Problems))
	case ed.info.Frozen:
		return i18n.T("grids.status.frozen", ed.info.Version, ed.info.Gradings,
			ed.info.Version+1)
	}
	return i18n.T("grids.status.draft", ed.info.Version, gridShortPrint(ed.info.Fingerprint))
}

func gridShortPrint(fp string) string { return fp[:min(8, len(fp))] }

// newCriterionKey returns a criterion key the grid does not use yet.
func newCriterionKey(g *rubric.Grid) string {
	for n := len(g.Criteria) + 1; ; n++ {
		k := "c" + strconv.Itoa(n)
		if !slices.ContainsFunc(g.Criteria, func(c rubric.Criterion) bool { return c.Key == k }) {
			return k
		}
	}
}

// addCriterion inserts an empty criterion after the current one, with the
// levels of the current one emptied of their descriptors.
func (ed *gridEditor) addCriterion() {
	c := rubric.Criterion{Key: newCriterionKey(ed.grid), Weight: 1}
	if len(ed.grid.Criteria) > 0 {
		for _, l := range ed.grid.Criteria[ed.cur].Levels {
			c.Levels = append(c.Levels, rubric.Level{Label: l.Label, Points: l.Points})
		}
	}
	at := min(ed.cur+1, len(ed.grid.Criteria))
	ed.grid.Criteria = slices.Insert(ed.grid.Criteria, at, c)
	ed.cur, ed.lvl = at, -1
	ed.rebuild()
}

// duplicateCriterion inserts a copy of the current criterion after it.
func (ed *gridEditor) duplicateCriterion() {
	if len(ed.grid.Criteria) == 0 {
		return
	}
	c := ed.grid.Clone().Criteria[ed.cur]
	c.Key = newCriterionKey(ed.grid)
	c.Label = i18n.T("grids.copy_of", c.Label)
	ed.grid.Criteria = slices.Insert(ed.grid.Criteria, ed.cur+1, c)
	ed.cur, ed.lvl = ed.cur+1, -1
	ed.rebuild()
}

// moveCriterion moves the current criterion up (-1) or down (+1).
func (ed *gridEditor) moveCriterion(by int) {
	to := ed.cur + by
	if to < 0 || to >= len(ed.grid.Criteria) {
		return
	}
	cs := ed.grid.Criteria
	cs[ed.cur], cs[to] = cs[to], cs[ed.cur]
	ed.cur = to
	ed.rebuild()
}

// askRemoveCriterion removes the current criterion once confirmed.
func (ed *gridEditor) askRemoveCriterion() {
	if len(ed.grid.Criteria) == 0 {
		return
	}
	at := ed.cur
	c := ed.grid.Criteria[at]
	dialog.ShowConfirm(i18n.T("grids.remove.title"),
		i18n.T("grids.remove.criterion", at+1, c.Label), func(ok bool) {
			if !ok || at >= len(ed.grid.Criteria) {
				return
			}
			ed.grid.Criteria = slices.Delete(ed.grid.Criteria, at, at+1)
			ed.cur, ed.lvl = max(0, min(at, len(ed.grid.Criteria)-1)), -1
			ed.rebuild()
		}, ed.env.win)
}

// addLevel inserts a level after the current one of the current
// criterion, one point above it.
func (ed *gridEditor) addLevel() {
	if len(ed.grid.Criteria) == 0 {
		return
	}
	c := &ed.grid.Criteria[ed.cur]
	at := min(ed.lvl+1, len(c.Levels))
	if ed.lvl < 0 {
		at = len(c.Levels)
	}
	l := rubric.Level{Label: i18n.T("grids.level_n", len(c.Levels)+1)}
	if len(c.Levels) > 0 {
		l.Points = c.Levels[max(at-1, 0)].Points + 1
	}
	c.Levels = slices.Insert(c.Levels, at, l)
	ed.lvl = at
	ed.rebuild()
}

// duplicateLevel inserts a copy of the current level after it.
func (ed *gridEditor) duplicateLevel() {
	if ed.lvl < 0 || len(ed.grid.Criteria) == 0 {
		return
	}
	c := &ed.grid.Criteria[ed.cur]
	c.Levels = slices.Insert(c.Levels, ed.lvl+1, c.Levels[ed.lvl])
	ed.lvl++
	ed.rebuild()
}

// moveLevel moves the current level left (-1) or right (+1).
func (ed *gridEditor) moveLevel(by int) {
	if ed.lvl < 0 || len(ed.grid.Criteria) == 0 {
		return
	}
	ls := ed.grid.Criteria[ed.cur].Levels
	to := ed.lvl + by
	if to < 0 || to >= len(ls) {
		return
	}
	ls[ed.lvl], ls[to] = ls[to], ls[ed.lvl]
	ed.lvl = to
	ed.rebuild()
}

// askRemoveLevel removes the current level once confirmed.
func (ed *gridEditor) askRemoveLevel() {
	if ed.lvl < 0 || len(ed.grid.Criteria) == 0 {
		return
	}
	i, j := ed.cur, ed.lvl
	l := ed.grid.Criteria[i].Levels[j]
	dialog.ShowConfirm(i18n.T("grids.remove.title"),
		i18n.T("grids.remove.level", j+1, l.Label, i+1), func(ok bool) {
			if !ok || i >= len(ed.grid.Criteria) || j >= len(ed.grid.Criteria[i].Levels) {
				return
			}
			c := &ed.grid.Criteria[i]
			c.Levels = slices.Delete(c.Levels, j, j+1)
			ed.lvl = min(j, len(c.Levels)-1)
			ed.rebuild()
		}, ed.env.win)
}

// askScale gives every criterion the four-level scale, after confirming
// when levels would be replaced.
func (ed *gridEditor) askScale() {
	apply := func() {
		ed.grid.ApplyScale(rubric.FourLevelScale())
		ed.lvl = -1
		ed.rebuild()
	}
	if len(widestLevels(ed.grid)) == 0 {
		apply()
		return
	}
	dialog.ShowConfirm(i18n.T("grids.scale.title"), i18n.T("grids.scale.confirm"),
		func(ok bool) {
			if ok {
				apply()
			}
		}, ed.env.win)
}

// save stores the grid: in place while no grading uses it, else as a new
// version after asking what becomes of the gradings. A grid that still has
// problems may be kept as a draft, once confirmed, unless its version is
// frozen.
func (ed *gridEditor) save() {
	n := len(ed.problemList())
	frozen := ed.saved != nil && ed.info.Frozen
	switch {
	case ed.saved != nil && ed.grid.Fingerprint() == ed.info.Fingerprint &&
		ed.info.Draft == (n > 0):
		ed.status.SetText(i18n.T("grids.unchanged", ed.info.Version))
	case n > 0 && frozen:
		ed.env.fail("save grid", i18n.T("grids.draft.frozen", n, ed.info.Version), nil)
	case n > 0:
		ed.askDraft(n)
	case frozen:
		ed.askCarry()
	default:
		ed.store(storage.GridSave{})
	}
}

// askDraft offers to keep the grid, which has n problems, as a draft.
func (ed *gridEditor) askDraft(n int) {
	note := wrapped(i18n.T("grids.draft.intro", n))
	ed.draftAsk = dialog.NewCustomConfirm(i18n.T("grids.draft.title"),
		i18n.T("grids.draft.confirm"), i18n.T("grids.carry.cancel"), note, func(ok bool) {
			ed.draftAsk = nil
			if ok {
				ed.store(storage.GridSave{Draft: true})
			}
		}, ed.env.win)
	ed.draftAsk.Resize(fyne.NewSize(480, 0))
	ed.draftAsk.Show()
}

// store saves with opt and reloads the stored version.
func (ed *gridEditor) store(opt storage.GridSave) {
	v, err := ed.env.store.SaveGrid(ed.env.ctx, ed.code, ed.grid, opt)
	if err != nil {
		ed.env.fail("save grid", gridSaveSentence(err), err)
		return
	}
	ed.load()
	ed.rebuild()
	if v.Draft {
		ed.status.SetText(i18n.T("grids.draft.saved", v.Version, len(v.Problems)))
		return
	}
	ed.status.SetText(i18n.T("grids.saved", v.Version, gridShortPrint(v.Fingerprint)))
}

// gridSaveSentence is what the user reads when saving fails.
func gridSaveSentence(err error) string {
	var ps rubric.Problems
	switch {
	case errors.As(err, &ps):
		return ps.Error()
	case errors.Is(err, storage.ErrGridIncompatible):
		var p rubric.Problem
		errors.As(err, &p)
		return i18n.T("grids.err.incompatible", p.Error())
	case errors.Is(err, storage.ErrNoCredential):
		return i18n.T("grids.err.read")
	}
	return i18n.T("grids.err.save")
}

// carryForm is the question asked before saving over a frozen grid.
type carryForm struct {
	choice *widget.RadioGroup
	reason *widget.Entry
	dialog dialog.Dialog
}

// askCarry asks whether gradings carry over to the new version or are
// marked for regrading, and why, then saves.
func (ed *gridEditor) askCarry() {
	over, regrade := i18n.T("grids.carry.over"), i18n.T("grids.carry.regrade")
	f := &carryForm{choice: widget.NewRadioGroup([]string{over, regrade}, nil),
		reason: widget.NewMultiLineEntry()}
	f.reason.SetPlaceHolder(i18n.T("grids.carry.reason"))
	note := wrapped(i18n.T("grids.carry.intro", ed.info.Version, ed.info.Gradings))
	if err := rubric.Compatible(ed.saved, ed.grid); err != nil {
		f.choice.Disable()
		f.choice.SetSelected(regrade)
		note.SetText(note.Text + "\n" + i18n.T("grids.carry.incompatible", err.Error()))
	}
	content := container.NewVBox(note, f.choice, f.reason)
	f.dialog = dialog.NewCustomConfirm(i18n.T("grids.carry.title"), i18n.T("grids.carry.confirm"),
		i18n.T("grids.carry.cancel"), content, func(ok bool) {
			ed.carry = nil
			if ok {
				ed.confirmCarry(f, over)
			}
		}, ed.env.win)
	f.dialog.Resize(fyne.NewSize(520, 0))
	ed.carry = f
	f.dialog.Show()
}

// confirmCarry saves with the answer of f, once it has a choice and a
// reason.
func (ed *gridEditor) confirmCarry(f *carryForm, over string) {
	opt := storage.GridSave{Carry: storage.MarkForRegrade, Reason: strings.TrimSpace(f.reason.Text)}
	switch {
	case f.choice.Selected == "":
		ed.env.fail("save grid", i18n.T("grids.carry.nochoice"), nil)
		return
	case opt.Reason == "":
		ed.env.fail("save grid", i18n.T("grids.carry.noreason"), nil)
		return
	case f.choice.Selected == over:
		opt.Carry = storage.CarryOver
	}
	ed.store(opt)
}

// chooseTemplate offers the grids of the other credentials to start from.
func (ed *gridEditor) chooseTemplate() {
	refs, err := ed.env.store.Credentials(ed.env.ctx)
	if err != nil {
		ed.env.fail("list credentials", i18n.T("grids.err.read"), err)
		return
	}
	var codes []string
	for _, r := range refs {
		if r.Code != ed.code {
			codes = append(codes, r.Code)
		}
	}
	pick := widget.NewSelect(codes, nil)
	dialog.ShowCustomConfirm(i18n.T("grids.copy.title"), i18n.T("grids.copy.confirm"),
		i18n.T("grids.carry.cancel"), pick, func(ok bool) {
			if ok && pick.Selected != "" {
				ed.copyFrom(pick.Selected)
			}
		}, ed.env.win)
}

// copyFrom replaces the grid being edited by the grid of credential from,
// to be edited and saved.
func (ed *gridEditor) copyFrom(from string) {
	g, _, err := ed.env.store.Grid(ed.env.ctx, from)
	if err != nil {
		ed.env.fail("copy grid", i18n.T("grids.copy.none", from), err)
		return
	}
	g.Credential, g.Version = ed.code, ed.grid.Version
	ed.grid = g
	ed.cur, ed.lvl = 0, -1
	ed.rebuild()
}

// choosePrint asks where to write the blank grid PDF.
func (ed *gridEditor) choosePrint() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		ed.print(path)
	}, ed.env.win)
	d.SetFileName(ed.code + "-grille.pdf")
	d.Show()
}

// print writes the blank grid PDF to path.
func (ed *gridEditor) print(path string) {
	g := ed.grid.Clone()
	ed.env.background(func(context.Context) func() {
		pdf, err := BlankGridPDF(g, ed.cred)
		if err == nil {
			err = os.WriteFile(path, pdf, 0o644)
		}
		return func() {
			if err != nil {
				ed.env.fail("print blank grid", i18n.T("grids.err.print"), err)
				return
			}
			ed.status.SetText(i18n.T("grids.printed", path))
		}
	})
}
