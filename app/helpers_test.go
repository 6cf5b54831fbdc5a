package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"certeval/storage"
)

// newTestUI builds the shell in a test window, in French unless the
// preferences set say otherwise.
func newTestUI(t *testing.T, opts Options, prefs map[string]string) *ui {
	t.Helper()
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, "fr")
	for k, v := range prefs {
		a.Preferences().SetString(k, v)
	}
	w := a.NewWindow("test")
	u := newUI(a, w, opts)
	t.Cleanup(func() {
		if err := u.close(); err != nil {
			t.Errorf("close: %v", err)
		}
		w.Close()
	})
	return u
}

// mustWorkspace creates a workspace file named name under dir.
func mustWorkspace(t testing.TB, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	s, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Record(context.Background(), storage.Event{
		Action: "test.create", Entity: "workspace/" + name,
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// patched copies the file at src to dst with edit applied to its bytes.
func patched(t testing.TB, src, dst string, edit func([]byte) []byte) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, edit(b), 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

// texts lists every text on o and below it: labels, buttons, entries,
// selects, rich text and canvas text.
func texts(o fyne.CanvasObject) []string {
	var out []string
	walk(o, func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			out = append(out, v.Text)
		case *widget.Button:
			out = append(out, v.Text)
		case *widget.Entry:
			out = append(out, v.Text)
		case *widget.Select:
			out = append(out, v.Selected)
		case *widget.RichText:
			out = append(out, v.String())
		case *canvas.Text:
			out = append(out, v.Text)
		}
	})
	return out
}

// walk calls f on o and every object under it, visible or not hidden.
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	f(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walk(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walk(c, f)
		}
	}
}

// screen lists the texts of the window and of its dialogs.
func screen(w fyne.Window) []string {
	all := texts(w.Content())
	for _, o := range w.Canvas().Overlays().List() {
		all = append(all, texts(o)...)
	}
	return all
}

// onScreen reports whether text is shown whole in the window or a dialog.
func onScreen(w fyne.Window, text string) bool {
	return slices.Contains(screen(w), text)
}

// containing reports whether some text on screen contains part.
func containing(w fyne.Window, part string) bool {
	return slices.ContainsFunc(screen(w), func(s string) bool { return strings.Contains(s, part) })
}

// tapText taps the innermost tappable object showing text, in the window
// or its top dialog or menu.
func tapText(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	roots := []fyne.CanvasObject{w.Content()}
	if top := w.Canvas().Overlays().Top(); top != nil {
		roots = []fyne.CanvasObject{top}
	}
	var found fyne.Tappable
	for _, r := range roots {
		walk(r, func(o fyne.CanvasObject) {
			tp, ok := o.(fyne.Tappable)
			if ok && slices.Contains(texts(o), text) {
				found = tp // walk goes down, so the last one is innermost
			}
		})
	}
	if found == nil {
		t.Fatalf("nothing to tap shows %q; screen: %q", text, screen(w))
	}
	test.Tap(found)
}

// waitFor waits until cond holds, for work running in the background.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("still waiting for %s", what)
}

// typeShortcut sends Ctrl+key to the window.
func typeShortcut(w fyne.Window, sc fyne.Shortcut) {
	w.Canvas().(fyne.Shortcutable).TypedShortcut(sc)
}

// menuItem finds the item labelled label in the window's menus.
func menuItem(t *testing.T, w fyne.Window, label string) *fyne.MenuItem {
	t.Helper()
	var find func(items []*fyne.MenuItem) *fyne.MenuItem
	find = func(items []*fyne.MenuItem) *fyne.MenuItem {
		for _, it := range items {
			if it.Label == label {
				return it
			}
			if it.ChildMenu != nil {
				if c := find(it.ChildMenu.Items); c != nil {
					return c
				}
			}
		}
		return nil
	}
	for _, m := range w.MainMenu().Items {
		if it := find(m.Items); it != nil {
			return it
		}
	}
	t.Fatalf("no menu item %q", label)
	return nil
}
