package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"certeval/i18n"
	"certeval/jury"
	"certeval/rubric"
	"certeval/sheet"
)

// BlankGridPDF renders the blank grid of g, for experts who grade on
// paper, in the current language. The command line's "grid print" and the
// grid editor both call it.
func BlankGridPDF(g *rubric.Grid, cred *jury.Credential) ([]byte, error) {
	r, err := sheet.NewRenderer()
	if err != nil {
		return nil, fmt.Errorf("print blank grid: %w", err)
	}
	return r.BlankGrid(blankGrid(g, cred))
}

// blankGrid is the sheet's view of g: the levels of the criterion with the
// most levels as columns, each criterion's descriptors and weighted
// points in its row. Grader guidance is left out: the sheet may be handed
// out.
func blankGrid(g *rubric.Grid, cred *jury.Credential) sheet.BlankGrid {
	b := sheet.BlankGrid{Lang: i18n.Language(), Name: g.Title, Fingerprint: g.Fingerprint()}
	if cred != nil {
		b.Title = cred.Title
		b.Producer = sheet.Header{Name: cred.Producer.Name, Image: cred.Producer.Header}
	}
	for _, c := range g.Criteria {
		if len(c.Levels) > len(b.Levels) {
			b.Levels = b.Levels[:0]
			for _, l := range c.Levels {
				b.Levels = append(b.Levels, l.Label)
			}
		}
		row := sheet.GridCriterion{Title: c.Label, Description: c.Description}
		for _, l := range c.Levels {
			row.Cells = append(row.Cells, sheet.GridCell{Descriptor: l.Descriptor,
				Points: l.Points * critWeight(c)})
		}
		b.Criteria = append(b.Criteria, row)
	}
	return b
}

// critWeight is a criterion's weight, 1 when unset.
func critWeight(c rubric.Criterion) float64 {
	if c.Weight == 0 {
		return 1
	}
	return c.Weight
}

// previewLine is one paragraph of the candidate's view of a grid.
type previewLine struct {
	text    string
	heading bool
}

// previewLines is the grid as a candidate sees it: title, task, then each
// criterion with what is assessed and its levels, and the total. Grader
// guidance and the feedback prompt are never shown.
func previewLines(g *rubric.Grid) []previewLine {
	out := []previewLine{{text: g.Title, heading: true}}
	if g.Task != "" {
		out = append(out, previewLine{text: g.Task})
	}
	for i, c := range g.Criteria {
		head := i18n.T("grids.preview.criterion", i+1, c.Label)
		if c.Scored() {
			_, hi := (&rubric.Grid{Criteria: []rubric.Criterion{c}}).Bounds()
			head += " " + i18n.T("grids.preview.max", gridNumber(hi))
		}
		out = append(out, previewLine{text: head, heading: true})
		if c.Description != "" {
			out = append(out, previewLine{text: c.Description})
		}
		for _, l := range c.Levels {
			out = append(out, previewLine{text: i18n.T("grids.preview.level", l.Label,
				gridNumber(l.Points*critWeight(c)), l.Descriptor)})
		}
	}
	_, hi := g.Bounds()
	return append(out, previewLine{heading: true, text: i18n.T("grids.preview.total",
		gridNumber(hi), gridNumber(g.Rules.Scale.Max()))})
}

// gridNumber writes x with the fewest decimals, with a decimal comma in
// French.
func gridNumber(x float64) string {
	return i18n.Number(x, -1)
}

// fillPreview puts the candidate's view of g in box.
func fillPreview(box *fyne.Container, g *rubric.Grid) {
	box.RemoveAll()
	for _, line := range previewLines(g) {
		l := widget.NewLabel(line.text)
		l.Wrapping = fyne.TextWrapWord
		l.TextStyle.Bold = line.heading
		box.Add(l)
	}
}
