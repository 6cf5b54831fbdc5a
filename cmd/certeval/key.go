package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"certeval/i18n"
	"certeval/seal"
	"certeval/storage"
)

// Environment variables of the key commands, besides seal's passphrase
// variables: the password of a PKCS#12 file and the new passphrase of
// "key passwd". Secrets never come from the command line.
const (
	envP12Password       = "CERTEVAL_P12_PASSWORD"
	envNewPassphrase     = "CERTEVAL_NEW_PASSPHRASE"
	envNewPassphraseFile = "CERTEVAL_NEW_PASSPHRASE_FILE"
)

// minPassphrase is the shortest passphrase, in characters, a new key
// file accepts.
const minPassphrase = 10

// keyOpts holds the key commands' own flags.
var keyOpts struct {
	name, role, institution, country string
	out, expert                      string
}

func init() {
	commands["key new"] = command{
		usage: "--name NAME [--role ROLE] [--institution INST] [--country FR] -o FILE",
		help:  "keys.help.new", flags: keyNewFlags, run: runKeyNew}
	commands["key import-p12"] = command{usage: "[-o FILE] P12FILE",
		help: "keys.help.import", flags: keyOutFlag, run: runKeyImport}
	commands["key passwd"] = command{usage: "FILE", help: "keys.help.passwd",
		run: runKeyPasswd}
	commands["key export"] = command{usage: "FILE [-o CERT.pem]", help: "keys.help.export",
		flags: keyOutFlag, run: runKeyExport}
	commands["key trust"] = command{usage: "[--expert CODE] CERT.pem",
		help: "keys.help.trust", flags: keyTrustFlags, run: runKeyTrust}
}

func keyNewFlags(fs *flag.FlagSet, e *env) {
	fs.StringVar(&keyOpts.name, "name", "", i18n.T("keys.flag.name"))
	fs.StringVar(&keyOpts.role, "role", "", i18n.T("keys.flag.role"))
	fs.StringVar(&keyOpts.institution, "institution", "", i18n.T("keys.flag.institution"))
	fs.StringVar(&keyOpts.country, "country", "FR", i18n.T("keys.flag.country"))
	keyOutFlag(fs, e)
}

func keyOutFlag(fs *flag.FlagSet, _ *env) {
	fs.StringVar(&keyOpts.out, "o", "", i18n.T("keys.flag.out"))
}

func keyTrustFlags(fs *flag.FlagSet, _ *env) {
	fs.StringVar(&keyOpts.expert, "expert", "", i18n.T("keys.flag.expert"))
}

func runKeyNew(ctx context.Context, e *env, args []string) error {
	o := keyOpts
	if len(args) != 0 || o.out == "" {
		return errArgs("key new")
	}
	pass, err := newPassphrase(seal.PassphraseFromEnv)
	if err != nil {
		return err
	}
	if err := refuseExisting(o.out); err != nil {
		return err
	}

	id, err := seal.NewIdentity(seal.Subject{Name: o.name, Role: o.role,
		Institution: o.institution, Country: o.country})
	if err != nil {
		return fmt.Errorf("%s", seal.Explain(err))
	}
	if err := id.Save(o.out, pass); err != nil {
		return fmt.Errorf("%s", i18n.T("keys.cli.write", o.out, err))
	}
	e.printf("%s\n", i18n.T("keys.cli.created", o.out, seal.KeyID(id.Certificate)))
	return nil
}

func runKeyImport(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return errArgs("key import-p12")
	}
	src, out := args[0], keyOpts.out
	if out == "" {
		out = strings.TrimSuffix(src, filepath.Ext(src)) + ".key"
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("%s", i18n.T("keys.cli.read", src, err))
	}
	pass, err := newPassphrase(seal.PassphraseFromEnv)
	if err != nil {
		return err
	}
	if err := refuseExisting(out); err != nil {
		return err
	}

	id, err := seal.ImportPKCS12(data, os.Getenv(envP12Password))
	if err != nil {
		return fmt.Errorf("%s", i18n.T("keys.cli.refused", src, seal.Explain(err)))
	}
	if err := id.Save(out, pass); err != nil {
		return fmt.Errorf("%s", i18n.T("keys.cli.write", out, err))
	}
	e.printf("%s\n", i18n.T("keys.cli.imported", out, seal.KeyID(id.Certificate),
		subjectLine(id.Certificate)))
	return nil
}

func runKeyPasswd(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return errArgs("key passwd")
	}
	path := args[0]
	old, err := seal.PassphraseFromEnv()
	if err != nil {
		return fmt.Errorf("%s", seal.Explain(err))
	}
	pass, err := newPassphrase(newPassphraseFromEnv)
	if err != nil {
		return err
	}
	if err := seal.ChangePassphrase(path, old, pass); err != nil {
		return fmt.Errorf("%s", i18n.T("keys.cli.key", path, seal.Explain(err)))
	}
	e.printf("%s\n", i18n.T("keys.cli.changed", path))
	return nil
}

func runKeyExport(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return errArgs("key export")
	}
	path, out := args[0], keyOpts.out
	if out == "" {
		out = strings.TrimSuffix(path, filepath.Ext(path)) + ".pem"
	}
	certs, err := seal.Certificates(path)
	if err != nil {
		return fmt.Errorf("%s", i18n.T("keys.cli.key", path, seal.Explain(err)))
	}
	if err := os.WriteFile(out, seal.CertificatesPEM(certs), 0o644); err != nil {
		return fmt.Errorf("%s", i18n.T("keys.cli.write", out, err))
	}
	e.printf("%s\t%s\n%s\n", seal.KeyID(certs[0]), subjectLine(certs[0]),
		i18n.T("keys.cli.exported", out))
	return nil
}

func runKeyTrust(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return errArgs("key trust")
	}
	path := args[0]
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s", i18n.T("keys.cli.read", path, err))
	}
	cert, err := firstCertificate(data)
	if err != nil {
		return fmt.Errorf("%s", i18n.T("keys.cli.notcert", path))
	}
	s, err := e.open(false)
	if err != nil {
		return err
	}
	defer s.Close()

	if code := keyOpts.expert; code != "" {
		if err := s.RegisterKey(ctx, cert, storage.RoleExpert, code); err != nil {
			return fmt.Errorf("%s", i18n.T("keys.cli.trustfailed", path, err))
		}
		e.printf("%s\n", i18n.T("keys.cli.expert", cert.Subject.CommonName,
			seal.KeyID(cert), code))
		return nil
	}
	iss, err := s.TrustIssuer(ctx, data, "")
	if err != nil {
		return fmt.Errorf("%s", i18n.T("keys.cli.trustfailed", path, err))
	}
	e.printf("%s\n", i18n.T("keys.cli.issuer", iss.Name, iss.KeyID))
	return nil
}

// newPassphrase takes a new passphrase from source and refuses one too
// short to resist guessing.
func newPassphrase(source func() ([]byte, error)) ([]byte, error) {
	pass, err := source()
	if err != nil {
		return nil, fmt.Errorf("%s", seal.Explain(err))
	}
	if utf8.RuneCount(pass) < minPassphrase {
		return nil, fmt.Errorf("%s", i18n.T("keys.err.short", minPassphrase))
	}
	return pass, nil
}

// newPassphraseFromEnv returns the new passphrase of "key passwd": the
// contents of the file named by CERTEVAL_NEW_PASSPHRASE_FILE (one
// trailing newline removed), else CERTEVAL_NEW_PASSPHRASE.
func newPassphraseFromEnv() ([]byte, error) {
	if name := os.Getenv(envNewPassphraseFile); name != "" {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("%s", i18n.T("keys.cli.read", name, err))
		}
		s := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
		if s == "" {
			return nil, seal.ErrEmptyPassphrase
		}
		return []byte(s), nil
	}
	if v := os.Getenv(envNewPassphrase); v != "" {
		return []byte(v), nil
	}
	return nil, errors.New(i18n.T("keys.err.nonew"))
}

// refuseExisting refuses to write over a file that already exists.
func refuseExisting(path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s", i18n.T("keys.cli.exists", path))
	}
	return nil
}

// firstCertificate parses the first certificate of a PEM text.
func firstCertificate(b []byte) (*x509.Certificate, error) {
	for {
		var block *pem.Block
		if block, b = pem.Decode(b); block == nil {
			return nil, errors.New("no certificate")
		}
		if block.Type == "CERTIFICATE" {
			return x509.ParseCertificate(block.Bytes)
		}
	}
}

// subjectLine names a certificate's holder: name, role, institution and
// country, the empty ones left out.
func subjectLine(cert *x509.Certificate) string {
	s := seal.SubjectOf(cert)
	var parts []string
	for _, p := range []string{s.Name, s.Role, s.Institution, s.Country} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}
