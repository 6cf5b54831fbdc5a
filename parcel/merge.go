package parcel

import "certeval/grading"

// Conflict is an incoming grading that differs from the one held for the
// same submission and expert. Neither is chosen silently: the jury
// president keeps one.
type Conflict struct {
	Held     grading.Grading
	Incoming grading.Grading
}

// Newer reports whether the incoming grading has a later revision than
// the held one, which usually means the expert changed their grading.
func (c Conflict) Newer() bool { return c.Incoming.Revision > c.Held.Revision }

// key identifies a grading among those held: one per submission and expert.
type key struct{ submission, expert string }

// Merge compares incoming gradings with those held. It returns the
// gradings to add (copies, in the order they came), how many are already
// held unchanged, and the conflicts: incoming gradings that differ from
// the one held, or from an earlier incoming one, for the same submission
// and expert. Importing the same gradings again adds nothing, and
// importing the packages of several experts in any order adds the same
// set.
func Merge(held, in []grading.Grading) (add []grading.Grading, same int, conflicts []Conflict) {
	index := make(map[key]grading.Grading, len(held)+len(in))
	for _, g := range held {
		index[key{g.Submission, g.Expert}] = g
	}
	for _, g := range in {
		k := key{g.Submission, g.Expert}
		h, ok := index[k]
		switch {
		case !ok:
			g = g.Clone()
			index[k] = g
			add = append(add, g)
		case h.Equal(g):
			same++
		default:
			conflicts = append(conflicts, Conflict{Held: h, Incoming: g.Clone()})
		}
	}
	return add, same, conflicts
}
