package jury

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	"certeval/i18n"
)

// Flags are the marks the deliberation table shows beside a candidate.
type Flags struct {
	Accommodation bool // has an accommodation (never shown outside the jury)
	Late          bool // handed in late
	Reconciled    bool // double marking was reconciled
	Appeal        bool // an appeal was filed
}

// Row is one candidate in the deliberation table.
type Row struct {
	ID       string
	Name     string // shown only when Revealed
	AnonCode string
	Revealed bool // names are revealed (grading was not blind, or is over)
	Mark     float64
	HasMark  bool
	Proposed Outcome
	Decided  Outcome // "" until decided
	Flags    Flags
}

// Display returns what the table shows as the candidate's name: the name
// once revealed, the anonymous code before.
func (r Row) Display() string {
	if r.Revealed {
		return r.Name
	}
	return r.AnonCode
}

// Column is a column of the deliberation table.
type Column int

// The columns of the deliberation table.
const (
	ColumnID Column = iota
	ColumnName
	ColumnAnonCode
	ColumnMark
	ColumnProposed
	ColumnDecided
	ColumnAccommodation
	ColumnLate
	ColumnReconciled
	ColumnAppeal
)

// Filter selects rows of the deliberation table. Zero fields select all.
type Filter struct {
	Proposed Outcome // rows with this proposed outcome
	Decided  Outcome // rows with this decided outcome
	Flags    Flags   // rows with every flag set here
	// Text matches the ID, the anonymous code, or the name when revealed,
	// ignoring case and accents.
	Text string
}

// Table is the deliberation table: rows that sort by any column and filter.
// It is not safe for concurrent use.
type Table struct {
	rows  []tableRow
	tag   language.Tag
	keyed map[Column]bool // columns whose collation keys are computed
}

// tableRow is a row with its sort keys and folded search texts.
type tableRow struct {
	Row
	idKey, anonKey, nameKey []byte
	search                  string // folded ID, anonymous code and revealed name
}

// NewTable returns a table of rows in the given order. Names sort with the
// collation of the current language (French by default: accents and case
// weigh less than letters); identifiers and codes sort digits as numbers.
func NewTable(rows []Row) *Table {
	t := &Table{
		rows:  make([]tableRow, len(rows)),
		tag:   language.French,
		keyed: make(map[Column]bool),
	}
	if i18n.Language() == "en" {
		t.tag = language.English
	}

	fold := newTableFolder()
	for i, r := range rows {
		search := r.ID + "\x00" + r.AnonCode
		if r.Revealed {
			search += "\x00" + r.Name
		}
		t.rows[i] = tableRow{Row: r, search: fold(search)}
	}
	return t
}

// collationKeys computes, once, the sort keys of a text column.
func (t *Table) collationKeys(c Column) {
	if t.keyed[c] || (c != ColumnID && c != ColumnName && c != ColumnAnonCode) {
		return
	}
	col := collate.New(t.tag, collate.Numeric)
	if c == ColumnName {
		col = collate.New(t.tag)
	}
	var buf collate.Buffer
	for i := range t.rows {
		r := &t.rows[i]
		switch c {
		case ColumnID:
			r.idKey = col.KeyFromString(&buf, r.ID)
		case ColumnAnonCode:
			r.anonKey = col.KeyFromString(&buf, r.AnonCode)
		case ColumnName:
			r.nameKey = col.KeyFromString(&buf, r.Display())
		}
	}
	t.keyed[c] = true
}

// Len returns the number of rows.
func (t *Table) Len() int { return len(t.rows) }

// Rows returns every row in the current order.
func (t *Table) Rows() []Row {
	out := make([]Row, len(t.rows))
	for i, r := range t.rows {
		out[i] = r.Row
	}
	return out
}

// Sort orders the rows by one column, keeping the current order between
// equal rows, so that sorting by one column then another sorts by both.
// A name not revealed sorts by its anonymous code, so that the order gives
// nothing away. Rows without a mark come last either way.
func (t *Table) Sort(c Column, desc bool) {
	t.collationKeys(c)
	slices.SortStableFunc(t.rows, func(a, b tableRow) int {
		if c == ColumnMark && a.HasMark != b.HasMark {
			if a.HasMark {
				return -1
			}
			return 1
		}
		n := compareRows(c, &a, &b)
		if desc {
			return -n
		}
		return n
	})
}

// Filter returns the rows f selects, in the current order.
func (t *Table) Filter(f Filter) []Row {
	text := newTableFolder()(strings.TrimSpace(f.Text))
	var out []Row
	for i := range t.rows {
		r := &t.rows[i]
		if r.matches(f, text) {
			out = append(out, r.Row)
		}
	}
	return out
}

// matches reports whether r passes f, text being f.Text folded.
func (r *tableRow) matches(f Filter, text string) bool {
	switch {
	case f.Proposed != "" && r.Proposed != f.Proposed,
		f.Decided != "" && r.Decided != f.Decided,
		f.Flags.Accommodation && !r.Flags.Accommodation,
		f.Flags.Late && !r.Flags.Late,
		f.Flags.Reconciled && !r.Flags.Reconciled,
		f.Flags.Appeal && !r.Flags.Appeal:
		return false
	}
	return text == "" || strings.Contains(r.search, text)
}

// compareRows compares two rows on column c.
func compareRows(c Column, a, b *tableRow) int {
	switch c {
	case ColumnID:
		return bytes.Compare(a.idKey, b.idKey)
	case ColumnName:
		return bytes.Compare(a.nameKey, b.nameKey)
	case ColumnAnonCode:
		return bytes.Compare(a.anonKey, b.anonKey)
	case ColumnMark:
		return cmp.Compare(a.Mark, b.Mark)
	case ColumnProposed:
		return cmp.Compare(outcomeOrder(a.Proposed), outcomeOrder(b.Proposed))
	case ColumnDecided:
		return cmp.Compare(outcomeOrder(a.Decided), outcomeOrder(b.Decided))
	case ColumnAccommodation:
		return compareFlag(a.Flags.Accommodation, b.Flags.Accommodation)
	case ColumnLate:
		return compareFlag(a.Flags.Late, b.Flags.Late)
	case ColumnReconciled:
		return compareFlag(a.Flags.Reconciled, b.Flags.Reconciled)
	case ColumnAppeal:
		return compareFlag(a.Flags.Appeal, b.Flags.Appeal)
	}
	return 0
}

// outcomeOrder places outcomes in the order of Outcomes, undecided last.
func outcomeOrder(o Outcome) int {
	if i := slices.Index(Outcomes, o); i >= 0 {
		return i
	}
	return len(Outcomes)
}

// compareFlag orders unset before set.
func compareFlag(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// newTableFolder returns a function that lowers case and drops accents, so
// that "eloise" finds "Éloïse" and "coeur" finds "Cœur".
func newTableFolder() func(string) string {
	ligatures := strings.NewReplacer("œ", "oe", "Œ", "oe", "æ", "ae", "Æ", "ae")
	var b strings.Builder
	return func(s string) string {
		if isASCII(s) {
			return strings.ToLower(s)
		}
		b.Reset()
		for _, r := range norm.NFD.String(ligatures.Replace(s)) {
			if !unicode.Is(unicode.Mn, r) {
				b.WriteRune(unicode.ToLower(r))
			}
		}
		return b.String()
	}
}

// isASCII reports whether s holds only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
