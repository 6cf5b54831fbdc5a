package grading

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Overall is the Criterion of a Gap on the mark rather than on a criterion.
const Overall = -1

// epsilon absorbs the rounding of marks computed in floating point, so
// that a gap of exactly the threshold (4.03 against 2.03) is not one.
const epsilon = 1e-9

// Thresholds are the largest gaps between two experts' gradings of the
// same submission that double marking tolerates. A gap equal to a
// threshold is tolerated; only a larger one is a discrepancy.
type Thresholds struct {
	Levels int     // largest gap in levels on any one criterion, e.g. 2
	Points float64 // largest gap in the mark out of 20, e.g. 2
}

// Gap is a discrepancy between the gradings of one submission, on one
// criterion or on the mark, with every expert's value side by side.
type Gap struct {
	Submission string
	Criterion  int       // index of the criterion in the grid, or Overall
	Experts    []string  // the experts, in the order of the gradings
	Levels     []int     // each expert's level on Criterion (None when not chosen)
	Marks      []float64 // each expert's mark, NaN when none; Overall gaps only
	Spread     float64   // highest minus lowest level, or mark
	Missing    bool      // some experts chose a level (gave a mark) and others did not
}

// Discrepancies lists, submission by submission in the order they first
// appear in gs, the criteria and then the mark on which the gradings of
// the same submission differ by more than th. marks[i] is the mark out of
// 20 of gs[i], computed by the caller from the grid; a NaN or absent mark
// counts as none. A criterion on which some experts chose a level and
// others none is a discrepancy too: a grading is never averaged with a
// blank one. A submission graded once has no discrepancy.
func Discrepancies(gs []Grading, marks []float64, th Thresholds) []Gap {
	var gaps []Gap
	for _, idx := range bySubmission(gs) {
		if len(idx) < 2 {
			continue
		}
		gaps = append(gaps, submissionGaps(gs, marks, idx, th)...)
	}
	return gaps
}

// bySubmission groups the indices of gs by submission, in order of first
// appearance.
func bySubmission(gs []Grading) [][]int {
	var groups [][]int
	pos := make(map[string]int)
	for i, g := range gs {
		p, ok := pos[g.Submission]
		if !ok {
			p = len(groups)
			pos[g.Submission] = p
			groups = append(groups, nil)
		}
		groups[p] = append(groups[p], i)
	}
	return groups
}

// submissionGaps compares the gradings gs[idx...] of one submission.
func submissionGaps(gs []Grading, marks []float64, idx []int, th Thresholds) []Gap {
	experts := make([]string, len(idx))
	criteria := 0
	for k, i := range idx {
		experts[k] = gs[i].Expert
		criteria = max(criteria, len(gs[i].Choices))
	}

	var gaps []Gap
	for c := range criteria {
		levels := make([]int, len(idx))
		vals := make([]float64, len(idx))
		for k, i := range idx {
			levels[k] = choice(gs[i], c)
			vals[k] = float64(levels[k])
			if levels[k] == None {
				vals[k] = math.NaN()
			}
		}
		if spread, missing, over := compare(vals, float64(th.Levels)); over {
			gaps = append(gaps, Gap{Submission: gs[idx[0]].Submission, Criterion: c,
				Experts: experts, Levels: levels, Spread: spread, Missing: missing})
		}
	}

	ms := make([]float64, len(idx))
	for k, i := range idx {
		ms[k] = markAt(marks, i)
	}
	if spread, missing, over := compare(ms, th.Points); over {
		gaps = append(gaps, Gap{Submission: gs[idx[0]].Submission, Criterion: Overall,
			Experts: experts, Marks: ms, Spread: spread, Missing: missing})
	}
	return gaps
}

// choice returns g's level on criterion c, None beyond its choices.
func choice(g Grading, c int) int {
	if c < len(g.Choices) && g.Choices[c] >= 0 {
		return g.Choices[c]
	}
	return None
}

// markAt returns marks[i], NaN when marks is too short.
func markAt(marks []float64, i int) float64 {
	if i < len(marks) {
		return marks[i]
	}
	return math.NaN()
}

// compare returns the spread of the values that are not NaN, whether some
// are NaN while others are not, and whether that makes a discrepancy.
func compare(vals []float64, limit float64) (spread float64, missing, over bool) {
	lo, hi := math.Inf(1), math.Inf(-1)
	blanks := 0
	for _, v := range vals {
		if math.IsNaN(v) {
			blanks++
			continue
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	if blanks == len(vals) {
		return 0, false, false
	}
	spread = hi - lo
	missing = blanks > 0
	return spread, missing, missing || spread > limit+epsilon
}

// Rule is how the gradings of a double-marked submission become one mark.
type Rule int

// The reconciliation rules of the assessment rules (MCC).
const (
	// Mean takes the mean of the marks when no gap exceeds the thresholds.
	Mean Rule = iota
	// AgreedRequired asks the experts for an agreed grading in every case.
	AgreedRequired
)

// Need is what a submission's gradings still need before they give a mark.
type Need int

// What Reconcile can ask for.
const (
	// NeedNothing: the gradings agree; Resolution.Mark is the final mark.
	NeedNothing Need = iota
	// NeedGrading: a grading is not submitted yet, or there is none.
	NeedGrading
	// NeedAgreement: the rule asks the experts for an agreed grading.
	NeedAgreement
	// NeedArbitration: the gradings differ beyond the thresholds; the
	// experts record an agreed grading with its reason, or a third expert
	// grades the submission.
	NeedArbitration
)

// Resolution is the outcome of reconciling the gradings of a submission.
type Resolution struct {
	Need Need
	// Mark is the mean mark of the gradings in Used: the final mark when
	// Need is NeedNothing, a proposal for the agreement otherwise; NaN
	// when there is nothing to propose.
	Mark float64
	Used []int // indices in the gradings given of those the mark comes from
	Gaps []Gap // every discrepancy between the submitted gradings
}

// Reconcile says what the gradings gs of one submission need before they
// give its mark, marks[i] being the mark out of 20 of gs[i]. Gradings not
// submitted are waited for. One submitted grading gives its own mark.
// Two or more that agree within th give their mean under the Mean rule
// and ask for an agreement under AgreedRequired. When they disagree and a
// third expert has graded, the two closest gradings that agree within th
// settle the mark (their mean, or the proposal for the agreement);
// otherwise the experts must arbitrate.
func Reconcile(gs []Grading, marks []float64, th Thresholds, rule Rule) (Resolution, error) {
	if err := checkSet(gs, marks); err != nil {
		return Resolution{}, err
	}

	var done []int
	for i, g := range gs {
		if g.Status != Submitted {
			continue
		}
		if math.IsNaN(marks[i]) {
			return Resolution{}, fmt.Errorf("reconcile %s: no mark: %w", g.Submission, ErrMarks)
		}
		done = append(done, i)
	}
	res := Resolution{Need: NeedGrading, Mark: math.NaN()}
	if len(done) == 0 {
		return res, nil
	}
	res.Gaps = gapsAmong(gs, marks, done, th)
	if len(done) < len(gs) {
		return res, nil
	}

	res.Used = done
	if len(res.Gaps) > 0 {
		res.Used = closestPair(gs, marks, done, th)
	}
	if res.Used == nil {
		res.Need = NeedArbitration
		return res, nil
	}
	res.Mark = mean(marks, res.Used)
	res.Need = NeedNothing
	if rule == AgreedRequired && len(done) > 1 {
		res.Need = NeedAgreement
	}
	return res, nil
}

// checkSet checks gs are gradings of one submission with one grid, by
// distinct experts, with one mark each.
func checkSet(gs []Grading, marks []float64) error {
	if len(marks) != len(gs) {
		return fmt.Errorf("reconcile: %d marks for %d gradings: %w", len(marks), len(gs), ErrMarks)
	}
	seen := make(map[string]bool)
	for _, g := range gs {
		switch {
		case g.Submission != gs[0].Submission:
			return fmt.Errorf("reconcile: %w", ErrMixed)
		case g.GridFingerprint != gs[0].GridFingerprint:
			return fmt.Errorf("reconcile %s: %w", g.Submission, ErrGridMismatch)
		case seen[g.Expert]:
			return fmt.Errorf("reconcile %s: %w", g.Submission, ErrSameExpert)
		}
		seen[g.Expert] = true
	}
	return nil
}

// gapsAmong returns the discrepancies between the gradings gs[idx...].
func gapsAmong(gs []Grading, marks []float64, idx []int, th Thresholds) []Gap {
	sub := make([]Grading, len(idx))
	ms := make([]float64, len(idx))
	for k, i := range idx {
		sub[k], ms[k] = gs[i], marks[i]
	}
	return Discrepancies(sub, ms, th)
}

// closestPair returns the two gradings among idx, with three or more, that
// agree within th and whose marks are closest; the earliest pair wins a
// tie. It returns nil when no two agree.
func closestPair(gs []Grading, marks []float64, idx []int, th Thresholds) []int {
	if len(idx) < 3 {
		return nil
	}
	var best []int
	bestGap := math.Inf(1)
	for a := range idx {
		for b := a + 1; b < len(idx); b++ {
			pair := []int{idx[a], idx[b]}
			if len(gapsAmong(gs, marks, pair, th)) > 0 {
				continue
			}
			if d := math.Abs(marks[pair[0]] - marks[pair[1]]); d < bestGap-epsilon {
				best, bestGap = pair, d
			}
		}
	}
	return best
}

// mean returns the mean of marks[idx...].
func mean(marks []float64, idx []int) float64 {
	sum := 0.0
	for _, i := range idx {
		sum += marks[i]
	}
	return sum / float64(len(idx))
}

// Agreement is the grading two or more experts agree on for a submission
// after a discrepancy, or because the rule asks for one.
type Agreement struct {
	Choices []int     // level index per criterion
	Reason  string    // why the experts settled on these levels
	By      string    // who recorded it (key identifier of the jury member)
	At      time.Time // when it was recorded
}

// Validate checks the agreement against the grid, given as the number of
// levels of each criterion: a level on every criterion that has levels, a
// reason, an author and a date.
func (a Agreement) Validate(levels []int) error {
	if err := checkChoices(a.Choices, levels); err != nil {
		return fmt.Errorf("validate agreement: %w", err)
	}
	if !complete(a.Choices, levels) {
		return fmt.Errorf("validate agreement: %w", ErrIncomplete)
	}
	if strings.TrimSpace(a.Reason) == "" {
		return fmt.Errorf("validate agreement: %w", ErrReasonRequired)
	}
	if strings.TrimSpace(a.By) == "" || a.At.IsZero() {
		return fmt.Errorf("validate agreement: %w", ErrAgreementAuthor)
	}
	return nil
}
