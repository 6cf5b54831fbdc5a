package grading_test

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"certeval/grading"
)

var th = grading.Thresholds{Levels: 2, Points: 2}

// g returns a submitted grading of submission "s1" by expert with choices.
func g(expert string, choices ...int) grading.Grading {
	return grading.Grading{
		Submission: "s1", Expert: expert, GridFingerprint: "fp",
		Choices: choices, Status: grading.Submitted,
	}
}

// gapKey summarises a gap for comparison in tables.
type gapKey struct {
	Submission string
	Criterion  int
	Spread     float64
	Missing    bool
}

func keys(gaps []grading.Gap) []gapKey {
	var out []gapKey
	for _, x := range gaps {
		out = append(out, gapKey{x.Submission, x.Criterion, math.Round(x.Spread*1e6) / 1e6,
			x.Missing})
	}
	return out
}

func TestDiscrepancies(t *testing.T) {
	nan := math.NaN()
	other := g("B", 0, 0)
	other.Submission = "s2"
	tests := []struct {
		name  string
		gs    []grading.Grading
		marks []float64
		want  []gapKey
	}{
		{"identical", []grading.Grading{g("A", 1, 2), g("B", 1, 2)}, []float64{10, 10}, nil},
		{"levels exactly at threshold",
			[]grading.Grading{g("A", 0, 3), g("B", 2, 1)}, []float64{10, 12}, nil},
		{"levels one beyond threshold",
			[]grading.Grading{g("A", 0, 3), g("B", 3, 3)}, []float64{10, 12},
			[]gapKey{{"s1", 0, 3, false}}},
		{"mark exactly at threshold despite rounding",
			[]grading.Grading{g("A", 1), g("B", 1)}, []float64{4.03, 2.03}, nil},
		{"mark just beyond threshold",
			[]grading.Grading{g("A", 1), g("B", 1)}, []float64{12.36, 10.35},
			[]gapKey{{"s1", grading.Overall, 2.01, false}}},
		{"criterion and mark",
			[]grading.Grading{g("A", 0, 1), g("B", 3, 1)}, []float64{8, 14},
			[]gapKey{{"s1", 0, 3, false}, {"s1", grading.Overall, 6, false}}},
		{"three experts, the spread counts",
			[]grading.Grading{g("A", 0), g("B", 2), g("C", 3)}, []float64{10, 11, 12},
			[]gapKey{{"s1", 0, 3, false}}},
		{"three experts within thresholds",
			[]grading.Grading{g("A", 1), g("B", 2), g("C", 3)}, []float64{10, 11, 12}, nil},
		{"missing level against a level",
			[]grading.Grading{g("A", 1, -1), g("B", 1, 2)}, []float64{10, 10},
			[]gapKey{{"s1", 1, 0, true}}},
		{"missing level on every grading (feedback-only criterion)",
			[]grading.Grading{g("A", 1, -1), g("B", 1, -1)}, []float64{10, 10}, nil},
		{"shorter choices count as missing",
			[]grading.Grading{g("A", 1), g("B", 1, 0)}, []float64{10, 10},
			[]gapKey{{"s1", 1, 0, true}}},
		{"missing mark",
			[]grading.Grading{g("A", 1), g("B", 1)}, []float64{10, nan},
			[]gapKey{{"s1", grading.Overall, 0, true}}},
		{"marks too short",
			[]grading.Grading{g("A", 1), g("B", 1)}, []float64{10},
			[]gapKey{{"s1", grading.Overall, 0, true}}},
		{"single grading has no gap", []grading.Grading{g("A", 0)}, []float64{0}, nil},
		{"different submissions are not compared",
			[]grading.Grading{g("A", 0, 3), other}, []float64{5, 15}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keys(grading.Discrepancies(tt.gs, tt.marks, th))
			if !slices.Equal(got, tt.want) {
				t.Fatalf("gaps = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDiscrepanciesSideBySide(t *testing.T) {
	gs := []grading.Grading{g("A", 0, 1), g("B", 3, 1), g("C", 1, 1)}
	gaps := grading.Discrepancies(gs, []float64{8, 13, 9}, th)
	if len(gaps) != 2 {
		t.Fatalf("got %d gaps, want 2: %+v", len(gaps), gaps)
	}
	crit, mark := gaps[0], gaps[1]
	if want := []string{"A", "B", "C"}; !slices.Equal(crit.Experts, want) {
		t.Errorf("experts = %v, want %v", crit.Experts, want)
	}
	if want := []int{0, 3, 1}; !slices.Equal(crit.Levels, want) {
		t.Errorf("levels = %v, want %v", crit.Levels, want)
	}
	if want := []float64{8, 13, 9}; !slices.Equal(mark.Marks, want) {
		t.Errorf("marks = %v, want %v", mark.Marks, want)
	}
}

func TestDiscrepanciesGroupsSubmissions(t *testing.T) {
	a2, b2 := g("A", 0), g("B", 3)
	a2.Submission, b2.Submission = "s2", "s2"
	gs := []grading.Grading{a2, g("A", 0), b2, g("B", 0)}
	got := keys(grading.Discrepancies(gs, []float64{5, 5, 15, 5}, th))
	want := []gapKey{{"s2", 0, 3, false}, {"s2", grading.Overall, 10, false}}
	if !slices.Equal(got, want) {
		t.Fatalf("gaps = %+v, want %+v", got, want)
	}
}

func TestReconcile(t *testing.T) {
	pending := g("B", 1)
	pending.Status = grading.InProgress
	tests := []struct {
		name     string
		gs       []grading.Grading
		marks    []float64
		rule     grading.Rule
		need     grading.Need
		mark     float64 // NaN: no mark
		used     []int
		gapCount int
	}{
		{"single grading", []grading.Grading{g("A", 2)}, []float64{13}, grading.Mean,
			grading.NeedNothing, 13, []int{0}, 0},
		{"single grading, agreement rule", []grading.Grading{g("A", 2)}, []float64{13},
			grading.AgreedRequired, grading.NeedNothing, 13, []int{0}, 0},
		{"two agree: mean", []grading.Grading{g("A", 2), g("B", 1)}, []float64{13, 11},
			grading.Mean, grading.NeedNothing, 12, []int{0, 1}, 0},
		{"two agree, agreement required", []grading.Grading{g("A", 2), g("B", 1)},
			[]float64{13, 11}, grading.AgreedRequired, grading.NeedAgreement, 12,
			[]int{0, 1}, 0},
		{"mark gap beyond threshold", []grading.Grading{g("A", 2), g("B", 1)},
			[]float64{13, 10.9}, grading.Mean, grading.NeedArbitration, math.NaN(), nil, 1},
		{"level gap beyond threshold", []grading.Grading{g("A", 3), g("B", 0)},
			[]float64{12, 11}, grading.Mean, grading.NeedArbitration, math.NaN(), nil, 1},
		{"one grading still in progress", []grading.Grading{g("A", 3), pending},
			[]float64{12, 11}, grading.Mean, grading.NeedGrading, math.NaN(), nil, 0},
		{"third grading settles with the closest pair",
			[]grading.Grading{g("A", 0), g("B", 3), g("C", 2)}, []float64{6, 15, 14},
			grading.Mean, grading.NeedNothing, 14.5, []int{1, 2}, 2},
		{"third grading, agreement rule",
			[]grading.Grading{g("A", 0), g("B", 3), g("C", 2)}, []float64{6, 15, 14},
			grading.AgreedRequired, grading.NeedAgreement, 14.5, []int{1, 2}, 2},
		{"third grading agrees with nobody",
			[]grading.Grading{g("A", 0), g("B", 3), g("C", 0)}, []float64{4, 16, 10},
			grading.Mean, grading.NeedArbitration, math.NaN(), nil, 2},
		{"three within thresholds: mean of three",
			[]grading.Grading{g("A", 1), g("B", 2), g("C", 2)}, []float64{10, 11, 12},
			grading.Mean, grading.NeedNothing, 11, []int{0, 1, 2}, 0},
		{"missing level on one grading needs arbitration",
			[]grading.Grading{g("A", 1, 2), g("B", 1, -1)}, []float64{10, 10},
			grading.Mean, grading.NeedArbitration, math.NaN(), nil, 1},
		{"nothing graded", nil, nil, grading.Mean, grading.NeedGrading, math.NaN(), nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := grading.Reconcile(tt.gs, tt.marks, th, tt.rule)
			if err != nil {
				t.Fatal(err)
			}
			if res.Need != tt.need {
				t.Errorf("need = %v, want %v", res.Need, tt.need)
			}
			if !sameMark(res.Mark, tt.mark) {
				t.Errorf("mark = %v, want %v", res.Mark, tt.mark)
			}
			if !slices.Equal(res.Used, tt.used) {
				t.Errorf("used = %v, want %v", res.Used, tt.used)
			}
			if len(res.Gaps) != tt.gapCount {
				t.Errorf("%d gaps, want %d: %+v", len(res.Gaps), tt.gapCount, res.Gaps)
			}
		})
	}
}

func sameMark(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) < 1e-9
}

func TestReconcileRefuses(t *testing.T) {
	other := g("B", 1)
	other.Submission = "s2"
	grid := g("B", 1)
	grid.GridFingerprint = "fp2"
	tests := []struct {
		name  string
		gs    []grading.Grading
		marks []float64
		want  error
	}{
		{"two submissions", []grading.Grading{g("A", 1), other}, []float64{1, 1},
			grading.ErrMixed},
		{"two grids", []grading.Grading{g("A", 1), grid}, []float64{1, 1},
			grading.ErrGridMismatch},
		{"same expert twice", []grading.Grading{g("A", 1), g("A", 2)}, []float64{1, 1},
			grading.ErrSameExpert},
		{"marks missing", []grading.Grading{g("A", 1), g("B", 2)}, []float64{1},
			grading.ErrMarks},
		{"submitted without a mark", []grading.Grading{g("A", 1)}, []float64{math.NaN()},
			grading.ErrMarks},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := grading.Reconcile(tt.gs, tt.marks, th, grading.Mean)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if grading.Explain(err) == grading.Explain(errors.New("x")) {
				t.Errorf("no specific explanation for %v", err)
			}
		})
	}
}

func TestAgreementValidate(t *testing.T) {
	levels := []int{4, 4, 0}
	ok := grading.Agreement{Choices: []int{1, 3, -1}, Reason: "Relecture commune",
		By: "k1", At: time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)}
	tests := []struct {
		name string
		edit func(*grading.Agreement)
		want error
	}{
		{"valid", func(*grading.Agreement) {}, nil},
		{"no reason", func(a *grading.Agreement) { a.Reason = "  " }, grading.ErrReasonRequired},
		{"no author", func(a *grading.Agreement) { a.By = "" }, grading.ErrAgreementAuthor},
		{"no date", func(a *grading.Agreement) { a.At = time.Time{} },
			grading.ErrAgreementAuthor},
		{"level missing", func(a *grading.Agreement) { a.Choices = []int{1, -1, -1} },
			grading.ErrIncomplete},
		{"level out of range", func(a *grading.Agreement) { a.Choices = []int{1, 4, -1} },
			grading.ErrChoices},
		{"level on a feedback-only criterion",
			func(a *grading.Agreement) { a.Choices = []int{1, 1, 0} }, grading.ErrChoices},
		{"too few choices", func(a *grading.Agreement) { a.Choices = []int{1, 1} },
			grading.ErrChoices},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := ok
			a.Choices = slices.Clone(ok.Choices)
			tt.edit(&a)
			if err := a.Validate(levels); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}
