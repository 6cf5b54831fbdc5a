package jury_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"certeval/i18n"
	"certeval/jury"
)

func validCandidate() jury.Candidate {
	return jury.Candidate{ID: "E2024001", FamilyName: "Lefèvre", GivenNames: "Hélène",
		BirthDate: date(1986, 7, 4), Email: "helene.lefevre@example.fr", University: "UPVD"}
}

func TestAnonCode(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	a := jury.AnonCode(key, "MC-IA", "E2024001")
	if !regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`).MatchString(a) {
		t.Fatalf("AnonCode = %q, want XXXX-XXXX in Crockford base32", a)
	}
	if b := jury.AnonCode(key, "MC-IA", "E2024001"); b != a {
		t.Fatalf("AnonCode not deterministic: %q then %q", a, b)
	}
	for name, other := range map[string]string{
		"other key":        jury.AnonCode([]byte("another key"), "MC-IA", "E2024001"),
		"other credential": jury.AnonCode(key, "MC-XY", "E2024001"),
		"other candidate":  jury.AnonCode(key, "MC-IA", "E2024002"),
		"shifted boundary": jury.AnonCode(key, "MC-IAE", "2024001"),
	} {
		if other == a {
			t.Errorf("%s gives the same code %q", name, a)
		}
	}
}

func TestAssignAnonCodes(t *testing.T) {
	cands := make([]jury.Candidate, 2000)
	for i := range cands {
		cands[i].ID = fmt.Sprintf("E%05d", i)
	}
	if err := jury.AssignAnonCodes(cands, []byte("k"), "MC"); err != nil {
		t.Fatal(err)
	}
	seen := make(map[string]bool)
	for _, c := range cands {
		if c.AnonCode != jury.AnonCode([]byte("k"), "MC", c.ID) || seen[c.AnonCode] {
			t.Fatalf("candidate %s got %q", c.ID, c.AnonCode)
		}
		seen[c.AnonCode] = true
	}

	twins := []jury.Candidate{{ID: "E1"}, {ID: "E1"}}
	if err := jury.AssignAnonCodes(twins, []byte("k"), "MC"); !errors.Is(err, jury.ErrAnonCollision) {
		t.Fatalf("same identifier twice: err = %v, want a collision", err)
	}
	if twins[0].AnonCode != "" {
		t.Fatal("a failed assignment changed the candidates")
	}
}

func TestCandidateValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *jury.Candidate)
		n      int // problems
	}{
		{"valid", func(c *jury.Candidate) {}, 0},
		{"no family name", func(c *jury.Candidate) { c.FamilyName = "" }, 1},
		{"bad email and no id", func(c *jury.Candidate) { c.Email = "a@b"; c.ID = "" }, 2},
		{"born in the future", func(c *jury.Candidate) { c.BirthDate = time.Now().AddDate(1, 0, 0) }, 1},
		{"refusal without alternative", func(c *jury.Candidate) {
			c.Consent = jury.Consent{Date: date(2025, 3, 1)}
		}, 1},
		{"refusal with alternative", func(c *jury.Candidate) {
			c.Consent = jury.Consent{Date: date(2025, 3, 1), Alternative: "épreuve sur site"}
		}, 0},
		{"consent without date", func(c *jury.Candidate) { c.Consent = jury.Consent{Given: true} }, 1},
		{"half time without opinion", func(c *jury.Candidate) {
			c.Accommodations = []jury.Accommodation{{Kind: jury.AidExtraTime,
				ExtraTime: jury.Fraction{Num: 1, Den: 2}}}
		}, 1},
		{"check without who", func(c *jury.Candidate) {
			c.IdentityChecks = []jury.IdentityCheck{{Sitting: 1, Method: jury.MethodIDCheck,
				At: date(2025, 3, 1), Result: jury.CheckVerified}}
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validCandidate()
			tt.change(&c)
			err := c.Validate()
			var pe *jury.ProblemsError
			switch {
			case tt.n == 0 && err != nil:
				t.Fatalf("Validate = %v, want nil", err)
			case tt.n > 0 && (!errors.As(err, &pe) || len(pe.Problems) != tt.n):
				t.Fatalf("Validate = %v, want %d problems", err, tt.n)
			case tt.n > 0 && !errors.Is(err, jury.ErrCandidateInvalid):
				t.Fatalf("Validate = %v, want ErrCandidateInvalid", err)
			}
		})
	}
}

func TestCandidateDiff(t *testing.T) {
	before := validCandidate()
	before.Accommodations = []jury.Accommodation{{Kind: jury.AidExtraTime, Detail: "dyslexie"}}
	after := before
	after.FamilyName = "Lefèvre-Martin"
	after.BirthDate = date(1986, 7, 5)
	after.Accommodations = []jury.Accommodation{{Kind: jury.AidExtraTime, Detail: "dyspraxie"}}

	got := before.Diff(after)
	want := []jury.FieldChange{
		{Field: "family_name", Before: "Lefèvre", After: "Lefèvre-Martin"},
		{Field: "birth_date", Before: "1986-07-04", After: "1986-07-05"},
		{Field: "accommodation_detail", Confidential: true},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Diff = %+v\nwant %+v", got, want)
	}
	if s := fmt.Sprintf("%v %+v %#v", got, after, after); strings.Contains(s, "dysp") {
		t.Fatalf("confidential detail leaked: %s", s)
	}
	if d := before.Diff(before); len(d) != 0 {
		t.Fatalf("Diff with itself = %+v", d)
	}
	if got[0].Label() != "nom" && got[0].Label() != "family name" {
		t.Fatalf("Label = %q", got[0].Label())
	}
}

// TestCatalogueKeys checks that every key this package's files of the
// candidates area ask for exists in the catalogues.
func TestCatalogueKeys(t *testing.T) {
	files := []string{"credential.go", "candidate.go", "csv.go", "accommodation.go",
		"attendance.go", "assign.go"}
	re := regexp.MustCompile(`"((?:missing|invalid|check|csv|attendance|identity|consent|` +
		`accommodation|field|column)\.[a-z_.0-9]+)"`)
	for _, f := range files {
		src, err := os.ReadFile(filepath.Clean(f))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			if key := "candidates." + m[1]; !strings.HasSuffix(key, ".") && !i18n.Has(key) {
				t.Errorf("%s: key %s missing from the catalogue", f, key)
			}
		}
	}
	if m := i18n.Missing(); len(m) > 0 {
		t.Fatalf("keys missing from a language: %v", m)
	}
}
