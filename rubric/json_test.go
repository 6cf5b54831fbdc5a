package rubric_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"certeval/rubric"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const sampleGrid = "testdata/grille-sae-formation-hybride.json"

// The sample grid is its own golden file: exporting what it parses to must
// give it back byte for byte.
func TestSampleGridRoundTrip(t *testing.T) {
	data, err := os.ReadFile(sampleGrid)
	if err != nil {
		t.Fatal(err)
	}
	g, err := rubric.ParseJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if ps := g.Validate([]string{"C1", "C2", "C3"}); len(ps) > 0 {
		t.Fatalf("sample grid does not validate: %v", ps)
	}

	out, err := g.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(sampleGrid, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(out, data) {
		t.Fatalf("export differs from %s; run with -update if the format changed", sampleGrid)
	}

	c := g.Criteria[3]
	if c.Key != "c4" || !c.Eliminatory || c.MinLevel != 2 || c.Feedback != rubric.FeedbackRequired ||
		c.Levels[3].Label != "Maîtrisé" || len(c.Outcomes) != 1 {
		t.Fatalf("criterion 4 = %+v", c)
	}
	if g.Criteria[6].Scored() {
		t.Fatal("criterion 7 should be feedback-only")
	}
}

func TestJSONRoundTripKeepsEverything(t *testing.T) {
	g := baseGrid()
	g.Task, g.FeedbackPrompt = "SAE <b>&</b> « test »", "Commentaire global"
	g.Criteria[0].Outcomes = []string{"AA1", "AA2"}
	g.Criteria[0].Description, g.Criteria[0].Guidance = "Décrit\nsur deux lignes", "Conseil"
	g.Criteria[1].Levels[1].Points = 1.25
	g.Rules = rubric.PassRules{MinTotal: 12.5, MinTotalIsMark: true, MinMastery: 2,
		Competencies: []rubric.CompetencyRule{{Competency: "C2", MinLevel: 3}},
		Scale:        rubric.MarkScale{OutOf: 100, Mapping: rubric.MarkFromMinimum, Step: 0.5}}

	data, err := g.JSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := rubric.ParseJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if back.Fingerprint() != g.Fingerprint() {
		t.Fatalf("round trip changed the grid:\n%s", data)
	}
	if !bytes.Contains(data, []byte("SAE <b>&</b>")) {
		t.Fatal("export escapes HTML characters, which makes it harder to read")
	}
}

func TestFingerprint(t *testing.T) {
	g := baseGrid()
	fp := g.Fingerprint()

	// The canonical form is the compact export.
	data, _ := g.JSON()
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(compact.Bytes())
	if want := hex.EncodeToString(sum[:]); fp != want {
		t.Fatalf("fingerprint %s, want SHA-256 of the compact export %s", fp, want)
	}
	if len(fp) != 64 || strings.ToLower(fp) != fp {
		t.Fatalf("fingerprint %q is not lowercase SHA-256 hex", fp)
	}

	for name, edit := range map[string]func(*rubric.Grid){
		"descriptor": func(g *rubric.Grid) { g.Criteria[0].Levels[2].Descriptor += "." },
		"guidance":   func(g *rubric.Grid) { g.Criteria[0].Guidance = "Lire attentivement" },
		"version":    func(g *rubric.Grid) { g.Version++ },
		"rule":       func(g *rubric.Grid) { g.Rules.MinMastery = 1 },
		"weight":     func(g *rubric.Grid) { g.Criteria[1].Weight = 2.5 },
	} {
		c := g.Clone()
		edit(c)
		if c.Fingerprint() == fp {
			t.Errorf("editing the %s kept the fingerprint", name)
		}
	}

	c := g.Clone()
	c.Criteria[0].Levels[0].Points = negZero()
	if c.Fingerprint() != fp {
		t.Error("negative zero changed the fingerprint")
	}
}

func negZero() float64 {
	z := 0.0
	return -z
}

// validJSON is a small valid grid in which the cases below make one
// change each.
const validJSON = `{
  "format": "certeval-grid",
  "version": 1,
  "credential": "MC-X",
  "grid_version": 2,
  "title": "Grille",
  "criteria": [
    {"key": "c1", "label": "Un", "competency": "C1", "weight": 1, "feedback": "optional",
     "levels": [{"label": "Non", "points": 0}, {"label": "Oui", "points": 1}]},
    {"key": "c2", "label": "Deux", "weight": 1, "feedback": "required", "levels": []},
    {"key": "c3", "label": "Trois", "weight": 2, "feedback": "disabled",
     "levels": [{"label": "Non", "points": 0}, {"label": "Oui", "points": 1.5}]}
  ],
  "rules": {"min_total": 1, "min_mastery": 1,
            "scale": {"out_of": 20, "mapping": "minimum", "step": 0.5}}
}`

// jsonCases are inputs ParseJSON must refuse, with the path and message
// key at fault; FuzzParseJSON starts from them.
var jsonCases = []struct {
	name, in, path, code string
	line                 int
}{
	{name: "string for a number", in: edited(`"points": 1.5`, `"points": "1.5"`),
		path: "$.criteria[2].levels[1].points", code: "rubric.parse.expected_number", line: 12},
	{name: "duplicate key at the top", in: edited(`"version": 1,`,
		`"version": 1, "version": 1,`), path: "$.version", code: "rubric.parse.duplicate", line: 3},
	{name: "duplicate key in a level", in: edited(`{"label": "Oui", "points": 1}`,
		`{"label": "Oui", "points": 1, "label": "Si"}`),
		path: "$.criteria[0].levels[1].label", code: "rubric.parse.duplicate"},
	{name: "unknown member", in: edited(`"key": "c2",`, `"key": "c2", "colour": "red",`),
		path: "$.criteria[1].colour", code: "rubric.parse.unknown"},
	{name: "unknown member with an odd name", in: edited(`"title"`, `"a b": 1, "title"`),
		path: `$["a b"]`, code: "rubric.parse.unknown"},
	{name: "missing criteria", in: `{"format": "certeval-grid", "version": 1}`,
		path: "$.criteria", code: "rubric.parse.missing"},
	{name: "missing points", in: edited(`{"label": "Non", "points": 0}`, `{"label": "Non"}`),
		path: "$.criteria[0].levels[0].points", code: "rubric.parse.missing"},
	{name: "another format", in: edited(`"certeval-grid"`, `"moodle-rubric"`),
		path: "$.format", code: "rubric.parse.format"},
	{name: "a later version", in: edited(`"version": 1`, `"version": 2`),
		path: "$.version", code: "rubric.parse.version"},
	{name: "criteria not a list", in: `{"format": "certeval-grid", "version": 1, "criteria": {}}`,
		path: "$.criteria", code: "rubric.parse.expected_array"},
	{name: "top level not an object", in: `[1, 2]`, path: "$", code: "rubric.parse.expected_object"},
	{name: "unknown feedback mode", in: edited(`"optional"`, `"sometimes"`),
		path: "$.criteria[0].feedback", code: "rubric.parse.enum"},
	{name: "unknown mapping", in: edited(`"minimum"`, `"linear"`),
		path: "$.rules.scale.mapping", code: "rubric.parse.enum"},
	{name: "fractional level index", in: edited(`"min_mastery": 1`, `"min_mastery": 1.5`),
		path: "$.rules.min_mastery", code: "rubric.parse.expected_integer"},
	{name: "string for a boolean", in: edited(`"min_total": 1,`,
		`"min_total": 1, "min_total_is_mark": "yes",`),
		path: "$.rules.min_total_is_mark", code: "rubric.parse.expected_boolean"},
	{name: "number for a string", in: edited(`"key": "c1"`, `"key": 1`),
		path: "$.criteria[0].key", code: "rubric.parse.expected_string"},
	{name: "null for a string", in: edited(`"title": "Grille"`, `"title": null`),
		path: "$.title", code: "rubric.parse.expected_string"},
	{name: "number out of range", in: edited(`"points": 1.5`, `"points": 1e400`),
		path: "$.criteria[2].levels[1].points", code: "rubric.parse.out_of_range"},
	{name: "trailing data", in: validJSON + ` {}`, path: "$", code: "rubric.parse.trailing"},
	{name: "truncated", in: validJSON[:200], path: "$.criteria[0]", code: "rubric.parse.truncated"},
	{name: "empty", in: ``, path: "$", code: "rubric.parse.truncated"},
	{name: "syntax error", in: edited(`"weight": 2,`, `"weight": 2`),
		path: "$.criteria[2]", code: "rubric.parse.syntax"},
	{name: "invalid UTF-8", in: edited("Grille", "Grille\xff"),
		path: "$", code: "rubric.parse.utf8", line: 6},
	{name: "nested too deep", in: `{"format": "certeval-grid", "version": 1, "criteria": [` +
		strings.Repeat("[", 40) + strings.Repeat("]", 40) + `]}`,
		path: "$.criteria" + strings.Repeat("[0]", 16), code: "rubric.parse.too_deep"},
	{name: "too many levels", in: edited(`"levels": [{"label": "Non", "points": 0},`,
		`"levels": [`+strings.Repeat(`{"label": "L", "points": 0},`, rubric.MaxLevels)),
		path: "$.criteria[0].levels", code: "rubric.parse.too_many"},
}

// edited returns validJSON with its first old replaced by new.
func edited(old, new string) string {
	return strings.Replace(validJSON, old, new, 1)
}

func TestParseJSONRefuses(t *testing.T) {
	if _, err := rubric.ParseJSON([]byte(validJSON)); err != nil {
		t.Fatalf("the base of the cases does not parse: %v", err)
	}
	for _, tc := range jsonCases {
		t.Run(tc.name, func(t *testing.T) {
			g, err := rubric.ParseJSON([]byte(tc.in))
			var pe *rubric.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseJSON = %v, %v; want a *ParseError", g, err)
			}
			if g != nil {
				t.Fatal("a refused input still gave a grid")
			}
			if pe.Path != tc.path || pe.Code != tc.code {
				t.Fatalf("error at %s (%s), want %s (%s): %v", pe.Path, pe.Code, tc.path, tc.code, err)
			}
			if tc.line != 0 && pe.Line != tc.line {
				t.Fatalf("error on line %d, want %d", pe.Line, tc.line)
			}
			if msg := err.Error(); strings.Contains(msg, "%!") || !strings.Contains(msg, tc.path) {
				t.Fatalf("badly formatted error: %q", msg)
			}
		})
	}
}

func TestParseErrorInEnglish(t *testing.T) {
	in := edited(`"points": 1.5`, `"points": "1.5"`)
	_, err := rubric.ParseJSON([]byte(in))
	var pe *rubric.ParseError
	if !errors.As(err, &pe) {
		t.Fatal(err)
	}
	want := "line 12, $.criteria[2].levels[1].points: expected a number."
	if got := i18nIn("en", pe); got != want {
		t.Fatalf("error = %q, want %q", got, want)
	}
}

func TestParseJSONRefusesAnInvalidGrid(t *testing.T) {
	in := edited(`{"label": "Oui", "points": 1.5}`, `{"label": "Oui", "points": 0}`)
	_, err := rubric.ParseJSON([]byte(in))
	var ps rubric.Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Code != "rubric.problem.same_points" ||
		ps[0].Criterion != 2 {
		t.Fatalf("ParseJSON = %v, want the same-points problem on criterion 3", err)
	}

	g, err := rubric.ParseJSONDraft([]byte(in))
	if err != nil || len(g.Criteria) != 3 {
		t.Fatalf("ParseJSONDraft = %v, %v; want the draft", g, err)
	}
}

func TestParseJSONDefaults(t *testing.T) {
	in := `{"format": "certeval-grid", "version": 1, "criteria": [
		{"key": "c1", "label": "Un",
		 "levels": [{"label": "A", "points": 0}, {"label": "B", "points": 2}]}]}`
	g, err := rubric.ParseJSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	c, s := g.Criteria[0], g.Rules.Scale
	if g.Version != 1 || c.Weight != 1 || c.Feedback != rubric.FeedbackDisabled ||
		s.OutOf != 20 || s.Step != 0.01 || s.Mapping != rubric.MarkProportional {
		t.Fatalf("defaults not applied: %+v", g)
	}
}
