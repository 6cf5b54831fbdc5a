package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
)

// deskKeys takes the keyboard on the candidate page: 1 to 9 choose a
// level of the focused criterion, Up/Down or J/K move between criteria,
// PageDown/PageUp move between candidates, and the page's shortcuts
// (Ctrl+Z, Ctrl+Enter, Ctrl+Right, Ctrl+Left) work. It shows which
// criterion has the focus.
type deskKeys struct {
	widget.BaseWidget
	page    *sheetPage
	label   *widget.Label
	focused bool
}

var (
	_ fyne.Focusable    = (*deskKeys)(nil)
	_ fyne.Shortcutable = (*deskKeys)(nil)
	_ fyne.Tappable     = (*deskKeys)(nil)
)

func newDeskKeys(p *sheetPage) *deskKeys {
	k := &deskKeys{page: p, label: widget.NewLabel("")}
	k.label.Wrapping = fyne.TextWrapWord
	k.ExtendBaseWidget(k)
	return k
}

// CreateRenderer shows the hint line.
func (k *deskKeys) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(k.label)
}

// Refresh writes the hint again.
func (k *deskKeys) Refresh() {
	p := k.page
	text := i18n.T("desk.keys.idle")
	if p.sheet != nil && k.focused {
		c := p.sheet.Grid.Criteria[p.focused]
		text = i18n.T("desk.keys.focus", p.focused+1, len(p.sheet.Grid.Criteria), c.Label,
			len(c.Levels))
	}
	k.label.SetText(text)
	k.BaseWidget.Refresh()
}

// Tapped gives the keyboard to the matrix.
func (k *deskKeys) Tapped(*fyne.PointEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(k); c != nil {
		c.Focus(k)
	}
}

// FocusGained is called when the matrix gets the keyboard.
func (k *deskKeys) FocusGained() { k.focused = true; k.Refresh() }

// FocusLost is called when the keyboard goes elsewhere.
func (k *deskKeys) FocusLost() { k.focused = false; k.Refresh() }

// TypedRune chooses a level (1 to 9) or moves (J, K).
func (k *deskKeys) TypedRune(r rune) {
	switch {
	case r >= '1' && r <= '9':
		k.page.choose(int(r - '1'))
	case r == 'j' || r == 'J':
		k.page.moveFocus(1)
	case r == 'k' || r == 'K':
		k.page.moveFocus(-1)
	}
}

// TypedKey moves between criteria and candidates.
func (k *deskKeys) TypedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyDown:
		k.page.moveFocus(1)
	case fyne.KeyUp:
		k.page.moveFocus(-1)
	case fyne.KeyPageDown:
		k.page.area.move(1)
	case fyne.KeyPageUp:
		k.page.area.move(-1)
	}
}

// TypedShortcut runs the page's shortcuts.
func (k *deskKeys) TypedShortcut(s fyne.Shortcut) { k.page.shortcut(s) }
