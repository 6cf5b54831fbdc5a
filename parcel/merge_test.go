package parcel_test

import (
	"cmp"
	"fmt"
	"slices"
	"testing"

	"certeval/grading"
	"certeval/parcel"
)

// permutations returns every order of 0…n-1.
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := slices.Insert(slices.Clone(p), i, n-1)
			out = append(out, q)
		}
	}
	return out
}

func byKey(a, b grading.Grading) int {
	return cmp.Or(cmp.Compare(a.Submission, b.Submission), cmp.Compare(a.Expert, b.Expert))
}

// importAll reads each package file in turn and merges its gradings, as
// the storage layer will, and returns the gradings held at the end.
func importAll(tb testing.TB, files [][]byte, trust *testSigner,
	others ...*testSigner) []grading.Grading {
	var held []grading.Grading
	for _, f := range files {
		p, err := parcel.Read(f, verify, trustOnly(append(others, trust)...))
		if err != nil {
			tb.Fatal(err)
		}
		add, _, conflicts := parcel.Merge(held, p.Gradings)
		if len(conflicts) > 0 {
			tb.Fatalf("%d conflicts between different experts", len(conflicts))
		}
		held = append(held, add...)
	}
	return held
}

func TestMergeOrderDoesNotMatter(t *testing.T) {
	experts := []*testSigner{newSigner(t, "A"), newSigner(t, "B"), newSigner(t, "C")}
	files := make([][]byte, len(experts))
	for i, s := range experts {
		files[i] = write(t, results(s, 500, i+1), s)
	}

	var first []grading.Grading
	perms := permutations(len(files))
	if len(perms) != 6 {
		t.Fatalf("%d permutations, want 6", len(perms))
	}
	for _, perm := range perms {
		ordered := make([][]byte, len(perm))
		for i, j := range perm {
			ordered[i] = files[j]
		}
		held := importAll(t, ordered, experts[0], experts[1:]...)
		slices.SortFunc(held, byKey)
		if len(held) != 1500 {
			t.Fatalf("order %v: %d gradings held, want 1500", perm, len(held))
		}
		if first == nil {
			first = held
			continue
		}
		if !slices.EqualFunc(held, first, grading.Grading.Equal) {
			t.Fatalf("order %v gives another set than %v", perm, perms[0])
		}
	}

	// Importing every package again changes nothing.
	for i, f := range files {
		p, err := parcel.Read(f, verify, trustOnly(experts...))
		if err != nil {
			t.Fatal(err)
		}
		add, same, conflicts := parcel.Merge(first, p.Gradings)
		if len(add) != 0 || same != 500 || len(conflicts) != 0 {
			t.Fatalf("re-import of %d: add %d, same %d, conflicts %d", i, len(add), same,
				len(conflicts))
		}
	}
}

func TestMergeConflicts(t *testing.T) {
	held := gradings("e1", 3, 1)
	changed := held[1].Clone()
	changed.Choices[0] = (changed.Choices[0] + 1) % 4
	changed.Revision++
	older := held[2].Clone()
	older.Feedback = "autre avis"
	older.Revision--
	fresh := gradings("e2", 1, 1)[0]

	tests := []struct {
		name      string
		in        []grading.Grading
		add, same int
		conflicts []string // submission of each conflict, "+" when the incoming is newer
	}{
		{"same gradings", gradings("e1", 3, 1), 0, 3, nil},
		{"another expert's grading", []grading.Grading{fresh}, 1, 0, nil},
		{"changed grading, newer", []grading.Grading{changed}, 0, 0, []string{"sub-0002+"}},
		{"changed grading, older", []grading.Grading{older}, 0, 0, []string{"sub-0003"}},
		{"twice in one batch, same", []grading.Grading{fresh, fresh}, 1, 1, nil},
		{"twice in one batch, different", []grading.Grading{fresh, withFeedback(fresh)},
			1, 0, []string{"sub-0001"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			add, same, conflicts := parcel.Merge(held, tt.in)
			var got []string
			for _, c := range conflicts {
				s := c.Incoming.Submission
				if c.Newer() {
					s += "+"
				}
				if c.Held.Submission != c.Incoming.Submission || c.Held.Equal(c.Incoming) {
					t.Errorf("conflict pairs %+v with %+v", c.Held, c.Incoming)
				}
				got = append(got, s)
			}
			if len(add) != tt.add || same != tt.same || !slices.Equal(got, tt.conflicts) {
				t.Fatalf("add %d, same %d, conflicts %v; want %d, %d, %v", len(add), same, got,
					tt.add, tt.same, tt.conflicts)
			}
		})
	}
	if held[1].Choices[0] == changed.Choices[0] {
		t.Fatal("Merge changed a held grading")
	}
}

func withFeedback(g grading.Grading) grading.Grading {
	g = g.Clone()
	g.Feedback += " (revu)"
	return g
}

// BenchmarkReadMerge reads and merges 20 packages of 500 gradings, the
// import of a large double-marked session.
func BenchmarkReadMerge(b *testing.B) {
	const packages, perPackage = 20, 500
	var signers []*testSigner
	var files [][]byte
	for i := range packages {
		s := newSigner(b, fmt.Sprintf("Expert %d", i))
		signers = append(signers, s)
		files = append(files, write(b, results(s, perPackage, i+1), s))
	}
	size := 0
	for _, f := range files {
		size += len(f)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		held := importAll(b, files, signers[0], signers[1:]...)
		if len(held) != packages*perPackage {
			b.Fatalf("%d held", len(held))
		}
	}
}
