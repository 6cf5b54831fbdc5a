package sheet

// column is one column of a table.
type column struct {
	title string
	width float64 // share of the table's width
	align align
	bold  bool
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
	d.onNewPage = drawHeader
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
	cells := make([][]string, len(cols))
	n := 1
	for i, c := range cols {
		text := ""
		if i < len(row) {
			text = row[i]
		}
		cells[i] = d.wrap(text, cellStyle(c), widths[i]-2*cellPad)
		n = max(n, len(cells[i]))
	}
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

// rowPart draws lines [start, start+count) of a row's cells.
func (d *doc) rowPart(cols []column, widths []float64, cells [][]string,
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
			d.textIn(x+cellPad, y, widths[i]-2*cellPad, cells[i][j], cellStyle(c), c.align)
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
