package app

import (
	"errors"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/jury"
	cstorage "certeval/storage"
)

func init() { registerArea(1, newCredentialsArea) }

// credentialsArea is the "Référentiels et grilles" area: the list of the
// workspace's micro-credentials and the form of the one selected, with
// what is still missing beside it.
type credentialsArea struct {
	env  *env
	form *credentialForm

	list     *widget.Select
	refs     []cstorage.CredentialRef
	existing bool // the form shows a saved credential
	shown    bool // the list was shown once: later refreshes keep the choice
	main     fyne.CanvasObject
	box      *fyne.Container // shows main, or the grid editor
}

// newCredentialsArea builds the area on the open workspace.
func newCredentialsArea(e *env) area {
	a := &credentialsArea{env: e, form: newCredentialForm()}
	a.form.chooseHeader = a.chooseHeader
	a.list = widget.NewSelect(nil, a.selected)
	a.list.PlaceHolder = i18n.T("enrolment.cred.pick")
	add := widget.NewButton(i18n.T("enrolment.cred.new"), a.newCredential)
	save := widget.NewButton(i18n.T("enrolment.cred.save"), a.save)
	save.Importance = widget.HighImportance
	grid := widget.NewButton(i18n.T("enrolment.cred.grid"), a.openGrid)

	top := container.NewBorder(nil, nil, widget.NewLabel(i18n.T("enrolment.cred.credential")),
		container.NewHBox(add, save, grid), a.list)
	split := container.NewHSplit(a.form.content, container.NewBorder(
		widget.NewLabelWithStyle(i18n.T("enrolment.cred.completeness"), fyne.TextAlignLeading,
			fyne.TextStyle{Bold: true}), nil, nil, nil, a.form.panel))
	split.SetOffset(0.66)
	// The workspace's file, so that one knows where these credentials live.
	file := widget.NewLabel(i18n.T("app.summary.path", e.store.Path()))
	file.Truncation = fyne.TextTruncateEllipsis
	a.main = container.NewBorder(top, file, nil, nil, split)
	a.box = container.NewStack(a.main)
	return a
}

// Title is the area's name.
func (a *credentialsArea) Title() string { return i18n.T("app.area.credentials") }

// Content is what the area shows.
func (a *credentialsArea) Content() fyne.CanvasObject { return a.box }

// Refresh reads the list of credentials again.
func (a *credentialsArea) Refresh() {
	a.env.withCredentials(a.showList)
}

// credentialLabels names each credential in a select: "CODE — title".
func credentialLabels(refs []cstorage.CredentialRef) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.Code + " — " + r.Title
	}
	return out
}

// credentialCodes lists the credentials' codes, in order.
func credentialCodes(refs []cstorage.CredentialRef) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.Code
	}
	return out
}

func (a *credentialsArea) showList(refs []cstorage.CredentialRef) {
	a.refs = refs
	a.list.Options = credentialLabels(refs)
	a.list.Refresh()

	// On first showing, open the first credential rather than an empty form.
	if !a.shown && len(refs) > 0 && a.list.SelectedIndex() < 0 {
		a.list.SetSelectedIndex(0)
	}
	a.shown = true
}

// selected loads the credential chosen in the list.
func (a *credentialsArea) selected(string) {
	c, ok := a.env.readCredential(a.refs, a.list.SelectedIndex())
	if !ok {
		return
	}
	a.existing = true
	a.form.load(c, true)
}

// newCredential empties the form for a new credential.
func (a *credentialsArea) newCredential() {
	a.existing = false
	a.list.ClearSelected()
	a.form.load(&jury.Credential{}, false)
}

// save writes the form's credential: created when new, replaced otherwise.
func (a *credentialsArea) save() {
	c := a.form.credential()
	if len(a.form.bad) > 0 {
		a.env.shell.tell(i18n.T("enrolment.cred.save"), strings.Join(a.form.bad, "\n"))
		return
	}
	var err error
	if a.existing {
		err = a.env.store.SaveCredential(a.env.ctx, c)
	} else {
		err = a.env.store.CreateCredential(a.env.ctx, c)
	}
	if err != nil {
		a.env.fail("save credential", saveSentence(err), err)
		return
	}
	a.existing = true
	a.form.load(c, true)
	refs, err := a.env.store.Credentials(a.env.ctx)
	if err == nil {
		a.showList(refs)
		for i, r := range refs {
			if r.Code == c.Code {
				a.list.SetSelectedIndex(i)
			}
		}
	}
}

// saveSentence says why a credential was not saved.
func saveSentence(err error) string {
	var pe *jury.ProblemsError
	switch {
	case errors.As(err, &pe):
		return strings.Join(pe.Problems, "\n")
	case errors.Is(err, cstorage.ErrCredentialExists):
		return i18n.T("enrolment.err.code_used")
	case errors.Is(err, cstorage.ErrNoCredential):
		return i18n.T("enrolment.err.code_missing")
	}
	return i18n.T("enrolment.err.save")
}

// chooseHeader asks for a PNG file and hands its bytes to done.
func (a *credentialsArea) chooseHeader(done func([]byte)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		if err != nil {
			a.env.fail("read header", i18n.T("enrolment.err.header"), err)
			return
		}
		done(b)
	}, a.env.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png"}))
	d.Show()
}

// openGrid shows the grid editor of the saved credential in the area.
func (a *credentialsArea) openGrid() {
	if !a.existing {
		a.env.shell.tell(i18n.T("enrolment.cred.grid"), i18n.T("enrolment.cred.grid_save_first"))
		return
	}
	code := a.form.credential().Code
	ed := newGridEditor(a.env, code)
	back := widget.NewButton(i18n.T("enrolment.cred.back"), func() {
		a.box.Objects = []fyne.CanvasObject{a.main}
		a.box.Refresh()
		a.selected("")
	})
	a.box.Objects = []fyne.CanvasObject{container.NewBorder(
		container.NewHBox(back, widget.NewLabel(code)), nil, nil, nil, ed.Content())}
	a.box.Refresh()
}
