package storage_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certeval/jury"
	"certeval/storage"
)

// testCredential returns a credential with two participating universities
// and a retention period of twelve months.
func testCredential(code string) *jury.Credential {
	return &jury.Credential{
		Code:  code,
		Title: "Analyse de données avec un tableur",
		Producer: jury.University{Code: "UPVD", Name: "Université de Perpignan",
			Country: "France", Region: "Occitanie"},
		Participants: []jury.University{
			{Code: "UPVD", Name: "Université de Perpignan"},
			{Code: "UGA", Name: "Université Grenoble Alpes"},
		},
		Hours:           20,
		RetentionMonths: 12,
	}
}

// mustEnrolCredential creates the test credential code in s.
func mustEnrolCredential(tb testing.TB, s *storage.Store, code string) *jury.Credential {
	tb.Helper()
	c := testCredential(code)
	if err := s.CreateCredential(context.Background(), c); err != nil {
		tb.Fatal(err)
	}
	return c
}

// person returns a valid candidate numbered i.
func person(i int) jury.Candidate {
	return jury.Candidate{
		ID:         fmt.Sprintf("E%05d", i),
		FamilyName: fmt.Sprintf("Nom%05d", i),
		GivenNames: "Camille",
		BirthDate:  time.Date(1990, 1, 1+i%28, 0, 0, 0, 0, time.UTC),
		Email:      fmt.Sprintf("c%d@example.fr", i),
		University: "UPVD",
	}
}

// parseFile parses a candidates file of testdata/enrolment for cred.
func parseFile(tb testing.TB, cred *jury.Credential, name string) []jury.Candidate {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", "enrolment", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	cands, err := jury.ParseCandidates(f, cred.ImportOptions(nil))
	if err != nil {
		tb.Fatal(err)
	}
	return cands
}

// names lists the family names of cands, in order.
func names(cands []jury.Candidate) string {
	var out []string
	for _, c := range cands {
		out = append(out, c.FamilyName)
	}
	return strings.Join(out, ",")
}
