package issue_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"certeval/jury"
	"certeval/seal"
	"certeval/storage"
)

// secret is the accommodation detail that must never leave the jury.
const secret = "tiers-temps dyslexie"

// testCode is the credential of the fixture.
const testCode = "MC-HYB"

// mustIdentity returns a new signing identity for the president.
func mustIdentity(tb testing.TB, name string) *seal.Identity {
	tb.Helper()
	id, err := seal.NewIdentity(seal.Subject{Name: name, Role: "Présidente du jury",
		Institution: "Université de Lorraine"})
	if err != nil {
		tb.Fatal(err)
	}
	return id
}

func testCredential() *jury.Credential {
	members := []jury.Member{
		{Name: "Claire Dubois", Role: "présidente", President: true},
		{Name: "Karim Benali", Role: "expert"},
	}
	return &jury.Credential{
		Code: testCode, Title: "Concevoir une formation hybride", Hours: 20, ECTS: 2,
		Level: jury.Level{Framework: jury.EQF, Value: 6},
		Producer: jury.University{Code: "UL", Name: "Université de Lorraine",
			Country: "France", Region: "Grand Est", LegalRep: "Marie Dupont",
			LegalRepTitle: "présidente de l'université"},
		Participants: []jury.University{
			{Code: "UL", Name: "Université de Lorraine"},
			{Code: "UPS", Name: "Université Paul Sabatier", Region: "Occitanie"},
		},
		Experts:      []jury.Expert{{Name: "Karim Benali"}},
		Competencies: []jury.Competency{{Code: "C1", Title: "Scénariser un dispositif"}},
		Outcomes:     []jury.LearningOutcome{{Code: "AA1", Text: "Articuler distance et présence"}},
		MCC: jury.MCC{EvaluationType: "production écrite individuelle (SAE)",
			AppealDays: 15, AppealProcess: "Écrire au président du jury.",
			Resit: jury.ResitBest, Quorum: 2, Jury: members},
	}
}

// fixtureCand is a candidate of the fixture and the choices of its grading.
type fixtureCand struct {
	id, family, given, univ, choices string
	accommodation                    bool
}

// mustWorkspace returns a workspace with one closed deliberation signed by
// id: three candidates, two who passed (one with an accommodation) and one
// who did not.
func mustWorkspace(tb testing.TB, id *seal.Identity, extra ...fixtureCand) *storage.Store {
	tb.Helper()
	ctx := context.Background()
	s, err := storage.Open(filepath.Join(tb.TempDir(), "w.certeval"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	s.Actor = "Claire Dubois"

	cred := testCredential()
	if err := s.CreateCredential(ctx, cred); err != nil {
		tb.Fatal(err)
	}
	gridID := insertGrid(tb, s)
	cands := append([]fixtureCand{
		{"E001", "Martin", "Léa", "UL", `[2,2,2,2,2,2,-1]`, true},
		{"E002", "=HYPERLINK(\"x\")", "Hugo", "UPS", `[3,3,3,3,3,3,-1]`, false},
		{"E003", "Bernard", "Inès", "UPS", `[0,0,0,0,0,0,-1]`, false},
	}, extra...)
	for _, c := range cands {
		addCandidate(tb, s, gridID, c)
	}

	m := jury.Meeting{Sitting: 1, Date: now.AddDate(0, 0, -1), Place: "Nancy", Quorum: 2,
		Members: []jury.MeetingMember{{Member: cred.MCC.Jury[0], Present: true},
			{Member: cred.MCC.Jury[1], Present: true}}}
	steps := []func() error{
		func() error { return s.SaveMeeting(ctx, testCode, m) },
		func() error { _, err := s.StartDeliberation(ctx, testCode, 1); return err },
		func() error { return s.AcceptAllProposals(ctx, testCode, 1) },
		func() error {
			_, err := s.CloseDeliberation(ctx, testCode, 1, "Claire Dubois", id)
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// insertGrid stores the sample grid, frozen, as the credential's grid.
// There is no storage method yet to store gradings without an expert's
// package, so the fixture writes those rows itself.
func insertGrid(tb testing.TB, s *storage.Store) int64 {
	tb.Helper()
	grid, err := os.ReadFile("../rubric/testdata/grille-sae-formation-hybride.json")
	if err != nil {
		tb.Fatal(err)
	}
	res, err := s.DB().Exec(`INSERT INTO grids (credential_id, version, fingerprint, data,
			frozen, created_at)
		SELECT id, 1, 'fp', ?, 1, '2026-01-01T00:00:00Z' FROM credentials WHERE code = ?`,
		string(grid), testCode)
	if err != nil {
		tb.Fatal(err)
	}
	n, _ := res.LastInsertId()
	return n
}

func addCandidate(tb testing.TB, s *storage.Store, gridID int64, c fixtureCand) {
	tb.Helper()
	ctx := context.Background()
	cand := jury.Candidate{ID: c.id, FamilyName: c.family, GivenNames: c.given,
		BirthDate: time.Date(1990, 5, 4, 0, 0, 0, 0, time.UTC),
		Email:     c.id + "@example.org", University: c.univ}
	if err := s.AddCandidate(ctx, testCode, cand); err != nil {
		tb.Fatal(err)
	}
	if c.accommodation {
		accs := []jury.Accommodation{{Kind: jury.AidExtraTime, Detail: secret,
			MedicalOpinion: "Dr Lefèvre, " + secret}}
		if err := s.SetAccommodations(ctx, testCode, c.id, accs, "avis médical"); err != nil {
			tb.Fatal(err)
		}
	}
	db := s.DB()
	res, err := db.Exec(`INSERT INTO submissions (candidate_id, sitting)
		SELECT c.id, 1 FROM candidates c JOIN credentials k ON k.id = c.credential_id
		WHERE k.code = ? AND c.ext_id = ?`, testCode, c.id)
	if err != nil {
		tb.Fatal(err)
	}
	sub, _ := res.LastInsertId()
	_, err = db.Exec(`INSERT INTO gradings (submission_id, grid_id, expert, choices,
			status, updated_at) VALUES (?, ?, 'expert', ?, 2, '2026-02-01T00:00:00Z')`,
		sub, gridID, c.choices)
	if err != nil {
		tb.Fatal(err)
	}
}
