package i18n

import "os"

// init gives the process a locale when the environment names none (LANG
// unset, "C" or "POSIX", as on servers and in CI). Fyne parses the locale
// while its packages initialise and logs an error for "C"; this package
// initialises before Fyne's, and French is Certeval's default anyway.
func init() {
	if os.Getenv("LC_ALL") != "" {
		return
	}
	switch os.Getenv("LANG") {
	case "", "C", "POSIX", "C.UTF-8", "C.utf8":
		os.Setenv("LANG", "fr_FR.UTF-8")
	}
}
