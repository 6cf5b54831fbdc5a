package rubric

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"certeval/i18n"
)

// Result is the outcome of one candidate's grade under a grid.
type Result struct {
	Choices  []int     // level index per criterion, -1 for none; one per criterion
	Total    float64   // weighted points of the chosen levels, to 6 decimals
	Max      float64   // highest possible total
	Mark     float64   // Total on the grid's mark scale, rounded
	Mastery  []Mastery // one per competency evidenced by a scored criterion
	Complete bool      // one valid level per scored criterion, no extra choice
	Passed   bool      // complete and no rule failed
	Reasons  []Reason  // why the grade does not pass; empty when it passes
}

// Mastery is the level a candidate reached on one competency: the lowest
// level index chosen among the scored criteria that evidence it.
type Mastery struct {
	Competency string
	Level      int    // -1 when a criterion of the competency has no valid level
	Label      string // label of that level on the criterion that set it
	Required   int    // level index the pass rules require
	Reached    bool
}

// ReasonKind says which rule a Reason is about.
type ReasonKind int

// The kinds of reasons a grade fails.
const (
	ReasonMissing     ReasonKind = iota + 1 // a scored criterion has no level
	ReasonInvalid                           // a choice names no level of its criterion
	ReasonChoiceCount                       // more choices than criteria
	ReasonEliminatory                       // an eliminatory criterion is below its minimum
	ReasonTotal                             // the total is below the minimum in points
	ReasonMark                              // the mark is below the minimum mark
	ReasonMastery                           // a competency is below its required level
)

// Reason is one reason a grade does not pass. It formats itself in the
// current language through String.
type Reason struct {
	Kind       ReasonKind
	Criterion  int    // criterion index, -1 when the reason is about the grid
	Label      string // the criterion's label
	Competency string
	Level      string  // label of the level reached
	Required   string  // label of the level required
	Value      float64 // total, mark, or number of choices
	Threshold  float64 // its minimum, or the number of criteria
}

// String returns the reason as a sentence fragment, e.g. "compétence C2
// non acquise (En cours d'acquisition, requis : Acquis)".
func (r Reason) String() string {
	n := r.Criterion + 1
	switch r.Kind {
	case ReasonMissing:
		return i18n.T("rubric.reason.missing", n, r.Label)
	case ReasonInvalid:
		return i18n.T("rubric.reason.invalid", n, r.Label)
	case ReasonChoiceCount:
		return i18n.T("rubric.reason.count", int(r.Value), int(r.Threshold))
	case ReasonEliminatory:
		return i18n.T("rubric.reason.eliminatory", n, r.Label, r.Level, r.Required)
	case ReasonTotal:
		return i18n.T("rubric.reason.total", formatNumber(r.Value), formatNumber(r.Threshold))
	case ReasonMark:
		return i18n.T("rubric.reason.mark", formatNumber(r.Value), formatNumber(r.Threshold))
	case ReasonMastery:
		return i18n.T("rubric.reason.mastery", r.Competency, r.Level, r.Required)
	}
	return i18n.T("rubric.reason.unknown")
}

// formatNumber writes v in its shortest form with the current language's
// decimal separator.
func formatNumber(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	return strings.Replace(s, ".", i18n.T("rubric.decimal_point"), 1)
}

// Score computes the result of choices under g. For many grades of the
// same grid, NewScorer does the preparation once.
func (g *Grid) Score(choices []int) Result {
	return NewScorer(g).Score(choices)
}

// MissingFeedback returns the indices of the criteria whose feedback is
// required and empty in feedback (one entry per criterion).
func (g *Grid) MissingFeedback(feedback []string) []int {
	var out []int
	for i, c := range g.Criteria {
		if c.Feedback != FeedbackRequired {
			continue
		}
		if i >= len(feedback) || strings.TrimSpace(feedback[i]) == "" {
			out = append(out, i)
		}
	}
	return out
}

// Scorer scores many grades of one grid: it holds the weighted points,
// thresholds and competency links worked out once by NewScorer. A Scorer
// is safe for concurrent use.
type Scorer struct {
	crit     []scoredCriterion
	comps    []scoredCompetency
	lo, hi   float64
	minTotal float64
	isMark   bool
	mapping  Mapping
	outOf    float64
	step     float64
}

type scoredCriterion struct {
	points []float64 // weighted points per level; empty when feedback-only
	labels []string
	label  string
	comp   int // index in Scorer.comps, -1 for none
	elim   int // lowest passing level index, -1 when not eliminatory
}

type scoredCompetency struct {
	code string
	need int
}

// NewScorer prepares the scoring of grades under g. Later changes to g do
// not affect the Scorer.
func NewScorer(g *Grid) *Scorer {
	s := &Scorer{
		minTotal: g.Rules.MinTotal,
		isMark:   g.Rules.MinTotalIsMark,
		mapping:  g.Rules.Scale.Mapping,
		outOf:    g.Rules.Scale.Max(),
		step:     g.Rules.Scale.RoundingStep(),
	}
	s.lo, s.hi = g.Bounds()
	s.crit = make([]scoredCriterion, len(g.Criteria))
	for i := range g.Criteria {
		s.crit[i] = s.prepare(g, &g.Criteria[i])
	}
	return s
}

// prepare works out the scoring data of one criterion, registering its
// competency.
func (s *Scorer) prepare(g *Grid, c *Criterion) scoredCriterion {
	sc := scoredCriterion{label: c.Label, comp: -1, elim: -1}
	if !c.Scored() {
		return sc
	}

	sc.points = make([]float64, len(c.Levels))
	sc.labels = make([]string, len(c.Levels))
	for j, l := range c.Levels {
		sc.points[j] = c.Weight * l.Points
		sc.labels[j] = l.Label
	}
	if c.Eliminatory {
		sc.elim = c.MinLevel
	}

	if c.Competency != "" {
		sc.comp = s.competency(g, c.Competency)
	}
	return sc
}

func (s *Scorer) competency(g *Grid, code string) int {
	for k, c := range s.comps {
		if c.code == code {
			return k
		}
	}
	s.comps = append(s.comps, scoredCompetency{code, g.Rules.MinMasteryOf(code)})
	return len(s.comps) - 1
}

// Max returns the highest possible total.
func (s *Scorer) Max() float64 { return s.hi }

// Score computes the result of one grade: choices[i] is the level index
// chosen for criterion i, -1 (or any negative number) for none. Missing
// trailing choices count as none. Score never panics on bad choices: they
// make the result incomplete, with a reason.
func (s *Scorer) Score(choices []int) Result {
	var r Result
	var buf [8]Reason
	reasons := s.score(&r, choices, make([]int, len(s.crit)), make([]Mastery, len(s.comps)),
		buf[:0])
	if len(reasons) > 0 {
		r.Reasons = slices.Clone(reasons)
	}
	return r
}

// ScoreAll computes the results of many grades, as Score does one by one,
// with a few allocations for the whole batch: the results share backing
// arrays, each slice capped to its own part.
func (s *Scorer) ScoreAll(grades [][]int) []Result {
	out := make([]Result, len(grades))
	n, m := len(s.crit), len(s.comps)
	choices := make([]int, len(grades)*n)
	mastery := make([]Mastery, len(grades)*m)

	// Reasons go in chunks; a full chunk is left to the results that use it.
	most := n + m + 2
	var reasons []Reason
	for i, g := range grades {
		if len(g) > n {
			most = len(g) + m + 2
		}
		if cap(reasons)-len(reasons) < most {
			reasons = make([]Reason, 0, max(reasonChunk, most))
		}
		from := len(reasons)
		reasons = s.score(&out[i], g, choices[i*n:(i+1)*n:(i+1)*n],
			mastery[i*m:(i+1)*m:(i+1)*m], reasons)
		if len(reasons) > from {
			out[i].Reasons = reasons[from:len(reasons):len(reasons)]
		}
	}
	return out
}

const reasonChunk = 1024

// score fills r from choices, using dst and mastery for r's Choices and
// Mastery, and returns reasons with the result's reasons appended.
func (s *Scorer) score(r *Result, choices, dst []int, mastery []Mastery,
	reasons []Reason) []Reason {
	*r = Result{Choices: dst, Max: s.hi, Complete: true, Mastery: mastery}
	from := len(reasons)
	var weakBuf [16]int
	weak := weakBuf[:0] // per competency, the criterion holding its lowest level
	for k, c := range s.comps {
		mastery[k] = Mastery{Competency: c.code, Level: math.MaxInt, Required: c.need}
		weak = append(weak, -1)
	}

	// Add up the chosen levels, noting the weakest criterion of each
	// competency; the common case, a valid level, stays in the loop.
	total := 0.0
	for i := range s.crit {
		c := choiceAt(choices, i)
		dst[i] = c
		sc := &s.crit[i]
		if c < 0 || c >= len(sc.points) {
			if kind := s.noLevel(r, i, c); kind != 0 {
				reasons = append(reasons, s.criterionReason(kind, i, c))
			}
			continue
		}
		total += sc.points[c]
		if k := sc.comp; k >= 0 && c < mastery[k].Level {
			mastery[k].Level = c
			weak[k] = i
		}
		if c < sc.elim {
			reasons = append(reasons, s.criterionReason(ReasonEliminatory, i, c))
		}
	}
	if len(choices) > len(s.crit) {
		r.Complete = false
		reasons = append(reasons, Reason{Kind: ReasonChoiceCount, Criterion: -1,
			Value: float64(len(choices)), Threshold: float64(len(s.crit))})
	}

	r.Total = round6(total)
	r.Mark = s.mark(r.Total)
	if why := s.checkTotal(r); why.Kind != 0 && r.Complete {
		reasons = append(reasons, why)
	}
	reasons = s.checkMastery(r, weak, reasons)
	r.Passed = r.Complete && len(reasons) == from
	return reasons
}

func choiceAt(choices []int, i int) int {
	if i >= len(choices) || choices[i] < 0 {
		return -1
	}
	return choices[i]
}

// noLevel records that criterion i has no valid level, c being the
// choice, and returns the kind of reason it fails, if it does.
func (s *Scorer) noLevel(r *Result, i, c int) ReasonKind {
	sc := &s.crit[i]
	if c < 0 && len(sc.points) == 0 {
		return 0 // a feedback-only criterion takes no level
	}
	r.Complete = false
	if sc.comp >= 0 {
		r.Mastery[sc.comp].Level = -1
	}
	if c < 0 {
		return ReasonMissing
	}
	return ReasonInvalid
}

// criterionReason returns the reason of kind about choice c on criterion i.
func (s *Scorer) criterionReason(kind ReasonKind, i, c int) Reason {
	sc := &s.crit[i]
	r := Reason{Kind: kind, Criterion: i, Label: sc.label}
	if kind == ReasonEliminatory {
		r.Level, r.Required = sc.labels[c], labelAt(sc.labels, sc.elim)
	}
	return r
}

func labelAt(labels []string, i int) string {
	if i < 0 || i >= len(labels) {
		return strconv.Itoa(i)
	}
	return labels[i]
}

// checkTotal applies the minimum total, in points or as a mark. The mark
// is compared once rounded, as documents print it.
func (s *Scorer) checkTotal(r *Result) Reason {
	switch {
	case s.minTotal <= 0:
	case s.isMark && r.Mark < s.minTotal-epsilon:
		return Reason{Kind: ReasonMark, Criterion: -1, Value: r.Mark, Threshold: s.minTotal}
	case !s.isMark && r.Total < round6(s.minTotal)-epsilon:
		return Reason{Kind: ReasonTotal, Criterion: -1, Value: r.Total, Threshold: s.minTotal}
	}
	return Reason{}
}

// checkMastery settles each competency's level and appends a reason for
// each one below its requirement.
func (s *Scorer) checkMastery(r *Result, weak []int, reasons []Reason) []Reason {
	for k := range r.Mastery {
		m := &r.Mastery[k]
		if m.Level < 0 {
			continue
		}
		labels := s.crit[weak[k]].labels
		m.Label = labels[m.Level]
		m.Reached = m.Level >= m.Required
		if !m.Reached {
			reasons = append(reasons, Reason{Kind: ReasonMastery, Criterion: -1,
				Competency: m.Competency, Level: m.Label, Required: labelAt(labels, m.Required)})
		}
	}
	return reasons
}

// epsilon absorbs binary floating-point noise when comparing decimal
// totals and marks with thresholds.
const epsilon = 1e-9

// mark converts a total into a mark, clamped to the scale and rounded.
func (s *Scorer) mark(total float64) float64 {
	lo := 0.0
	if s.mapping == MarkFromMinimum {
		lo = s.lo
	}
	span := s.hi - lo
	if !(span > 0) {
		return 0
	}
	m := s.outOf * (total - lo) / span
	m = math.Max(0, math.Min(m, s.outOf))
	return RoundHalfUp(m, s.step)
}

// RoundHalfUp rounds x ≥ 0 to the nearest multiple of step, halves going
// up. A tolerance of 1e-9 step makes decimal halves that binary floating
// point stores just below (2.675 is 2.67499999…) round up as written.
func RoundHalfUp(x, step float64) float64 {
	if !(step > 0) || math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	n := math.Floor(x/step + 0.5 + epsilon)
	if inv := math.Round(1 / step); math.Abs(inv*step-1) < epsilon {
		return n / inv // exact integer division gives the nearest float to the decimal
	}
	return n * step
}

// round6 rounds a total to 6 decimals, so that 0.7 + 0.1 is 0.8.
func round6(x float64) float64 {
	return math.Round(x*1e6) / 1e6
}
