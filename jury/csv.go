package jury

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// ErrImportRefused is the sentinel behind every *ImportError.
var ErrImportRefused = errors.New("jury: import refused")

// LineError is one problem of an imported file: the physical line where the
// record starts (the header is line 1), the column as the file names it
// (empty when the whole line is at fault) and what to fix.
type LineError struct {
	Line   int
	Column string
	Text   string
}

// String returns the problem as one sentence for the user.
func (e LineError) String() string {
	if e.Column == "" {
		return t("csv.at_line", e.Line, e.Text)
	}
	return t("csv.at_line_column", e.Line, e.Column, e.Text)
}

// ImportError is a refused import. Nothing of the file is imported: it
// lists every bad row, in the order of the file.
type ImportError struct {
	Problems []LineError
}

// Error returns a heading and every problem, one a line.
func (e *ImportError) Error() string {
	var b strings.Builder
	b.WriteString(t("csv.refused", len(e.Problems)))
	for _, p := range e.Problems {
		b.WriteString("\n")
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap returns ErrImportRefused.
func (e *ImportError) Unwrap() error { return ErrImportRefused }

// ImportOptions is what an import checks rows against.
type ImportOptions struct {
	// Universities are the participating universities; a row names one by
	// its code or its name (case and accents do not matter).
	Universities []University
	// ExistingIDs are the identifiers already enrolled in the workspace.
	ExistingIDs []string
}

// columnSpec is a column an importer knows.
type columnSpec struct {
	name     string   // stable name; "column.<name>" is its label
	aliases  []string // accepted headers, compared folded
	required bool
}

// candidateColumns are the columns of a candidate list; CSV.md documents
// them for users and must be kept in step.
var candidateColumns = []columnSpec{
	{"id", []string{"identifiant", "id", "numéro", "numéro de candidat",
		"numéro candidat", "numéro étudiant", "n° étudiant", "identifier",
		"candidate id", "student id", "student number"}, true},
	{"family_name", []string{"nom", "nom de famille", "nom d'usage",
		"family name", "last name", "surname"}, true},
	{"given_names", []string{"prénom", "prénoms", "given names", "given name",
		"first name", "first names"}, true},
	{"birth_date", []string{"date de naissance", "naissance", "né le",
		"né(e) le", "birth date", "date of birth", "birthdate"}, true},
	{"email", []string{"courriel", "adresse électronique", "adresse courriel",
		"adresse mail", "mail", "e-mail", "email", "email address"}, true},
	{"university", []string{"université participante", "université",
		"établissement", "établissement participant", "participating university",
		"university", "institution"}, false},
	{"withdrawn", []string{"abandon", "désinscrit", "désinscrite", "retiré",
		"withdrawn"}, false},
}

// ParseCandidates reads a list of candidates from CSV, as enrolment
// platforms and spreadsheets export it, and checks every row. It returns
// every candidate, or a *ImportError listing every bad row and no
// candidate at all.
//
// The file is UTF-8, with or without a byte-order mark; the separator is
// ";" or "," (or a tab), whichever the header line uses; lines end in CRLF
// or LF; quoted fields may hold separators and line breaks. Empty lines are
// ignored. Names are trimmed, made Unicode NFC, and white space inside
// them (line breaks included) becomes one space. A value that looks like a
// spreadsheet formula (=HYPERLINK(…)) is kept as plain text; exports
// neutralise it.
//
// The header names the columns, in any order, in French or English; case,
// accents and punctuation do not matter, unknown columns are ignored:
//
//	identifiant       id, numéro, numéro de candidat, numéro étudiant,
//	                  n° étudiant, identifier, candidate id, student id,
//	                  student number                                (required)
//	nom               nom de famille, nom d'usage, family name,
//	                  last name, surname                            (required)
//	prénom            prénoms, given names, given name, first name,
//	                  first names                                   (required)
//	date de naissance naissance, né le, né(e) le, birth date,
//	                  date of birth, birthdate: dd/mm/yyyy or
//	                  yyyy-mm-dd                                    (required)
//	courriel          adresse électronique, adresse courriel,
//	                  adresse mail, mail, e-mail, email,
//	                  email address                                 (required)
//	université participante  université, établissement,
//	                  établissement participant, participating
//	                  university, university, institution: a code
//	                  or name of opts.Universities; empty leaves
//	                  the university to AssignUniversities          (optional)
//	abandon           désinscrit, désinscrite, retiré, withdrawn:
//	                  oui/non, yes/no, 1/0, x or empty              (optional)
//
// Identifiers are unique in the file and against opts.ExistingIDs, case
// not mattering.
func ParseCandidates(r io.Reader, opts ImportOptions) ([]Candidate, error) {
	tb, bad, err := readTable(r, candidateColumns)
	if err != nil || tb == nil {
		return nil, refusal(bad, err)
	}

	imp := newCandidateImport(opts)
	cands := make([]Candidate, 0, len(tb.records))
	for _, rec := range tb.records {
		c, errs := imp.row(tb, rec)
		bad = append(bad, errs...)
		cands = append(cands, c)
	}
	if len(bad) > 0 {
		return nil, refusal(bad, nil)
	}
	return cands, nil
}

// refusal returns err, or else an *ImportError of the problems in the
// order of the file.
func refusal(bad []LineError, err error) error {
	if err != nil {
		return err
	}
	slices.SortStableFunc(bad, func(a, b LineError) int { return a.Line - b.Line })
	return &ImportError{Problems: bad}
}

// candidateImport holds what rows are checked against.
type candidateImport struct {
	univs    map[string]string // folded code or name → code
	known    string            // the known codes, for messages
	existing map[string]bool   // idKey of the enrolled identifiers
	seen     map[string]int    // idKey → line of the file
}

func newCandidateImport(opts ImportOptions) *candidateImport {
	imp := &candidateImport{
		univs:    make(map[string]string),
		existing: make(map[string]bool, len(opts.ExistingIDs)),
		seen:     make(map[string]int),
	}
	codes := make([]string, 0, len(opts.Universities))
	for _, u := range opts.Universities {
		imp.univs[fold(u.Name)] = u.Code
		imp.univs[fold(u.Code)] = u.Code
		codes = append(codes, u.Code)
	}
	delete(imp.univs, "")
	imp.known = strings.Join(codes, ", ")

	for _, id := range opts.ExistingIDs {
		imp.existing[idKey(id)] = true
	}
	return imp
}

// row turns one record into a candidate, with the problems it has.
func (imp *candidateImport) row(tb *csvTable, rec csvRecord) (Candidate, []LineError) {
	var errs []LineError
	report := func(col, text string) {
		errs = append(errs, LineError{Line: rec.line, Column: tb.column(col), Text: text})
	}

	var c Candidate
	c.ID = norm.NFC.String(strings.TrimSpace(tb.value(rec, "id")))
	if msg := imp.checkUnique(c.ID, rec.line); msg != "" {
		report("id", msg)
	}
	c.FamilyName = cleanText(tb.value(rec, "family_name"))
	if msg := checkName(c.FamilyName); msg != "" {
		report("family_name", msg)
	}
	c.GivenNames = cleanText(tb.value(rec, "given_names"))
	if msg := checkName(c.GivenNames); msg != "" {
		report("given_names", msg)
	}
	c.BirthDate = imp.birthDate(tb.value(rec, "birth_date"), func(m string) {
		report("birth_date", m)
	})
	c.Email = strings.TrimSpace(norm.NFC.String(tb.value(rec, "email")))
	if msg := checkEmail(c.Email); msg != "" {
		report("email", msg)
	}

	var msg string
	c.University, msg = imp.university(tb.value(rec, "university"))
	if msg != "" {
		report("university", msg)
	}
	c.Withdrawn, msg = parseYesNo(tb.value(rec, "withdrawn"))
	if msg != "" {
		report("withdrawn", msg)
	}
	return c, errs
}

// checkUnique checks an identifier and records it as seen at line.
func (imp *candidateImport) checkUnique(id string, line int) string {
	if msg := checkID(id); msg != "" {
		return msg
	}
	key := idKey(id)
	if first, dup := imp.seen[key]; dup {
		return t("check.dup_file", id, first)
	}
	imp.seen[key] = line
	if imp.existing[key] {
		return t("check.dup_workspace", id)
	}
	return ""
}

func (imp *candidateImport) birthDate(s string, report func(string)) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		report(t("check.required"))
		return time.Time{}
	}
	d, ok := parseDate(s)
	if !ok {
		report(t("check.date", s))
		return time.Time{}
	}
	if msg := checkBirthDate(d); msg != "" {
		report(msg)
	}
	return d
}

// university returns the code a cell names, or what is wrong with it.
func (imp *candidateImport) university(s string) (string, string) {
	s = cleanText(s)
	if s == "" {
		return "", ""
	}
	if code, ok := imp.univs[fold(s)]; ok {
		return code, ""
	}
	if imp.known == "" {
		return "", t("check.university_none", s)
	}
	return "", t("check.university", s, imp.known)
}

// idKey is the form under which two identifiers are the same.
func idKey(id string) string {
	return strings.ToLower(norm.NFC.String(strings.TrimSpace(id)))
}

// parseYesNo reads a yes/no cell; empty means no.
func parseYesNo(s string) (bool, string) {
	switch fold(s) {
	case "", "non", "n", "no", "0", "faux", "false":
		return false, ""
	case "oui", "o", "yes", "y", "1", "x", "vrai", "true":
		return true, ""
	}
	return false, t("check.yes_no", strings.TrimSpace(s))
}

// parseDate reads dd/mm/yyyy (also with "-" or "."), or yyyy-mm-dd, with
// an optional midnight time as spreadsheets add ("1990-05-12 00:00:00").
func parseDate(s string) (time.Time, bool) {
	if i := strings.IndexAny(s, " T"); i > 0 {
		if strings.Trim(s[i+1:], "0:.Z") != "" {
			return time.Time{}, false
		}
		s = s[:i]
	}

	i := strings.IndexAny(s, "/-.")
	if i < 0 {
		return time.Time{}, false
	}
	parts := strings.Split(s, s[i:i+1])
	if len(parts) != 3 {
		return time.Time{}, false
	}
	d, m, y := parts[0], parts[1], parts[2]
	if len(d) == 4 && s[i] == '-' {
		d, y = y, d
	}
	if len(y) != 4 || len(d) > 2 || len(m) > 2 {
		return time.Time{}, false
	}
	return makeDate(y, m, d)
}

// makeDate returns the date of the given digits, if it exists.
func makeDate(ys, ms, ds string) (time.Time, bool) {
	y, err1 := strconv.Atoi(ys)
	m, err2 := strconv.Atoi(ms)
	d, err3 := strconv.Atoi(ds)
	if err1 != nil || err2 != nil || err3 != nil || strings.ContainsAny(ys+ms+ds, "+-") {
		return time.Time{}, false
	}
	date := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if date.Year() != y || int(date.Month()) != m || date.Day() != d {
		return time.Time{}, false
	}
	return date, true
}

// csvTable is a CSV file read and checked for its shape: header mapped to
// known columns, every record with as many fields as the header.
type csvTable struct {
	header  []string       // as the file writes it, trimmed
	index   map[string]int // column name → field index
	records []csvRecord
}

// csvRecord is one non-empty data record.
type csvRecord struct {
	line   int // physical line where it starts
	fields []string
}

// value returns the field of the named column, "" when there is none.
func (tb *csvTable) value(rec csvRecord, name string) string {
	if i, ok := tb.index[name]; ok {
		return rec.fields[i]
	}
	return ""
}

// column returns the header of the named column as the file writes it.
func (tb *csvTable) column(name string) string {
	if i, ok := tb.index[name]; ok {
		return tb.header[i]
	}
	return t("column." + name)
}

// readTable reads a whole CSV file and checks its shape. It returns the
// table of the well-formed records and the problems of the others, or no
// table when the header cannot be used. The error is an I/O error.
func readTable(r io.Reader, specs []columnSpec) (*csvTable, []LineError, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("read csv: %w", err)
	}
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return nil, []LineError{{Line: 1, Text: t("csv.utf16")}}, nil
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))

	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = detectSeparator(data)
	cr.FieldsPerRecord = -1
	tb, bad := scanTable(cr, specs)
	return tb, bad, nil
}

// scanTable reads the records of cr: the header first, then the data.
func scanTable(cr *csv.Reader, specs []columnSpec) (*csvTable, []LineError) {
	tb := &csvTable{}
	var bad []LineError
	for {
		fields, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			bad = append(bad, LineError{Line: pe.StartLine, Text: syntaxText(pe)})
			if tb.header == nil {
				return nil, bad // no header to read the rest with
			}
			continue
		}
		if err != nil {
			break
		}
		if blankFields(fields) {
			continue
		}

		line, _ := cr.FieldPos(0)
		if i := invalidUTF8(fields); i >= 0 {
			bad = append(bad, LineError{Line: line, Column: tb.headerAt(i),
				Text: t("csv.utf8")})
			if tb.header == nil {
				return nil, bad
			}
			continue
		}
		if tb.header == nil {
			if errs := tb.setHeader(fields, specs, line); len(errs) > 0 {
				return nil, append(bad, errs...)
			}
			continue
		}
		if msg := tb.add(fields, line); msg != "" {
			bad = append(bad, LineError{Line: line, Text: msg})
		}
	}
	return tb.finish(bad)
}

// finish returns the table, or no table and a problem when the file has
// no header or no record.
func (tb *csvTable) finish(bad []LineError) (*csvTable, []LineError) {
	switch {
	case tb.header == nil:
		return nil, append(bad, LineError{Line: 1, Text: t("csv.empty")})
	case len(tb.records) == 0 && len(bad) == 0:
		return nil, []LineError{{Line: 2, Text: t("csv.no_rows")}}
	}
	return tb, bad
}

// headerAt returns the header of field i, "" when there is none yet.
func (tb *csvTable) headerAt(i int) string {
	if i < len(tb.header) {
		return tb.header[i]
	}
	return ""
}

// setHeader maps the header's fields to the known columns.
func (tb *csvTable) setHeader(fields []string, specs []columnSpec, line int) []LineError {
	var bad []LineError
	tb.index = make(map[string]int)
	for i, f := range fields {
		h := cleanText(f)
		tb.header = append(tb.header, h)
		name := columnOf(fold(h), specs)
		if name == "" {
			continue
		}
		if j, dup := tb.index[name]; dup {
			bad = append(bad, LineError{Line: line, Column: h,
				Text: t("csv.duplicate_column", tb.header[j])})
			continue
		}
		tb.index[name] = i
	}

	for _, s := range specs {
		if _, ok := tb.index[s.name]; s.required && !ok {
			bad = append(bad, LineError{Line: line, Column: t("column." + s.name),
				Text: t("csv.missing_column", strings.Join(s.aliases, ", "))})
		}
	}
	return bad
}

// columnOf returns the name of the column whose alias folds to key.
func columnOf(key string, specs []columnSpec) string {
	if key == "" {
		return ""
	}
	for _, s := range specs {
		for _, a := range s.aliases {
			if fold(a) == key {
				return s.name
			}
		}
	}
	return ""
}

// add appends a data record, or says why its shape is wrong. Empty fields
// after the last column, as spreadsheets pad, are dropped.
func (tb *csvTable) add(fields []string, line int) string {
	n := len(tb.header)
	if len(fields) > n && blankFields(fields[n:]) {
		fields = fields[:n]
	}
	if len(fields) != n {
		return t("csv.field_count", len(fields), n)
	}
	tb.records = append(tb.records, csvRecord{line: line, fields: fields})
	return ""
}

// syntaxText says what is wrong with the quotes of a line.
func syntaxText(pe *csv.ParseError) string {
	if errors.Is(pe.Err, csv.ErrBareQuote) {
		return t("csv.bare_quote")
	}
	return t("csv.quote")
}

// detectSeparator returns the separator the first line uses most among
// ";", "," and tab, outside quotes; ";" wins a tie.
func detectSeparator(data []byte) rune {
	counts := map[byte]int{}
	quoted := false
	for _, b := range data {
		if b == '"' {
			quoted = !quoted
		}
		if b == '\n' && !quoted {
			break
		}
		if !quoted {
			counts[b]++
		}
	}

	best := byte(',')
	for _, sep := range []byte{'\t', ',', ';'} {
		if counts[sep] > 0 && counts[sep] >= counts[best] {
			best = sep
		}
	}
	return rune(best)
}

func blankFields(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// invalidUTF8 returns the index of the first field that is not UTF-8, -1.
func invalidUTF8(fields []string) int {
	for i, f := range fields {
		if !utf8.ValidString(f) {
			return i
		}
	}
	return -1
}
