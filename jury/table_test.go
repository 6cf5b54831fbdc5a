package jury_test

import (
	"fmt"
	"slices"
	"testing"

	"certeval/i18n"
	"certeval/jury"
)

// tableRows returns six candidates, all revealed but the last.
func tableRows() []jury.Row {
	return []jury.Row{
		{ID: "C10", Name: "Zoé Martin", AnonCode: "K-207", Revealed: true, Mark: 12,
			HasMark: true, Proposed: jury.OutcomePassed, Decided: jury.OutcomePassed},
		{ID: "C9", Name: "émile Durand", AnonCode: "K-031", Revealed: true, Mark: 8,
			HasMark: true, Proposed: jury.OutcomeNotPassed, Decided: jury.OutcomePassedByJury,
			Flags: jury.Flags{Late: true, Appeal: true}},
		{ID: "C2", Name: "Adèle Roux", AnonCode: "K-115", Revealed: true,
			Proposed: jury.OutcomeAbsentJustified, Flags: jury.Flags{Accommodation: true}},
		{ID: "C4", Name: "Eric Blanc", AnonCode: "K-009", Revealed: true, Mark: 15,
			HasMark: true, Proposed: jury.OutcomePassed, Flags: jury.Flags{Reconciled: true}},
		{ID: "C3", Name: "Élodie Cœur-Petit", AnonCode: "K-120", Revealed: true, Mark: 8,
			HasMark: true, Proposed: jury.OutcomeNotPassed, Decided: jury.OutcomeNotPassed,
			Flags: jury.Flags{Late: true}},
		{ID: "C1", Name: "Aaron Secret", AnonCode: "K-500", Revealed: false, Mark: 11,
			HasMark: true, Proposed: jury.OutcomePassed},
	}
}

func ids(rows []jury.Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

func TestTableSort(t *testing.T) {
	i18n.SetLanguage("fr")
	tests := []struct {
		name string
		by   jury.Column
		desc bool
		want []string
	}{
		// French collation: accents and case weigh less than letters; the
		// hidden name sorts by its code "K-500", after every real name.
		{"name", jury.ColumnName, false, []string{"C2", "C3", "C9", "C4", "C1", "C10"}},
		{"name descending", jury.ColumnName, true,
			[]string{"C10", "C1", "C4", "C9", "C3", "C2"}},
		{"ID, digits as numbers", jury.ColumnID, false,
			[]string{"C1", "C2", "C3", "C4", "C9", "C10"}},
		{"anonymous code", jury.ColumnAnonCode, false,
			[]string{"C4", "C9", "C2", "C3", "C10", "C1"}},
		{"mark, missing last", jury.ColumnMark, false,
			[]string{"C9", "C3", "C1", "C10", "C4", "C2"}},
		{"mark descending, missing last", jury.ColumnMark, true,
			[]string{"C4", "C10", "C1", "C9", "C3", "C2"}},
		{"proposed, stable", jury.ColumnProposed, false,
			[]string{"C10", "C4", "C1", "C9", "C3", "C2"}},
		{"decided, undecided last", jury.ColumnDecided, false,
			[]string{"C10", "C9", "C3", "C2", "C4", "C1"}},
		{"late flag", jury.ColumnLate, false, []string{"C10", "C2", "C4", "C1", "C9", "C3"}},
		{"accommodation flag descending", jury.ColumnAccommodation, true,
			[]string{"C2", "C10", "C9", "C4", "C3", "C1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := jury.NewTable(tableRows())
			tab.Sort(tt.by, tt.desc)
			if got := ids(tab.Rows()); !slices.Equal(got, tt.want) {
				t.Fatalf("order = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTableSortIsStableAcrossColumns(t *testing.T) {
	tab := jury.NewTable(tableRows())
	tab.Sort(jury.ColumnName, false)
	tab.Sort(jury.ColumnProposed, false)
	want := []string{"C4", "C1", "C10", "C3", "C9", "C2"}
	if got := ids(tab.Rows()); !slices.Equal(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
}

func TestTableFilter(t *testing.T) {
	tests := []struct {
		name string
		f    jury.Filter
		want []string
	}{
		{"everything", jury.Filter{}, []string{"C10", "C9", "C2", "C4", "C3", "C1"}},
		{"proposed AJ", jury.Filter{Proposed: jury.OutcomeNotPassed}, []string{"C9", "C3"}},
		{"decided ADJ", jury.Filter{Decided: jury.OutcomePassedByJury}, []string{"C9"}},
		{"late", jury.Filter{Flags: jury.Flags{Late: true}}, []string{"C9", "C3"}},
		{"late and appeal", jury.Filter{Flags: jury.Flags{Late: true, Appeal: true}},
			[]string{"C9"}},
		{"accommodation", jury.Filter{Flags: jury.Flags{Accommodation: true}}, []string{"C2"}},
		{"reconciled", jury.Filter{Flags: jury.Flags{Reconciled: true}}, []string{"C4"}},
		{"name without accents", jury.Filter{Text: "ELODIE"}, []string{"C3"}},
		{"ligature", jury.Filter{Text: "coeur"}, []string{"C3"}},
		{"accented query", jury.Filter{Text: "Émile"}, []string{"C9"}},
		{"ID", jury.Filter{Text: "c1"}, []string{"C10", "C1"}},
		{"anonymous code", jury.Filter{Text: "k-50"}, []string{"C1"}},
		{"hidden name never matches", jury.Filter{Text: "Secret"}, nil},
		{"text and outcome", jury.Filter{Text: "K-0", Proposed: jury.OutcomePassed},
			[]string{"C4"}},
		{"nothing", jury.Filter{Text: "zzz"}, nil},
	}
	tab := jury.NewTable(tableRows())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(tab.Filter(tt.f)); !slices.Equal(got, tt.want) {
				t.Fatalf("rows = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRowDisplay(t *testing.T) {
	rows := tableRows()
	if got := rows[0].Display(); got != "Zoé Martin" {
		t.Errorf("revealed display = %q", got)
	}
	if got := rows[5].Display(); got != "K-500" {
		t.Errorf("hidden display = %q", got)
	}
}

// benchRows returns n candidates with French names, some hidden.
func benchRows(n int) []jury.Row {
	given := []string{"Élodie", "Émile", "Zoé", "Adèle", "Chloé", "Raphaël", "Inès", "Noé"}
	family := []string{"Martin", "Bernard", "Dubois", "Lefèvre", "Lemaître", "Rousseau",
		"Œuvray", "Fabre", "Girard", "Bonnet", "Leroy", "Mercier"}
	outcomes := []jury.Outcome{jury.OutcomePassed, jury.OutcomeNotPassed,
		jury.OutcomeAbsentJustified, jury.OutcomePending}
	rows := make([]jury.Row, n)
	for i := range rows {
		rows[i] = jury.Row{
			ID:       fmt.Sprintf("2025%05d", (i*7919)%n),
			Name:     fmt.Sprintf("%s %s", given[i%len(given)], family[(i/3)%len(family)]),
			AnonCode: fmt.Sprintf("K-%04d", (i*104729)%n),
			Revealed: i%5 != 0,
			Mark:     float64((i*37)%41) / 2, HasMark: i%11 != 0,
			Proposed: outcomes[i%len(outcomes)],
			Flags:    jury.Flags{Late: i%7 == 0, Accommodation: i%13 == 0},
		}
	}
	return rows
}

func BenchmarkTableSortFilter5000(b *testing.B) {
	tab := jury.NewTable(benchRows(5000))
	desc := false
	for b.Loop() {
		desc = !desc
		tab.Sort(jury.ColumnName, desc)
		tab.Sort(jury.ColumnMark, true)
		rows := tab.Filter(jury.Filter{Text: "martin", Proposed: jury.OutcomePassed})
		if len(rows) == 0 {
			b.Fatal("filter found nothing")
		}
	}
}

func BenchmarkNewTable5000(b *testing.B) {
	rows := benchRows(5000)
	for b.Loop() {
		jury.NewTable(rows)
	}
}

func BenchmarkTableBuildSortFilter5000(b *testing.B) {
	rows := benchRows(5000)
	for b.Loop() {
		tab := jury.NewTable(rows)
		tab.Sort(jury.ColumnName, false)
		if len(tab.Filter(jury.Filter{Text: "élodie", Flags: jury.Flags{Late: true}})) == 0 {
			b.Fatal("filter found nothing")
		}
	}
}
