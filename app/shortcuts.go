package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// The workspace shortcuts, shown in the menus. KeyModifierShortcutDefault
// is Ctrl, and Cmd on macOS.
var (
	scNew    = ctrl(fyne.KeyN)
	scOpen   = ctrl(fyne.KeyO)
	scBackup = ctrl(fyne.KeyB)
	scQuit   = ctrl(fyne.KeyQ)
)

// digitKeys are the keys of the area shortcuts, Ctrl+1 to Ctrl+9.
var digitKeys = []fyne.KeyName{
	fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5,
	fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9,
}

// ctrl is the shortcut Ctrl+key.
func ctrl(key fyne.KeyName) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
}

// areaShortcut is the shortcut that shows area i (0-based), nil past the
// ninth.
func areaShortcut(i int) fyne.Shortcut {
	if i < 0 || i >= len(digitKeys) {
		return nil
	}
	return ctrl(digitKeys[i])
}

// bindShortcuts registers every shortcut on the window's canvas. On the
// desktop the menus answer them first; the canvas answers where there is
// no menu bar, and in tests.
func (u *ui) bindShortcuts() {
	c := u.win.Canvas()
	for i := range digitKeys {
		c.AddShortcut(areaShortcut(i), func(fyne.Shortcut) { u.show(i) })
	}
	c.AddShortcut(scNew, func(fyne.Shortcut) { u.chooseNew() })
	c.AddShortcut(scOpen, func(fyne.Shortcut) { u.chooseWorkspace() })
	c.AddShortcut(scBackup, func(fyne.Shortcut) { u.chooseBackup() })
	c.AddShortcut(scQuit, func(fyne.Shortcut) { u.quit() })
}
