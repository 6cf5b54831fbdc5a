package rubric

import (
	"math"
	"slices"

	"certeval/i18n"
)

// Problem is one reason a grid cannot be used, or one reason grades do not
// carry over from a version to another. Error returns a whole sentence in
// the current language that names the criterion at fault.
type Problem struct {
	Criterion int    // criterion index, -1 when the problem is about the grid
	Key       string // the criterion's key, when there is one
	Label     string // the criterion's label, when there is one
	Code      string // message key, e.g. "rubric.problem.one_level"
	Args      []any  // message arguments
}

// Error returns the problem as a sentence.
func (p Problem) Error() string {
	msg := i18n.T(p.Code, p.Args...)
	switch {
	case p.Criterion < 0:
		return msg
	case p.Label == "":
		return i18n.T("rubric.problem.criterion_unlabelled", p.Criterion+1, msg)
	}
	return i18n.T("rubric.problem.criterion", p.Criterion+1, p.Label, msg)
}

// Validate lists what keeps g from being used for grading. competencies
// are the codes of the credential's competencies: each must be evidenced
// by a scored criterion, and criteria may name no other. A nil list skips
// both checks (an imported grid not yet tied to a credential).
func (g *Grid) Validate(competencies []string) []Problem {
	var ps []Problem
	if g.Version < 1 {
		ps = append(ps, Problem{Criterion: -1, Code: "rubric.problem.version"})
	}
	if len(g.Criteria) == 0 {
		ps = append(ps, Problem{Criterion: -1, Code: "rubric.problem.no_criteria"})
	}
	for i := range g.Criteria {
		ps = append(ps, g.checkCriterion(i, competencies)...)
	}
	if len(g.Criteria) > 0 {
		ps = append(ps, g.checkTotals()...)
	}
	ps = append(ps, g.checkCompetencies(competencies)...)
	ps = append(ps, g.checkMastery()...)
	return append(ps, g.Rules.Scale.check()...)
}

// checkCriterion checks one criterion on its own and its key against the
// earlier ones.
func (g *Grid) checkCriterion(i int, competencies []string) []Problem {
	c := &g.Criteria[i]
	var ps []Problem
	add := func(code string, args ...any) {
		ps = append(ps, Problem{Criterion: i, Key: c.Key, Label: c.Label, Code: code, Args: args})
	}

	if c.Key == "" {
		add("rubric.problem.key_missing")
	} else if slices.ContainsFunc(g.Criteria[:i],
		func(o Criterion) bool { return o.Key == c.Key }) {
		add("rubric.problem.key_duplicate", c.Key)
	}
	if c.Label == "" {
		add("rubric.problem.label_missing")
	}
	if competencies != nil && c.Competency != "" && !slices.Contains(competencies, c.Competency) {
		add("rubric.problem.competency_unknown", c.Competency)
	}
	if !(c.Weight > 0) || math.IsInf(c.Weight, 0) {
		add("rubric.problem.weight")
	}
	if c.Feedback.String() == "invalid" {
		add("rubric.problem.feedback_mode")
	}

	for _, p := range checkLevels(c.Levels) {
		add(p.Code, p.Args...)
	}
	if !c.Scored() && c.Feedback == FeedbackDisabled {
		add("rubric.problem.empty_criterion")
	}
	if c.Eliminatory && !c.Scored() {
		add("rubric.problem.eliminatory_feedback_only")
	} else if c.Eliminatory && (c.MinLevel < 0 || c.MinLevel >= len(c.Levels)) {
		add("rubric.problem.min_level", len(c.Levels))
	}
	return ps
}

// checkLevels checks the levels of a scored criterion: two at least, each
// labelled, with finite non-negative points, distinct and rising.
func checkLevels(levels []Level) []Problem {
	var ps []Problem
	add := func(code string, args ...any) {
		ps = append(ps, Problem{Code: code, Args: args})
	}
	if len(levels) == 1 {
		add("rubric.problem.one_level")
	}

	rising := true
	for j, l := range levels {
		if l.Label == "" {
			add("rubric.problem.level_label", j+1)
		}
		if !(l.Points >= 0) || math.IsInf(l.Points, 0) {
			add("rubric.problem.points", j+1)
			continue
		}
		same := func(o Level) bool { return o.Points == l.Points }
		if k := slices.IndexFunc(levels[:j], same); k >= 0 {
			add("rubric.problem.same_points", k+1, j+1, formatNumber(l.Points))
			rising = false
		} else if j > 0 && l.Points < levels[j-1].Points {
			rising = false
		}
	}
	if !rising && len(ps) == 0 {
		add("rubric.problem.order")
	}
	return ps
}

// checkTotals checks the maximum and that the minimum total can be met.
func (g *Grid) checkTotals() []Problem {
	var ps []Problem
	_, hi := g.Bounds()
	if !(hi > 0) {
		ps = append(ps, Problem{Criterion: -1, Code: "rubric.problem.max"})
	}

	r := g.Rules
	top, code := hi, "rubric.problem.min_total_unreachable"
	if r.MinTotalIsMark {
		top, code = r.Scale.Max(), "rubric.problem.min_mark_unreachable"
	}
	switch {
	case !(r.MinTotal >= 0) || math.IsInf(r.MinTotal, 0):
		ps = append(ps, Problem{Criterion: -1, Code: "rubric.problem.min_total_negative"})
	case r.MinTotal > top && hi > 0:
		ps = append(ps, Problem{Criterion: -1, Code: code,
			Args: []any{formatNumber(r.MinTotal), formatNumber(top)}})
	}
	return ps
}

// checkCompetencies checks that every competency of the credential is
// evidenced by at least one scored criterion.
func (g *Grid) checkCompetencies(competencies []string) []Problem {
	var ps []Problem
	for _, code := range competencies {
		evidenced := slices.ContainsFunc(g.Criteria, func(c Criterion) bool {
			return c.Competency == code && c.Scored()
		})
		if !evidenced {
			ps = append(ps, Problem{Criterion: -1, Code: "rubric.problem.competency_missing",
				Args: []any{code}})
		}
	}
	return ps
}

// checkMastery checks that every competency's required level exists on
// each scored criterion that evidences it, and that per-competency rules
// name evidenced competencies once.
func (g *Grid) checkMastery() []Problem {
	var ps []Problem
	r := &g.Rules
	if r.MinMastery < 0 {
		ps = append(ps, Problem{Criterion: -1, Code: "rubric.problem.mastery_negative"})
	}
	for j, cr := range r.Competencies {
		switch {
		case !slices.Contains(g.Competencies(), cr.Competency):
			ps = append(ps, Problem{Criterion: -1, Code: "rubric.problem.rule_competency",
				Args: []any{cr.Competency}})
		case slices.ContainsFunc(r.Competencies[:j], func(o CompetencyRule) bool {
			return o.Competency == cr.Competency
		}):
			ps = append(ps, Problem{Criterion: -1, Code: "rubric.problem.rule_duplicate",
				Args: []any{cr.Competency}})
		case cr.MinLevel < 0:
			ps = append(ps, Problem{Criterion: -1, Code: "rubric.problem.mastery_negative"})
		}
	}

	for i, c := range g.Criteria {
		need := r.MinMasteryOf(c.Competency)
		if c.Competency == "" || !c.Scored() || need < len(c.Levels) {
			continue
		}
		ps = append(ps, Problem{Criterion: i, Key: c.Key, Label: c.Label,
			Code: "rubric.problem.mastery_unreachable", Args: []any{c.Competency, need + 1}})
	}
	return ps
}

// check checks the mark scale.
func (s MarkScale) check() []Problem {
	var ps []Problem
	add := func(code string) { ps = append(ps, Problem{Criterion: -1, Code: code}) }
	if !(s.OutOf >= 0) || math.IsInf(s.OutOf, 0) {
		add("rubric.problem.scale_out_of")
	}
	if !(s.Step >= 0) || s.Step > s.Max() {
		add("rubric.problem.scale_step")
	}
	if s.Mapping.String() == "invalid" {
		add("rubric.problem.scale_mapping")
	}
	return ps
}

// Compatible returns nil when grades given under grid a carry over to
// grid b, or the first difference that prevents it. Grades carry over when
// b has the same criteria (same keys, in the same order) with the same
// levels (same number, labels and points): a grade is a level choice per
// criterion, and its result is computed again under b. Texts, weights,
// competency links, feedback modes and pass rules may differ.
func Compatible(a, b *Grid) error {
	if len(a.Criteria) != len(b.Criteria) {
		return Problem{Criterion: -1, Code: "rubric.compat.count",
			Args: []any{len(a.Criteria), len(b.Criteria)}}
	}
	for i := range a.Criteria {
		if err := compatibleCriterion(i, &a.Criteria[i], &b.Criteria[i]); err != nil {
			return err
		}
	}
	return nil
}

func compatibleCriterion(i int, ca, cb *Criterion) error {
	p := Problem{Criterion: i, Key: cb.Key, Label: cb.Label}
	switch {
	case ca.Key != cb.Key:
		p.Code, p.Args = "rubric.compat.key", []any{ca.Key, cb.Key}
	case len(ca.Levels) != len(cb.Levels):
		p.Code, p.Args = "rubric.compat.levels", []any{len(ca.Levels), len(cb.Levels)}
	default:
		for j := range ca.Levels {
			la, lb := ca.Levels[j], cb.Levels[j]
			if la.Label != lb.Label || la.Points != lb.Points {
				p.Code, p.Args = "rubric.compat.level", []any{j + 1}
				return p
			}
		}
		return nil
	}
	return p
}
