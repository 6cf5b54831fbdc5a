package sheet

import "strings"

// column is one column of a table.
type column struct {
	title string
	width float64 // share of the table's width
	align align
	bold  bool
	// titled makes the first line of each cell bold, the rest regular.
	titled bool
}

// styledLine is one wrapped line of a cell and its style.
type styledLine struct {
	s  string
	st style
}

// cellPad is the padding inside table cells.
const cellPad = 4

// table draws rows under a header repeated on each page. Text wraps inside
// its cell and a row grows to its tallest cell; a row moves to the next
// page whole, unless it is taller than a page on its own.
func (d *doc) table(cols []column, rows [][]string, showHeader bool) {
	widths := d.columnWidths(cols)
	drawHeader := func() {
		if showHeader {
			d.tableHeader(cols, widths)
		}
	}
	drawHeader()
	prev := d.onNewPage
	d.onNewPage = func() {
		if prev != nil {
			prev()
		}
		drawHeader()
	}
	defer func() { d.onNewPage = prev }()

	for i, row := range rows {
		d.tableRow(cols, widths, row, i%2 == 1)
	}
}

// columnWidths turns the columns' shares into widths in points.
func (d *doc) columnWidths(cols []column) []float64 {
	total := 0.0
	for _, c := range cols {
		total += c.width
	}
	widths := make([]float64, len(cols))
	for i, c := range cols {
		widths[i] = d.width() * c.width / total
	}
	return widths
}

// tableHeader draws the shaded row of column titles.
func (d *doc) tableHeader(cols []column, widths []float64) {
	cells := make([][]string, len(cols))
	n := 1
	for i, c := range cols {
		cells[i] = d.wrap(c.title, headSt, widths[i]-2*cellPad)
		n = max(n, len(cells[i]))
	}
	h := float64(n)*headSt.lineHeight() + 2*cellPad
	x := d.margin
	for i, c := range cols {
		d.rect(x, d.y, widths[i], h, &shade, &rule)
		for j, l := range cells[i] {
			y := d.y + cellPad + float64(j)*headSt.lineHeight()
			d.textIn(x+cellPad, y, widths[i]-2*cellPad, l, headSt, c.align)
		}
		x += widths[i]
	}
	d.y += h
}

// tableRow lays out one row, on this page if it fits, else on the next.
func (d *doc) tableRow(cols []column, widths []float64, row []string, striped bool) {
	cells, n := d.rowCells(cols, widths, row)
	lh := cellSt.lineHeight()
	pageTop := d.atPageTop()
	for start := 0; start < n; {
		fit := int((d.bottom - d.y - 2*cellPad) / lh)
		if fit < n-start && !pageTop {
			d.newPage()
			pageTop = true
			continue
		}
		count := min(max(fit, 1), n-start)
		d.rowPart(cols, widths, cells, start, count, striped)
		start += count
		if start < n {
			d.newPage()
		}
	}
}

// rowCells wraps each cell of a row to its column and returns the lines
// and the number of lines of the tallest cell.
func (d *doc) rowCells(cols []column, widths []float64, row []string) ([][]styledLine, int) {
	cells := make([][]styledLine, len(cols))
	n := 1
	for i, c := range cols {
		text := ""
		if i < len(row) {
			text = row[i]
		}
		w := widths[i] - 2*cellPad
		st := cellStyle(c)
		if c.titled {
			title, rest, _ := strings.Cut(text, "\n")
			cells[i] = d.styledLines(cells[i], title, strong.withSize(st.size), w)
			if rest != "" {
				cells[i] = d.styledLines(cells[i], rest, st, w)
			}
		} else {
			cells[i] = d.styledLines(cells[i], text, st, w)
		}
		n = max(n, len(cells[i]))
	}
	return cells, n
}

// styledLines appends text wrapped to w in st to lines.
func (d *doc) styledLines(lines []styledLine, text string, st style, w float64) []styledLine {
	for _, l := range d.wrap(text, st, w) {
		lines = append(lines, styledLine{l, st})
	}
	return lines
}

// tableHeight is the height a table would take, header included, if it
// were drawn on one page; callers use it to keep a short table together.
func (d *doc) tableHeight(cols []column, rows [][]string, showHeader bool) float64 {
	widths := d.columnWidths(cols)
	h := 0.0
	if showHeader {
		h += headSt.lineHeight() + 2*cellPad
	}
	for _, row := range rows {
		_, n := d.rowCells(cols, widths, row)
		h += float64(n)*cellSt.lineHeight() + 2*cellPad
	}
	return h
}

// rowPart draws lines [start, start+count) of a row's cells.
func (d *doc) rowPart(cols []column, widths []float64, cells [][]styledLine,
	start, count int, striped bool) {
	lh := cellSt.lineHeight()
	h := float64(count)*lh + 2*cellPad
	var fill *rgb
	if striped {
		fill = &zebra
	}
	x := d.margin
	for i, c := range cols {
		d.rect(x, d.y, widths[i], h, fill, &rule)
		for j := start; j < start+count && j < len(cells[i]); j++ {
			y := d.y + cellPad + float64(j-start)*lh
			l := cells[i][j]
			d.textIn(x+cellPad, y, widths[i]-2*cellPad, l.s, l.st, c.align)
		}
		x += widths[i]
	}
	d.y += h
}

// cellStyle is the text style of a column's cells.
func cellStyle(c column) style {
	st := cellSt
	st.bold = c.bold
	return st
}
