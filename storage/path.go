package storage

import (
	"os"
	"path/filepath"
	"runtime"
)

// DefaultPath returns where the user's workspace lives when neither --db
// nor CERTEVAL_DB says otherwise: the operating system's folder for
// application data (XDG_DATA_HOME or ~/.local/share on Linux, Application
// Support on macOS, AppData on Windows).
func DefaultPath() string {
	return filepath.Join(dataDir(), "certeval", "espace.certeval")
}

func dataDir() string {
	if runtime.GOOS == "linux" || runtime.GOOS == "freebsd" {
		if d := os.Getenv("XDG_DATA_HOME"); d != "" {
			return d
		}
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, ".local", "share")
		}
	}
	if d, err := os.UserConfigDir(); err == nil {
		return d
	}
	return "."
}
