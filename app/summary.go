package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/storage"
)

// overview presents what the workspace holds: its file, its audit trail
// and its integrity checks. The settings area shows it.
type overview struct {
	env      *env
	titleKey string

	events *widget.Label
	last   *widget.Label
	checks *widget.Label
	body   *fyne.Container // the overview, to place inside another screen
	box    fyne.CanvasObject
}

// newOverview builds an overview titled by titleKey and introduced by
// the sentence aboutKey.
func newOverview(e *env, titleKey, aboutKey string) *overview {
	o := &overview{env: e, titleKey: titleKey}
	title := widget.NewLabelWithStyle(i18n.T(titleKey), fyne.TextAlignLeading,
		fyne.TextStyle{Bold: true})
	path := widget.NewLabel(i18n.T("app.summary.path", e.store.Path()))
	path.Selectable = true
	path.Wrapping = fyne.TextWrapBreak

	o.events = widget.NewLabel(i18n.T("app.summary.loading"))
	o.last = wrapped("")
	o.checks = widget.NewLabel("")
	heading := widget.NewLabelWithStyle(i18n.T("app.summary.title"), fyne.TextAlignLeading,
		fyne.TextStyle{Bold: true})
	o.body = container.NewVBox(title, wrapped(i18n.T(aboutKey)),
		widget.NewSeparator(), heading, path, o.events, o.last, o.checks)
	o.box = container.NewVScroll(o.body)
	return o
}

// Title is the area's name.
func (o *overview) Title() string { return i18n.T(o.titleKey) }

// Content is what the area shows.
func (o *overview) Content() fyne.CanvasObject { return o.box }

// Refresh reads the workspace again in the background.
func (o *overview) Refresh() {
	o.env.background(func(ctx context.Context) func() {
		s, err := readSummary(ctx, o.env.store)
		return func() { o.show(s, err) }
	})
}

// show puts a summary on screen.
func (o *overview) show(s summary, err error) {
	if err != nil {
		o.events.SetText(i18n.T("app.summary.error"))
		logError("read workspace summary", err)
		return
	}
	o.events.SetText(i18n.T("app.summary.events", s.events))
	o.last.SetText(i18n.T("app.summary.noevent"))
	if s.events > 0 {
		o.last.SetText(i18n.T("app.summary.last", s.last.At.Local().Format("2006-01-02 15:04"),
			s.last.Action, s.last.Actor))
	}
	o.checks.SetText(strings.Join(checkReport(s.checks), "\n"))
}

// summary is what an overview shows of a workspace.
type summary struct {
	events int
	last   storage.Event
	checks []storage.Check
}

// readSummary reads the audit trail and runs the integrity checks.
func readSummary(ctx context.Context, s *storage.Store) (summary, error) {
	evs, err := s.Events(ctx, "")
	if err != nil {
		return summary{}, fmt.Errorf("read summary: %w", err)
	}
	sum := summary{events: len(evs), checks: s.Check(ctx)}
	if len(evs) > 0 {
		sum.last = evs[len(evs)-1]
	}
	return sum, nil
}
