// Package app is Certeval's desktop application: the main window, its
// menus and shortcuts, and the screens the users work in. It is the only
// package that imports Fyne's widget, container and dialog packages; it
// talks to the workspace through package storage and to the rules through
// the domain packages.
//
// # Shell and areas
//
// The main window is a shell (shell.go) around areas: "Référentiels et
// grilles", "Candidats", "Correction", "Jury", "Documents" and
// "Paramètres". An area is anything that satisfies the area interface:
//
//	type area interface {
//		Title() string              // the name in the navigation and menus, translated
//		Content() fyne.CanvasObject // what the area shows, built once per area value
//		Refresh()                   // reload from the workspace; called each time it is shown
//	}
//
// Each area lives in its own file, area_<name>.go, with an unexported
// struct, a constructor taking an *env and handlers as methods. The file
// registers its constructor from init:
//
//	func init() { registerArea(3, newGradingArea) }
//
// The number is the area's place in the navigation and its shortcut
// (Ctrl+3). The shell calls every constructor again whenever the
// workspace or the language changes, so an area builds its widgets and
// labels in its constructor and never keeps state across workspaces.
// Replacing an area means replacing its file; the shell does not change.
//
// The *env an area receives holds the open workspace (env.store), the
// window (env.win) and a context cancelled when the workspace closes
// (env.ctx). Its methods show errors to the user (env.fail), run slow work
// off the UI thread (env.background) and reach the shell's actions
// (language, user name, choosing a workspace).
//
// # Threads and errors
//
// Widgets are only touched on the UI thread: background work hands its
// result back through fyne.Do. An error is shown in a dialog as one
// sentence in the user's language that says what to do, and logged with
// log/slog with the wrapped chain, never with personal data.
package app

import (
	"context"
	"log/slog"
	"sort"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"certeval/assets"
	"certeval/i18n"
	"certeval/jury"
	"certeval/storage"
)

// ID is the application identifier given to Fyne: it names the folder
// where Fyne keeps the preferences and the application's data.
const ID = "fr.certeval.app"

// Options configures Run.
type Options struct {
	// DBPath is a workspace chosen on the command line (--db or
	// CERTEVAL_DB). It is opened, or created, at start; empty lets the
	// application choose.
	DBPath string

	// DefaultPath is where the workspace lives by default, in the
	// application-data folder. A first-run screen is shown when no
	// workspace was remembered and this file does not exist yet.
	DefaultPath string

	// CreateSample writes the demonstration workspace at path. It is
	// offered on the first-run screen; nil hides that choice.
	CreateSample func(path string) error
}

// Run opens the desktop application, shows the main window and returns
// when the user quits.
func Run(opts Options) error {
	a := fyneapp.NewWithID(ID)
	a.SetIcon(icon())

	w := a.NewWindow(i18n.T("app.name"))
	w.SetMaster()
	u := newUI(a, w, opts)
	w.ShowAndRun()
	return u.close()
}

// icon is the application icon as a Fyne resource.
func icon() fyne.Resource {
	return &fyne.StaticResource{StaticName: "certeval.png", StaticContent: assets.Icon()}
}

// area is one screen of the main window; see the package comment.
type area interface {
	Title() string
	Content() fyne.CanvasObject
	Refresh()
}

// areaSpec is a registered area: its place and its constructor.
type areaSpec struct {
	order int
	build func(*env) area
}

// registry holds the areas registered by the area files, in order.
var registry []areaSpec

// registerArea adds an area to the main window at position order (1 is
// first and gets Ctrl+1). Area files call it from init.
func registerArea(order int, build func(*env) area) {
	for _, s := range registry {
		if s.order == order {
			panic("app: two areas registered at the same place")
		}
	}
	registry = append(registry, areaSpec{order: order, build: build})
	sort.Slice(registry, func(i, j int) bool { return registry[i].order < registry[j].order })
}

// env is what an area is given: the open workspace and the ways to reach
// the user and the shell.
type env struct {
	store *storage.Store
	win   fyne.Window

	// ctx is cancelled when the workspace is closed or replaced.
	ctx    context.Context
	cancel context.CancelFunc

	shell *ui
}

// fail shows sentence to the user and logs op with err.
func (e *env) fail(op, sentence string, err error) { e.shell.fail(op, sentence, err) }

// spawn starts background work. The tests replace it to run the work at
// once: Fyne's test driver has no UI thread, so fyne.Do runs a callback on
// the goroutine that calls it, which would race with the test's own.
var spawn = func(f func()) { go f() }

// background runs work off the UI thread; the function it returns, if
// any, runs on the UI thread unless the workspace was closed meanwhile.
func (e *env) background(work func(ctx context.Context) func()) {
	spawn(func() {
		done := work(e.ctx)
		if done == nil || e.ctx.Err() != nil {
			return
		}
		fyne.Do(func() {
			if e.ctx.Err() == nil {
				done()
			}
		})
	})
}

// withCredentials lists the workspace's credentials in the background and
// hands them to show on the UI thread; a failed read is shown instead.
func (e *env) withCredentials(show func(refs []storage.CredentialRef)) {
	e.background(func(ctx context.Context) func() {
		refs, err := e.store.Credentials(ctx)
		return func() {
			if err != nil {
				e.fail("list credentials", i18n.T("enrolment.err.read"), err)
				return
			}
			show(refs)
		}
	})
}

// readCredential reads the credential refs[i] names. It reports false when
// i names none, or when the read failed, which it shows.
func (e *env) readCredential(refs []storage.CredentialRef, i int) (*jury.Credential, bool) {
	if i < 0 || i >= len(refs) {
		return nil, false
	}
	c, err := e.store.Credential(e.ctx, refs[i].Code)
	if err != nil {
		e.fail("read credential", i18n.T("enrolment.err.read"), err)
		return nil, false
	}
	return c, true
}

// setLanguage switches the whole window to lang ("fr" or "en").
func (e *env) setLanguage(lang string) { e.shell.setLanguage(lang) }

// setActor records name as the person making the changes from now on.
func (e *env) setActor(name string) { e.shell.setActor(name) }

// chooseWorkspace asks for a workspace file to open instead of this one.
func (e *env) chooseWorkspace() { e.shell.chooseWorkspace() }

// logError logs an error without personal data: the operation and the
// error chain only.
func logError(op string, err error) {
	slog.Error(op, "err", err)
}
