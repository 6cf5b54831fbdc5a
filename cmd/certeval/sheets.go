package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"certeval/i18n"
	"certeval/issue"
	"certeval/seal"
)

// sheetsOpts holds the sheets command's flags.
var sheetsOpts struct {
	out string
	key string
}

func init() {
	commands["sheets"] = command{usage: "--out DIR [--key FILE]",
		help: "issue.cli.help.sheets", flags: sheetsFlags, run: runSheets}
}

func sheetsFlags(fs *flag.FlagSet, _ *env) {
	fs.StringVar(&sheetsOpts.out, "out", "", i18n.T("issue.cli.flag.out"))
	fs.StringVar(&sheetsOpts.key, "key", "", i18n.T("issue.cli.flag.key"))
}

// runSheets signs and writes every document of the closed deliberations.
// The passphrase comes from the environment, never from the command line.
func runSheets(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 || sheetsOpts.out == "" {
		return errArgs("sheets")
	}
	s, err := e.open(false)
	if err != nil {
		return err
	}
	defer s.Close()

	key := sheetsOpts.key
	if key == "" {
		if key, err = s.SigningKey(ctx); err != nil {
			return err
		}
	}
	if key == "" {
		return fmt.Errorf("%s", i18n.T("issue.cli.sheets.nokey"))
	}
	pass, err := seal.PassphraseFromEnv()
	if err != nil {
		return fmt.Errorf("%s", seal.Explain(err))
	}
	id, err := seal.Load(key, pass)
	if err != nil {
		return fmt.Errorf("%s (%s)", seal.Explain(err), key)
	}

	sum, err := issue.Sheets(ctx, s, id, sheetsOpts.out, nil)
	if errors.Is(err, issue.ErrNoDeliberation) {
		return fmt.Errorf("%s", i18n.T("issue.cli.sheets.none"))
	}
	if err != nil {
		return err
	}
	if err := s.SetSigningKey(ctx, key); err != nil {
		return err
	}
	e.printf("%s\n", i18n.T("issue.cli.sheets.done", sum.Documents, sum.Dir))
	return nil
}
