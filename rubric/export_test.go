package rubric_test

import (
	"errors"

	"certeval/i18n"
	"certeval/rubric"
)

// i18nIn returns err's message in lang.
func i18nIn(lang string, err error) string {
	defer i18n.SetLanguage(i18n.Language())
	i18n.SetLanguage(lang)
	var pe *rubric.ParseError
	if errors.As(err, &pe) {
		return pe.Error()
	}
	return err.Error()
}
