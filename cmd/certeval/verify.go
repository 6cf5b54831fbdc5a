package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"certeval/i18n"
	"certeval/issue"
)

// verifyOpts holds the verify command's flags.
var verifyOpts struct {
	trust []string
}

func init() {
	commands["verify"] = command{usage: "FILE...", help: "issue.cli.help.verify",
		flags: verifyFlags, run: runVerify}
}

func verifyFlags(fs *flag.FlagSet, _ *env) {
	verifyOpts.trust = nil
	fs.Func("trust", i18n.T("issue.cli.flag.trust"), func(v string) error {
		verifyOpts.trust = append(verifyOpts.trust, v)
		return nil
	})
}

// runVerify checks each file, or scanned QR text, and prints one verdict
// a line. It fails unless every one is authentic.
func runVerify(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return errArgs("verify")
	}
	v, closeFn, err := e.verifier(ctx)
	if err != nil {
		return err
	}
	defer closeFn()

	bad := 0
	for _, a := range args {
		r := v.Check(ctx, a)
		e.printf("%s\n", r.Line())
		for _, l := range r.Details() {
			e.printf("%s\n", l)
		}
		if !r.Authentic {
			bad++
		}
	}
	if bad > 0 {
		return fmt.Errorf("%s", i18n.T("issue.cli.verify.failed", bad, len(args)))
	}
	return nil
}

// verifier builds the verifier: the workspace's trusted issuers and
// register when the workspace exists, plus the --trust certificates.
// Without a workspace, --trust is required.
func (e *env) verifier(ctx context.Context) (*issue.Verifier, func(), error) {
	var extra []*x509.Certificate
	for _, path := range verifyOpts.trust {
		certs, err := readCertificates(path)
		if err != nil {
			return nil, nil, err
		}
		extra = append(extra, certs...)
	}

	if _, err := os.Stat(e.workspacePath()); err != nil {
		if len(extra) == 0 {
			return nil, nil, &fileError{Path: e.workspacePath(), Err: errNoWorkspace}
		}
		return issue.NewVerifier(nil, extra...), func() {}, nil
	}
	s, err := e.open(false)
	if err != nil {
		return nil, nil, err
	}
	v, err := issue.WorkspaceVerifier(ctx, s, extra...)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return v, func() { s.Close() }, nil
}

// errNoCertificate reports a --trust file holding no certificate.
var errNoCertificate = errors.New("no certificate")

// readCertificates reads every PEM certificate of a file.
func readCertificates(path string) ([]*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s", i18n.T("issue.cli.trust.unreadable", path))
	}
	var out []*x509.Certificate
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			break
		}
		if !strings.Contains(block.Type, "CERTIFICATE") {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s", i18n.T("issue.cli.trust.bad", path))
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: %w", i18n.T("issue.cli.trust.bad", path), errNoCertificate)
	}
	return out, nil
}
