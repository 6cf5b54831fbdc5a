// Package rubric holds Certeval's criterion-based grading grids (grilles
// d'évaluation critériées): the criteria of a micro-credential's SAE, their
// performance levels, the pass rules, and the scoring that turns one level
// choice per criterion into a total, a mark out of 20, a mastery level per
// competency and a pass or fail with its reasons.
//
// The package is pure Go: it reads and writes bytes (the Certeval JSON
// format described in FORMAT.md, Open edX ORA2 rubric XML) but opens no
// file, imports no GUI, SQL or PDF code, and does not log.
//
// Levels of a criterion are listed from the lowest to the highest
// achievement, and a level is referred to by its index in that list: a
// grade is one index per criterion (-1 when none is chosen), and mastery
// thresholds are level indices (2 is "acquis" on the four-level scale).
package rubric

import (
	"errors"
	"slices"

	"certeval/i18n"
)

// ErrFrozen is returned by callers that refuse to edit a grid in place
// because a grade already uses it; editing goes through NextVersion.
var ErrFrozen = errors.New("rubric: grid is frozen")

// FeedbackMode says whether a grader writes feedback on a criterion.
type FeedbackMode int

// The feedback modes, as in Open edX ORA2.
const (
	FeedbackDisabled FeedbackMode = iota // no feedback field
	FeedbackOptional                     // feedback may be written
	FeedbackRequired                     // a grade is incomplete without feedback
)

var feedbackNames = []string{"disabled", "optional", "required"}

// String returns the mode's name in the JSON format: "disabled",
// "optional" or "required".
func (m FeedbackMode) String() string {
	if m < 0 || int(m) >= len(feedbackNames) {
		return "invalid"
	}
	return feedbackNames[m]
}

// ParseFeedbackMode returns the mode named s, as String writes it.
func ParseFeedbackMode(s string) (FeedbackMode, bool) {
	i := slices.Index(feedbackNames, s)
	return FeedbackMode(i), i >= 0
}

// Level is one performance level of a criterion.
type Level struct {
	Label      string  // short name, e.g. "Acquis"
	Descriptor string  // what the work shows at this level
	Points     float64 // points before weighting; decimals allowed
}

// Criterion is one row of a grid.
type Criterion struct {
	Key         string   // stable identifier within the grid, e.g. "c1"
	Label       string   // short label
	Description string   // what is assessed, shown to candidates
	Guidance    string   // advice for graders, never shown to candidates
	Competency  string   // code of the competency evidenced, e.g. "C1"
	Outcomes    []string // codes of the learning outcomes evidenced
	Weight      float64  // multiplies the points of every level
	Levels      []Level  // lowest first; none for a feedback-only criterion
	Feedback    FeedbackMode
	Eliminatory bool // the candidate fails below MinLevel on this criterion
	MinLevel    int  // index of the lowest passing level when Eliminatory
}

// Scored reports whether the criterion has levels, that is, whether it
// counts in the total. A criterion without levels is feedback-only.
func (c *Criterion) Scored() bool { return len(c.Levels) > 0 }

// Grid is one version of the grading grid of a micro-credential.
type Grid struct {
	Credential     string // code of the micro-credential
	Version        int    // 1 for the first version, then one more per edit of a frozen grid
	Title          string
	Task           string // the SAE the candidates' work answers
	FeedbackPrompt string // question asked of graders for their overall comment
	Criteria       []Criterion
	Rules          PassRules
}

// PassRules are the rules a grade must meet to pass, all explicit on the
// grid. A zero rule does not constrain: MinTotal 0 accepts any total and
// MinMastery 0 accepts any level.
type PassRules struct {
	MinTotal       float64 // minimum total, in points or (MinTotalIsMark) as a mark
	MinTotalIsMark bool    // MinTotal is a mark on Scale rather than points
	// MinMastery is the level index every competency must reach (2 =
	// "acquis" on the four-level scale); Competencies may raise or lower it
	// for named competencies.
	MinMastery   int
	Competencies []CompetencyRule
	Scale        MarkScale
}

// CompetencyRule sets the mastery level one competency must reach,
// replacing PassRules.MinMastery for it.
type CompetencyRule struct {
	Competency string
	MinLevel   int
}

// Mapping says how a total becomes a mark.
type Mapping int

// The two conversions offered, as in Moodle's rubrics.
const (
	// MarkProportional: mark = OutOf × total ÷ max; the lowest level keeps
	// its own points.
	MarkProportional Mapping = iota
	// MarkFromMinimum: mark = OutOf × (total − min) ÷ (max − min); the
	// lowest possible total maps to 0.
	MarkFromMinimum
)

var mappingNames = []string{"proportional", "minimum"}

// String returns the mapping's name in the JSON format.
func (m Mapping) String() string {
	if m < 0 || int(m) >= len(mappingNames) {
		return "invalid"
	}
	return mappingNames[m]
}

// ParseMapping returns the mapping named s, as String writes it.
func ParseMapping(s string) (Mapping, bool) {
	i := slices.Index(mappingNames, s)
	return Mapping(i), i >= 0
}

// MarkScale converts a total into a mark. Zero fields take the defaults:
// a mark out of 20, rounded half up to the nearest 0.01.
type MarkScale struct {
	OutOf   float64 // the best mark; 0 means 20
	Mapping Mapping
	Step    float64 // rounding step, e.g. 0.01, 0.1, 0.5; 0 means 0.01
}

// Default values of MarkScale's zero fields.
const (
	DefaultOutOf = 20
	DefaultStep  = 0.01
)

// Max returns the best mark, OutOf or its default.
func (s MarkScale) Max() float64 {
	if s.OutOf == 0 {
		return DefaultOutOf
	}
	return s.OutOf
}

// RoundingStep returns Step or its default.
func (s MarkScale) RoundingStep() float64 {
	if s.Step == 0 {
		return DefaultStep
	}
	return s.Step
}

// NewGrid returns an empty first version of the grid of credential.
func NewGrid(credential string) *Grid {
	return &Grid{
		Credential: credential,
		Version:    1,
		Rules:      PassRules{Scale: MarkScale{OutOf: DefaultOutOf, Step: DefaultStep}},
	}
}

// FourLevelScale returns the ready-made scale non acquis, en cours
// d'acquisition, acquis, maîtrisé (0 to 3 points), labelled in the current
// language.
func FourLevelScale() []Level {
	names := []string{"not_acquired", "in_progress", "acquired", "mastered"}
	levels := make([]Level, len(names))
	for i, n := range names {
		levels[i] = Level{
			Label:      i18n.T("rubric.scale." + n),
			Descriptor: i18n.T("rubric.scale." + n + ".descriptor"),
			Points:     float64(i),
		}
	}
	return levels
}

// ApplyScale gives every criterion a copy of levels, to be edited
// afterwards. A criterion meant to stay feedback-only has its levels
// removed again by the editor. MinLevel is kept when the new scale has it.
func (g *Grid) ApplyScale(levels []Level) {
	for i := range g.Criteria {
		c := &g.Criteria[i]
		c.Levels = slices.Clone(levels)
		if c.MinLevel >= len(levels) {
			c.MinLevel = max(len(levels)-1, 0)
		}
	}
}

// Clone returns a deep copy of g.
func (g *Grid) Clone() *Grid {
	c := *g
	c.Criteria = slices.Clone(g.Criteria)
	for i := range c.Criteria {
		c.Criteria[i].Outcomes = slices.Clone(g.Criteria[i].Outcomes)
		c.Criteria[i].Levels = slices.Clone(g.Criteria[i].Levels)
	}
	c.Rules.Competencies = slices.Clone(g.Rules.Competencies)
	return &c
}

// NextVersion returns a copy of g numbered as its next version: what
// editing a frozen grid starts from.
func (g *Grid) NextVersion() *Grid {
	c := g.Clone()
	c.Version = g.Version + 1
	return c
}

// Competencies lists the competency codes the criteria evidence, in the
// order they first appear.
func (g *Grid) Competencies() []string {
	var out []string
	for _, c := range g.Criteria {
		if c.Competency != "" && !slices.Contains(out, c.Competency) {
			out = append(out, c.Competency)
		}
	}
	return out
}

// MinMasteryOf returns the level index competency must reach to pass.
func (r *PassRules) MinMasteryOf(competency string) int {
	for _, cr := range r.Competencies {
		if cr.Competency == competency {
			return cr.MinLevel
		}
	}
	return r.MinMastery
}

// Bounds returns the lowest and highest possible weighted totals:
// the sums, over scored criteria, of the weighted points of their lowest
// and highest levels.
func (g *Grid) Bounds() (lo, hi float64) {
	for _, c := range g.Criteria {
		if !c.Scored() {
			continue
		}
		lo += c.Weight * minPoints(c.Levels)
		hi += c.Weight * maxPoints(c.Levels)
	}
	return round6(lo), round6(hi)
}

func minPoints(levels []Level) float64 {
	m := levels[0].Points
	for _, l := range levels[1:] {
		m = min(m, l.Points)
	}
	return m
}

func maxPoints(levels []Level) float64 {
	m := levels[0].Points
	for _, l := range levels[1:] {
		m = max(m, l.Points)
	}
	return m
}
