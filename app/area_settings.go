package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
)

func init() { registerArea(6, newSettingsArea) }

// settingsArea is the "Paramètres" area: the language, the user's name
// recorded in the audit trail, and the open workspace.
type settingsArea struct {
	env *env

	language *widget.Select
	actor    *widget.Entry
	saved    *widget.Label
	path     *widget.Label
	summary  *overview
	keys     *keysSection
	box      fyne.CanvasObject
}

// newSettingsArea builds the settings area on the open workspace.
func newSettingsArea(e *env) area {
	a := &settingsArea{env: e}
	a.language = languageSelect(e.setLanguage)

	a.actor = widget.NewEntry()
	a.actor.SetPlaceHolder(i18n.T("app.settings.user.placeholder"))
	a.actor.OnSubmitted = func(string) { a.saveActor() }
	save := widget.NewButton(i18n.T("app.settings.user.save"), a.saveActor)
	a.saved = wrapped("")

	a.path = widget.NewLabel("")
	a.path.Selectable = true
	a.path.Wrapping = fyne.TextWrapBreak
	open := widget.NewButton(i18n.T("app.settings.workspace.open"), e.chooseWorkspace)

	form := widget.NewForm(
		widget.NewFormItem(i18n.T("app.settings.language"), a.language),
		widget.NewFormItem(i18n.T("app.settings.user"),
			container.NewBorder(nil, nil, nil, save, a.actor)),
		widget.NewFormItem("", wrapped(i18n.T("app.settings.user.help"))),
		widget.NewFormItem("", a.saved),
		widget.NewFormItem(i18n.T("app.settings.workspace"), a.path),
		widget.NewFormItem("", container.NewHBox(open)),
	)
	title := widget.NewLabelWithStyle(i18n.T("app.area.settings"), fyne.TextAlignLeading,
		fyne.TextStyle{Bold: true})
	a.summary = newOverview(e, "app.summary.heading", "app.summary.about")
	a.keys = newKeysSection(e)
	a.box = container.NewVScroll(container.NewVBox(title,
		wrapped(i18n.T("app.area.settings.about")), form, widget.NewSeparator(),
		a.keys.box, widget.NewSeparator(), a.summary.body))
	return a
}

// Title is the area's name.
func (a *settingsArea) Title() string { return i18n.T("app.area.settings") }

// Content is what the area shows.
func (a *settingsArea) Content() fyne.CanvasObject { return a.box }

// Refresh shows the current settings.
func (a *settingsArea) Refresh() {
	a.actor.SetText(actorName(a.env.shell.app.Preferences()))
	a.path.SetText(a.env.store.Path())
	a.saved.SetText("")
	a.keys.Refresh()
	a.summary.Refresh()
}

// saveActor records the name typed as the author of the next changes.
func (a *settingsArea) saveActor() {
	name := strings.TrimSpace(a.actor.Text)
	a.env.setActor(name)
	a.saved.SetText(i18n.T("app.settings.user.saved", actorOrDefault(name)))
}

// languageSelect is the list of languages, each named in itself, set to
// the current one; choosing one calls set with its code.
func languageSelect(set func(lang string)) *widget.Select {
	names := make([]string, len(i18n.Languages))
	codes := make(map[string]string, len(i18n.Languages))
	for i, l := range i18n.Languages {
		names[i] = i18n.T("app.language." + l)
		codes[names[i]] = l
	}
	s := widget.NewSelect(names, nil)
	s.SetSelected(i18n.T("app.language." + i18n.Language()))
	s.OnChanged = func(name string) { set(codes[name]) }
	return s
}
