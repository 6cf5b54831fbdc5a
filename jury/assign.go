package jury

import (
	crand "crypto/rand"
	"encoding/binary"
	"math/rand/v2"
	"slices"
)

// Assignment is the participating university a draw gave a candidate.
type Assignment struct {
	CandidateID string
	University  string
}

// Draw records a random, balanced draw of participating universities, for
// the audit trail: the same candidates, universities and seed give the
// same draw again.
type Draw struct {
	Seed         int64
	Universities []string     // the universities drawn from, sorted
	Assignments  []Assignment // by candidate identifier
}

// DrawMissing draws one of c's participating universities for each of
// cands whose University is empty, with a fresh random seed. It returns nil
// when no candidate lacks a university or c names none to draw from.
func (c *Credential) DrawMissing(cands []Candidate) *Draw {
	var univs []string
	for _, u := range c.Participants {
		univs = append(univs, u.Code)
	}
	needed := false
	for _, cand := range cands {
		needed = needed || cand.University == ""
	}
	if !needed || len(univs) == 0 {
		return nil
	}
	d := AssignUniversities(cands, univs, RandomSeed())
	return &d
}

// RandomSeed returns a fresh, non-negative seed for a draw.
func RandomSeed() int64 {
	var b [8]byte
	crand.Read(b[:]) // never fails: crypto/rand aborts the program instead
	return int64(binary.BigEndian.Uint64(b[:]) >> 1)
}

// drawStream is a fixed second half of the generator's seed.
const drawStream = 0x6365727465766c // "certevl"

// AssignUniversities draws a participating university for every candidate
// whose University is empty, and returns the draw; cands is not changed
// (see Draw.Apply). The draw is balanced: each candidate goes to a
// university with the fewest candidates so far, counting those the list
// already assigned, so that counts differ by at most one whenever the list
// allows it. Ties and the order of candidates are settled by a generator
// seeded with seed (PCG), independent of the order of cands and univs.
func AssignUniversities(cands []Candidate, univs []string, seed int64) Draw {
	d := Draw{Seed: seed, Universities: universitySet(univs)}
	var todo []string
	for _, c := range cands {
		if c.University == "" {
			todo = append(todo, c.ID)
		}
	}
	if len(d.Universities) == 0 || len(todo) == 0 {
		return d
	}
	slices.Sort(todo)

	rng := rand.New(rand.NewPCG(uint64(seed), drawStream))
	slots := fillSlots(cands, d.Universities, len(todo), rng)
	shuffle(slots, rng)
	for i, id := range todo {
		d.Assignments = append(d.Assignments, Assignment{CandidateID: id, University: slots[i]})
	}
	return d
}

// universitySet returns the codes sorted, without duplicates nor blanks.
func universitySet(univs []string) []string {
	set := slices.Compact(slices.Sorted(slices.Values(univs)))
	return slices.DeleteFunc(set, func(u string) bool { return u == "" })
}

// fillSlots returns n universities, each in turn one of those with the
// fewest candidates, ties going in a random order.
func fillSlots(cands []Candidate, univs []string, n int, rng *rand.Rand) []string {
	counts := make(map[string]int, len(univs))
	for _, u := range univs {
		counts[u] = 0
	}
	for _, c := range cands {
		if _, ok := counts[c.University]; ok {
			counts[c.University]++
		}
	}
	order := slices.Clone(univs)
	shuffle(order, rng)

	slots := make([]string, 0, n)
	for range n {
		best := order[0]
		for _, u := range order[1:] {
			if counts[u] < counts[best] {
				best = u
			}
		}
		counts[best]++
		slots = append(slots, best)
	}
	return slots
}

// shuffle is Fisher–Yates with an unbiased bounded draw, written here so
// that a draw stays reproducible whatever the standard library does.
func shuffle(xs []string, rng *rand.Rand) {
	for i := len(xs) - 1; i > 0; i-- {
		j := bounded(rng, uint64(i+1))
		xs[i], xs[j] = xs[j], xs[i]
	}
}

// bounded returns a uniform number in [0, n), rejecting the values that
// would favour the small ones.
func bounded(rng *rand.Rand, n uint64) uint64 {
	threshold := -n % n
	for {
		if x := rng.Uint64(); x >= threshold {
			return x % n
		}
	}
}

// Apply sets the University of the candidates the draw assigned.
func (d Draw) Apply(cands []Candidate) {
	byID := make(map[string]string, len(d.Assignments))
	for _, a := range d.Assignments {
		byID[a.CandidateID] = a.University
	}
	for i := range cands {
		if u, ok := byID[cands[i].ID]; ok && cands[i].University == "" {
			cands[i].University = u
		}
	}
}

// Counts returns the number of candidates of each university once the draw
// is applied to cands.
func (d Draw) Counts(cands []Candidate) map[string]int {
	applied := slices.Clone(cands)
	d.Apply(applied)
	counts := make(map[string]int)
	for _, c := range applied {
		if c.University != "" {
			counts[c.University]++
		}
	}
	return counts
}
