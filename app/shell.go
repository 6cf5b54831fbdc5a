package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/storage"
)

// ui is the main window and the workspace it shows.
type ui struct {
	app  fyne.App
	win  fyne.Window
	opts Options

	env     *env   // nil while no workspace is open
	areas   []area // built on env, in registry order
	current int    // index of the area shown

	nav       []*widget.Button
	navColumn *fyne.Container
	body      *fyne.Container // holds the area shown, or the first-run screen
	status    *widget.Label

	ready bool // set once built: later resizes are the user's
}

// newUI builds the main window's content and menus in w and opens the
// starting workspace: opts.DBPath, else the last one used, else the
// default file; with none of them the first-run screen is shown.
func newUI(a fyne.App, w fyne.Window, opts Options) *ui {
	u := &ui{app: a, win: w, opts: opts}
	i18n.SetLanguage(startLanguage(a.Preferences()))

	// Restore the window's size, then follow its changes.
	size := savedSize(a.Preferences())
	u.body = container.NewStack()
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateEllipsis
	watcher := &sizeWatcher{onResize: func(fyne.Size) {
		if u.ready {
			u.saveWindowSize()
		}
	}}
	w.SetContent(container.New(watcher, container.NewBorder(nil, u.status, nil, nil, u.body)))
	w.Resize(size)
	w.SetOnClosed(u.saveWindowSize)
	u.bindShortcuts()
	defer func() { u.ready = true }()

	path := u.startPath()
	if path == "" {
		u.rebuild()
		return u
	}
	if err := u.openWorkspace(path); err != nil {
		u.rebuild() // the first-run screen, under the error dialog
	}
	return u
}

// startPath chooses the workspace to open at start, "" for the first-run
// screen.
func (u *ui) startPath() string {
	if u.opts.DBPath != "" {
		return u.opts.DBPath
	}
	var last string
	if recent := recentFiles(u.app.Preferences()); len(recent) > 0 {
		last = recent[0]
	}
	for _, p := range []string{last, u.opts.DefaultPath} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// rebuild makes the window's content and menus again, in the current
// language, on the current workspace.
func (u *ui) rebuild() {
	u.buildAreas()
	u.buildNav()
	u.win.SetMainMenu(u.mainMenu())
	u.updateStatus()
	if u.env == nil {
		u.body.Objects = []fyne.CanvasObject{u.firstRun()}
		u.body.Refresh()
		return
	}
	u.show(min(u.current, len(u.areas)-1))
}

// buildAreas calls every registered constructor on the open workspace.
func (u *ui) buildAreas() {
	u.areas = nil
	if u.env == nil {
		return
	}
	for _, s := range registry {
		u.areas = append(u.areas, s.build(u.env))
	}
}

// buildNav makes the navigation column: one button per area, in order,
// reachable with Tab and activated with Space.
func (u *ui) buildNav() {
	u.nav = nil
	if u.env == nil {
		return
	}
	col := container.NewVBox()
	for i, a := range u.areas {
		b := widget.NewButton(a.Title(), func() { u.show(i) })
		b.Alignment = widget.ButtonAlignLeading
		u.nav = append(u.nav, b)
		col.Add(b)
	}
	u.navColumn = col
}

// show makes area i the one on screen and refreshes it.
func (u *ui) show(i int) {
	if i < 0 || i >= len(u.areas) {
		return
	}
	u.current = i
	for j, b := range u.nav {
		b.Importance = widget.MediumImportance
		if j == i {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
	// The navigation comes first so that Tab reaches it first.
	nav := container.NewPadded(u.navColumn)
	main := container.New(layout.NewBorderLayout(nil, nil, nav, nil), nav,
		u.areas[i].Content())
	u.body.Objects = []fyne.CanvasObject{main}
	u.body.Refresh()
	u.areas[i].Refresh()
}

// updateStatus writes the open workspace in the status line and the
// window title.
func (u *ui) updateStatus() {
	if u.env == nil {
		u.status.SetText(i18n.T("app.status.none"))
		u.win.SetTitle(i18n.T("app.name"))
		return
	}
	p := u.env.store.Path()
	u.status.SetText(i18n.T("app.status.workspace", p))
	u.win.SetTitle(i18n.T("app.window.title", filepath.Base(p)))
}

// mainMenu builds the menus in the current language.
func (u *ui) mainMenu() *fyne.MainMenu {
	open := u.env != nil
	item := func(key string, sc fyne.Shortcut, action func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(i18n.T(key), action)
		it.Shortcut = sc
		return it
	}

	backup := item("app.menu.backup", scBackup, u.chooseBackup)
	backup.Disabled = !open
	check := item("app.menu.check", nil, u.checkWorkspace)
	check.Disabled = !open
	recent := fyne.NewMenuItem(i18n.T("app.menu.recent"), nil)
	recent.ChildMenu = u.recentMenu()
	quit := item("app.menu.quit", scQuit, u.quit)
	quit.IsQuit = true
	workspace := fyne.NewMenu(i18n.T("app.menu.workspace"),
		item("app.menu.new", scNew, u.chooseNew),
		item("app.menu.open", scOpen, u.chooseWorkspace),
		recent, fyne.NewMenuItemSeparator(), backup, check,
		fyne.NewMenuItemSeparator(), quit)

	view := fyne.NewMenu(i18n.T("app.menu.view"))
	for i, a := range u.areas {
		it := fyne.NewMenuItem(a.Title(), func() { u.show(i) })
		it.Shortcut = areaShortcut(i)
		view.Items = append(view.Items, it)
	}
	help := fyne.NewMenu(i18n.T("app.menu.help"), item("app.menu.about", nil, u.about))
	return fyne.NewMainMenu(workspace, view, help)
}

// recentMenu lists the recent workspaces, most recent first, and a way to
// forget them.
func (u *ui) recentMenu() *fyne.Menu {
	m := fyne.NewMenu("")
	for _, p := range recentFiles(u.app.Preferences()) {
		m.Items = append(m.Items, fyne.NewMenuItem(p, func() { u.openWorkspace(p) }))
	}
	if len(m.Items) == 0 {
		none := fyne.NewMenuItem(i18n.T("app.menu.recent.empty"), nil)
		none.Disabled = true
		return fyne.NewMenu("", none)
	}
	m.Items = append(m.Items, fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(i18n.T("app.menu.recent.clear"), u.clearRecent))
	return m
}

// clearRecent forgets the recent workspaces, after asking.
func (u *ui) clearRecent() {
	u.confirm(i18n.T("app.recent.clear.title"), i18n.T("app.recent.clear.text"),
		i18n.T("app.recent.clear.confirm"), func() {
			u.app.Preferences().SetStringList(prefRecent, nil)
			u.win.SetMainMenu(u.mainMenu())
		})
}

// setLanguage applies lang at once to the whole window and remembers it.
func (u *ui) setLanguage(lang string) {
	lang = i18n.Normalize(lang)
	if lang == i18n.Language() {
		return
	}
	i18n.SetLanguage(lang)
	u.app.Preferences().SetString(prefLanguage, lang)
	u.rebuild()
}

// setActor records the user's name for the audit trail.
func (u *ui) setActor(name string) {
	u.app.Preferences().SetString(prefActor, name)
	if u.env != nil {
		u.env.store.Actor = actorOrDefault(name)
	}
}

// about shows what Certeval is.
func (u *ui) about() {
	u.tell(i18n.T("app.about.title"), i18n.T("app.about.text"))
}

// quit leaves the application; every change is already on disk.
func (u *ui) quit() {
	u.saveWindowSize()
	u.app.Quit()
}

// saveWindowSize remembers the window's size for the next start.
func (u *ui) saveWindowSize() {
	saveSize(u.app.Preferences(), u.win.Canvas().Size())
}

// close closes the open workspace; Run calls it once the window is gone.
func (u *ui) close() error {
	if u.env == nil {
		return nil
	}
	u.env.cancel()
	err := u.env.store.Close()
	u.env = nil
	return err
}

// newEnv wraps an open store for the areas.
func (u *ui) newEnv(s *storage.Store) *env {
	ctx, cancel := context.WithCancel(context.Background())
	return &env{store: s, win: u.win, ctx: ctx, cancel: cancel, shell: u}
}

// fail shows sentence in a dialog and logs op with err.
func (u *ui) fail(op, sentence string, err error) {
	if err == nil {
		err = errors.New(op)
	}
	logError(op, err)
	u.tell(i18n.T("app.error.title"), sentence)
}

// tell shows a message in a dialog with an OK button in the user's
// language.
func (u *ui) tell(title, message string) {
	l := widget.NewLabel(message)
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(title, i18n.T("app.ok"), l, u.win)
	d.Resize(fyne.NewSize(480, 0))
	d.Show()
}

// confirm asks before a destructive action and runs it on yes.
func (u *ui) confirm(title, message, yes string, action func()) {
	l := widget.NewLabel(message)
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(title, yes, i18n.T("app.cancel"), l, func(ok bool) {
		if ok {
			action()
		}
	}, u.win)
	d.Resize(fyne.NewSize(480, 0))
	d.Show()
}
