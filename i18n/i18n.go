// Package i18n translates every string a user sees. The catalogues are JSON
// files embedded under assets/i18n/<lang>/, one file per area of the
// application, each a flat object from a dotted key ("jury.outcome.passed")
// to a message. Messages use fmt verbs for their arguments.
//
// French is the default language; English is the second one. The current
// language is process-wide: the desktop application and the command line
// set it once at start-up, from the settings or the environment.
package i18n

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"certeval/assets"
)

// Languages lists the supported languages, the default first.
var Languages = []string{"fr", "en"}

var (
	loadOnce sync.Once
	catalogs map[string]map[string]string
	loadErr  error
	current  atomic.Value // string
)

func load() {
	catalogs = make(map[string]map[string]string)
	for _, lang := range Languages {
		catalogs[lang] = make(map[string]string)
		dir := "i18n/" + lang
		entries, err := fs.ReadDir(assets.FS, dir)
		if err != nil {
			loadErr = fmt.Errorf("i18n: read %s: %w", dir, err)
			return
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".json") {
				continue
			}
			if err := loadFile(lang, path.Join(dir, e.Name())); err != nil {
				loadErr = err
				return
			}
		}
	}
}

func loadFile(lang, name string) error {
	b, err := assets.FS.ReadFile(name)
	if err != nil {
		return fmt.Errorf("i18n: read %s: %w", name, err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("i18n: parse %s: %w", name, err)
	}
	for k, v := range m {
		if _, dup := catalogs[lang][k]; dup {
			return fmt.Errorf("i18n: key %q defined twice in %s", k, lang)
		}
		catalogs[lang][k] = v
	}
	return nil
}

// Err reports a catalogue that could not be loaded; tests call it.
func Err() error {
	loadOnce.Do(load)
	return loadErr
}

// SetLanguage chooses the language of every later message. An unknown
// language falls back to French.
func SetLanguage(lang string) {
	lang = Normalize(lang)
	current.Store(lang)
}

// Language returns the current language code.
func Language() string {
	if v, ok := current.Load().(string); ok {
		return v
	}
	return Languages[0]
}

// Normalize turns a locale such as "en_GB.UTF-8" or "fr-FR" into a supported
// language code, French when it is neither.
func Normalize(locale string) string {
	l := strings.ToLower(locale)
	for _, lang := range Languages {
		if strings.HasPrefix(l, lang) {
			return lang
		}
	}
	return Languages[0]
}

// FromEnvironment returns the language the environment asks for
// (LC_ALL, LC_MESSAGES, then LANG), French when none is set.
func FromEnvironment() string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" && v != "C" && v != "POSIX" {
			return Normalize(v)
		}
	}
	return Languages[0]
}

// T returns the message of key in the current language, formatted with args.
func T(key string, args ...any) string {
	return In(Language(), key, args...)
}

// In returns the message of key in lang, formatted with args. A key missing
// from lang falls back to French, then to the key itself, so a gap shows on
// screen instead of an empty label.
func In(lang, key string, args ...any) string {
	loadOnce.Do(load)
	msg, ok := catalogs[lang][key]
	if !ok {
		msg, ok = catalogs[Languages[0]][key]
	}
	if !ok {
		msg = key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Has reports whether key exists in the French catalogue.
func Has(key string) bool {
	loadOnce.Do(load)
	_, ok := catalogs[Languages[0]][key]
	return ok
}

// Missing lists, for each language, the keys the other languages define and
// it does not. A complete set of catalogues returns an empty map.
func Missing() map[string][]string {
	loadOnce.Do(load)
	all := make(map[string]bool)
	for _, c := range catalogs {
		for k := range c {
			all[k] = true
		}
	}
	out := make(map[string][]string)
	for _, lang := range Languages {
		for k := range all {
			if _, ok := catalogs[lang][k]; !ok {
				out[lang] = append(out[lang], k)
			}
		}
		sort.Strings(out[lang])
		if len(out[lang]) == 0 {
			delete(out, lang)
		}
	}
	return out
}

// Number writes x with at most decimals digits after the decimal mark,
// trailing zeros dropped, in the current language: a comma in French
// ("12,5"), a point in English ("12.5").
// A negative decimals writes x exactly, with as few digits as it needs.
func Number(x float64, decimals int) string {
	return NumberIn(Language(), x, decimals)
}

// NumberIn writes x as Number does, in lang rather than the current
// language: documents and exports have their own language.
func NumberIn(lang string, x float64, decimals int) string {
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if Normalize(lang) == "fr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Sentence pairs a sentinel error with the key of the sentence that
// explains it to a user.
type Sentence struct {
	Err error
	Key string
}

// Explain returns, in the current language, the sentence of the first
// entry of list whose error err matches (errors.Is), the sentence of
// fallback when none does, and "" for a nil error. Packages use it to turn
// their sentinels into advice.
func Explain(err error, list []Sentence, fallback string) string {
	if err == nil {
		return ""
	}
	for _, s := range list {
		if errors.Is(err, s.Err) {
			return T(s.Key)
		}
	}
	return T(fallback)
}
