package app

import (
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
)

// sampleName is the file name of the demonstration workspace.
const sampleName = "exemple.certeval"

// firstRun is the screen shown when no workspace is open: try the sample,
// start an empty workspace, or open an existing file.
func (u *ui) firstRun() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(i18n.T("app.first.title"), fyne.TextAlignLeading,
		fyne.TextStyle{Bold: true})
	intro := wrapped(i18n.T("app.first.intro"))

	choices := container.NewVBox()
	if u.opts.CreateSample != nil {
		choices.Add(choice(i18n.T("app.first.sample"), i18n.T("app.first.sample.help"),
			u.openSample))
	}
	choices.Add(choice(i18n.T("app.first.empty"),
		i18n.T("app.first.empty.help", u.emptyPath()), u.createDefault))
	choices.Add(choice(i18n.T("app.first.open"), i18n.T("app.first.open.help"),
		u.chooseWorkspace))

	lang := widget.NewFormItem(i18n.T("app.settings.language"), languageSelect(u.setLanguage))
	box := container.NewVBox(title, intro, choices, widget.NewForm(lang))
	return container.NewVScroll(container.NewPadded(box))
}

// choice is a button with a sentence under it saying what it does.
func choice(label, help string, action func()) fyne.CanvasObject {
	b := widget.NewButton(label, action)
	b.Alignment = widget.ButtonAlignLeading
	return container.NewVBox(b, wrapped(help))
}

// wrapped is a label whose text wraps at word boundaries.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// emptyPath is where the first empty workspace is created.
func (u *ui) emptyPath() string {
	if u.opts.DefaultPath != "" {
		return u.opts.DefaultPath
	}
	return filepath.Join(u.dataDir(), "certeval.certeval")
}

// samplePath is where the demonstration workspace is written: beside the
// default workspace, else in the application's data folder.
func (u *ui) samplePath() string {
	if u.opts.DefaultPath != "" {
		return filepath.Join(filepath.Dir(u.opts.DefaultPath), sampleName)
	}
	return filepath.Join(u.dataDir(), sampleName)
}

// dataDir is the application's own data folder.
func (u *ui) dataDir() string {
	return u.app.Storage().RootURI().Path()
}

// createDefault creates the empty workspace at the default path.
func (u *ui) createDefault() {
	path := u.emptyPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		u.fail("create workspace folder", i18n.T("app.error.create", filepath.Base(path)), err)
		return
	}
	u.newWorkspace(path)
}

// openSample opens the demonstration workspace, writing it first when it
// does not exist yet. Writing it may take a moment: it runs in the
// background behind a progress dialog.
func (u *ui) openSample() {
	path := u.samplePath()
	if _, err := os.Stat(path); err == nil {
		u.openWorkspace(path)
		return
	}
	progress := u.progress(i18n.T("app.first.sample.running"))
	go func() {
		err := u.writeSample(path)
		fyne.Do(func() {
			progress.Hide()
			if err != nil {
				u.fail("create sample", i18n.T("app.first.sample.failed"), err)
				return
			}
			u.openWorkspace(path)
		})
	}()
}

// writeSample writes the demonstration workspace at path; a failed one is
// removed so the next try starts afresh.
func (u *ui) writeSample(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create sample folder: %w", err)
	}
	if err := u.opts.CreateSample(path); err != nil {
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			os.Remove(p)
		}
		return fmt.Errorf("create sample: %w", err)
	}
	return nil
}
