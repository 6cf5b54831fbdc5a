package jury_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"certeval/i18n"
	"certeval/jury"
)

// universities are the participating universities of the test files.
var universities = []jury.University{
	{Code: "UPVD", Name: "Université de Perpignan Via Domitia"},
	{Code: "UGA", Name: "Université Grenoble Alpes"},
	{Code: "UNISTRA", Name: "Université de Strasbourg"},
}

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "csv", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestFixturesAreMessy(t *testing.T) {
	excel := readFixture(t, "excel_fr.csv")
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"BOM", bytes.HasPrefix(excel, []byte("\uFEFF"))},
		{"CRLF", bytes.Contains(excel, []byte("\r\n"))},
		{"NFD accents", !norm.NFC.IsNormal(excel)},
		{"quoted line break", bytes.Contains(excel, []byte("OPCO;\r\nfinancement"))},
		{"empty trailing line", bytes.HasSuffix(excel, []byte("\r\n\r\n"))},
		{"invalid UTF-8", !utf8.Valid(readFixture(t, "invalid_utf8.csv"))},
	} {
		if !c.ok {
			t.Errorf("fixture lost its %s", c.name)
		}
	}
}

func TestParseCandidatesGood(t *testing.T) {
	tests := []struct {
		file string
		want []jury.Candidate
	}{
		{"excel_fr.csv", []jury.Candidate{
			{ID: "E2024001", FamilyName: "Lefèvre", GivenNames: "Hélène",
				BirthDate: date(1986, 7, 4), Email: "helene.lefevre@example.fr",
				University: "UPVD"},
			{ID: "E2024002", FamilyName: "N'Diaye", GivenNames: "Aïssatou Marie-Noëlle",
				BirthDate: date(1992, 11, 12), Email: "a.ndiaye@example.fr",
				University: "UGA"},
			{ID: "E2024003", FamilyName: `=HYPERLINK("http://x.example";"clic")`,
				GivenNames: "Zoé", BirthDate: date(2001, 2, 1), Email: "zoe@example.fr"},
			{ID: "E2024004", FamilyName: "Da Silva Gonçalves", GivenNames: "Joël",
				BirthDate: date(2000, 2, 29), Email: "joel.dasilva@exemple.fr",
				University: "UNISTRA"},
		}},
		{"platform_en.csv", []jury.Candidate{
			{ID: "A-17", FamilyName: "O'Connor, Jr", GivenNames: "Siobhán",
				BirthDate: date(1979, 3, 15), Email: "siobhan@example.ie", University: "UGA"},
			{ID: "A-18", FamilyName: "Nguyễn", GivenNames: "Thị Minh Khai",
				BirthDate: date(1995, 12, 31), Email: "minh.nguyen@example.vn",
				Withdrawn: true},
			{ID: "A-19", FamilyName: "Ψαρρού", GivenNames: "Ελένη",
				BirthDate: date(2003, 6, 30), Email: "eleni@example.gr", University: "UGA"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			opts := jury.ImportOptions{Universities: universities, ExistingIDs: []string{"X1"}}
			got, err := jury.ParseCandidates(bytes.NewReader(readFixture(t, tt.file)), opts)
			if err != nil {
				t.Fatalf("ParseCandidates: %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d candidates, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if diff := tt.want[i].Diff(got[i]); len(diff) > 0 {
					t.Errorf("candidate %d differs: %+v", i, diff)
				}
				for _, s := range []string{got[i].FamilyName, got[i].GivenNames} {
					if !norm.NFC.IsNormalString(s) {
						t.Errorf("candidate %d: %q is not NFC", i, s)
					}
				}
			}
		})
	}
}

func TestParseCandidatesBad(t *testing.T) {
	i18n.SetLanguage("fr")
	tests := []struct {
		file string
		want []string // "line:column", in order
	}{
		{"bad_count.csv", []string{"4:"}},
		{"bad_date.csv", []string{"3:Date de naissance", "4:Date de naissance"}},
		{"dup_id.csv", []string{"3:Identifiant", "4:Identifiant"}},
		{"invalid_utf8.csv", []string{"3:Nom"}},
		{"unknown_univ.csv", []string{"3:Université participante"}},
		{"many_errors.csv", []string{"2:Nom", "3:Courriel", "4:"}},
		{"missing_column.csv", []string{"1:date de naissance"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			opts := jury.ImportOptions{Universities: universities, ExistingIDs: []string{"E9"}}
			got, err := jury.ParseCandidates(bytes.NewReader(readFixture(t, tt.file)), opts)
			if got != nil {
				t.Errorf("got %d candidates with an error, want none", len(got))
			}
			var ie *jury.ImportError
			if !errors.As(err, &ie) || !errors.Is(err, jury.ErrImportRefused) {
				t.Fatalf("err = %v, want *ImportError", err)
			}
			if got, want := problemPlaces(ie), strings.Join(tt.want, " "); got != want {
				t.Fatalf("problems at %q, want %q\n%v", got, want, err)
			}
		})
	}
}

// problemPlaces returns "line:column" of each problem, and checks each is
// a sentence.
func problemPlaces(ie *jury.ImportError) string {
	places := make([]string, len(ie.Problems))
	for i, p := range ie.Problems {
		places[i] = fmt.Sprintf("%d:%s", p.Line, norm.NFC.String(p.Column))
		if !strings.HasSuffix(p.String(), ".") {
			places[i] += "(not a sentence: " + p.String() + ")"
		}
	}
	return strings.Join(places, " ")
}

func TestParseCandidatesMessages(t *testing.T) {
	i18n.SetLanguage("fr")
	opts := jury.ImportOptions{Universities: universities, ExistingIDs: []string{"E9"}}
	_, err := jury.ParseCandidates(bytes.NewReader(readFixture(t, "dup_id.csv")), opts)
	want := "Ligne 4, colonne « Identifiant » : l'identifiant « e1 » figure déjà ligne 2 : " +
		"chaque candidat doit avoir un identifiant unique."
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error = %v\nwant it to contain %q", err, want)
	}
	if !strings.Contains(err.Error(), "« E9 » est déjà inscrit") {
		t.Fatalf("error = %v\nwant the workspace duplicate", err)
	}
}

func TestParseCandidatesEdges(t *testing.T) {
	head := "id,nom,prenom,naissance,email\n"
	tests := []struct {
		name  string
		input string
		n     int    // candidates, when no error
		place string // first problem "line:column", when an error
	}{
		{"empty file", "", 0, "1:"},
		{"header only", head, 0, "2:"},
		{"blank lines only", "\n\n\r\n", 0, "1:"},
		{"padded row", head + "1,A,B,01/01/1990,a@b.fr,,,\n", 1, ""},
		{"blank lines inside", head + "\n1,A,B,01/01/1990,a@b.fr\n\n2,C,D,1990-01-02,c@d.fr", 2, ""},
		{"UTF-16", "\xff\xfei\x00d\x00", 0, "1:"},
		{"unclosed quote", head + "1,\"A,B,01/01/1990,a@b.fr\n", 0, "2:"},
		{"dotted and dashed dates", head + "1,A,B,04.07.1986,a@b.fr\n2,C,D,04-07-1986,c@d.fr\n" +
			"3,E,F,1986-07-04T00:00:00Z,e@f.fr\n", 3, ""},
		{"no such day", head + "1,A,B,2001-02-29,a@b.fr\n", 0, "2:naissance"},
		{"time not midnight", head + "1,A,B,04/07/1986 10:30,a@b.fr\n", 0, "2:naissance"},
		{"name without letter", head + "1,-,B,04/07/1986,a@b.fr\n", 0, "2:nom"},
		{"two-digit year", head + "1,A,B,01/01/90,a@b.fr\n", 0, "2:naissance"},
		{"future birth", head + "1,A,B,01/01/2999,a@b.fr\n", 0, "2:naissance"},
		{"space in id", head + "1 2,A,B,01/01/1990,a@b.fr\n", 0, "2:id"},
		{"duplicate column", "id,nom,prenom,naissance,email,courriel\n", 0, "1:courriel"},
		{"university without list", "id,nom,prenom,naissance,email,université\n" +
			"1,A,B,01/01/1990,a@b.fr,UGA\n", 0, "2:université"},
		{"withdrawn unclear", "id,nom,prenom,naissance,email,abandon\n" +
			"1,A,B,01/01/1990,a@b.fr,peut-être\n", 0, "2:abandon"},
		{"tab separated", "id\tnom\tprenom\tnaissance\temail\n1\tA\tB\t01/01/1990\ta@b.fr\n", 1, ""},
		{"name line break", head + "1,\"Anne\r\nMarie\",B,01/01/1990,a@b.fr\n", 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jury.ParseCandidates(strings.NewReader(tt.input), jury.ImportOptions{})
			if tt.place == "" {
				if err != nil || len(got) != tt.n {
					t.Fatalf("got %d candidates, err %v; want %d", len(got), err, tt.n)
				}
				return
			}
			var ie *jury.ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *ImportError", err)
			}
			if got := strings.Fields(problemPlaces(ie))[0]; got != tt.place {
				t.Fatalf("first problem at %q, want %q\n%v", got, tt.place, err)
			}
		})
	}
}

func TestNameLineBreakBecomesSpace(t *testing.T) {
	in := "id;nom;prénom;naissance;courriel\n1;\"Anne\r\nMarie\";B;01/01/1990;a@b.fr\n"
	got, err := jury.ParseCandidates(strings.NewReader(in), jury.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := got[0].FamilyName, "Anne Marie"; got != want {
		t.Fatalf("FamilyName = %q, want %q", got, want)
	}
}

func FuzzParseCandidates(f *testing.F) {
	for _, name := range []string{"excel_fr.csv", "platform_en.csv", "bad_count.csv",
		"invalid_utf8.csv", "many_errors.csv"} {
		f.Add(readFixture(f, name))
	}
	f.Add([]byte("id;nom;prénom;naissance;courriel\n1;A;B;01/01/1990;a@b.fr\n"))
	opts := jury.ImportOptions{Universities: universities, ExistingIDs: []string{"E9"}}

	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := jury.ParseCandidates(bytes.NewReader(data), opts)
		if err != nil {
			var ie *jury.ImportError
			if got != nil || !errors.As(err, &ie) || len(ie.Problems) == 0 {
				t.Fatalf("error %v with %d candidates", err, len(got))
			}
			for _, p := range ie.Problems {
				if p.Line < 1 || p.Text == "" {
					t.Fatalf("bad problem %+v", p)
				}
			}
			return
		}
		checkImported(t, got)
	})
}

// checkImported checks what every imported list must satisfy.
func checkImported(t *testing.T, got []jury.Candidate) {
	if len(got) == 0 {
		t.Fatal("no candidate and no error")
	}
	seen := make(map[string]bool)
	for _, c := range got {
		key := strings.ToLower(c.ID)
		if seen[key] || c.Validate() != nil {
			t.Fatalf("imported an invalid or duplicate candidate %+v", c)
		}
		seen[key] = true
		if !norm.NFC.IsNormalString(c.FamilyName) || !norm.NFC.IsNormalString(c.GivenNames) {
			t.Fatalf("name not NFC: %q %q", c.FamilyName, c.GivenNames)
		}
	}
}

// benchmarkCSV returns a realistic list of n candidates.
func benchmarkCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("\uFEFFIdentifiant;Nom;Prénom;Date de naissance;Courriel;" +
		"Université participante;Commentaire\r\n")
	names := []string{"Lefèvre", "N'Diaye", "Da Silva Gonçalves", "Nguyễn", "Müller"}
	univs := []string{"UPVD", "Université Grenoble Alpes", "unistra", ""}
	for i := range n {
		fmt.Fprintf(&b, "E%06d;%s;Hélène Marie;%02d/%02d/%d;e%d@example.fr;%s;\"note;\r\nsuite\"\r\n",
			i, names[i%len(names)], i%28+1, i%12+1, 1960+i%45, i, univs[i%len(univs)])
	}
	return b.Bytes()
}

func BenchmarkParseCandidates10k(b *testing.B) {
	data := benchmarkCSV(10000)
	opts := jury.ImportOptions{Universities: universities, ExistingIDs: []string{"X1"}}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		got, err := jury.ParseCandidates(bytes.NewReader(data), opts)
		if err != nil || len(got) != 10000 {
			b.Fatalf("got %d, err %v", len(got), err)
		}
	}
}

func TestParseCandidatesBadHeader(t *testing.T) {
	tests := []struct{ name, input string }{
		{"invalid UTF-8", "id;nom;pr\xe9nom;naissance;courriel\n1;A;B;01/01/1990;a@b.fr\n"},
		{"bare quote", "id;n\"om;prénom;naissance;courriel\n1;A;B;01/01/1990;a@b.fr\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := jury.ParseCandidates(strings.NewReader(tt.input), jury.ImportOptions{})
			var ie *jury.ImportError
			if !errors.As(err, &ie) || len(ie.Problems) != 1 || ie.Problems[0].Line != 1 {
				t.Fatalf("err = %v, want one problem on line 1", err)
			}
		})
	}
}
