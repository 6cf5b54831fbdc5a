package rubric_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"certeval/rubric"
)

// baseGrid returns a valid grid of three criteria: c1 (competency C1,
// four levels 0–3), c2 (competency C2, same levels, weight 2, eliminatory
// below "Acquis") and c3 (feedback-only). Its maximum is 9.
func baseGrid() *rubric.Grid {
	g := rubric.NewGrid("MC-TEST")
	g.Title = "Grille de test"
	g.Criteria = []rubric.Criterion{
		{Key: "c1", Label: "Analyse", Competency: "C1", Weight: 1},
		{Key: "c2", Label: "Accessibilité", Competency: "C2", Weight: 2,
			Eliminatory: true, MinLevel: 2},
		{Key: "c3", Label: "Commentaire", Weight: 1, Feedback: rubric.FeedbackRequired},
	}
	g.ApplyScale(rubric.FourLevelScale())
	g.Criteria[2].Levels = nil
	return g
}

// pointsGrid returns a grid of one criterion whose levels have the given
// points, with the default scale.
func pointsGrid(points ...float64) *rubric.Grid {
	g := rubric.NewGrid("MC-TEST")
	c := rubric.Criterion{Key: "c1", Label: "Seul critère", Weight: 1}
	for i, p := range points {
		c.Levels = append(c.Levels, rubric.Level{Label: string(rune('A' + i)), Points: p})
	}
	g.Criteria = []rubric.Criterion{c}
	return g
}

func with(g *rubric.Grid, edit func(*rubric.Grid)) func() *rubric.Grid {
	return func() *rubric.Grid {
		c := g.Clone()
		edit(c)
		return c
	}
}

type scoreCase struct {
	name        string
	grid        func() *rubric.Grid
	choices     []int
	total, mark float64
	complete    bool
	passed      bool
	reasons     []rubric.ReasonKind
}

var (
	noEdit  = func(*rubric.Grid) {}
	minMark = func(m float64) func(*rubric.Grid) {
		return func(g *rubric.Grid) { g.Rules.MinTotal, g.Rules.MinTotalIsMark = m, true }
	}
)

// scoreCases are the scoring rules, boundaries first; FuzzScore starts
// from them.
var scoreCases = []scoreCase{
	{name: "all top levels", grid: with(baseGrid(), noEdit), choices: []int{3, 3, -1},
		total: 9, mark: 20, complete: true, passed: true},
	{name: "weight multiplies points", grid: with(baseGrid(), noEdit), choices: []int{0, 3, -1},
		total: 6, mark: 13.33, complete: true, passed: true},
	{name: "feedback-only criterion counts nowhere", grid: with(baseGrid(), noEdit),
		choices: []int{1, 2}, total: 5, mark: 11.11, complete: true, passed: true},
	{name: "missing level", grid: with(baseGrid(), noEdit), choices: []int{-1, 3, -1},
		total: 6, mark: 13.33, reasons: []rubric.ReasonKind{rubric.ReasonMissing}},
	{name: "missing trailing choice", grid: with(baseGrid(), noEdit), choices: []int{3},
		total: 3, mark: 6.67, reasons: []rubric.ReasonKind{rubric.ReasonMissing}},
	{name: "negative choice is none", grid: with(baseGrid(), noEdit), choices: []int{-7, 3},
		total: 6, mark: 13.33, reasons: []rubric.ReasonKind{rubric.ReasonMissing}},
	{name: "level out of range", grid: with(baseGrid(), noEdit), choices: []int{4, 3, -1},
		total: 6, mark: 13.33, reasons: []rubric.ReasonKind{rubric.ReasonInvalid}},
	{name: "level on a feedback-only criterion", grid: with(baseGrid(), noEdit),
		choices: []int{3, 3, 0}, total: 9, mark: 20,
		reasons: []rubric.ReasonKind{rubric.ReasonInvalid}},
	{name: "more choices than criteria", grid: with(baseGrid(), noEdit),
		choices: []int{3, 3, -1, 1}, total: 9, mark: 20,
		reasons: []rubric.ReasonKind{rubric.ReasonChoiceCount}},
	{name: "eliminatory criterion below its level", grid: with(baseGrid(), noEdit),
		choices: []int{3, 1, -1}, total: 5, mark: 11.11, complete: true,
		reasons: []rubric.ReasonKind{rubric.ReasonEliminatory}},
	{name: "eliminatory criterion exactly at its level", grid: with(baseGrid(), noEdit),
		choices: []int{0, 2, -1}, total: 4, mark: 8.89, complete: true, passed: true},
	{name: "minimum total exactly met",
		grid:    with(baseGrid(), func(g *rubric.Grid) { g.Rules.MinTotal = 7 }),
		choices: []int{3, 2, -1}, total: 7, mark: 15.56, complete: true, passed: true},
	{name: "minimum total missed by half a point",
		grid:    with(baseGrid(), func(g *rubric.Grid) { g.Rules.MinTotal = 7.5 }),
		choices: []int{3, 2, -1}, total: 7, mark: 15.56, complete: true,
		reasons: []rubric.ReasonKind{rubric.ReasonTotal}},
	{name: "minimum total not judged on an incomplete grade",
		grid:    with(baseGrid(), func(g *rubric.Grid) { g.Rules.MinTotal = 8 }),
		choices: []int{-1, 3, -1}, total: 6, mark: 13.33,
		reasons: []rubric.ReasonKind{rubric.ReasonMissing}},
	{name: "decimal total exactly at minimum despite float noise",
		grid: func() *rubric.Grid {
			g := pointsGrid(0, 0.7)
			c := g.Criteria[0]
			c.Key, c.Levels = "c2", []rubric.Level{{Label: "A", Points: 0}, {Label: "B", Points: 0.1}}
			g.Criteria = append(g.Criteria, c)
			g.Rules.MinTotal = 0.8
			return g
		},
		choices: []int{1, 1}, total: 0.8, mark: 20, complete: true, passed: true},
	{name: "mark rounds half up", grid: with(pointsGrid(0, 1.07, 8), noEdit),
		choices: []int{1}, total: 1.07, mark: 2.68, complete: true, passed: true},
	{name: "mark half stored below in binary still rounds up",
		grid:    with(pointsGrid(0, 1.06, 8), func(g *rubric.Grid) { g.Rules.Scale.Step = 0.1 }),
		choices: []int{1}, total: 1.06, mark: 2.7, complete: true, passed: true},
	{name: "mark rounds half up to whole points",
		grid:    with(pointsGrid(0, 1, 8), func(g *rubric.Grid) { g.Rules.Scale.Step = 1 }),
		choices: []int{1}, total: 1, mark: 3, complete: true, passed: true},
	{name: "mark reaching minimum once rounded", grid: with(pointsGrid(0, 9.995, 20), minMark(10)),
		choices: []int{1}, total: 9.995, mark: 10, complete: true, passed: true},
	{name: "mark below minimum once rounded", grid: with(pointsGrid(0, 9.994, 20), minMark(10)),
		choices: []int{1}, total: 9.994, mark: 9.99, complete: true,
		reasons: []rubric.ReasonKind{rubric.ReasonMark}},
	{name: "proportional mark keeps the lowest level's points",
		grid: with(pointsGrid(1, 2, 3, 4), noEdit), choices: []int{0}, total: 1, mark: 5,
		complete: true, passed: true},
	{name: "lowest possible total maps to zero",
		grid: with(pointsGrid(1, 2, 3, 4), func(g *rubric.Grid) {
			g.Rules.Scale.Mapping = rubric.MarkFromMinimum
		}),
		choices: []int{0}, total: 1, mark: 0, complete: true, passed: true},
	{name: "from minimum, in between",
		grid: with(pointsGrid(1, 2, 3, 4), func(g *rubric.Grid) {
			g.Rules.Scale.Mapping = rubric.MarkFromMinimum
		}),
		choices: []int{2}, total: 3, mark: 13.33, complete: true, passed: true},
	{name: "mark out of 100",
		grid:    with(pointsGrid(0, 1, 3), func(g *rubric.Grid) { g.Rules.Scale.OutOf = 100 }),
		choices: []int{1}, total: 1, mark: 33.33, complete: true, passed: true},
	{name: "competency below acquis",
		grid:    with(baseGrid(), func(g *rubric.Grid) { g.Rules.MinMastery = 2 }),
		choices: []int{1, 3, -1}, total: 7, mark: 15.56, complete: true,
		reasons: []rubric.ReasonKind{rubric.ReasonMastery}},
	{name: "competency exactly acquis",
		grid:    with(baseGrid(), func(g *rubric.Grid) { g.Rules.MinMastery = 2 }),
		choices: []int{2, 2, -1}, total: 6, mark: 13.33, complete: true, passed: true},
	{name: "one competency must be mastered",
		grid: with(baseGrid(), func(g *rubric.Grid) {
			g.Rules.MinMastery = 2
			g.Rules.Competencies = []rubric.CompetencyRule{{Competency: "C2", MinLevel: 3}}
		}),
		choices: []int{2, 2, -1}, total: 6, mark: 13.33, complete: true,
		reasons: []rubric.ReasonKind{rubric.ReasonMastery}},
	{name: "weakest criterion sets the competency's level",
		grid: with(baseGrid(), func(g *rubric.Grid) {
			g.Criteria[1].Competency, g.Criteria[1].Eliminatory = "C1", false
			g.Rules.MinMastery = 2
		}),
		choices: []int{3, 1, -1}, total: 5, mark: 11.11, complete: true,
		reasons: []rubric.ReasonKind{rubric.ReasonMastery}},
	{name: "every rule failing at once",
		grid: with(baseGrid(), func(g *rubric.Grid) {
			g.Rules.MinMastery, g.Rules.MinTotal, g.Rules.MinTotalIsMark = 2, 10, true
		}),
		choices: []int{0, 0, -1}, total: 0, mark: 0, complete: true,
		reasons: []rubric.ReasonKind{rubric.ReasonEliminatory, rubric.ReasonMark,
			rubric.ReasonMastery, rubric.ReasonMastery}},
}

func TestScore(t *testing.T) {
	for _, tc := range scoreCases {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.grid()
			if ps := g.Validate(nil); len(ps) > 0 {
				t.Fatalf("test grid does not validate: %v", ps)
			}
			r := g.Score(tc.choices)
			if r.Total != tc.total || r.Mark != tc.mark {
				t.Errorf("total, mark = %v, %v; want %v, %v", r.Total, r.Mark, tc.total, tc.mark)
			}
			if r.Complete != tc.complete || r.Passed != tc.passed {
				t.Errorf("complete, passed = %v, %v; want %v, %v",
					r.Complete, r.Passed, tc.complete, tc.passed)
			}
			var kinds []rubric.ReasonKind
			for _, reason := range r.Reasons {
				kinds = append(kinds, reason.Kind)
			}
			if !slices.Equal(kinds, tc.reasons) {
				t.Errorf("reasons = %v (%v), want %v", kinds, r.Reasons, tc.reasons)
			}
			if len(r.Choices) != len(g.Criteria) {
				t.Errorf("%d choices in result, want %d", len(r.Choices), len(g.Criteria))
			}
		})
	}
}

func TestScoreMastery(t *testing.T) {
	g := baseGrid()
	g.Rules.MinMastery = 2
	r := g.Score([]int{-1, 1, -1})

	want := []rubric.Mastery{
		{Competency: "C1", Level: -1, Required: 2},
		{Competency: "C2", Level: 1, Label: "En cours d'acquisition", Required: 2},
	}
	if !slices.Equal(r.Mastery, want) {
		t.Fatalf("mastery = %+v, want %+v", r.Mastery, want)
	}
	if got, want := r.Max, 9.0; got != want {
		t.Fatalf("max = %v, want %v", got, want)
	}
}

func TestReasonSentences(t *testing.T) {
	g := baseGrid()
	g.Rules.MinMastery = 2
	r := g.Score([]int{3, 1, -1})

	var got []string
	for _, reason := range r.Reasons {
		got = append(got, reason.String())
	}
	want := []string{
		"critère éliminatoire 2 « Accessibilité » sous le seuil " +
			"(En cours d'acquisition, requis : Acquis)",
		"compétence C2 non acquise (En cours d'acquisition, requis : Acquis)",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("reasons =\n%q\nwant\n%q", got, want)
	}

	g.Rules.MinTotal = 12.5
	r = g.Score([]int{3, 3, -1})
	if got, want := r.Reasons[0].String(), "total de 9 points sous le minimum de 12,5"; got != want {
		t.Fatalf("reason = %q, want %q", got, want)
	}
}

func TestScorerMatchesGridAndIgnoresLaterEdits(t *testing.T) {
	g := baseGrid()
	s := rubric.NewScorer(g)
	choices := []int{2, 3, -1}
	want := g.Score(choices)

	g.Criteria[0].Levels[2].Points = 100
	got := s.Score(choices)
	if got.Total != want.Total || got.Mark != want.Mark || got.Passed != want.Passed {
		t.Fatalf("scorer result %+v changed with the grid, want %+v", got, want)
	}
	if !slices.Equal(choices, []int{2, 3, -1}) {
		t.Fatalf("Score changed its input: %v", choices)
	}
}

func TestRoundHalfUp(t *testing.T) {
	for _, tc := range []struct {
		x, step, want float64
	}{
		{2.675, 0.01, 2.68},
		{12.345, 0.01, 12.35},
		{2.665, 0.01, 2.67},
		{2.6749, 0.01, 2.67},
		{12.25, 0.5, 12.5},
		{12.24, 0.5, 12},
		{12.75, 0.25, 12.75},
		{0.05, 0.1, 0.1},
		{10.5, 1, 11},
		{7, 0.3, 6.8999999999999995}, // a step with no exact inverse multiplies back
	} {
		if got := rubric.RoundHalfUp(tc.x, tc.step); got != tc.want {
			t.Errorf("RoundHalfUp(%v, %v) = %v, want %v", tc.x, tc.step, got, tc.want)
		}
	}
}

func TestMissingFeedback(t *testing.T) {
	g := baseGrid()
	if got := g.MissingFeedback([]string{"", "", "  "}); !slices.Equal(got, []int{2}) {
		t.Fatalf("missing feedback = %v, want [2]", got)
	}
	if got := g.MissingFeedback([]string{"", "", "Bon travail."}); len(got) != 0 {
		t.Fatalf("missing feedback = %v, want none", got)
	}
}

func TestFourLevelScale(t *testing.T) {
	levels := rubric.FourLevelScale()
	var labels []string
	for i, l := range levels {
		labels = append(labels, l.Label)
		if l.Points != float64(i) || l.Descriptor == "" || strings.HasPrefix(l.Label, "rubric.") {
			t.Errorf("level %d = %+v", i, l)
		}
	}
	want := []string{"Non acquis", "En cours d'acquisition", "Acquis", "Maîtrisé"}
	if !slices.Equal(labels, want) {
		t.Fatalf("labels = %q, want %q", labels, want)
	}
}

// benchGrid returns a valid grid of 12 criteria over 4 competencies, with
// an eliminatory criterion and a mastery rule.
func benchGrid() *rubric.Grid {
	g := rubric.NewGrid("MC-BENCH")
	for i := range 12 {
		g.Criteria = append(g.Criteria, rubric.Criterion{
			Key: "c" + string(rune('a'+i)), Label: "Critère", Weight: float64(1 + i%3),
			Competency: "C" + string(rune('1'+i%4)),
		})
	}
	g.ApplyScale(rubric.FourLevelScale())
	g.Criteria[0].Eliminatory, g.Criteria[0].MinLevel = true, 1
	g.Rules.MinMastery, g.Rules.MinTotal, g.Rules.MinTotalIsMark = 2, 10, true
	return g
}

// BenchmarkScore100k scores 100,000 graded submissions of a 12-criterion
// grid per operation.
func BenchmarkScore100k(b *testing.B) {
	g := benchGrid()
	if ps := g.Validate(nil); len(ps) > 0 {
		b.Fatal(ps)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	grades := make([][]int, 100_000)
	for i := range grades {
		grades[i] = make([]int, 12)
		for j := range grades[i] {
			grades[i][j] = 1 + rng.IntN(3) // mostly passing, some failing
		}
	}

	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		s := rubric.NewScorer(g)
		passed := 0
		for _, c := range grades {
			if s.Score(c).Passed {
				passed++
			}
		}
		if passed == 0 || passed == len(grades) {
			b.Fatalf("%d passed: the benchmark should mix outcomes", passed)
		}
	}
}

func TestScoreAllMatchesScore(t *testing.T) {
	g := baseGrid()
	g.Rules.MinMastery = 2
	s := rubric.NewScorer(g)
	var grades [][]int
	for _, tc := range scoreCases {
		grades = append(grades, tc.choices)
	}

	all := s.ScoreAll(grades)
	for i, c := range grades {
		want := s.Score(c)
		got := all[i]
		if got.Total != want.Total || got.Mark != want.Mark || got.Passed != want.Passed ||
			got.Complete != want.Complete || !slices.Equal(got.Choices, want.Choices) ||
			!slices.Equal(got.Mastery, want.Mastery) || !slices.Equal(got.Reasons, want.Reasons) {
			t.Errorf("grade %v: ScoreAll = %+v, Score = %+v", c, got, want)
		}
	}

	// Each result owns its part of the shared arrays.
	all[0].Reasons = append(all[0].Reasons, rubric.Reason{Kind: rubric.ReasonMissing})
	all[0].Choices = append(all[0].Choices, 9)
	if again := s.ScoreAll(grades); !slices.Equal(all[1].Choices, again[1].Choices) ||
		!slices.Equal(all[1].Reasons, again[1].Reasons) {
		t.Fatalf("appending to one result changed the next one")
	}
}

// BenchmarkScoreAll100k scores the same 100,000 grades as
// BenchmarkScore100k through the batch path.
func BenchmarkScoreAll100k(b *testing.B) {
	g := benchGrid()
	rng := rand.New(rand.NewPCG(1, 2))
	grades := make([][]int, 100_000)
	for i := range grades {
		grades[i] = make([]int, 12)
		for j := range grades[i] {
			grades[i][j] = 1 + rng.IntN(3)
		}
	}

	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		results := rubric.NewScorer(g).ScoreAll(grades)
		if len(results) != len(grades) {
			b.Fatal("missing results")
		}
	}
}

// reportCPU reports the process's CPU time per operation (user and
// system, garbage collection included), which other processes on a busy
// machine do not inflate as they do wall time.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
