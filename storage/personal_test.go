package storage_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"certeval/jury"
	"certeval/storage"
)

func TestExportPersonalData(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	mustEnrolCredential(t, s, "MC-TAB")
	c := person(1)
	c.FamilyName = "Lefèvre"
	c.Accommodations = []jury.Accommodation{{Kind: jury.AidOther, Detail: "fauteuil"}}
	s.AddCandidate(ctx, "MC-TAB", c)
	s.WithdrawCandidate(ctx, "MC-TAB", c.ID, "déménagement")

	b, err := s.ExportPersonalData(ctx, "MC-TAB", c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Candidate      jury.Candidate
		Accommodations []jury.Accommodation
		Events         []struct{ Action, Reason string } `json:"audit_events"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, b)
	}
	if got.Candidate.FamilyName != "Lefèvre" || !got.Candidate.Withdrawn ||
		len(got.Accommodations) != 1 || got.Accommodations[0].Detail != "fauteuil" ||
		len(got.Events) != 2 || got.Events[1].Reason != "déménagement" {
		t.Fatalf("export:\n%s", b)
	}
	if !bytes.Contains(b, []byte("\n  \"candidate\": {")) {
		t.Fatalf("export is not indented:\n%s", b)
	}
}

func TestPurgeExpired(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	enrolled := time.Date(2024, 1, 15, 10, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return enrolled }

	mustEnrolCredential(t, s, "MC-TAB")
	kept := testCredential("MC-KEEP")
	kept.RetentionMonths = 0
	s.CreateCredential(ctx, kept)

	secret := []string{"Lefèvre", "Hélène", "helene.lefevre@example.fr", "dyslexie",
		"Lefebvre"}
	c := person(1)
	c.FamilyName, c.GivenNames, c.Email = "Lefebvre", "Hélène", "helene.lefevre@example.fr"
	c.Accommodations = []jury.Accommodation{{Kind: jury.AidOther, Detail: "dyslexie"}}
	mustDo(t, s.AddCandidate(ctx, "MC-TAB", c))
	fixed := c
	fixed.FamilyName = "Lefèvre"
	mustDo(t, s.CorrectCandidate(ctx, "MC-TAB", c.ID, fixed, "orthographe"))
	mustDo(t, s.ImportCandidates(ctx, "MC-TAB", "f.csv", []jury.Candidate{person(2)}, nil))
	other := person(3)
	other.FamilyName = "Conservé"
	mustDo(t, s.AddCandidate(ctx, "MC-KEEP", other))

	if n, err := s.PurgeExpired(ctx, enrolled.AddDate(0, 11, 0)); err != nil || n != 0 {
		t.Fatalf("purge before the end of retention: %d, %v", n, err)
	}
	s.Now = time.Now
	n, err := s.PurgeExpired(ctx, enrolled.AddDate(1, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("purged %d candidates, want 2", n)
	}

	got, _ := s.Candidates(ctx, "MC-TAB")
	for _, g := range got {
		if g.FamilyName != storage.PurgedName || g.Email != "" || !g.BirthDate.IsZero() ||
			g.AnonCode == "" || g.University == "" {
			t.Errorf("after purge: %+v", g)
		}
	}
	if accs, _ := s.Accommodations(ctx, "MC-TAB", c.ID); len(accs) != 0 {
		t.Errorf("accommodations left: %d", len(accs))
	}
	if k, _ := s.Candidates(ctx, "MC-KEEP"); k[0].FamilyName != "Conservé" {
		t.Errorf("candidate without retention purged: %+v", k)
	}
	for _, ch := range s.Check(ctx) {
		if !ch.OK {
			t.Errorf("check %s after purge: %s", ch.Name, ch.Detail)
		}
	}
	evs, _ := s.Events(ctx, "workspace")
	if last := evs[len(evs)-1]; last.Action != "personal.purge" ||
		string(last.After) != `{"count":2}` {
		t.Errorf("purge event %s %s", last.Action, last.After)
	}
	assertNotOnDisk(t, s, secret)
}

// assertNotOnDisk checkpoints the workspace and fails if its file or WAL
// holds any of the texts.
func assertNotOnDisk(t *testing.T, s *storage.Store, texts []string) {
	t.Helper()
	if _, err := s.DB().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{s.Path(), s.Path() + "-wal"} {
		b, err := os.ReadFile(path)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, text := range texts {
			if bytes.Contains(b, []byte(text)) {
				t.Errorf("%s still holds %q", path, text)
			}
		}
	}
	b, _ := os.ReadFile(s.Path())
	if !bytes.Contains(b, []byte("Conservé")) {
		t.Error("the check finds nothing: the kept name is not in the file either")
	}
}

func mustDo(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkImportCandidates10k parses a file of 10,000 candidates and
// enrols them in one transaction.
func BenchmarkImportCandidates10k(b *testing.B) {
	var csv strings.Builder
	csv.WriteString("Identifiant;Nom;Prénom;Date de naissance;Courriel;Université\n")
	for i := range 10000 {
		fmt.Fprintf(&csv, "E%05d;Nom%05d;Camille;%02d/03/1990;c%d@example.fr;UPVD\n",
			i, i, 1+i%28, i)
	}
	data := csv.String()
	cred := testCredential("MC-TAB")

	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := MustOpen(b)
		mustDo(b, s.CreateCredential(context.Background(), cred))
		b.StartTimer()

		cands, err := jury.ParseCandidates(strings.NewReader(data), cred.ImportOptions(nil))
		mustDo(b, err)
		mustDo(b, s.ImportCandidates(context.Background(), "MC-TAB", "big.csv", cands, nil))
	}
}
