package main

import (
	"context"

	"certeval/app"
	"certeval/storage"
)

func init() {
	commands[""] = command{help: "cli.help.gui", run: runGUI}
}

// runGUI opens the desktop application. --db or CERTEVAL_DB name the
// workspace to open; otherwise the application opens the last one used.
func runGUI(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return errArgs("")
	}
	path := e.dbPath
	if path == "" {
		path = envDB()
	}
	return app.Run(app.Options{
		DBPath:       path,
		DefaultPath:  storage.DefaultPath(),
		CreateSample: createSample,
	})
}
