package storage

import (
	"context"
	"database/sql"
	"fmt"

	"certeval/rubric"
)

// Breakdown is the points per criterion behind each candidate's mark for
// one sitting, for the exports the information systems load.
type Breakdown struct {
	// Criteria are the labels of the grid's scored criteria, the columns.
	Criteria []string
	// Points maps a candidate's identifier to the weighted points of each
	// criterion, in the order of Criteria: those of the agreed grading, or
	// the mean of the experts' submitted gradings. Candidates with no
	// graded work are absent.
	Points map[string][]float64
	// Grid is the grid version the sitting was graded with: the one most
	// candidates' retained gradings used, the later version on a tie; nil
	// when no work was graded.
	Grid *rubric.Grid
}

// Breakdown returns the points per criterion of a sitting's graded work,
// under the grid version each grading used.
func (s *Store) Breakdown(ctx context.Context, credential string,
	sitting int) (Breakdown, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Breakdown{}, fmt.Errorf("read breakdown: %w", err)
	}
	defer tx.Rollback()

	jd, err := loadJuryData(ctx, tx, credential, sitting)
	if err != nil {
		return Breakdown{}, err
	}
	b := Breakdown{Points: make(map[string][]float64)}
	uses := make(map[*rubric.Grid]int)
	for _, c := range jd.candidates {
		used := c.retained()
		if len(used) == 0 {
			continue
		}
		grid := jd.grids[used[0].gridID]
		if grid == nil {
			continue
		}
		b.Points[c.id] = meanPoints(grid, used)
		uses[grid]++
	}
	for g, n := range uses {
		if b.Grid == nil || n > uses[b.Grid] || n == uses[b.Grid] && g.Version > b.Grid.Version {
			b.Grid = g
		}
	}
	if b.Grid != nil {
		b.Criteria = scoredLabels(b.Grid)
	}
	return b, nil
}

// retained lists the gradings a candidate's mark comes from: the agreed
// grading when there is one, else every submitted grading still valid.
func (c *juryCandidate) retained() []juryGrading {
	if c.agreed != nil {
		return []juryGrading{*c.agreed}
	}
	var out []juryGrading
	for _, g := range c.gradings {
		if g.submitted && !g.regrade {
			out = append(out, g)
		}
	}
	return out
}

func scoredLabels(g *rubric.Grid) []string {
	var out []string
	for _, c := range g.Criteria {
		if c.Scored() {
			out = append(out, c.Label)
		}
	}
	return out
}

// meanPoints averages, per scored criterion, the weighted points of the
// levels the gradings chose.
func meanPoints(g *rubric.Grid, gs []juryGrading) []float64 {
	var out []float64
	for i, c := range g.Criteria {
		if !c.Scored() {
			continue
		}
		sum, n := 0.0, 0
		for _, gr := range gs {
			if i < len(gr.choices) && gr.choices[i] >= 0 && gr.choices[i] < len(c.Levels) {
				sum += c.Levels[gr.choices[i]].Points * c.Weight
				n++
			}
		}
		if n > 0 {
			sum = rubric.RoundHalfUp(sum/float64(n), 0.01)
		}
		out = append(out, sum)
	}
	return out
}
