package issue_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"certeval/issue"
)

func sampleResults() issue.Results {
	return issue.Results{Credential: "MC-HYB", Title: "Formation hybride", Sitting: 1,
		Criteria: []string{"Scénario", "=Outils"},
		Rows: []issue.ResultRow{
			{CandidateID: "E001", FamilyName: "Martin", GivenNames: "Léa", University: "UL",
				OutcomeCode: "ADM", OutcomeLabel: "Admis·e", Mark: 15.5, HasMark: true,
				Points: []float64{4, 3.5}},
			{CandidateID: "E002", FamilyName: "=HYPERLINK(\"http://x\")",
				GivenNames: "+33 6", University: "@UPS", OutcomeCode: "ABI",
				OutcomeLabel: "-défaillant", Mark: -1},
		}}
}

func TestNeutralize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"formula", "=1+1", "'=1+1"},
		{"plus", "+33", "'+33"},
		{"minus", "-2", "'-2"},
		{"at", "@SUM(A1)", "'@SUM(A1)"},
		{"tab", "\tx", "'\tx"},
		{"cr", "\rx", "'\rx"},
		{"plain", "Martin", "Martin"},
		{"inner equals", "a=b", "a=b"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := issue.Neutralize(tt.in); got != tt.want {
				t.Fatalf("Neutralize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestResultsCSV(t *testing.T) {
	b, err := issue.ResultsCSV(sampleResults())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\uFEFF")) {
		t.Fatal("no byte-order mark")
	}
	lines := strings.Split(strings.TrimSuffix(string(b[3:]), "\r\n"), "\r\n")
	want := []string{
		"identifiant;nom;prénom;université;code résultat;résultat;note sur 20;" +
			"critère : Scénario;critère : =Outils",
		"E001;Martin;Léa;UL;ADM;Admis·e;15,5;4;3,5",
		`E002;"'=HYPERLINK(""http://x"")";'+33 6;'@UPS;ABI;'-défaillant;;;`,
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), b)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, lines[i], want[i])
		}
	}
}

func TestResultsXLSX(t *testing.T) {
	b, err := issue.ResultsXLSX(sampleResults())
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// A numeric cell is written without a type attribute, which OOXML reads
	// as a number; excelize reports it as CellTypeUnset with its value.
	tests := []struct {
		cell string
		typ  excelize.CellType
		want string
	}{
		{"A1", excelize.CellTypeSharedString, "identifiant"},
		{"G2", excelize.CellTypeUnset, "15.5"},
		{"I2", excelize.CellTypeUnset, "3.5"},
		{"B3", excelize.CellTypeSharedString, `'=HYPERLINK("http://x")`},
		{"F3", excelize.CellTypeSharedString, "'-défaillant"},
		{"G3", excelize.CellTypeUnset, ""},
	}
	if sheet := xlsxPart(t, b, "xl/worksheets/sheet1.xml"); !strings.Contains(sheet,
		`<c r="G2"><v>15.5</v></c>`) {
		t.Fatalf("G2 is not a plain numeric cell: %s", sheet)
	}
	for _, tt := range tests {
		t.Run(tt.cell, func(t *testing.T) {
			typ, err := f.GetCellType("Résultats", tt.cell)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := f.GetCellValue("Résultats", tt.cell, excelize.Options{RawCellValue: true})
			if typ != tt.typ || got != tt.want {
				t.Fatalf("%s = %q (type %v), want %q (type %v)", tt.cell, got, typ,
					tt.want, tt.typ)
			}
			if formula, _ := f.GetCellFormula("Résultats", tt.cell); formula != "" {
				t.Fatalf("%s holds a formula %q", tt.cell, formula)
			}
		})
	}
}

// TestBadge checks what a signed badge says: its header, and the values of
// the fields Open Badges 3.0 requires (their form is the schema tests').
func TestBadge(t *testing.T) {
	b := sampleBadge()
	b.Mark = ""
	jwt := signedBadge(t, b)
	if jwt.Header["typ"] != "vc+jwt" || jwt.Header["alg"] != "ES256" {
		t.Fatalf("header %v", jwt.Header)
	}
	var vc struct {
		Context []string `json:"@context"`
		ID      string   `json:"id"`
		Type    []string `json:"type"`
		Issuer  struct {
			ID   string   `json:"id"`
			Type []string `json:"type"`
			Name string   `json:"name"`
		} `json:"issuer"`
		ValidFrom string `json:"validFrom"`
		Name      string `json:"name"`
		Subject   struct {
			Type       []string         `json:"type"`
			Identifier []map[string]any `json:"identifier"`
			Achieve    struct {
				ID        string           `json:"id"`
				Type      []string         `json:"type"`
				Kind      string           `json:"achievementType"`
				Name      string           `json:"name"`
				Desc      string           `json:"description"`
				Criteria  map[string]any   `json:"criteria"`
				Alignment []map[string]any `json:"alignment"`
			} `json:"achievement"`
			Result []map[string]any `json:"result"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(jwt.Claims, &vc); err != nil {
		t.Fatal(err)
	}
	a := vc.Subject.Achieve
	checks := []struct {
		name string
		ok   bool
	}{
		{"@context", len(vc.Context) == 2 && vc.Context[0] ==
			"https://www.w3.org/ns/credentials/v2" && vc.Context[1] ==
			"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		{"id", vc.ID == "urn:certeval:credential:CE-2026-AAAA-BBBB"},
		{"type", strings.Join(vc.Type, ",") == "VerifiableCredential,OpenBadgeCredential"},
		{"issuer", vc.Issuer.ID != "" && vc.Issuer.Name == "Université de Lorraine" &&
			len(vc.Issuer.Type) == 1 && vc.Issuer.Type[0] == "Profile"},
		{"validFrom", vc.ValidFrom == "2026-03-02T10:00:00Z"},
		{"name", vc.Name == "Formation hybride"},
		{"subject type", len(vc.Subject.Type) == 1 && vc.Subject.Type[0] == "AchievementSubject"},
		{"identifier hashed", len(vc.Subject.Identifier) == 1 &&
			vc.Subject.Identifier[0]["hashed"] == true &&
			strings.HasPrefix(vc.Subject.Identifier[0]["identityHash"].(string), "sha256$")},
		{"no clear e-mail", !strings.Contains(strings.ToLower(string(jwt.Claims)),
			"lea@example.org")},
		{"achievement", a.ID != "" && len(a.Type) == 1 && a.Type[0] == "Achievement" &&
			a.Kind == "MicroCredential" && a.Name == "Formation hybride"},
		{"criteria", a.Criteria["narrative"] == "Production écrite (SAE)"},
		{"workload", strings.Contains(a.Desc, "20 hours") && strings.Contains(a.Desc, "2 ECTS")},
		{"alignment", len(a.Alignment) == 1 && a.Alignment[0]["targetCode"] == "6"},
		{"result", len(vc.Subject.Result) == 1 && vc.Subject.Result[0]["value"] == "Passed"},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("field %s wrong in %s", c.name, jwt.Claims)
		}
	}
}

// xlsxPart returns one part of an XLSX file.
func xlsxPart(t *testing.T, b []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	part, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(part)
}
