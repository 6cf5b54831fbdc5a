package app

import (
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/layout"

	"certeval/i18n"
)

// Keys of the preferences Fyne keeps for Certeval on this computer.
const (
	prefLanguage = "language"         // "fr" or "en"
	prefActor    = "actor"            // the user's name in the audit trail
	prefWidth    = "window.width"     // main window size
	prefHeight   = "window.height"    //
	prefRecent   = "workspace.recent" // recent workspaces, most recent first
)

// maxRecent is how many recent workspaces the menu lists.
const maxRecent = 8

// defaultSize is the main window's size until the user changes it.
var defaultSize = fyne.NewSize(1024, 700)

// startLanguage is the language to start in: the one chosen in the
// settings, else the environment's.
func startLanguage(p fyne.Preferences) string {
	if l := p.String(prefLanguage); l != "" {
		return i18n.Normalize(l)
	}
	return i18n.FromEnvironment()
}

// recentFiles returns the remembered workspaces, most recent first.
func recentFiles(p fyne.Preferences) []string {
	return p.StringList(prefRecent)
}

// pushRecent puts path first in list, without duplicates, keeping at most
// maxRecent entries.
func pushRecent(list []string, path string) []string {
	out := []string{path}
	for _, p := range list {
		if p != path && p != "" && len(out) < maxRecent {
			out = append(out, p)
		}
	}
	return out
}

// rememberWorkspace records path as the most recent workspace.
func rememberWorkspace(p fyne.Preferences, path string) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	p.SetStringList(prefRecent, pushRecent(recentFiles(p), path))
}

// actorName is the user's name from the preferences, trimmed.
func actorName(p fyne.Preferences) string {
	return strings.TrimSpace(p.String(prefActor))
}

// savedSize is the main window size remembered from the last session.
func savedSize(p fyne.Preferences) fyne.Size {
	w := p.FloatWithFallback(prefWidth, float64(defaultSize.Width))
	h := p.FloatWithFallback(prefHeight, float64(defaultSize.Height))
	if w < 200 || h < 150 {
		return defaultSize
	}
	return fyne.NewSize(float32(w), float32(h))
}

// saveSize remembers the main window size; an empty size (a closed
// window) is ignored.
func saveSize(p fyne.Preferences, s fyne.Size) {
	if s.Width < 1 || s.Height < 1 {
		return
	}
	p.SetFloat(prefWidth, float64(s.Width))
	p.SetFloat(prefHeight, float64(s.Height))
}

// sizeWatcher is the layout of the window's root: it fills the window and
// reports each new size, which is how the shell notices a resize.
type sizeWatcher struct {
	last     fyne.Size
	onResize func(fyne.Size)
}

var _ fyne.Layout = (*sizeWatcher)(nil)

// Layout fills size with every object and reports a changed size.
func (s *sizeWatcher) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	layout.NewStackLayout().Layout(objs, size)
	if size != s.last {
		s.last = size
		s.onResize(size)
	}
}

// MinSize is the largest minimum size of the objects.
func (s *sizeWatcher) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return layout.NewStackLayout().MinSize(objs)
}
