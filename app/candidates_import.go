package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/jury"
)

// importPreview is what a CSV file would enrol, shown before anything is
// written: the rows to import, or every problem with its line and column.
type importPreview struct {
	file     string
	cands    []jury.Candidate
	draw     *jury.Draw
	problems []jury.LineError
	err      error // a failure other than the file's rows
}

// previewCandidates parses data for the credential, given the identifiers
// already enrolled, and draws a university for the rows without one.
func previewCandidates(cred *jury.Credential, existing []string, file string,
	data []byte) importPreview {
	p := importPreview{file: file}
	cands, err := jury.ParseCandidates(bytes.NewReader(data), cred.ImportOptions(existing))
	var ie *jury.ImportError
	switch {
	case errors.As(err, &ie):
		p.problems = ie.Problems
		return p
	case err != nil:
		p.err = err
		return p
	}
	p.cands = cands
	p.draw = cred.DrawMissing(cands)
	if p.draw != nil {
		p.draw.Apply(p.cands)
	}
	return p
}

// chooseImportFile asks for a CSV file and previews it.
func (a *candidatesArea) chooseImportFile() {
	a.openCSV("read candidates file", a.previewFile)
}

// openCSV asks for a CSV file of the selected credential and hands its
// name and bytes to then; op names the step in the log.
func (a *candidatesArea) openCSV(op string, then func(name string, data []byte)) {
	if a.cred == nil {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		data, err := io.ReadAll(r)
		if err != nil {
			a.env.fail(op, i18n.T("enrolment.err.file"), err)
			return
		}
		then(r.URI().Name(), data)
	}, a.env.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".txt"}))
	d.Show()
}

// previewFile shows what data would enrol, and enrols it on confirmation.
func (a *candidatesArea) previewFile(name string, data []byte) {
	existing := make([]string, len(a.cands))
	for i, c := range a.cands {
		existing[i] = c.ID
	}
	p := previewCandidates(a.cred, existing, name, data)
	if p.err != nil {
		a.env.fail("preview candidates", i18n.T("enrolment.err.file"), p.err)
		return
	}

	var d dialog.Dialog
	cancel := widget.NewButton(i18n.T("enrolment.cancel"), func() { d.Hide() })
	var body fyne.CanvasObject
	var buttons fyne.CanvasObject = container.NewHBox(cancel)
	if len(p.problems) > 0 {
		body = problemsView(p)
	} else {
		confirm := widget.NewButton(i18n.T("enrolment.import.confirm", len(p.cands)), func() {
			d.Hide()
			a.commitImport(p)
		})
		confirm.Importance = widget.HighImportance
		body = rowsView(p)
		buttons = container.NewHBox(cancel, confirm)
	}
	d = dialog.NewCustomWithoutButtons(i18n.T("enrolment.import.title", name),
		container.NewBorder(nil, container.NewCenter(buttons), nil, nil, body), a.env.win)
	d.Resize(fyne.NewSize(760, 480))
	d.Show()
}

// problemsView lists every bad row: line, column, what to fix.
func problemsView(p importPreview) fyne.CanvasObject {
	head := wrapped(i18n.T("enrolment.import.refused", len(p.problems)))
	t := widget.NewTable(
		func() (int, int) { return len(p.problems) + 1, 3 },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(problemCell(p.problems, id))
		})
	t.SetColumnWidth(0, 70)
	t.SetColumnWidth(1, 160)
	t.SetColumnWidth(2, 480)
	return container.NewBorder(head, nil, nil, nil, t)
}

func problemCell(ps []jury.LineError, id widget.TableCellID) string {
	if id.Row == 0 {
		return i18n.T([]string{"enrolment.col.line", "enrolment.col.column",
			"enrolment.col.fix"}[id.Col])
	}
	pr := ps[id.Row-1]
	return []string{fmt.Sprint(pr.Line), pr.Column, pr.Text}[id.Col]
}

// rowsView lists the candidates the file would enrol.
func rowsView(p importPreview) fyne.CanvasObject {
	head := i18n.T("enrolment.import.ready", len(p.cands))
	if p.draw != nil {
		head += " " + i18n.T("enrolment.import.drawn", len(p.draw.Assignments))
	}
	t := widget.NewTable(
		func() (int, int) { return len(p.cands) + 1, 4 },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(rowCell(p.cands, id))
		})
	for i, w := range []float32{110, 200, 200, 120} {
		t.SetColumnWidth(i, w)
	}
	return container.NewBorder(wrapped(head), nil, nil, nil, t)
}

func rowCell(cands []jury.Candidate, id widget.TableCellID) string {
	if id.Row == 0 {
		return i18n.T([]string{"enrolment.col.id", "enrolment.col.family",
			"enrolment.col.given", "enrolment.col.university"}[id.Col])
	}
	c := cands[id.Row-1]
	return []string{c.ID, c.FamilyName, c.GivenNames, c.University}[id.Col]
}

// commitImport enrols the previewed candidates in one transaction.
func (a *candidatesArea) commitImport(p importPreview) {
	err := a.env.store.ImportCandidates(a.env.ctx, a.cred.Code, p.file, p.cands, p.draw)
	if err != nil {
		a.env.fail("import candidates", i18n.T("enrolment.err.import"), err)
		return
	}
	a.reload()
	a.env.shell.tell(i18n.T("enrolment.import.done_title"),
		i18n.T("enrolment.import.done", len(p.cands), a.cred.Code))
}
