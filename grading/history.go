package grading

// DefaultSteps is how many steps a History keeps when none is given.
const DefaultSteps = 50

// History is the undo history of the grading desk: the states of a
// grading before each change, the latest last, bounded so that the oldest
// steps are forgotten. The zero value keeps DefaultSteps steps.
type History struct {
	steps []Grading
	limit int
}

// NewHistory returns an empty history that keeps up to limit steps
// (DefaultSteps when limit is not positive).
func NewHistory(limit int) *History {
	return &History{limit: limit}
}

// Push records g, the state before a change. A state equal to the latest
// one recorded is not recorded twice, so that an undo always changes
// something. History keeps its own copy of g.
func (h *History) Push(g Grading) {
	if n := len(h.steps); n > 0 && h.steps[n-1].Equal(g) {
		return
	}
	if len(h.steps) == h.max() {
		h.steps = append(h.steps[:0], h.steps[1:]...)
	}
	h.steps = append(h.steps, g.Clone())
}

// Undo removes and returns the latest state recorded; false when there is
// none left.
func (h *History) Undo() (Grading, bool) {
	n := len(h.steps)
	if n == 0 {
		return Grading{}, false
	}
	g := h.steps[n-1]
	h.steps[n-1] = Grading{}
	h.steps = h.steps[:n-1]
	return g, true
}

// Len returns how many steps can be undone.
func (h *History) Len() int { return len(h.steps) }

// Clear forgets every step, for instance when the desk moves to another
// submission.
func (h *History) Clear() {
	clear(h.steps)
	h.steps = h.steps[:0]
}

// max returns the number of steps kept.
func (h *History) max() int {
	if h.limit > 0 {
		return h.limit
	}
	return DefaultSteps
}
