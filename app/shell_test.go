package app

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"certeval/i18n"
)

// areaTitles are the French names of the areas, in navigation order.
var areaTitles = []string{
	"Référentiels et grilles", "Candidats", "Correction", "Jury", "Documents", "Paramètres",
}

// shownArea reports which area's content the window holds, -1 for none.
func shownArea(u *ui) int {
	for i, a := range u.areas {
		found := false
		walk(u.win.Content(), func(o fyne.CanvasObject) { found = found || o == a.Content() })
		if found {
			return i
		}
	}
	return -1
}

func TestNavigationByTapping(t *testing.T) {
	path := mustWorkspace(t, t.TempDir(), "a.certeval")
	u := newTestUI(t, Options{DBPath: path}, nil)

	if got := len(u.areas); got != len(areaTitles) {
		t.Fatalf("%d areas, want %d", got, len(areaTitles))
	}
	for _, i := range []int{5, 0, 3, 1, 4, 2} {
		tapText(t, u.win, areaTitles[i])
		if got := shownArea(u); got != i {
			t.Fatalf("after tapping %q, area %d is shown, want %d", areaTitles[i], got, i)
		}
		if got := u.areas[i].Title(); got != areaTitles[i] {
			t.Fatalf("area %d is titled %q, want %q", i, got, areaTitles[i])
		}
	}
}

func TestNavigationByShortcuts(t *testing.T) {
	path := mustWorkspace(t, t.TempDir(), "a.certeval")
	u := newTestUI(t, Options{DBPath: path}, nil)

	for _, i := range []int{3, 0, 5, 2, 4, 1} {
		typeShortcut(u.win, areaShortcut(i))
		if got := shownArea(u); got != i {
			t.Fatalf("after Ctrl+%d, area %d is shown, want %d", i+1, got, i)
		}
	}

	// The "Affichage" menu shows each area with its shortcut.
	for i, title := range areaTitles {
		it := menuItem(t, u.win, title)
		if it.Shortcut == nil || it.Shortcut.ShortcutName() != areaShortcut(i).ShortcutName() {
			t.Fatalf("menu item %q has shortcut %v, want Ctrl+%d", title, it.Shortcut, i+1)
		}
		it.Action()
		if got := shownArea(u); got != i {
			t.Fatalf("menu item %q shows area %d", title, got)
		}
	}
}

func TestMenusShowShortcuts(t *testing.T) {
	path := mustWorkspace(t, t.TempDir(), "a.certeval")
	u := newTestUI(t, Options{DBPath: path}, nil)

	tests := []struct {
		label string
		want  fyne.Shortcut
	}{
		{"Nouveau…", scNew},
		{"Ouvrir…", scOpen},
		{"Sauvegarder une copie…", scBackup},
		{"Quitter", scQuit},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			it := menuItem(t, u.win, tt.label)
			if it.Shortcut == nil || it.Shortcut.ShortcutName() != tt.want.ShortcutName() {
				t.Fatalf("shortcut %v, want %s", it.Shortcut, tt.want.ShortcutName())
			}
		})
	}
	if !menuItem(t, u.win, "Quitter").IsQuit {
		t.Fatal("Quitter is not the quit item")
	}
	for _, label := range []string{"Vérifier l'intégrité", "À propos"} {
		menuItem(t, u.win, label)
	}
}

func TestTabReachesNavigationInOrder(t *testing.T) {
	path := mustWorkspace(t, t.TempDir(), "a.certeval")
	u := newTestUI(t, Options{DBPath: path}, nil)

	for i, title := range areaTitles {
		test.FocusNext(u.win.Canvas())
		if got := u.win.Canvas().Focused(); got != u.nav[i] {
			t.Fatalf("Tab %d focuses %T, want the %q button", i+1, got, title)
		}
	}
}

func TestLanguageSwitch(t *testing.T) {
	path := mustWorkspace(t, t.TempDir(), "a.certeval")
	u := newTestUI(t, Options{DBPath: path}, nil)
	typeShortcut(u.win, areaShortcut(5))

	// Choose English in the settings' language list.
	test.Tap(u.areas[5].(*settingsArea).language)
	tapText(t, u.win, "English")
	for _, want := range []string{"Settings", "Candidates", "Workspace: " + path} {
		if !onScreen(u.win, want) {
			t.Fatalf("%q not on screen after switching to English: %q", want, screen(u.win))
		}
	}
	if onScreen(u.win, "Paramètres") || u.win.MainMenu().Items[0].Label != "Workspace" {
		t.Fatal("French still shown after switching to English")
	}
	if got := u.app.Preferences().String(prefLanguage); got != "en" {
		t.Fatalf("language preference %q, want en", got)
	}
	if got := shownArea(u); got != 5 {
		t.Fatalf("area %d shown after switching, want the settings", got)
	}

	// And back to French.
	test.Tap(u.areas[5].(*settingsArea).language)
	tapText(t, u.win, "Français")
	for _, want := range []string{"Paramètres", "Espace de travail : " + path} {
		if !onScreen(u.win, want) {
			t.Fatalf("%q not on screen after switching to French", want)
		}
	}
	if got := u.win.MainMenu().Items[0].Label; got != "Espace de travail" {
		t.Fatalf("first menu %q, want Espace de travail", got)
	}
}

func TestStartLanguage(t *testing.T) {
	tests := []struct {
		name, pref, env, want string
	}{
		{"preference wins", "en", "fr_FR.UTF-8", "en"},
		{"environment without preference", "", "en_GB.UTF-8", "en"},
		{"French by default", "", "", "fr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("LC_ALL", "")
			t.Setenv("LC_MESSAGES", "")
			t.Setenv("LANG", tt.env)
			a := test.NewTempApp(t)
			a.Preferences().SetString(prefLanguage, tt.pref)
			if got := startLanguage(a.Preferences()); got != tt.want {
				t.Fatalf("startLanguage = %q, want %q", got, tt.want)
			}
		})
	}
	i18n.SetLanguage("fr")
}

func TestWindowSizeRemembered(t *testing.T) {
	path := mustWorkspace(t, t.TempDir(), "a.certeval")
	a := test.NewTempApp(t)
	a.Preferences().SetFloat(prefWidth, 900)
	a.Preferences().SetFloat(prefHeight, 640)
	w := a.NewWindow("test")
	u := newUI(a, w, Options{DBPath: path})
	defer u.close()

	if got, want := w.Canvas().Size(), fyne.NewSize(900, 640); got != want {
		t.Fatalf("window starts at %v, want %v", got, want)
	}
	w.Resize(fyne.NewSize(1100, 720))
	got := fyne.NewSize(float32(a.Preferences().Float(prefWidth)),
		float32(a.Preferences().Float(prefHeight)))
	if want := fyne.NewSize(1100, 720); got != want {
		t.Fatalf("size remembered %v, want %v", got, want)
	}
}

func TestAreasRegisteredInOrder(t *testing.T) {
	var orders []int
	for _, s := range registry {
		orders = append(orders, s.order)
	}
	if want := []int{1, 2, 3, 4, 5, 6}; !slices.Equal(orders, want) {
		t.Fatalf("areas registered at %v, want %v", orders, want)
	}
}

func TestWorkspaceShortcutsOpenTheirDialogs(t *testing.T) {
	tests := []struct {
		name string
		sc   fyne.Shortcut
		want string
	}{
		{"Ctrl+N", scNew, "Nouvel espace de travail"},
		{"Ctrl+B", scBackup, "Sauvegarder une copie"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := mustWorkspace(t, t.TempDir(), "a.certeval")
			u := newTestUI(t, Options{DBPath: path}, nil)
			typeShortcut(u.win, tt.sc)
			if !onScreen(u.win, tt.want) {
				t.Fatalf("%q not shown after %s: %q", tt.want, tt.name, screen(u.win))
			}
		})
	}

	t.Run("Ctrl+O", func(t *testing.T) {
		path := mustWorkspace(t, t.TempDir(), "a.certeval")
		u := newTestUI(t, Options{DBPath: path}, nil)
		typeShortcut(u.win, scOpen)
		if u.win.Canvas().Overlays().Top() == nil {
			t.Fatal("no file dialog after Ctrl+O")
		}
	})
}
