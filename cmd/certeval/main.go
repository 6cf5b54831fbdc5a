// Command certeval is Certeval's single binary: with no command it opens the
// desktop application; with one it runs that task headless on a workspace.
// It only wires: every command is a thin call into the code the desktop
// application uses. Run "certeval --help" for the list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"certeval/i18n"
	"certeval/storage"
)

func main() {
	i18n.SetLanguage(i18n.FromEnvironment())
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr,
		&slog.HandlerOptions{Level: slog.LevelWarn})))
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	name, rest := commandName(args)
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintln(stderr, i18n.T("cli.unknown", name))
		return 2
	}
	env := &env{stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("certeval "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&env.dbPath, "db", "", i18n.T("cli.flag.db"))
	fs.Usage = func() {
		// Help asked for goes to stdout; help after a mistake, to stderr.
		w := stderr
		if helpAsked(rest) {
			w = stdout
			fs.SetOutput(stdout)
		}
		usage(w, name, cmd, fs)
	}
	if cmd.flags != nil {
		cmd.flags(fs, env)
	}
	pos, err := parseInterspersed(fs, rest)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	if err := cmd.run(ctx, env, pos); err != nil {
		fmt.Fprintln(stderr, "certeval: "+message(err))
		return 1
	}
	return 0
}

// commandName splits the command words ("grid import") from the rest.
func commandName(args []string) (string, []string) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			return "help", args[1:]
		}
		return "", args
	}
	if len(args) > 1 {
		if _, ok := commands[args[0]+" "+args[1]]; ok {
			return args[0] + " " + args[1], args[2:]
		}
	}
	return args[0], args[1:]
}

// helpAsked reports whether the arguments ask for a command's help.
func helpAsked(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			return true
		}
	}
	return false
}

// parseInterspersed accepts flags before and after positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// env is what every command receives.
type env struct {
	dbPath     string
	candidates int
	stdout     io.Writer
	stderr     io.Writer
}

// workspacePath applies --db, then CERTEVAL_DB, then the default location.
func (e *env) workspacePath() string {
	if e.dbPath != "" {
		return e.dbPath
	}
	if p := envDB(); p != "" {
		return p
	}
	return storage.DefaultPath()
}

// envDB returns the workspace named by the CERTEVAL_DB variable.
func envDB() string { return os.Getenv("CERTEVAL_DB") }

// open opens the workspace; the file must exist unless create is set.
func (e *env) open(create bool) (*storage.Store, error) {
	p := e.workspacePath()
	if !create {
		if _, err := os.Stat(p); err != nil {
			return nil, &fileError{Path: p, Err: errNoWorkspace}
		}
	}
	s, err := storage.Open(p)
	if err != nil {
		return nil, &fileError{Path: p, Err: err}
	}
	s.Actor = actor()
	return s, nil
}

var errNoWorkspace = errors.New("no workspace")

// fileError ties an error to the file it is about.
type fileError struct {
	Path string
	Err  error
}

func (e *fileError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *fileError) Unwrap() error { return e.Err }

// actor names the person at the keyboard for the audit trail.
func actor() string {
	for _, k := range []string{"CERTEVAL_USER", "USER", "USERNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "certeval"
}

func (e *env) printf(format string, args ...any) {
	fmt.Fprintf(e.stdout, format, args...)
}
