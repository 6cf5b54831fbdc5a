package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"certeval/seal"
	"certeval/storage"
)

func sampleDocument(id, sha string) storage.Document {
	return storage.Document{
		ID: id, Kind: "certificate", Credential: "MC-IA", Candidate: "E001",
		SHA256: sha, IssuedAt: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC),
		KeyID: "0011223344556677", SignerPEM: "-----BEGIN CERTIFICATE-----",
		File: id + ".pdf",
	}
}

func TestDocumentsRegister(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	docs := []storage.Document{sampleDocument("CE-2026-AAAA-AAAA", "ab01"),
		sampleDocument("CE-2026-BBBB-BBBB", "cd02")}
	if err := s.RegisterDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}

	list, err := s.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(list), 2; got != want {
		t.Fatalf("register holds %d documents, want %d", got, want)
	}
	d, err := s.DocumentByFingerprint(ctx, "CD02")
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != "CE-2026-BBBB-BBBB" || d.Revoked || !d.IssuedAt.Equal(docs[1].IssuedAt) {
		t.Fatalf("lookup by fingerprint gave %+v", d)
	}
	if _, err := s.Document(ctx, "CE-2026-ZZZZ-ZZZZ"); !errors.Is(err, storage.ErrUnknownDocument) {
		t.Fatalf("unknown id gave %v, want ErrUnknownDocument", err)
	}
	if err := s.RegisterDocuments(ctx, docs[:1]); err == nil {
		t.Fatal("the same identifier was registered twice")
	}
	if _, err := s.DB().Exec(`DELETE FROM documents`); err == nil {
		t.Fatal("an issued document was deleted")
	}
}

func TestDocumentsRevoke(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	if err := s.RegisterDocuments(ctx, []storage.Document{
		sampleDocument("CE-2026-AAAA-AAAA", "ab01")}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, id, reason string
		want             error
	}{
		{"no reason", "CE-2026-AAAA-AAAA", "  ", storage.ErrNoReason},
		{"unknown", "CE-2026-XXXX-XXXX", "erreur", storage.ErrUnknownDocument},
		{"first", "CE-2026-AAAA-AAAA", "erreur de nom", nil},
		{"again", "CE-2026-AAAA-AAAA", "erreur de nom", storage.ErrRevoked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.RevokeDocument(ctx, tt.id, tt.reason); !errors.Is(err, tt.want) {
				t.Fatalf("RevokeDocument = %v, want %v", err, tt.want)
			}
		})
	}

	d, err := s.Document(ctx, "CE-2026-AAAA-AAAA")
	if err != nil {
		t.Fatal(err)
	}
	if !d.Revoked || d.RevokeReason != "erreur de nom" {
		t.Fatalf("document after revocation: %+v", d)
	}
	evs, err := s.Events(ctx, "document/CE-2026-AAAA-AAAA")
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Action != "document.revoke" || evs[0].Reason != "erreur de nom" {
		t.Fatalf("audit events: %+v", evs)
	}
}

func TestTrustedIssuers(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	id, err := seal.NewIdentity(seal.Subject{Name: "Jeanne Martin", Institution: "UPS"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := s.TrustIssuer(ctx, id.CertificatePEM(), ""); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.TrustedIssuers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "Jeanne Martin" ||
		list[0].KeyID != seal.KeyID(id.Certificate) {
		t.Fatalf("trusted issuers: %+v", list)
	}
	if _, err := s.TrustIssuer(ctx, []byte("nope"), ""); !errors.Is(err,
		storage.ErrBadCertificate) {
		t.Fatalf("bad PEM gave %v", err)
	}
}

func TestSigningKey(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	if p, err := s.SigningKey(ctx); err != nil || p != "" {
		t.Fatalf("SigningKey on a new workspace = %q, %v", p, err)
	}
	for _, want := range []string{"/a/president.key", "/b/other.key"} {
		if err := s.SetSigningKey(ctx, want); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.SigningKey(ctx); got != want {
			t.Fatalf("SigningKey = %q, want %q", got, want)
		}
	}
}
