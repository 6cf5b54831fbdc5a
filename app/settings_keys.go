package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/seal"
)

// minPassphrase is the shortest passphrase, in characters, a new key
// file accepts.
const minPassphrase = 10

// errKeyForm is logged when a key form is refused before any work.
var errKeyForm = errors.New("key form refused")

// keysSection is the "Clés de signature" part of the settings: creating
// a key, importing one from PKCS#12, changing a passphrase, exporting a
// certificate, and the workspace's signing key and trusted issuers.
type keysSection struct {
	env *env

	// Creating a key.
	name, role, institution *widget.Entry
	pass, confirm           *widget.Entry
	folder, file            *widget.Entry
	create                  *widget.Button
	created                 *widget.Label
	use                     *widget.Button
	lastKey                 string

	// Changing a passphrase.
	pwFile                  *widget.Entry
	pwOld, pwNew, pwConfirm *widget.Entry
	change                  *widget.Button
	signing, issuers        *widget.Label
	box                     fyne.CanvasObject
}

// newKeysSection builds the section on the open workspace.
func newKeysSection(e *env) *keysSection {
	k := &keysSection{env: e}
	title := widget.NewLabelWithStyle(i18n.T("keys.app.title"), fyne.TextAlignLeading,
		fyne.TextStyle{Bold: true})
	k.signing, k.issuers = wrapped(""), wrapped("")
	k.box = container.NewVBox(title, wrapped(i18n.T("keys.app.about")),
		widget.NewForm(
			widget.NewFormItem(i18n.T("keys.app.signing"), k.signing),
			widget.NewFormItem(i18n.T("keys.app.issuers"), k.issuers)),
		k.createForm(), k.passwdForm(),
		container.NewHBox(widget.NewButton(i18n.T("keys.app.import"), k.importP12),
			widget.NewButton(i18n.T("keys.app.export"), k.export)))
	return k
}

// createForm is the form that creates a key file.
func (k *keysSection) createForm() fyne.CanvasObject {
	k.name, k.role, k.institution = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	k.pass, k.confirm = widget.NewPasswordEntry(), widget.NewPasswordEntry()
	k.folder, k.file = widget.NewEntry(), widget.NewEntry()
	k.folder.SetText(filepath.Dir(k.env.store.Path()))
	k.file.SetText(i18n.T("keys.app.defaultname"))
	k.create = widget.NewButton(i18n.T("keys.app.create"), k.startCreate)
	k.created = wrapped("")
	k.use = widget.NewButton(i18n.T("keys.app.use"), func() { k.useForSigning(k.lastKey) })
	k.use.Hide()

	return widget.NewCard(i18n.T("keys.app.new"), "", container.NewVBox(widget.NewForm(
		widget.NewFormItem(i18n.T("keys.app.name"), k.name),
		widget.NewFormItem(i18n.T("keys.app.role"), k.role),
		widget.NewFormItem(i18n.T("keys.app.institution"), k.institution),
		widget.NewFormItem(i18n.T("keys.app.pass"), k.pass),
		widget.NewFormItem(i18n.T("keys.app.confirm"), k.confirm),
		widget.NewFormItem(i18n.T("app.path.folder"), k.folderField(k.folder)),
		widget.NewFormItem(i18n.T("app.path.name"), k.file),
	), container.NewHBox(k.create, k.use), k.created))
}

// passwdForm is the form that changes a key file's passphrase.
func (k *keysSection) passwdForm() fyne.CanvasObject {
	k.pwFile = widget.NewEntry()
	k.pwOld, k.pwNew = widget.NewPasswordEntry(), widget.NewPasswordEntry()
	k.pwConfirm = widget.NewPasswordEntry()
	k.change = widget.NewButton(i18n.T("keys.app.passwd.do"), k.startPasswd)
	return widget.NewCard(i18n.T("keys.app.passwd"), "", container.NewVBox(widget.NewForm(
		widget.NewFormItem(i18n.T("keys.app.file"), k.keyFileField(k.pwFile)),
		widget.NewFormItem(i18n.T("keys.app.old"), k.pwOld),
		widget.NewFormItem(i18n.T("keys.app.pass"), k.pwNew),
		widget.NewFormItem(i18n.T("keys.app.confirm"), k.pwConfirm),
	), container.NewHBox(k.change)))
}

// Refresh shows the workspace's signing key and trusted issuers.
func (k *keysSection) Refresh() {
	path, err := k.env.store.SigningKey(k.env.ctx)
	if err != nil {
		k.env.fail("read signing key", i18n.T("keys.app.error.read"), err)
	}
	if path == "" {
		path = i18n.T("keys.app.signing.none")
	}
	k.signing.SetText(path)

	list, err := k.env.store.TrustedIssuers(k.env.ctx)
	if err != nil {
		k.env.fail("list issuers", i18n.T("keys.app.error.read"), err)
	}
	lines := make([]string, 0, len(list))
	for _, iss := range list {
		lines = append(lines, i18n.T("keys.app.issuer", iss.Name, iss.KeyID))
	}
	if len(lines) == 0 {
		lines = append(lines, i18n.T("keys.app.issuers.none"))
	}
	k.issuers.SetText(strings.Join(lines, "\n"))
}

// startCreate checks the form, then creates and saves the key in the
// background, asking first before replacing a file.
func (k *keysSection) startCreate() {
	subj := seal.Subject{Name: strings.TrimSpace(k.name.Text),
		Role: strings.TrimSpace(k.role.Text), Institution: strings.TrimSpace(k.institution.Text)}
	if subj.Name == "" {
		k.env.fail("create key", i18n.T("keys.app.error.name"), errKeyForm)
		return
	}
	pass, ok := k.checkPassphrase(k.pass.Text, k.confirm.Text)
	if !ok {
		return
	}
	path, ok := k.target(k.folder.Text, k.file.Text)
	if !ok {
		return
	}
	k.replacing(path, func() { k.createKey(subj, pass, path) })
}

// createKey makes the identity and saves it off the UI thread.
func (k *keysSection) createKey(subj seal.Subject, pass []byte, path string) {
	progress := k.env.shell.progress(i18n.T("keys.app.creating"))
	k.env.background(func(context.Context) func() {
		id, err := seal.NewIdentity(subj)
		if err == nil {
			err = id.Save(path, pass)
		}
		return func() {
			progress.Hide()
			if err != nil {
				k.env.fail("create key", seal.Explain(err), err)
				return
			}
			k.lastKey = path
			k.pass.SetText("")
			k.confirm.SetText("")
			k.created.SetText(i18n.T("keys.app.created", path, seal.KeyID(id.Certificate)))
			k.use.Show()
		}
	})
}

// useForSigning makes path the workspace's signing key.
func (k *keysSection) useForSigning(path string) {
	if err := k.env.store.SetSigningKey(k.env.ctx, path); err != nil {
		k.env.fail("set signing key", i18n.T("keys.app.error.save"), err)
		return
	}
	k.Refresh()
}

// startPasswd checks the form and changes the passphrase in the
// background.
func (k *keysSection) startPasswd() {
	path := strings.TrimSpace(k.pwFile.Text)
	if path == "" {
		k.env.fail("change passphrase", i18n.T("keys.app.error.file"), errKeyForm)
		return
	}
	pass, ok := k.checkPassphrase(k.pwNew.Text, k.pwConfirm.Text)
	if !ok {
		return
	}
	old := []byte(k.pwOld.Text)
	progress := k.env.shell.progress(i18n.T("keys.app.changing"))
	k.env.background(func(context.Context) func() {
		err := seal.ChangePassphrase(path, old, pass)
		return func() {
			progress.Hide()
			if err != nil {
				k.env.fail("change passphrase", seal.Explain(err), err)
				return
			}
			k.pwOld.SetText("")
			k.pwNew.SetText("")
			k.pwConfirm.SetText("")
			k.env.shell.tell(i18n.T("keys.app.passwd"), i18n.T("keys.app.changed", path))
		}
	})
}

// checkPassphrase refuses a new passphrase that is too short or differs
// from its confirmation.
func (k *keysSection) checkPassphrase(pass, confirm string) ([]byte, bool) {
	switch {
	case utf8.RuneCountInString(pass) < minPassphrase:
		k.env.fail("check passphrase", i18n.T("keys.err.short", minPassphrase), errKeyForm)
		return nil, false
	case pass != confirm:
		k.env.fail("check passphrase", i18n.T("keys.app.error.mismatch"), errKeyForm)
		return nil, false
	}
	return []byte(pass), true
}

// target joins a folder and a file name, refusing an empty one.
func (k *keysSection) target(folder, file string) (string, bool) {
	folder, file = strings.TrimSpace(folder), strings.TrimSpace(file)
	if folder == "" || file == "" {
		k.env.fail("choose path", i18n.T("app.path.missing"), errKeyForm)
		return "", false
	}
	return filepath.Join(folder, file), true
}

// replacing runs action at once when path is free, and after the user's
// consent when a file is there.
func (k *keysSection) replacing(path string, action func()) {
	if _, err := os.Stat(path); err != nil {
		action()
		return
	}
	k.env.shell.confirm(i18n.T("keys.app.replace.title"),
		i18n.T("keys.app.replace.text", filepath.Base(path)),
		i18n.T("keys.app.replace.confirm"), action)
}

// folderField is entry with a button to browse for a folder.
func (k *keysSection) folderField(entry *widget.Entry) fyne.CanvasObject {
	browse := widget.NewButton(i18n.T("app.path.browse"), func() {
		d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
			if err == nil && l != nil {
				entry.SetText(l.Path())
			}
		}, k.env.win)
		startIn(d, entry.Text)
		d.Resize(fyne.NewSize(800, 560))
		d.Show()
	})
	return container.NewBorder(nil, nil, nil, browse, entry)
}

// keyFileField is entry with a button to choose an existing file.
func (k *keysSection) keyFileField(entry *widget.Entry) fyne.CanvasObject {
	browse := widget.NewButton(i18n.T("app.path.browse"), func() {
		k.openFile(func(path string) { entry.SetText(path) })
	})
	return container.NewBorder(nil, nil, nil, browse, entry)
}

// openFile asks for an existing file and calls done with its path.
func (k *keysSection) openFile(done func(string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		done(path)
	}, k.env.win)
	startIn(d, filepath.Dir(k.env.store.Path()))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// importP12 asks for a PKCS#12 file, then for its password, the new
// passphrase and where to save the key file.
func (k *keysSection) importP12() {
	k.openFile(func(src string) {
		p12, pass, confirm := widget.NewPasswordEntry(), widget.NewPasswordEntry(),
			widget.NewPasswordEntry()
		folder, file := widget.NewEntry(), widget.NewEntry()
		folder.SetText(filepath.Dir(src))
		file.SetText(strings.TrimSuffix(filepath.Base(src), filepath.Ext(src)) + ".key")
		items := []*widget.FormItem{
			widget.NewFormItem(i18n.T("keys.app.p12pass"), p12),
			widget.NewFormItem(i18n.T("keys.app.pass"), pass),
			widget.NewFormItem(i18n.T("keys.app.confirm"), confirm),
			widget.NewFormItem(i18n.T("app.path.folder"), k.folderField(folder)),
			widget.NewFormItem(i18n.T("app.path.name"), file),
		}
		k.form(i18n.T("keys.app.import"), items, func() {
			newPass, ok := k.checkPassphrase(pass.Text, confirm.Text)
			if !ok {
				return
			}
			if path, ok := k.target(folder.Text, file.Text); ok {
				k.replacing(path, func() { k.importKey(src, p12.Text, newPass, path) })
			}
		})
	})
}

// importKey reads the PKCS#12 file and saves its key off the UI thread.
func (k *keysSection) importKey(src, password string, pass []byte, path string) {
	progress := k.env.shell.progress(i18n.T("keys.app.creating"))
	k.env.background(func(context.Context) func() {
		var id *seal.Identity
		data, err := os.ReadFile(src)
		if err == nil {
			id, err = seal.ImportPKCS12(data, password)
		}
		if err == nil {
			err = id.Save(path, pass)
		}
		return func() {
			progress.Hide()
			if err != nil {
				k.env.fail("import key", seal.Explain(err), err)
				return
			}
			k.lastKey = path
			k.created.SetText(i18n.T("keys.app.created", path, seal.KeyID(id.Certificate)))
			k.use.Show()
		}
	})
}

// export asks for a key file and where to write its certificate.
func (k *keysSection) export() {
	key, folder, file := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	folder.SetText(filepath.Dir(k.env.store.Path()))
	file.SetText(i18n.T("keys.app.defaultcert"))
	items := []*widget.FormItem{
		widget.NewFormItem(i18n.T("keys.app.file"), k.keyFileField(key)),
		widget.NewFormItem(i18n.T("app.path.folder"), k.folderField(folder)),
		widget.NewFormItem(i18n.T("app.path.name"), file),
	}
	k.form(i18n.T("keys.app.export"), items, func() {
		if path, ok := k.target(folder.Text, file.Text); ok {
			k.replacing(path, func() { k.exportCert(strings.TrimSpace(key.Text), path) })
		}
	})
}

// exportCert writes the certificates of the key file at key to path.
func (k *keysSection) exportCert(key, path string) {
	certs, err := seal.Certificates(key)
	if err != nil {
		k.env.fail("export certificate", seal.Explain(err), err)
		return
	}
	if err := os.WriteFile(path, seal.CertificatesPEM(certs), 0o644); err != nil {
		k.env.fail("export certificate", i18n.T("keys.app.error.write", path), err)
		return
	}
	k.env.shell.tell(i18n.T("keys.app.export"),
		i18n.T("keys.app.exported", path, seal.KeyID(certs[0])))
}

// form shows a dialog holding items; ok runs when the user confirms.
func (k *keysSection) form(title string, items []*widget.FormItem, ok func()) {
	d := dialog.NewForm(title, i18n.T("app.ok"), i18n.T("app.cancel"), items,
		func(yes bool) {
			if yes {
				ok()
			}
		}, k.env.win)
	d.Resize(fyne.NewSize(640, 0))
	d.Show()
}
