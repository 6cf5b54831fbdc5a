package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"certeval/i18n"
	"certeval/storage"
)

// command is one subcommand: its usage line, help key and action.
type command struct {
	usage string // arguments after the command name
	help  string // i18n key of a one-paragraph description
	flags func(fs *flag.FlagSet, e *env)
	run   func(ctx context.Context, e *env, args []string) error
}

// commands is filled by each command's file in its init function, so that
// adding a command touches one file.
var commands = map[string]command{}

func init() {
	commands["help"] = command{usage: "[COMMAND]", help: "cli.help.help", run: runHelp}
	commands["check"] = command{help: "cli.help.check", run: runCheck}
	commands["backup"] = command{usage: "FILE", help: "cli.help.backup", run: runBackup}
}

func usage(w io.Writer, name string, c command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "%s: certeval %s [--db FILE] %s\n\n%s\n\n", i18n.T("cli.usage"),
		name, c.usage, i18n.T(c.help))
	fs.PrintDefaults()
}

func runHelp(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		name := strings.Join(args, " ")
		c, ok := commands[name]
		if !ok {
			return fmt.Errorf("%s", i18n.T("cli.unknown", name))
		}
		fs := flag.NewFlagSet(name, flag.ContinueOnError)
		fs.String("db", "", i18n.T("cli.flag.db"))
		if c.flags != nil {
			c.flags(fs, e)
		}
		fs.SetOutput(e.stdout)
		usage(e.stdout, name, c, fs)
		return nil
	}
	e.printf("%s\n\n%s:\n", i18n.T("cli.about"), i18n.T("cli.commands"))
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := commands[n]
		label := strings.TrimSpace("certeval " + n + " [--db FILE] " + c.usage)
		if n == "" {
			label = "certeval [--db FILE]"
		}
		first, _, _ := strings.Cut(i18n.T(c.help), "\n")
		e.printf("  %-52s %s\n", label, first)
	}
	e.printf("\n%s\n", i18n.T("cli.more"))
	return nil
}

func runCheck(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return errArgs("check")
	}
	s, err := e.open(false)
	if err != nil {
		return err
	}
	defer s.Close()

	failed := 0
	for _, c := range s.Check(ctx) {
		status := i18n.T("cli.check.ok")
		if !c.OK {
			status = i18n.T("cli.check.fail")
			failed++
		}
		e.printf("%s\t%s\t%s\n", i18n.T("cli.check."+c.Name), status, c.Detail)
	}
	if failed > 0 {
		return fmt.Errorf("%s", i18n.T("cli.check.failed", failed))
	}
	return nil
}

func runBackup(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return errArgs("backup")
	}
	s, err := e.open(false)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Backup(ctx, args[0]); err != nil {
		return err
	}
	e.printf("%s\n", i18n.T("cli.backup.done", s.Path(), args[0]))
	return nil
}

// errArgs reports a wrong number of arguments for a command.
func errArgs(name string) error {
	line := strings.TrimSpace("certeval " + name + " [--db FILE] " + commands[name].usage)
	return fmt.Errorf("%s", i18n.T("cli.args", name, line))
}

// message turns an error into the sentence a user reads: storage's
// sentinels become advice; other errors already carry their sentence.
func message(err error) string {
	known := []struct {
		err error
		key string
	}{
		{errNoWorkspace, "cli.err.noworkspace"},
		{storage.ErrNotSQLite, "cli.err.notsqlite"},
		{storage.ErrTruncated, "cli.err.truncated"},
		{storage.ErrNotWorkspace, "cli.err.notworkspace"},
		{storage.ErrTooNew, "cli.err.toonew"},
	}
	path := ""
	var fe *fileError
	if errors.As(err, &fe) {
		path = fe.Path
	}
	for _, k := range known {
		if errors.Is(err, k.err) {
			return i18n.T(k.key, path)
		}
	}
	return err.Error()
}
