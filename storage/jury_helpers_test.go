package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"
	"time"

	"certeval/jury"
	"certeval/seal"
	"certeval/storage"
)

// juryCode is the credential of the jury tests.
const juryCode = "MC-JURY"

// Grid choices of the sample grid (seven criteria, the last one for
// feedback only).
const (
	choicesPass = `[2,2,2,2,2,2,-1]`
	choicesFail = `[0,0,0,0,0,0,-1]`
	choicesBest = `[3,3,3,3,3,3,-1]`
)

// juryClock is a settable time for the store.
type juryClock struct{ t time.Time }

// newJuryClock starts at the end of June 2025.
func newJuryClock() *juryClock {
	return &juryClock{t: time.Date(2025, 6, 30, 14, 0, 0, 0, time.UTC)}
}

func (c *juryClock) now() time.Time           { return c.t }
func (c *juryClock) add(d time.Duration)      { c.t = c.t.Add(d) }
func (c *juryClock) days(n int) time.Time     { return c.t.AddDate(0, 0, n) }
func (c *juryClock) install(s *storage.Store) { s.Now = c.now }

// juryCredential returns the credential of the jury tests: late work
// loses 2 points, appeals within 15 days, the best sitting counts.
func juryCredential() *jury.Credential {
	return &jury.Credential{
		Code: juryCode, Title: "Concevoir une formation hybride", Hours: 20,
		BlindGrading: true,
		MCC: jury.MCC{
			Lateness: jury.LatePenalty, LatePenalty: 2, AppealDays: 15,
			Resit: jury.ResitBest, Quorum: 2, Jury: juryMembers(),
		},
	}
}

// juryFixture is a workspace with the jury credential and its grid.
type juryFixture struct {
	s      *storage.Store
	db     *sql.DB
	clock  *juryClock
	gridID int64
}

// mustJuryFixture creates the credential c and the sample grid.
func mustJuryFixture(tb testing.TB, c *jury.Credential) *juryFixture {
	tb.Helper()
	s := MustOpen(tb)
	f := &juryFixture{s: s, db: s.DB(), clock: newJuryClock()}
	f.clock.install(s)
	s.Actor = "Claire Dubois"
	if err := s.CreateCredential(context.Background(), c); err != nil {
		tb.Fatal(err)
	}
	grid, err := os.ReadFile("../rubric/testdata/grille-sae-formation-hybride.json")
	if err != nil {
		tb.Fatal(err)
	}
	res, err := f.db.Exec(`INSERT INTO grids (credential_id, version, fingerprint, data,
			frozen, created_at)
		SELECT id, 1, 'fp', ?, 1, '2025-01-01T00:00:00Z' FROM credentials WHERE code = ?`,
		string(grid), c.Code)
	if err != nil {
		tb.Fatal(err)
	}
	f.gridID, _ = res.LastInsertId()
	return f
}

// juryCand is one candidate to put in a fixture.
type juryCand struct {
	id        string
	withdrawn bool
	data      string // candidates.data
	noWork    bool   // no submission row
	late      bool
	absence   jury.AbsenceKind
	gradings  []string // choices of submitted gradings
	draft     bool     // the gradings are not submitted
	accom     bool
}

// add inserts candidates with their submission and gradings for sitting 1.
func (f *juryFixture) add(tb testing.TB, cands ...juryCand) {
	tb.Helper()
	for _, c := range cands {
		data := c.data
		if data == "" {
			data = "{}"
		}
		res, err := f.db.Exec(`INSERT INTO candidates (credential_id, ext_id, family_name,
				given_names, anon_code, withdrawn, data)
			SELECT id, ?, ?, 'Camille', ?, ?, ? FROM credentials WHERE code = ?`,
			c.id, "Nom"+c.id, "ANON-"+c.id, c.withdrawn, data, juryCode)
		if err != nil {
			tb.Fatal(err)
		}
		cand, _ := res.LastInsertId()
		if c.accom {
			f.exec(tb, `INSERT INTO accommodations (candidate_id, data) VALUES (?, '{}')`, cand)
		}
		if c.noWork {
			continue
		}
		res, err = f.db.Exec(`INSERT INTO submissions (candidate_id, sitting, late, absence)
			VALUES (?, 1, ?, ?)`, cand, c.late, int(c.absence))
		if err != nil {
			tb.Fatal(err)
		}
		sub, _ := res.LastInsertId()
		status := 2
		if c.draft {
			status = 1
		}
		for i, ch := range c.gradings {
			f.exec(tb, `INSERT INTO gradings (submission_id, grid_id, expert, choices,
					status, updated_at) VALUES (?, ?, ?, ?, ?, '2025-06-01T00:00:00Z')`,
				sub, f.gridID, fmt.Sprintf("expert%d", i), ch, status)
		}
	}
}

// exec runs one statement of a fixture.
func (f *juryFixture) exec(tb testing.TB, q string, args ...any) {
	tb.Helper()
	if _, err := f.db.Exec(q, args...); err != nil {
		tb.Fatal(err)
	}
}

// juryMeeting returns a meeting of three members, the president and one
// other present, with a quorum of two.
func juryMeeting(sitting int, date time.Time) jury.Meeting {
	return jury.Meeting{
		Sitting: sitting, Date: date, Place: "Salle du conseil", Quorum: 2,
		Members: []jury.MeetingMember{
			{Member: juryMembers()[0], Present: true},
			{Member: juryMembers()[1], Present: true},
			{Member: juryMembers()[2]},
		},
	}
}

// juryIdentity returns a new signing identity for the president.
func juryIdentity(tb testing.TB) *seal.Identity {
	tb.Helper()
	id, err := seal.NewIdentity(seal.Subject{Name: "Claire Dubois",
		Role: "Présidente du jury", Institution: "Université de Lorraine"})
	if err != nil {
		tb.Fatal(err)
	}
	return id
}

// juryMembers returns the three members of the jury, the first presiding.
func juryMembers() []jury.Member {
	return []jury.Member{
		{Name: "Claire Dubois", Role: "présidente", President: true},
		{Name: "Karim Benali", Role: "expert"},
		{Name: "Anne Roux", Role: "experte"},
	}
}
