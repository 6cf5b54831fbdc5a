package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"certeval/i18n"
	"certeval/jury"
	"certeval/storage"
)

func init() {
	commands["credentials"] = command{help: "enrolment.cli.help.credentials",
		run: runCredentials}
	commands["candidates import"] = command{usage: "CODE FILE",
		help: "enrolment.cli.help.import", run: runCandidatesImport}
	commands["candidates list"] = command{usage: "CODE", help: "enrolment.cli.help.list",
		run: runCandidatesList}
}

// runCredentials prints CODE<TAB>title, one credential a line.
func runCredentials(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return errArgs("credentials")
	}
	s, err := e.open(false)
	if err != nil {
		return err
	}
	defer s.Close()

	list, err := s.Credentials(ctx)
	if err != nil {
		return err
	}
	for _, c := range list {
		e.printf("%s\t%s\n", c.Code, c.Title)
	}
	return nil
}

// runCandidatesList prints ID<TAB>family name<TAB>given names.
func runCandidatesList(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return errArgs("candidates list")
	}
	s, err := e.open(false)
	if err != nil {
		return err
	}
	defer s.Close()

	if _, err := s.Credential(ctx, args[0]); err != nil {
		return credentialError(args[0], err)
	}
	cands, err := s.Candidates(ctx, args[0])
	if err != nil {
		return err
	}
	for _, c := range cands {
		e.printf("%s\t%s\t%s\n", c.ID, c.FamilyName, c.GivenNames)
	}
	return nil
}

// runCandidatesImport enrols the candidates of a CSV file, all or nothing.
// Every bad row is printed as FILE:LINE: column COLUMN: what to fix.
func runCandidatesImport(ctx context.Context, e *env, args []string) error {
	if len(args) != 2 {
		return errArgs("candidates import")
	}
	code, path := args[0], args[1]
	s, err := e.open(false)
	if err != nil {
		return err
	}
	defer s.Close()

	cred, err := s.Credential(ctx, code)
	if err != nil {
		return credentialError(code, err)
	}
	cands, err := parseCandidatesFile(ctx, s, cred, path)
	if err != nil {
		return importError(e, path, err)
	}
	draw := cred.DrawMissing(cands)
	if err := s.ImportCandidates(ctx, code, path, cands, draw); err != nil {
		return fmt.Errorf("%s", i18n.T("enrolment.cli.store_failed", path, err))
	}
	e.printf("%s\n", i18n.T("enrolment.cli.imported", len(cands), code))
	if draw != nil && len(draw.Assignments) > 0 {
		e.printf("%s\n", i18n.T("enrolment.cli.drawn", len(draw.Assignments), draw.Seed))
	}
	return nil
}

// parseCandidatesFile reads and checks the file against the credential
// and the candidates already enrolled.
func parseCandidatesFile(ctx context.Context, s *storage.Store, cred *jury.Credential,
	path string) ([]jury.Candidate, error) {
	existing, err := s.Candidates(ctx, cred.Code)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(existing))
	for i, c := range existing {
		ids[i] = c.ID
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s", i18n.T("enrolment.cli.read", path, err))
	}
	defer f.Close()
	return jury.ParseCandidates(f, cred.ImportOptions(ids))
}

// importError prints every problem of a refused file on stderr, one a
// line, and returns the sentence that ends the command.
func importError(e *env, path string, err error) error {
	var ie *jury.ImportError
	if !errors.As(err, &ie) {
		return err
	}
	for _, p := range ie.Problems {
		fmt.Fprintln(e.stderr, lineProblem(path, p))
	}
	return fmt.Errorf("%s", i18n.T("enrolment.cli.refused", path, len(ie.Problems)))
}

// lineProblem writes one problem as FILE:LINE: column COLUMN: what to fix.
func lineProblem(path string, p jury.LineError) string {
	if p.Column == "" {
		return i18n.T("enrolment.cli.at_line", path, p.Line, p.Text)
	}
	return i18n.T("enrolment.cli.at_column", path, p.Line, p.Column, p.Text)
}

// credentialError turns an unknown credential into advice.
func credentialError(code string, err error) error {
	if errors.Is(err, storage.ErrNoCredential) {
		return fmt.Errorf("%s", i18n.T("enrolment.cli.no_credential", code))
	}
	return err
}
