package app

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/issue"
	"certeval/seal"
	"certeval/storage"
)

func init() { registerArea(5, newDocumentsArea) }

// documentsArea is the "Documents" area: the register of issued documents,
// issuing the documents of the closed deliberations, revoking one, and
// verifying a file.
type documentsArea struct {
	env *env

	docs     []storage.Document
	learners map[string]string // "credential/candidate" → name
	selected int               // index in docs, -1 for none

	list   *widget.List
	count  *widget.Label // how many documents the register holds
	status *widget.Label // what the last action did
	revoke *widget.Button
	box    fyne.CanvasObject

	// The issue dialog's fields, kept for the handlers and the tests.
	keyPath    *widget.Entry
	passphrase *widget.Entry
	outDir     *widget.Entry

	// cancel stops the issuing under way; nil when none is.
	cancel   context.CancelFunc
	progress *widget.ProgressBar
	// opened is the folder last shown to the user after issuing.
	opened string
}

// newDocumentsArea builds the area on the open workspace.
func newDocumentsArea(e *env) area {
	a := &documentsArea{env: e, selected: -1, learners: map[string]string{}}
	title := widget.NewLabelWithStyle(i18n.T("issue.app.title"), fyne.TextAlignLeading,
		fyne.TextStyle{Bold: true})
	a.count = widget.NewLabel(i18n.T("issue.app.loading"))
	a.status = wrapped("")
	a.list = widget.NewList(func() int { return len(a.docs) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(a.row(i)) })
	a.list.OnSelected = func(i widget.ListItemID) { a.selected = i; a.revoke.Enable() }
	a.list.OnUnselected = func(widget.ListItemID) { a.selected = -1; a.revoke.Disable() }

	issueBtn := widget.NewButton(i18n.T("issue.app.issue"), a.issueDialog)
	issueBtn.Importance = widget.HighImportance
	a.revoke = widget.NewButton(i18n.T("issue.app.revoke"), a.revokeDialog)
	a.revoke.Disable()
	verify := widget.NewButton(i18n.T("issue.app.verify"), a.verifyDialog)
	a.progress = widget.NewProgressBar()
	a.progress.Hide()

	top := container.NewVBox(title, wrapped(i18n.T("issue.app.about")),
		container.NewHBox(issueBtn, a.revoke, verify), a.progress, a.status, a.count,
		widget.NewLabelWithStyle(i18n.T("issue.app.columns"), fyne.TextAlignLeading,
			fyne.TextStyle{Bold: true}))
	a.box = container.NewBorder(top, nil, nil, nil, a.list)
	return a
}

// Title is the area's name.
func (a *documentsArea) Title() string { return i18n.T("app.area.documents") }

// Content is what the area shows.
func (a *documentsArea) Content() fyne.CanvasObject { return a.box }

// Refresh reads the register again in the background.
func (a *documentsArea) Refresh() {
	a.env.background(func(ctx context.Context) func() {
		docs, learners, err := readRegister(ctx, a.env.store)
		return func() { a.show(docs, learners, err) }
	})
}

// readRegister reads the register and the names of the learners it
// names; a purged learner shows as storage keeps them.
func readRegister(ctx context.Context, s *storage.Store) ([]storage.Document,
	map[string]string, error) {
	docs, err := s.Documents(ctx)
	if err != nil {
		return nil, nil, err
	}
	learners := map[string]string{}
	for _, d := range docs {
		key := d.Credential + "/" + d.Candidate
		if _, done := learners[key]; done || d.Candidate == "" {
			continue
		}
		c, err := s.Candidate(ctx, d.Credential, d.Candidate)
		if err != nil {
			learners[key] = d.Candidate
			continue
		}
		learners[key] = strings.TrimSpace(c.GivenNames + " " + c.FamilyName)
	}
	return docs, learners, nil
}

// show puts the register on screen.
func (a *documentsArea) show(docs []storage.Document, learners map[string]string, err error) {
	if err != nil {
		a.count.SetText(i18n.T("issue.app.error.read"))
		logError("read register", err)
		return
	}
	a.docs, a.learners = docs, learners
	a.list.UnselectAll()
	a.selected = -1
	a.revoke.Disable()
	a.list.Refresh()
	a.count.SetText(i18n.T("issue.app.count", len(docs)))
}

// row is the text of one register entry: identifier, kind, learner,
// date, signer, revoked or not.
func (a *documentsArea) row(i int) string {
	if i < 0 || i >= len(a.docs) {
		return ""
	}
	d := a.docs[i]
	learner := a.learners[d.Credential+"/"+d.Candidate]
	if learner == "" {
		learner = "—"
	}
	state := i18n.T("issue.app.valid")
	if d.Revoked {
		state = i18n.T("issue.app.revoked", d.RevokedAt.Local().Format("2006-01-02"))
	}
	return strings.Join([]string{d.ID, i18n.T("issue.kind." + d.Kind), learner,
		d.IssuedAt.Local().Format("2006-01-02"), signerOf(d), state}, "  ·  ")
}

// signerOf names who signed a registered document.
func signerOf(d storage.Document) string {
	c, err := parsePEM(d.SignerPEM)
	if err != nil {
		return d.KeyID
	}
	return seal.SubjectOf(c).Name
}

// issueDialog asks for the key file, its passphrase and the folder, then
// issues the documents.
func (a *documentsArea) issueDialog() {
	a.keyPath, a.passphrase, a.outDir = widget.NewEntry(), widget.NewPasswordEntry(),
		widget.NewEntry()
	a.keyPath.SetPlaceHolder(i18n.T("issue.app.key_hint"))
	if p, err := a.env.store.SigningKey(a.env.ctx); err == nil {
		a.keyPath.SetText(p)
	}
	a.outDir.SetText(filepath.Join(filepath.Dir(a.env.store.Path()), "documents"))
	browse := widget.NewButton(i18n.T("issue.app.browse"), func() {
		dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
			if err == nil && r != nil {
				a.keyPath.SetText(r.URI().Path())
				r.Close()
			}
		}, a.env.win)
	})
	items := []*widget.FormItem{
		widget.NewFormItem(i18n.T("issue.app.key"), container.NewBorder(nil, nil, nil,
			browse, a.keyPath)),
		widget.NewFormItem(i18n.T("issue.app.passphrase"), a.passphrase),
		widget.NewFormItem(i18n.T("issue.app.out"), a.outDir),
	}
	d := dialog.NewForm(i18n.T("issue.app.issue"), i18n.T("issue.app.sign"),
		i18n.T("issue.app.cancel"), items, func(ok bool) {
			if ok {
				a.startIssue()
			}
		}, a.env.win)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
}

// startIssue loads the key and runs the pipeline in the background with
// a progress bar and a way to cancel.
func (a *documentsArea) startIssue() {
	key, pass := strings.TrimSpace(a.keyPath.Text), []byte(a.passphrase.Text)
	out := strings.TrimSpace(a.outDir.Text)
	a.passphrase.SetText("")
	ctx, cancel := context.WithCancel(a.env.ctx)
	a.cancel = cancel
	a.progress.SetValue(0)
	a.progress.Show()
	a.status.SetText(i18n.T("issue.app.working"))
	stop := dialog.NewCustom(i18n.T("issue.app.issue"), i18n.T("issue.app.stop"),
		widget.NewLabel(i18n.T("issue.app.working")), a.env.win)
	finished := false // touched on the UI thread only
	stop.SetOnClosed(func() {
		if !finished {
			cancel()
		}
	})
	stop.Show()

	go func() {
		sum, err := a.issue(ctx, key, pass, out)
		fyne.Do(func() {
			finished = true
			stop.Hide()
			cancel()
			a.finishIssue(sum, err)
		})
	}()
}

// issue loads the identity and issues every document, reporting progress.
func (a *documentsArea) issue(ctx context.Context, key string, pass []byte,
	out string) (issue.Summary, error) {
	id, err := seal.Load(key, pass)
	if err != nil {
		return issue.Summary{}, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return issue.Summary{}, err
	}
	sum, err := issue.Sheets(ctx, a.env.store, id, out, func(done, total int) {
		fyne.Do(func() { a.progress.SetValue(float64(done) / float64(total)) })
	})
	if err == nil {
		err = a.env.store.SetSigningKey(context.WithoutCancel(ctx), key)
	}
	return sum, err
}

// finishIssue tells how the issuing went and opens the folder.
func (a *documentsArea) finishIssue(sum issue.Summary, err error) {
	a.cancel = nil
	a.progress.Hide()
	a.Refresh()
	switch {
	case errors.Is(err, context.Canceled):
		a.status.SetText(i18n.T("issue.app.cancelled", sum.Documents))
	case errors.Is(err, issue.ErrNoDeliberation):
		a.env.fail("issue documents", i18n.T("issue.cli.sheets.none"), err)
	case errors.Is(err, os.ErrNotExist):
		a.env.fail("issue documents", i18n.T("issue.app.error.nokey"), err)
	case isSealError(err):
		a.env.fail("issue documents", seal.Explain(err), err)
	case err != nil:
		a.env.fail("issue documents", i18n.T("issue.app.error.issue"), err)
	default:
		a.status.SetText(i18n.T("issue.cli.sheets.done", sum.Documents, sum.Dir))
		a.openFolder(sum.Dir)
	}
}

// isSealError reports whether err comes from package seal (a key or
// passphrase problem the user can fix).
func isSealError(err error) bool {
	for _, e := range []error{seal.ErrWrongPassphrase, seal.ErrDamagedKey,
		seal.ErrEmptyPassphrase, seal.ErrUnsupportedKey} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// openFolder shows dir in the system's file manager.
func (a *documentsArea) openFolder(dir string) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	a.opened = abs
	u := &url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	if err := fyne.CurrentApp().OpenURL(u); err != nil {
		logError("open folder", err)
	}
}

// revokeDialog asks for the reason, then to confirm, and revokes the
// selected document.
func (a *documentsArea) revokeDialog() {
	if a.selected < 0 || a.selected >= len(a.docs) {
		return
	}
	d := a.docs[a.selected]
	reason := widget.NewMultiLineEntry()
	reason.SetPlaceHolder(i18n.T("issue.app.reason_hint"))
	items := []*widget.FormItem{widget.NewFormItem(i18n.T("issue.app.reason"), reason)}
	form := dialog.NewForm(i18n.T("issue.app.revoke_title", d.ID), i18n.T("issue.app.revoke"),
		i18n.T("issue.app.cancel"), items, func(ok bool) {
			if !ok {
				return
			}
			msg := widget.NewLabel(i18n.T("issue.app.revoke_confirm", d.ID))
			msg.Wrapping = fyne.TextWrapWord
			c := dialog.NewCustomConfirm(i18n.T("issue.app.revoke_title", d.ID),
				i18n.T("issue.app.revoke_final"), i18n.T("issue.app.cancel"), msg,
				func(yes bool) {
					if yes {
						a.revokeDocument(d.ID, reason.Text)
					}
				}, a.env.win)
			c.Resize(fyne.NewSize(480, 0))
			c.Show()
		}, a.env.win)
	form.Resize(fyne.NewSize(520, 0))
	form.Show()
}

// revokeDocument revokes document id for reason and reads the register
// again.
func (a *documentsArea) revokeDocument(id, reason string) {
	err := a.env.store.RevokeDocument(a.env.ctx, id, reason)
	switch {
	case errors.Is(err, storage.ErrNoReason):
		a.env.fail("revoke document", i18n.T("issue.app.error.reason"), err)
	case err != nil:
		a.env.fail("revoke document", i18n.T("issue.app.error.revoke"), err)
	default:
		a.status.SetText(i18n.T("issue.app.revoked_done", id))
	}
	a.Refresh()
}

// verifyDialog asks for a file and tells whether it is authentic.
func (a *documentsArea) verifyDialog() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		a.verifyFile(path)
	}, a.env.win)
}

// verifyFile checks the file at path against the workspace's trusted
// issuers and register, and shows the verdict.
func (a *documentsArea) verifyFile(path string) {
	a.env.background(func(ctx context.Context) func() {
		v, err := issue.WorkspaceVerifier(ctx, a.env.store)
		if err != nil {
			return func() { a.env.fail("verify", i18n.T("issue.verify.register"), err) }
		}
		r := v.Check(ctx, path)
		r.Name = filepath.Base(path)
		return func() {
			a.status.SetText(r.Line())
			a.env.shell.tell(i18n.T("issue.app.verify"), r.Line())
		}
	})
}

// parsePEM reads the first certificate of a PEM text.
func parsePEM(text string) (*x509.Certificate, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("app: no PEM certificate")
	}
	return x509.ParseCertificate(block.Bytes)
}
