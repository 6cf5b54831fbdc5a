package storage

import (
	"context"
	"crypto/x509"
	"database/sql"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"certeval/seal"
)

// Errors of the register of issued documents.
var (
	ErrUnknownDocument = errors.New("storage: unknown document")
	ErrRevoked         = errors.New("storage: document already revoked")
	ErrNoReason        = errors.New("storage: a reason is required")
	ErrBadCertificate  = errors.New("storage: not a PEM certificate")
)

// metaSigningKey names the key file last used to sign documents.
const metaSigningKey = "signing_key"

// Document is one entry of the register of issued documents. It names no
// one: Candidate is the enrolment identifier, so that the entry outlives a
// purge of personal data.
type Document struct {
	ID         string // unique, such as "CE-2026-ABCD-EFGH"
	Kind       string // certificate, results, minutes, letter, badge, export
	Credential string // the credential's code
	Candidate  string // the candidate's enrolment identifier, or ""
	SHA256     string // hex SHA-256 of the signed bytes
	IssuedAt   time.Time
	KeyID      string // seal.KeyID of the signer's certificate
	SignerPEM  string // the signer's certificate, PEM
	File       string // the file name written

	// Revocation, when the document was revoked.
	Revoked      bool
	RevokedAt    time.Time
	RevokeReason string
}

// Issuer is a certificate whose signatures the workspace trusts.
type Issuer struct {
	KeyID       string
	Name        string
	Certificate *x509.Certificate
	AddedAt     time.Time
}

// documentEntity names a document in the audit trail.
func documentEntity(id string) string { return "document/" + id }

// RegisterDocuments records issued documents in the register, with one
// "document.issue" audit event, all in one transaction.
func (s *Store) RegisterDocuments(ctx context.Context, docs []Document) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("register documents: %w", err)
	}
	defer tx.Rollback()

	ids := make([]string, 0, len(docs))
	for _, d := range docs {
		if d.IssuedAt.IsZero() {
			d.IssuedAt = s.now()
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO documents (id, kind, credential,
				candidate, sha256, issued_at, key_id, signer_cert, file_name)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.Kind, d.Credential, d.Candidate, d.SHA256, formatTime(d.IssuedAt),
			d.KeyID, d.SignerPEM, d.File)
		if err != nil {
			return fmt.Errorf("register document %s: %w", d.ID, err)
		}
		ids = append(ids, d.ID)
	}
	_, err = s.appendEvent(ctx, tx, Event{Action: "document.issue", Entity: "documents",
		After: JSON(map[string]any{"count": len(ids), "ids": ids})})
	if err != nil {
		return err
	}
	return tx.Commit()
}

// documentColumns are the columns scanDocument reads, tables d and r.
const documentColumns = `d.id, d.kind, d.credential, d.candidate, d.sha256,
	d.issued_at, d.key_id, d.signer_cert, d.file_name,
	COALESCE(r.revoked_at, ''), COALESCE(r.reason, '')`

const documentFrom = ` FROM documents d LEFT JOIN revocations r ON r.document_id = d.id`

func scanDocument(row scanner) (Document, error) {
	var d Document
	var issued, revoked string
	err := row.Scan(&d.ID, &d.Kind, &d.Credential, &d.Candidate, &d.SHA256, &issued,
		&d.KeyID, &d.SignerPEM, &d.File, &revoked, &d.RevokeReason)
	if err != nil {
		return d, err
	}
	if d.IssuedAt, err = parseTime(issued); err != nil {
		return d, err
	}
	if revoked != "" {
		d.Revoked = true
		if d.RevokedAt, err = parseTime(revoked); err != nil {
			return d, err
		}
	}
	return d, nil
}

// Documents lists the register, the latest issued first.
func (s *Store) Documents(ctx context.Context) ([]Document, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+documentColumns+documentFrom+`
		ORDER BY d.issued_at DESC, d.id`)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()

	var out []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("list documents: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Document returns the register's entry of one document.
func (s *Store) Document(ctx context.Context, id string) (Document, error) {
	return s.findDocument(ctx, `d.id = ?`, id)
}

// DocumentByFingerprint returns the register's entry of the document whose
// signed bytes have the SHA-256 sha (hex).
func (s *Store) DocumentByFingerprint(ctx context.Context, sha string) (Document, error) {
	return s.findDocument(ctx, `d.sha256 = ?`, strings.ToLower(sha))
}

func (s *Store) findDocument(ctx context.Context, where string, arg any) (Document, error) {
	d, err := scanDocument(s.db.QueryRowContext(ctx,
		`SELECT `+documentColumns+documentFrom+` WHERE `+where+` LIMIT 1`, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, ErrUnknownDocument
	}
	if err != nil {
		return Document{}, fmt.Errorf("read document: %w", err)
	}
	return d, nil
}

// RevokeDocument revokes an issued document for reason; the revocation is
// recorded in the audit trail ("document.revoke").
func (s *Store) RevokeDocument(ctx context.Context, id, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return ErrNoReason
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("revoke document: %w", err)
	}
	defer tx.Rollback()

	var revoked int
	err = tx.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM revocations WHERE document_id = d.id)
		FROM documents d WHERE d.id = ?`, id).Scan(&revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrUnknownDocument
	}
	if err != nil {
		return fmt.Errorf("revoke document: %w", err)
	}
	if revoked > 0 {
		return ErrRevoked
	}
	now := s.now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO revocations
		(document_id, reason, revoked_at, revoked_by) VALUES (?, ?, ?, ?)`,
		id, reason, formatTime(now), s.Actor); err != nil {
		return fmt.Errorf("revoke document: %w", err)
	}
	_, err = s.appendEvent(ctx, tx, Event{Action: "document.revoke",
		Entity: documentEntity(id), After: JSON(map[string]any{"revoked": true}),
		Reason: reason})
	if err != nil {
		return err
	}
	return tx.Commit()
}

// TrustIssuer adds the certificate in certPEM to the issuers the workspace
// trusts, named name ("" takes the certificate's). Trusting it again
// changes nothing.
func (s *Store) TrustIssuer(ctx context.Context, certPEM []byte, name string) (Issuer, error) {
	cert, err := parseCertPEM(certPEM)
	if err != nil {
		return Issuer{}, err
	}
	if name = strings.TrimSpace(name); name == "" {
		name = cert.Subject.CommonName
	}
	iss := Issuer{KeyID: seal.KeyID(cert), Name: name, Certificate: cert, AddedAt: s.now()}

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Issuer{}, fmt.Errorf("trust issuer: %w", err)
	}
	defer tx.Rollback()
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	res, err := tx.ExecContext(ctx, `INSERT INTO trusted_issuers (key_id, name, cert, added_at)
		VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		iss.KeyID, iss.Name, string(block), formatTime(iss.AddedAt))
	if err != nil {
		return Issuer{}, fmt.Errorf("trust issuer: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return iss, nil
	}
	_, err = s.appendEvent(ctx, tx, Event{Action: "issuer.trust",
		Entity: "issuer/" + iss.KeyID, After: JSON(map[string]string{"name": iss.Name})})
	if err != nil {
		return Issuer{}, err
	}
	return iss, tx.Commit()
}

// TrustedIssuers lists the issuers the workspace trusts.
func (s *Store) TrustedIssuers(ctx context.Context) ([]Issuer, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key_id, name, cert, added_at
		FROM trusted_issuers ORDER BY name, key_id`)
	if err != nil {
		return nil, fmt.Errorf("list issuers: %w", err)
	}
	defer rows.Close()

	var out []Issuer
	for rows.Next() {
		var iss Issuer
		var certPEM, added string
		if err := rows.Scan(&iss.KeyID, &iss.Name, &certPEM, &added); err != nil {
			return nil, fmt.Errorf("list issuers: %w", err)
		}
		if iss.Certificate, err = parseCertPEM([]byte(certPEM)); err != nil {
			return nil, err
		}
		if iss.AddedAt, err = parseTime(added); err != nil {
			return nil, fmt.Errorf("list issuers: %w", err)
		}
		out = append(out, iss)
	}
	return out, rows.Err()
}

// SigningKey returns the key file last chosen to sign the workspace's
// documents, "" when none was.
func (s *Store) SigningKey(ctx context.Context) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`,
		metaSigningKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read signing key: %w", err)
	}
	return v, nil
}

// SetSigningKey remembers path as the key file that signs the
// workspace's documents (the president's, usually).
func (s *Store) SetSigningKey(ctx context.Context, path string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, metaSigningKey, path)
	if err != nil {
		return fmt.Errorf("save signing key: %w", err)
	}
	return nil
}

// parseCertPEM reads the first certificate of a PEM text.
func parseCertPEM(b []byte) (*x509.Certificate, error) {
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return nil, ErrBadCertificate
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadCertificate, err)
		}
		return cert, nil
	}
}
