package sheet

import (
	"fmt"
	"strings"
)

// GridCell is one level of one criterion: what the work shows at that
// level and the points it earns.
type GridCell struct {
	Descriptor string
	Points     float64
}

// GridCriterion is one row of a blank grid.
type GridCriterion struct {
	Title       string
	Description string
	// Cells follow the order of BlankGrid.Levels.
	Cells []GridCell
}

// BlankGrid is a grading grid printed for experts who grade on paper.
type BlankGrid struct {
	Lang string
	// Producer is the producing university's header; a zero Header is
	// left out.
	Producer Header
	// Title is the credential's title; Name the grid's name.
	Title string
	Name  string
	// Fingerprint identifies the grid's version.
	Fingerprint string
	// Levels are the performance levels, the columns of the grid.
	Levels   []string
	Criteria []GridCriterion
}

// blankLines is how many empty lines the comment column leaves to write in.
const blankLines = 4

// BlankGrid renders a blank grid, landscape, one criterion per row.
func (r *Renderer) BlankGrid(g BlankGrid) ([]byte, error) {
	if len(g.Levels) == 0 || len(g.Criteria) == 0 {
		return nil, fmt.Errorf("blank grid %q: %w", g.Name, ErrNoContent)
	}
	footer := tr(g.Lang, "sheet.grid.footer", g.Fingerprint)
	d, err := r.newDoc(g.Lang, true, footer)
	if err != nil {
		return nil, err
	}
	d.margin, d.top = 36, 34
	d.y = d.top
	d.info(d.t("sheet.grid.title")+" — "+g.Title, g.Producer.Name)
	if g.Producer.Name != "" {
		d.header(g.Producer)
	}
	d.title(d.t("sheet.grid.title"), 14)
	d.para(joinNonEmpty(" — ", g.Title, g.Name), strong, d.margin, d.width(), center)
	d.space(8)
	gridIdentity(d)

	// A grid of many criteria repeats the candidate's line on each page,
	// in case the pages are separated.
	d.onNewPage = func() { gridIdentity(d) }
	d.table(gridColumns(d, g), gridRows(d, g), true)
	d.onNewPage = nil
	gridFooter(d)
	return d.finish()
}

// gridIdentity draws the lines to fill in: candidate, expert, date.
func gridIdentity(d *doc) {
	fields := []string{
		d.t("sheet.grid.candidate"), d.t("sheet.grid.expert"), d.t("sheet.grid.date"),
	}
	shares := []float64{0.45, 0.35, 0.20}
	x := d.margin
	for i, f := range fields {
		w := d.width() * shares[i]
		d.text(x, d.y, f, strong)
		lx := x + d.measure(f, strong) + 4
		d.line(lx, d.y+strong.size+1, x+w-12, d.y+strong.size+1, 0.5, grey)
		x += w
	}
	d.y += strong.lineHeight() + 10
}

// gridColumns are the criterion, one column per level, the comments.
func gridColumns(d *doc, g BlankGrid) []column {
	cols := []column{{title: d.t("sheet.grid.criterion"), width: 20, titled: true}}
	share := 62 / float64(len(g.Levels))
	for _, l := range g.Levels {
		cols = append(cols, column{title: l, width: share})
	}
	return append(cols, column{title: d.t("sheet.grid.comments"), width: 18})
}

// gridRows writes each criterion's descriptors, points and tick boxes.
func gridRows(d *doc, g BlankGrid) [][]string {
	rows := make([][]string, len(g.Criteria))
	for i, c := range g.Criteria {
		row := []string{joinNonEmpty("\n", c.Title, c.Description)}
		for j := range g.Levels {
			if j >= len(c.Cells) {
				row = append(row, "")
				continue
			}
			cell := c.Cells[j]
			pts := d.t("sheet.grid.points", formatNumber(d.lang, cell.Points))
			row = append(row, joinNonEmpty("\n", cell.Descriptor, "☐ "+pts))
		}
		rows[i] = append(row, strings.Repeat("\n", blankLines))
	}
	return rows
}

// gridFooter leaves room for the total, a general comment and a signature.
func gridFooter(d *doc) {
	d.space(12)
	d.ensure(5 * strong.lineHeight())
	d.text(d.margin, d.y, d.t("sheet.grid.total"), strong)
	d.text(d.margin+d.width()*0.45, d.y, d.t("sheet.grid.signature"), strong)
	d.y += strong.lineHeight() + 8
	d.text(d.margin, d.y, d.t("sheet.grid.general"), strong)
	d.y += strong.lineHeight()
	for range 3 {
		d.y += 16
		d.line(d.margin, d.y, d.margin+d.width(), d.y, 0.4, rule)
	}
}
