package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/storage"
)

// errExists is returned when a new workspace would replace a file.
var errExists = errors.New("app: file already exists")

// openWorkspace opens the workspace at path and shows it in place of the
// current one. A refused file leaves the current workspace open and tells
// the user why in one sentence.
func (u *ui) openWorkspace(path string) error {
	if u.env != nil && samePath(path, u.env.store.Path()) {
		return nil
	}
	s, err := storage.Open(path)
	if err != nil {
		u.fail("open workspace", openErrorSentence(path, err), err)
		return err
	}
	u.setWorkspace(s)
	return nil
}

// setWorkspace closes the current workspace, if any, and rebuilds the
// window on s.
func (u *ui) setWorkspace(s *storage.Store) {
	if err := u.close(); err != nil {
		logError("close workspace", err)
	}
	s.Actor = actorOrDefault(actorName(u.app.Preferences()))
	u.env = u.newEnv(s)
	rememberWorkspace(u.app.Preferences(), s.Path())
	u.rebuild()
}

// actorOrDefault is the name recorded in the audit trail for name.
func actorOrDefault(name string) string {
	if name = strings.TrimSpace(name); name != "" {
		return name
	}
	return "certeval"
}

// openErrorSentence tells the user, in their language, why the file at
// path was refused and what to do.
func openErrorSentence(path string, err error) string {
	name := filepath.Base(path)
	switch {
	case errors.Is(err, storage.ErrNotSQLite):
		return i18n.T("app.error.notsqlite", name)
	case errors.Is(err, storage.ErrTruncated):
		return i18n.T("app.error.truncated", name)
	case errors.Is(err, storage.ErrNotWorkspace):
		return i18n.T("app.error.notworkspace", name)
	case errors.Is(err, storage.ErrTooNew):
		return i18n.T("app.error.toonew", name)
	}
	return i18n.T("app.error.open", name)
}

// samePath reports whether a and b name the same file.
func samePath(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA != nil || errB != nil {
		return filepath.Clean(a) == filepath.Clean(b)
	}
	return os.SameFile(sa, sb)
}

// workspaceDir is the folder the file dialogs start in.
func (u *ui) workspaceDir() string {
	if u.env != nil {
		return filepath.Dir(u.env.store.Path())
	}
	if u.opts.DefaultPath != "" {
		return filepath.Dir(u.opts.DefaultPath)
	}
	home, _ := os.UserHomeDir()
	return home
}

// chooseWorkspace asks for a workspace file and opens it.
func (u *ui) chooseWorkspace() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			u.fail("choose workspace", i18n.T("app.error.dialog"), err)
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		u.openWorkspace(path)
	}, u.win)
	startIn(d, u.workspaceDir())
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// startIn points a file dialog at dir when it exists.
func startIn(d interface{ SetLocation(fyne.ListableURI) }, dir string) {
	if l, err := fynestorage.ListerForURI(fynestorage.NewFileURI(dir)); err == nil {
		d.SetLocation(l)
	}
}

// pathForm asks for a file path as a folder and a name, with a button to
// browse for the folder. It calls done with the joined path.
func (u *ui) pathForm(title, confirm, dir, name string, done func(string)) {
	folder := widget.NewEntry()
	folder.SetText(dir)
	file := widget.NewEntry()
	file.SetText(name)
	browse := widget.NewButton(i18n.T("app.path.browse"), func() {
		d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
			if err == nil && l != nil {
				folder.SetText(l.Path())
			}
		}, u.win)
		startIn(d, folder.Text)
		d.Resize(fyne.NewSize(800, 560))
		d.Show()
	})
	items := []*widget.FormItem{
		widget.NewFormItem(i18n.T("app.path.folder"),
			container.NewBorder(nil, nil, nil, browse, folder)),
		widget.NewFormItem(i18n.T("app.path.name"), file),
	}
	d := dialog.NewForm(title, confirm, i18n.T("app.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		if strings.TrimSpace(folder.Text) == "" || strings.TrimSpace(file.Text) == "" {
			u.fail("choose path", i18n.T("app.path.missing"), nil)
			return
		}
		done(filepath.Join(strings.TrimSpace(folder.Text), strings.TrimSpace(file.Text)))
	}, u.win)
	d.Resize(fyne.NewSize(640, 0))
	d.Show()
}

// chooseNew asks where to create an empty workspace. It never replaces
// an existing file.
func (u *ui) chooseNew() {
	u.pathForm(i18n.T("app.new.title"), i18n.T("app.new.create"), u.workspaceDir(),
		i18n.T("app.new.defaultname"), func(path string) { u.newWorkspace(path) })
}

// newWorkspace creates an empty workspace at path and opens it.
func (u *ui) newWorkspace(path string) error {
	if _, err := os.Stat(path); err == nil {
		u.fail("new workspace", i18n.T("app.new.exists", filepath.Base(path)), errExists)
		return errExists
	}
	s, err := storage.Open(path)
	if err != nil {
		u.fail("new workspace", i18n.T("app.error.create", filepath.Base(path)), err)
		return err
	}
	u.setWorkspace(s)
	return nil
}

// backupName proposes a name for a copy of the workspace at path.
func backupName(path string, now time.Time) string {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	return fmt.Sprintf("%s-%s%s", base, now.Format("2006-01-02-1504"), ".certeval")
}

// chooseBackup asks where to save a copy of the workspace, and whether to
// replace a file that is already there.
func (u *ui) chooseBackup() {
	if u.env == nil {
		return
	}
	src := u.env.store.Path()
	u.pathForm(i18n.T("app.backup.title"), i18n.T("app.backup.save"), filepath.Dir(src),
		backupName(src, time.Now()), func(dst string) {
			if _, err := os.Stat(dst); err != nil {
				u.backup(dst, nil)
				return
			}
			u.confirm(i18n.T("app.backup.replace.title"),
				i18n.T("app.backup.replace.text", filepath.Base(dst)),
				i18n.T("app.backup.replace.confirm"), func() { u.backup(dst, nil) })
		})
}

// backup copies the open workspace to dst in the background, with a
// progress dialog, and tells the user the outcome. done, if set, runs on
// the UI thread at the end with the error.
func (u *ui) backup(dst string, done func(error)) {
	if u.env == nil {
		return
	}
	if samePath(dst, u.env.store.Path()) {
		u.fail("backup", i18n.T("app.backup.same"), errors.New("backup onto itself"))
		return
	}
	progress := u.progress(i18n.T("app.backup.running"))
	s := u.env.store
	go func() {
		err := s.Backup(context.Background(), dst)
		fyne.Do(func() {
			progress.Hide()
			if err != nil {
				u.fail("backup", i18n.T("app.backup.failed", filepath.Base(dst)), err)
			} else {
				u.tell(i18n.T("app.backup.title"), i18n.T("app.backup.done", dst))
			}
			if done != nil {
				done(err)
			}
		})
	}()
}

// progress shows a dialog with an endless progress bar and message.
func (u *ui) progress(message string) dialog.Dialog {
	bar := widget.NewProgressBarInfinite()
	d := dialog.NewCustomWithoutButtons(i18n.T("app.wait"),
		container.NewVBox(widget.NewLabel(message), bar), u.win)
	d.Show()
	return d
}

// checkWorkspace runs the integrity checks in the background and shows
// one line per check.
func (u *ui) checkWorkspace() {
	if u.env == nil {
		return
	}
	progress := u.progress(i18n.T("app.check.running"))
	s, ctx := u.env.store, u.env.ctx
	go func() {
		checks := s.Check(ctx)
		fyne.Do(func() {
			progress.Hide()
			if ctx.Err() == nil {
				u.tell(i18n.T("app.check.title"), strings.Join(checkReport(checks), "\n"))
			}
		})
	}()
}

// checkReport turns check results into lines for the user: one per check,
// then a sentence on what to do.
func checkReport(checks []storage.Check) []string {
	lines := make([]string, 0, len(checks)+1)
	ok := true
	for _, c := range checks {
		lines = append(lines, checkLine(c))
		ok = ok && c.OK
	}
	if ok {
		return append(lines, i18n.T("app.check.allok"))
	}
	return append(lines, i18n.T("app.check.advice"))
}

// checkLine is one check's result in the user's words.
func checkLine(c storage.Check) string {
	name := i18n.T("app.check." + c.Name)
	if c.OK {
		return i18n.T("app.check.ok", name)
	}
	return i18n.T("app.check.fail", name, c.Detail)
}
