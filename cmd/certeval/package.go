package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"certeval/i18n"
	"certeval/parcel"
	"certeval/seal"
	"certeval/storage"
)

// packageOpts holds the package commands' own flags.
var packageOpts struct {
	expert     string
	results    bool
	key        string
	out        string
	credential string
}

func init() {
	commands["package import"] = command{usage: "FILE", help: "desk.cli.help.import",
		run: runPackageImport}
	commands["package export"] = command{
		usage: "--expert KEYID|--results --key FILE -o FILE",
		help:  "desk.cli.help.export", flags: packageExportFlags, run: runPackageExport}
}

func packageExportFlags(fs *flag.FlagSet, _ *env) {
	fs.StringVar(&packageOpts.expert, "expert", "", i18n.T("desk.cli.flag.expert"))
	fs.BoolVar(&packageOpts.results, "results", false, i18n.T("desk.cli.flag.results"))
	fs.StringVar(&packageOpts.key, "key", "", i18n.T("desk.cli.flag.key"))
	fs.StringVar(&packageOpts.out, "o", "", i18n.T("desk.cli.flag.out"))
	fs.StringVar(&packageOpts.credential, "credential", "", i18n.T("desk.cli.flag.credential"))
}

func runPackageImport(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return errArgs("package import")
	}
	path := args[0]
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s", i18n.T("desk.cli.read", path, err))
	}
	// An expert's first assignment may arrive before any workspace.
	s, err := e.open(true)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := s.ImportPackage(ctx, data)
	if err != nil {
		return fmt.Errorf("%s", i18n.T("desk.cli.refused", path, parcel.Explain(err)))
	}
	e.printf("%s\n", i18n.T("desk.cli.imported", rep.Merged, rep.Unchanged, rep.Conflicts))
	return nil
}

func runPackageExport(ctx context.Context, e *env, args []string) error {
	o := packageOpts
	if len(args) != 0 || o.key == "" || o.out == "" || (o.expert == "") == !o.results {
		return errArgs("package export")
	}
	pass, err := seal.PassphraseFromEnv()
	if err != nil {
		return fmt.Errorf("%s", seal.Explain(err))
	}
	id, err := seal.Load(o.key, pass)
	if err != nil {
		return fmt.Errorf("%s", i18n.T("desk.cli.key", o.key, seal.Explain(err)))
	}
	s, err := e.open(false)
	if err != nil {
		return err
	}
	defer s.Close()

	expert := o.expert
	if o.results {
		expert = seal.KeyID(id.Certificate)
	}
	code, err := exportCredential(ctx, s, expert, o.credential)
	if err != nil {
		return err
	}
	var data []byte
	if o.results {
		data, err = s.ExportResults(ctx, code, id)
	} else {
		data, err = s.ExportAssignment(ctx, code, expert, id)
	}
	if errors.Is(err, storage.ErrNothingToExport) {
		return fmt.Errorf("%s", i18n.T("desk.cli.nothing", expert, code))
	} else if err != nil {
		return err
	}
	if err := os.WriteFile(o.out, data, 0o644); err != nil {
		return fmt.Errorf("%s", i18n.T("desk.cli.write", o.out, err))
	}
	e.printf("%s\n", i18n.T("desk.cli.exported", o.out, code, expert))
	return nil
}

// exportCredential is the credential to export: the one given, else the
// only one in which the expert has submissions allotted.
func exportCredential(ctx context.Context, s *storage.Store, expert, code string) (string,
	error) {
	if code != "" {
		return code, nil
	}
	refs, err := s.Credentials(ctx)
	if err != nil {
		return "", err
	}
	var found []string
	for _, r := range refs {
		desk, err := s.Desk(ctx, expert, r.Code)
		if err != nil {
			return "", err
		}
		if len(desk) > 0 {
			found = append(found, r.Code)
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("%s", i18n.T("desk.cli.nothing", expert, "—"))
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("%s", i18n.T("desk.cli.which", strings.Join(found, ", ")))
}
