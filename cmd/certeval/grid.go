package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"certeval/app"
	"certeval/i18n"
	"certeval/rubric"
	"certeval/storage"
)

// gridOpts holds the grid commands' own flags. The flags are registered
// again, with their defaults, for each command line that run parses.
var gridOpts struct {
	credential string
	out        string
	carryOver  bool
	regrade    bool
	reason     string
	strict     bool
}

func init() {
	commands["grid import"] = command{usage: "FILE", help: "grids.cli.help.import",
		flags: gridImportFlags, run: runGridImport}
	commands["grid export"] = command{usage: "CODE", help: "grids.cli.help.export",
		flags: gridOutFlag, run: runGridExport}
	commands["grid print"] = command{usage: "CODE -o FILE.pdf", help: "grids.cli.help.print",
		flags: gridOutFlag, run: runGridPrint}
}

func gridImportFlags(fs *flag.FlagSet, _ *env) {
	fs.StringVar(&gridOpts.credential, "credential", "", i18n.T("grids.cli.flag.credential"))
	fs.BoolVar(&gridOpts.carryOver, "carry-over", false, i18n.T("grids.cli.flag.carry"))
	fs.BoolVar(&gridOpts.regrade, "regrade", false, i18n.T("grids.cli.flag.regrade"))
	fs.StringVar(&gridOpts.reason, "reason", "", i18n.T("grids.cli.flag.reason"))
	fs.BoolVar(&gridOpts.strict, "strict", false, i18n.T("grids.cli.flag.strict"))
}

func gridOutFlag(fs *flag.FlagSet, _ *env) {
	fs.StringVar(&gridOpts.out, "o", "", i18n.T("grids.cli.flag.out"))
}

// gridFile is a grid read from a file, with what the import left out.
type gridFile struct {
	grid    *rubric.Grid
	notices []rubric.Notice
	ora2    bool
}

// readGridFile reads a grid in Certeval JSON or ORA2 XML, told apart by
// their first character. A JSON grid is not validated here: the workspace
// checks it against the credential's competencies, and may keep it as a
// draft.
func readGridFile(path string) (gridFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return gridFile{}, fmt.Errorf("%s", i18n.T("grids.cli.read", path, err))
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\ufeff")), " \t\r\n")
	switch {
	case bytes.HasPrefix(trimmed, []byte("{")):
		g, err := rubric.ParseJSONDraft(b)
		return gridFile{grid: g}, gridFileError(path, err, false)
	case bytes.HasPrefix(trimmed, []byte("<")):
		g, notices, err := rubric.ParseORA2Draft(b)
		return gridFile{grid: g, notices: notices, ora2: true}, gridFileError(path, err, true)
	}
	return gridFile{}, fmt.Errorf("%s", i18n.T("grids.cli.format", path))
}

// gridFileError turns a parse or validation error into sentences naming
// path, one a line.
func gridFileError(path string, err error, ora2 bool) error {
	var ps rubric.Problems
	var pe *rubric.ParseError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ps):
		lines := make([]string, len(ps))
		for i, p := range ps {
			lines[i] = i18n.T("grids.cli.problem", path, problemPath(p, ora2), p.Error())
		}
		return errors.New(strings.Join(lines, "\n"))
	case errors.As(err, &pe):
		return fmt.Errorf("%s", i18n.T("grids.cli.parse", path, pe.Error()))
	}
	return fmt.Errorf("%s", i18n.T("grids.cli.parse", path, err))
}

// problemPath is where a problem lies in the file: a JSON path, or the
// criterion's place in the ORA2 rubric.
func problemPath(p rubric.Problem, ora2 bool) string {
	switch {
	case p.Criterion < 0 && ora2:
		return "/rubric"
	case p.Criterion < 0:
		return "$"
	case ora2:
		return fmt.Sprintf("/rubric/criterion[%d]", p.Criterion+1)
	}
	return fmt.Sprintf("$.criteria[%d]", p.Criterion)
}

func runGridImport(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return errArgs("grid import")
	}
	path := args[0]
	f, err := readGridFile(path)
	if err != nil {
		return err
	}
	code := f.grid.Credential
	if gridOpts.credential != "" {
		code = gridOpts.credential
	}
	if code == "" {
		return fmt.Errorf("%s", i18n.T("grids.cli.nocredential", path))
	}
	opt, err := gridSaveOptions()
	if err != nil {
		return err
	}
	for _, n := range f.notices {
		fmt.Fprintln(e.stderr, i18n.T("grids.cli.warning", path, n.String()))
	}

	s, err := e.open(false)
	if err != nil {
		return err
	}
	defer s.Close()
	v, err := s.SaveGrid(ctx, code, f.grid, opt)
	if err != nil {
		return gridSaveError(path, code, err, f.ora2)
	}
	if v.Draft {
		return reportDraft(ctx, e, s, path, f, v)
	}
	e.printf("%s\n", i18n.T("grids.cli.imported", code, v.Version, shortPrint(v.Fingerprint)))
	return nil
}

// reportDraft prints, as warnings, what keeps a grid saved as a draft
// from being used, each problem located in the file, then one line saying
// the draft is kept.
func reportDraft(ctx context.Context, e *env, s *storage.Store, path string, f gridFile,
	v storage.GridVersion) error {
	cred, err := s.Credential(ctx, v.Credential)
	if err != nil {
		return err
	}
	var codes []string
	for _, c := range cred.Competencies {
		codes = append(codes, c.Code)
	}
	g := f.grid.Clone()
	g.Version = v.Version
	for _, p := range g.Validate(codes) {
		fmt.Fprintln(e.stderr, i18n.T("grids.cli.draftproblem", path,
			problemPath(p, f.ora2), p.Error()))
	}
	e.printf("%s\n", i18n.T("grids.cli.draft", v.Credential, len(v.Problems)))
	return nil
}

// gridSaveOptions reads the carry-over flags.
func gridSaveOptions() (storage.GridSave, error) {
	opt := storage.GridSave{Reason: gridOpts.reason, Draft: !gridOpts.strict}
	switch {
	case gridOpts.carryOver && gridOpts.regrade:
		return opt, fmt.Errorf("%s", i18n.T("grids.cli.bothcarry"))
	case gridOpts.carryOver:
		opt.Carry = storage.CarryOver
	case gridOpts.regrade:
		opt.Carry = storage.MarkForRegrade
	}
	if opt.Carry != storage.CarryUnset && strings.TrimSpace(opt.Reason) == "" {
		return opt, fmt.Errorf("%s", i18n.T("grids.cli.noreason"))
	}
	return opt, nil
}

// gridSaveError turns a refusal of the workspace into sentences.
func gridSaveError(path, code string, err error, ora2 bool) error {
	var ps rubric.Problems
	switch {
	case errors.As(err, &ps):
		return gridFileError(path, err, ora2)
	case errors.Is(err, storage.ErrNoCredential):
		return fmt.Errorf("%s", i18n.T("grids.cli.unknown", code))
	case errors.Is(err, storage.ErrGridFrozen):
		return fmt.Errorf("%s", i18n.T("grids.cli.frozen", code))
	case errors.Is(err, storage.ErrGridIncompatible):
		var p rubric.Problem
		errors.As(err, &p)
		return fmt.Errorf("%s", i18n.T("grids.cli.incompatible", path, p.Error()))
	}
	return err
}

// shortPrint is the first eight digits of a fingerprint.
func shortPrint(fp string) string {
	if len(fp) > 8 {
		return fp[:8]
	}
	return fp
}

// loadGrid opens the workspace and reads the current grid of code.
func loadGrid(ctx context.Context, e *env, code string) (*storage.Store, *rubric.Grid, error) {
	s, err := e.open(false)
	if err != nil {
		return nil, nil, err
	}
	g, _, err := s.Grid(ctx, code)
	switch {
	case errors.Is(err, storage.ErrNoCredential):
		err = fmt.Errorf("%s", i18n.T("grids.cli.unknown", code))
	case errors.Is(err, storage.ErrNoGrid):
		err = fmt.Errorf("%s", i18n.T("grids.cli.nogrid", code))
	}
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, g, nil
}

func runGridExport(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return errArgs("grid export")
	}
	s, g, err := loadGrid(ctx, e, args[0])
	if err != nil {
		return err
	}
	defer s.Close()
	b, err := g.JSON()
	if err != nil {
		return fmt.Errorf("export grid: %w", err)
	}
	if gridOpts.out == "" {
		_, err := e.stdout.Write(b)
		return err
	}
	if err := os.WriteFile(gridOpts.out, b, 0o644); err != nil {
		return fmt.Errorf("%s", i18n.T("grids.cli.write", gridOpts.out, err))
	}
	e.printf("%s\n", i18n.T("grids.cli.exported", args[0], g.Version, gridOpts.out))
	return nil
}

func runGridPrint(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 || gridOpts.out == "" {
		return errArgs("grid print")
	}
	s, g, err := loadGrid(ctx, e, args[0])
	if err != nil {
		return err
	}
	defer s.Close()
	cred, err := s.Credential(ctx, args[0])
	if err != nil {
		return err
	}
	pdf, err := app.BlankGridPDF(g, cred)
	if err != nil {
		return err
	}
	if err := os.WriteFile(gridOpts.out, pdf, 0o644); err != nil {
		return fmt.Errorf("%s", i18n.T("grids.cli.write", gridOpts.out, err))
	}
	e.printf("%s\n", i18n.T("grids.cli.printed", args[0], g.Version, gridOpts.out))
	return nil
}
