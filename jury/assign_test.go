package jury_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"certeval/jury"
)

func candidates(n int, univ func(i int) string) []jury.Candidate {
	cs := make([]jury.Candidate, n)
	for i := range cs {
		cs[i] = jury.Candidate{ID: fmt.Sprintf("E%04d", i), University: univ(i)}
	}
	return cs
}

func TestAssignUniversitiesBalanced(t *testing.T) {
	univs := []string{"UPVD", "UGA", "UNISTRA"}
	tests := []struct {
		name  string
		cands []jury.Candidate
		drawn int // candidates the draw assigns
	}{
		{"none assigned", candidates(100, func(int) string { return "" }), 100},
		{"one", candidates(1, func(int) string { return "" }), 1},
		{"some assigned", candidates(50, func(i int) string {
			if i < 10 {
				return "UGA"
			}
			return ""
		}), 40},
		{"all assigned", candidates(5, func(int) string { return "UPVD" }), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := jury.AssignUniversities(tt.cands, univs, 42)
			if len(d.Assignments) != tt.drawn || d.Seed != 42 {
				t.Fatalf("draw of %d with seed %d, want %d", len(d.Assignments), d.Seed, tt.drawn)
			}
			counts := d.Counts(tt.cands)
			if tt.drawn == 0 {
				return
			}
			lo, hi := len(tt.cands), 0
			for _, u := range univs {
				lo, hi = min(lo, counts[u]), max(hi, counts[u])
			}
			if hi-lo > 1 {
				t.Fatalf("counts %v differ by more than one", counts)
			}
		})
	}
}

func TestAssignUniversitiesReproducible(t *testing.T) {
	cands := candidates(30, func(int) string { return "" })
	univs := []string{"UPVD", "UGA", "UNISTRA"}
	a := jury.AssignUniversities(cands, univs, 7)

	shuffled := slices.Clone(cands)
	slices.Reverse(shuffled)
	b := jury.AssignUniversities(shuffled, []string{"UNISTRA", "UPVD", "UGA", "UGA"}, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed, different draws:\n%v\n%v", a, b)
	}

	c := jury.AssignUniversities(cands, univs, 8)
	if reflect.DeepEqual(a.Assignments, c.Assignments) {
		t.Fatal("seeds 7 and 8 give the same draw")
	}
}

func TestAssignUniversitiesIsRandom(t *testing.T) {
	// Over many seeds, the first candidate lands in every university.
	cands := candidates(4, func(int) string { return "" })
	seen := make(map[string]bool)
	for seed := range int64(60) {
		d := jury.AssignUniversities(cands, []string{"A", "B", "C"}, seed)
		seen[d.Assignments[0].University] = true
	}
	if len(seen) != 3 {
		t.Fatalf("first candidate only drawn into %v", seen)
	}
}

func TestDrawApply(t *testing.T) {
	cands := candidates(6, func(i int) string {
		if i == 0 {
			return "UPVD"
		}
		return ""
	})
	d := jury.AssignUniversities(cands, []string{"UPVD", "UGA"}, 1)
	d.Apply(cands)
	counts := map[string]int{}
	for _, c := range cands {
		counts[c.University]++
	}
	if counts["UPVD"] != 3 || counts["UGA"] != 3 {
		t.Fatalf("counts after Apply = %v, want 3 and 3", counts)
	}
}

// TestDrawMissing draws only for candidates without a university, and
// only when the credential has universities to draw from.
func TestDrawMissing(t *testing.T) {
	cred := &jury.Credential{Participants: []jury.University{{Code: "UL"}, {Code: "UPS"}}}
	mixed := candidates(4, func(i int) string { return []string{"", "UL"}[i%2] })
	d := cred.DrawMissing(mixed)
	if d == nil || len(d.Assignments) != 2 || d.Seed < 0 {
		t.Fatalf("draw %+v, want 2 assignments", d)
	}
	for _, a := range d.Assignments {
		if a.CandidateID != "E0000" && a.CandidateID != "E0002" {
			t.Fatalf("%s already had a university", a.CandidateID)
		}
	}
	if d := cred.DrawMissing(candidates(3, func(int) string { return "UL" })); d != nil {
		t.Fatalf("drew %+v though every candidate has a university", d)
	}
	if d := (&jury.Credential{}).DrawMissing(mixed); d != nil {
		t.Fatalf("drew %+v with no participating university", d)
	}
}
