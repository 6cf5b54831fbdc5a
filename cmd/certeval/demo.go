package main

import (
	"context"
	"flag"

	"certeval/demo"
	"certeval/i18n"
)

func init() {
	commands["demo"] = command{usage: "[--candidates N]", help: "cli.help.demo", run: runDemo,
		flags: func(fs *flag.FlagSet, e *env) {
			fs.IntVar(&e.candidates, "candidates", demo.DefaultCandidates,
				i18n.T("cli.flag.candidates"))
		}}
}

// runDemo creates the sample workspace.
func runDemo(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return errArgs("demo")
	}
	path := e.workspacePath()
	if err := demo.Create(ctx, path, demo.Options{Candidates: e.candidates}); err != nil {
		return err
	}
	e.printf("%s\n", i18n.T("cli.demo.done", path, e.candidates, demo.KeyPath(path),
		demo.Passphrase))
	return nil
}

// createSample builds the sample workspace for the application's
// first-run screen.
func createSample(path string) error {
	return demo.Create(context.Background(), path, demo.Options{})
}
