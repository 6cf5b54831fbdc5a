package issue

import (
	"bytes"
	"encoding/csv"
	"fmt"

	"github.com/xuri/excelize/v2"

	"certeval/i18n"
)

// Results is the plain input of the results exports: one credential's
// sitting, one row per candidate. It holds no accommodation, by design.
type Results struct {
	Credential string // the credential's code
	Title      string
	Sitting    int
	// Criteria are the grid's criteria, the breakdown columns.
	Criteria []string
	Rows     []ResultRow
}

// ResultRow is one candidate's line of the results exports.
type ResultRow struct {
	CandidateID  string
	FamilyName   string
	GivenNames   string
	University   string // participating university's code
	OutcomeCode  string // "ADM", "AJ"…
	OutcomeLabel string
	Mark         float64 // out of 20, when HasMark
	HasMark      bool
	// Points are the points per criterion, in the order of
	// Results.Criteria; nil when the candidate has no graded work.
	Points []float64
}

// exportHeader returns the column names of the results exports.
func exportHeader(r Results) []string {
	h := []string{"identifiant", "nom", "prénom", "université", "code résultat",
		"résultat", "note sur 20"}
	for _, c := range r.Criteria {
		h = append(h, "critère : "+c)
	}
	return h
}

// cell is one value of an export: text, or a number when IsNum.
type cell struct {
	Text  string
	Num   float64
	IsNum bool
}

// exportCells returns the cells of one row, aligned with exportHeader.
func exportCells(r Results, row ResultRow) []cell {
	cells := []cell{{Text: row.CandidateID}, {Text: row.FamilyName},
		{Text: row.GivenNames}, {Text: row.University}, {Text: row.OutcomeCode},
		{Text: row.OutcomeLabel}}
	if row.HasMark {
		cells = append(cells, cell{Num: row.Mark, IsNum: true})
	} else {
		cells = append(cells, cell{})
	}
	for i := range r.Criteria {
		if i < len(row.Points) {
			cells = append(cells, cell{Num: row.Points[i], IsNum: true})
		} else {
			cells = append(cells, cell{})
		}
	}
	return cells
}

// Neutralize returns text safe to put in a spreadsheet cell: a value that
// a spreadsheet would take for a formula (starting with = + - @, a tab or a
// carriage return) gets a leading apostrophe, so it shows as typed and
// runs nothing.
func Neutralize(text string) string {
	if text == "" {
		return text
	}
	switch text[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + text
	}
	return text
}

// ResultsCSV returns the results as CSV for French spreadsheets: UTF-8 with
// a byte-order mark, ";" between fields, CRLF line ends, one row per
// candidate. Numbers are plain numbers with a decimal comma (15,5), which
// French spreadsheets read as numbers; text cells are neutralised.
func ResultsCSV(r Results) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.Comma, w.UseCRLF = ';', true

	if err := w.Write(neutralizeAll(exportHeader(r))); err != nil {
		return nil, fmt.Errorf("write csv: %w", err)
	}
	for _, row := range r.Rows {
		cells := exportCells(r, row)
		rec := make([]string, len(cells))
		for i, c := range cells {
			rec[i] = Neutralize(c.Text)
			if c.IsNum {
				rec[i] = i18n.NumberIn("fr", c.Num, -1) // the French CSV convention
			}
		}
		if err := w.Write(rec); err != nil {
			return nil, fmt.Errorf("write csv: %w", err)
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

func neutralizeAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = Neutralize(s)
	}
	return out
}

// ResultsXLSX returns the results as an Excel workbook of one sheet:
// numbers in numeric cells, text in text cells, neutralised.
func ResultsXLSX(r Results) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Résultats"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("write xlsx: %w", err)
	}

	header := exportHeader(r)
	for i, h := range header {
		if err := setText(f, sheet, i+1, 1, h); err != nil {
			return nil, err
		}
	}
	for y, row := range r.Rows {
		for x, c := range exportCells(r, row) {
			var err error
			switch {
			case c.IsNum:
				err = setNumber(f, sheet, x+1, y+2, c.Num)
			case c.Text != "":
				err = setText(f, sheet, x+1, y+2, c.Text)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("write xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

func setText(f *excelize.File, sheet string, col, row int, text string) error {
	name, err := excelize.CoordinatesToCellName(col, row)
	if err == nil {
		err = f.SetCellStr(sheet, name, Neutralize(text))
	}
	if err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

func setNumber(f *excelize.File, sheet string, col, row int, v float64) error {
	name, err := excelize.CoordinatesToCellName(col, row)
	if err == nil {
		err = f.SetCellFloat(sheet, name, v, -1, 64)
	}
	if err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}
