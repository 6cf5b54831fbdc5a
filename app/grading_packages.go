package app

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/parcel"
	"certeval/seal"
	"certeval/storage"
)

// packagesView imports and exports grading packages, shows the keys the
// workspace trusts and the conflicts imports kept.
type packagesView struct {
	area      *gradingArea
	keys      *widget.Label
	conflicts *fyne.Container
	box       fyne.CanvasObject
}

func newPackagesView(a *gradingArea) *packagesView {
	v := &packagesView{area: a, keys: wrapped(""), conflicts: container.NewVBox()}
	imp := widget.NewButton(i18n.T("desk.pkg.import"), v.chooseImport)
	assign := widget.NewButton(i18n.T("desk.pkg.assign"), func() { v.chooseExport(false) })
	results := widget.NewButton(i18n.T("desk.pkg.results"), func() { v.chooseExport(true) })
	register := widget.NewButton(i18n.T("desk.pkg.register"), v.chooseCertificate)
	v.box = container.NewVScroll(container.NewVBox(
		container.NewHBox(imp, assign, results, register),
		bold(i18n.T("desk.pkg.keys")), v.keys,
		bold(i18n.T("desk.pkg.conflicts")), v.conflicts))
	return v
}

// load reads the keys and the open conflicts.
func (v *packagesView) load() {
	ctx, st := v.area.env.ctx, v.area.env.store
	keys, err := st.PackageKeys(ctx)
	if err != nil {
		v.area.env.fail("list keys", i18n.T("desk.err.read"), err)
		return
	}
	var lines []string
	for _, k := range keys {
		lines = append(lines, i18n.T("desk.pkg.key", i18n.T("desk.role."+k.Role), k.Name,
			k.KeyID, i18n.T("desk.origin."+k.Origin)))
	}
	v.keys.SetText(strings.Join(lines, "\n"))
	if len(lines) == 0 {
		v.keys.SetText(i18n.T("desk.pkg.nokeys"))
	}
	cs, err := st.Conflicts(ctx, v.area.credential(), false)
	if err != nil {
		v.area.env.fail("list conflicts", i18n.T("desk.err.read"), err)
		return
	}
	v.conflicts.Objects = nil
	for _, c := range cs {
		v.conflicts.Add(v.conflictRow(c))
	}
	if len(cs) == 0 {
		v.conflicts.Add(widget.NewLabel(i18n.T("desk.pkg.noconflict")))
	}
	v.conflicts.Refresh()
}

// conflictRow shows one conflict with its two choices.
func (v *packagesView) conflictRow(c storage.Conflict) fyne.CanvasObject {
	text := i18n.T("desk.pkg.conflict", c.SubmissionKey, c.Expert,
		fmt.Sprint(c.Held.Choices), c.Held.Revision, fmt.Sprint(c.Incoming.Choices),
		c.Incoming.Revision)
	held := widget.NewButton(i18n.T("desk.pkg.keepheld"), func() { v.resolve(c, false) })
	in := widget.NewButton(i18n.T("desk.pkg.keepin"), func() { v.resolve(c, true) })
	return container.NewVBox(wrapped(text), container.NewHBox(held, in))
}

// resolve asks a reason and keeps one side of a conflict.
func (v *packagesView) resolve(c storage.Conflict, incoming bool) {
	e := widget.NewEntry()
	items := []*widget.FormItem{widget.NewFormItem(i18n.T("desk.reason"), e)}
	dialog.ShowForm(i18n.T("desk.pkg.resolve"), i18n.T("desk.reason.ok"), i18n.T("app.cancel"),
		items, func(ok bool) {
			if !ok {
				return
			}
			err := v.area.env.store.ResolveConflict(v.area.env.ctx, c.ID, incoming, e.Text)
			if err != nil {
				v.area.env.fail("resolve conflict", explain(err), err)
			}
			v.load()
		}, v.area.env.win)
}

// chooseImport asks for a package file and imports it.
func (v *packagesView) chooseImport() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		data, err := io.ReadAll(io.LimitReader(r, parcel.MaxSize+1<<20))
		if err != nil {
			v.area.env.fail("read package", i18n.T("desk.cli.read", r.URI().Name(), err), err)
			return
		}
		v.importData(r.URI().Name(), data)
	}, v.area.env.win)
}

// importData imports one package and says what it did.
func (v *packagesView) importData(name string, data []byte) {
	rep, err := v.area.env.store.ImportPackage(v.area.env.ctx, data)
	if err != nil {
		v.area.env.fail("import package", i18n.T("desk.cli.refused", name,
			parcel.Explain(err)), err)
		return
	}
	v.area.env.shell.tell(i18n.T("desk.pkg.import"),
		i18n.T("desk.cli.imported", rep.Merged, rep.Unchanged, rep.Conflicts))
	v.area.Refresh()
	v.load()
}

// chooseCertificate registers an expert's certificate (PEM).
func (v *packagesView) chooseCertificate() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		b, _ := io.ReadAll(io.LimitReader(r, 1<<20))
		blk, _ := pem.Decode(b)
		var cert *x509.Certificate
		if blk != nil {
			cert, err = x509.ParseCertificate(blk.Bytes)
		}
		if blk == nil || err != nil {
			v.area.env.fail("read certificate", i18n.T("desk.pkg.badcert", r.URI().Name()), err)
			return
		}
		err = v.area.env.store.RegisterKey(v.area.env.ctx, cert, storage.RoleExpert, "")
		if err != nil {
			v.area.env.fail("register key", i18n.T("desk.err.save"), err)
		}
		v.load()
	}, v.area.env.win)
}

// chooseExport asks for the signing key and its passphrase, then where
// to write the package.
func (v *packagesView) chooseExport(results bool) {
	path, pass := widget.NewEntry(), widget.NewPasswordEntry()
	path.SetPlaceHolder(i18n.T("desk.pkg.keyfile"))
	items := []*widget.FormItem{widget.NewFormItem(i18n.T("desk.pkg.keyfile"), path),
		widget.NewFormItem(i18n.T("desk.pkg.passphrase"), pass)}
	dialog.ShowForm(i18n.T("desk.pkg.sign"), i18n.T("desk.reason.ok"), i18n.T("app.cancel"),
		items, func(ok bool) {
			if !ok {
				return
			}
			id, err := seal.Load(strings.TrimSpace(path.Text), []byte(pass.Text))
			if err != nil {
				v.area.env.fail("load key", seal.Explain(err), err)
				return
			}
			v.export(id, results)
		}, v.area.env.win)
}

// export writes the package signed by id where the user chooses.
func (v *packagesView) export(id *seal.Identity, results bool) {
	ctx, st, code := v.area.env.ctx, v.area.env.store, v.area.credential()
	var data []byte
	var err error
	if results {
		data, err = st.ExportResults(ctx, code, id)
	} else {
		data, err = st.ExportAssignment(ctx, code, v.area.expert(), id)
	}
	if err != nil {
		v.area.env.fail("export package", i18n.T("desk.pkg.exportfail"), err)
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if _, err := w.Write(data); err != nil {
			v.area.env.fail("write package", i18n.T("desk.cli.write", w.URI().Name(), err), err)
		}
	}, v.area.env.win)
	d.SetFileName(code + ".certeval-package.zip")
	d.Show()
}
