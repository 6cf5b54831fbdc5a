package rubric_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"certeval/rubric"
)

func noticeCodes(ns []rubric.Notice) []string {
	var codes []string
	for _, n := range ns {
		codes = append(codes, n.Code)
	}
	return codes
}

func TestParseORA2Assessment(t *testing.T) {
	data, err := os.ReadFile("testdata/ora2-openassessment.xml")
	if err != nil {
		t.Fatal(err)
	}
	g, notices, err := rubric.ParseORA2(data)
	if err != nil {
		t.Fatal(err)
	}

	if got, want := g.Title, "SAE — Diagnostic d’accessibilité d’un module"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	if !strings.HasPrefix(g.Task, "<p>Réalisez le diagnostic") ||
		!strings.Contains(g.Task, "en ligne & proposez") ||
		!strings.HasSuffix(g.Task, "\n\nJoignez votre grille d'audit (RGAA 4.1) au format tableur.") {
		t.Errorf("task = %q", g.Task)
	}
	if !strings.HasPrefix(g.FeedbackPrompt, "(Facultatif) Qu'avez-vous apprécié") {
		t.Errorf("feedback prompt = %q", g.FeedbackPrompt)
	}

	if len(g.Criteria) != 3 {
		t.Fatalf("%d criteria, want 3", len(g.Criteria))
	}
	c := g.Criteria[0]
	if c.Key != "diagnostic" || c.Label != "Qualité du diagnostic" ||
		c.Feedback != rubric.FeedbackOptional || c.Weight != 1 || len(c.Levels) != 4 ||
		c.Levels[2].Descriptor !=
			"Les obstacles majeurs sont identifiés & rattachés aux critères « RGAA »." {
		t.Errorf("criterion 1 = %+v", c)
	}
	var points []float64
	for _, l := range g.Criteria[1].Levels {
		points = append(points, l.Points)
	}
	if !slices.Equal(points, []float64{0, 2.5, 4}) || g.Criteria[1].Levels[0].Label != "Non acquis" {
		t.Errorf("criterion 2 levels = %+v, want sorted 0, 2.5, 4", g.Criteria[1].Levels)
	}
	if c := g.Criteria[2]; c.Scored() || c.Feedback != rubric.FeedbackRequired {
		t.Errorf("criterion 3 = %+v, want feedback-only, required", c)
	}

	// Every notice, in document order.
	want := []string{
		"rubric.ora2.ignored_attributes", // submission dates and response types
		"rubric.ora2.ignored_element",    // <assessments>
		"rubric.ora2.option_name", "rubric.ora2.option_name",
		"rubric.ora2.option_name", "rubric.ora2.option_name",
		"rubric.ora2.reordered",
		"rubric.ora2.ignored_element", // <feedback_default_text>
		"rubric.ora2.no_competency",
	}
	if got := noticeCodes(notices); !slices.Equal(got, want) {
		t.Fatalf("notices = %v, want %v", notices, want)
	}
	if got := notices[1].String(); got !=
		"ligne 3, /openassessment/assessments[1] : élément <assessments> sans équivalent "+
			"dans Certeval, ignoré." {
		t.Errorf("notice = %q", got)
	}
}

func TestParseORA2BareRubric(t *testing.T) {
	data, err := os.ReadFile("testdata/ora2-bare-rubric.xml")
	if err != nil {
		t.Fatal(err)
	}
	g, notices, err := rubric.ParseORA2(data)
	if err != nil {
		t.Fatal(err)
	}
	if g.Task != "Rédigez un courriel de relance à un stagiaire décrocheur." {
		t.Errorf("task = %q", g.Task)
	}
	if c := g.Criteria[1]; c.Key != "Clarté" || c.Label != "Clarté" ||
		c.Levels[2].Label != "Explicite" ||
		c.Levels[2].Descriptor != "Demande & échéance explicites." {
		t.Errorf("criterion 2 = %+v", c)
	}
	if got := noticeCodes(notices); !slices.Equal(got, []string{"rubric.ora2.no_competency"}) {
		t.Errorf("notices = %v", notices)
	}

	// An imported grid exports and reads back as the same grid.
	out, err := g.JSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := rubric.ParseJSON(out)
	if err != nil || back.Fingerprint() != g.Fingerprint() {
		t.Fatalf("round trip through JSON: %v", err)
	}
}

func TestParseORA2Notices(t *testing.T) {
	in := `<rubric>
  <criterion feedback="optional" order="1">
    <name></name>
    <label>Idées</label>
    <prompt>Les idées sont <b>claires</b>.</prompt>
    <option points="0"><name>Non</name><explanation>—</explanation></option>
    <option points="1"><name>Oui</name><explanation>—</explanation><extra/></option>
  </criterion>
  <criterion>
    <name>c1</name>
    <option points="0"><name>Non</name><explanation/></option>
    <option points="1"><name>Oui</name><explanation/></option>
  </criterion>
</rubric>`
	g, notices, err := rubric.ParseORA2([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"rubric.ora2.ignored_attributes", "rubric.ora2.markup",
		"rubric.ora2.ignored_element", "rubric.ora2.key", "rubric.ora2.key",
		"rubric.ora2.no_competency"}
	if got := noticeCodes(notices); !slices.Equal(got, want) {
		t.Fatalf("notices = %v, want %v", notices, want)
	}
	if g.Criteria[0].Key != "c1" || g.Criteria[1].Key != "c2" || g.Criteria[1].Label != "c1" {
		t.Fatalf("keys = %q, %q; want c1, c2", g.Criteria[0].Key, g.Criteria[1].Key)
	}
	if got := g.Criteria[0].Description; got != "Les idées sont claires." {
		t.Fatalf("description = %q", got)
	}
}

// ora2Cases are inputs ParseORA2 must refuse; FuzzParseORA2 starts from
// them.
var ora2Cases = []struct {
	name, in, path, code string
}{
	{name: "not XML", in: `{"format": "certeval-grid"}`, path: "/", code: "rubric.parse.not_xml"},
	{name: "empty", in: ``, path: "/", code: "rubric.parse.truncated"},
	{name: "another root", in: `<problem><rubric/></problem>`,
		path: "/problem", code: "rubric.ora2.root"},
	{name: "no rubric", in: `<openassessment><title>T</title></openassessment>`,
		path: "/openassessment", code: "rubric.ora2.no_rubric"},
	{name: "two rubrics", in: `<openassessment><rubric/><rubric/></openassessment>`,
		path: "/openassessment/rubric[2]", code: "rubric.ora2.two_rubrics"},
	{name: "points missing", in: `<rubric><criterion><name>a</name><option><name>x</name></option>` +
		`</criterion></rubric>`,
		path: "/rubric/criterion[1]/option[1]/@points", code: "rubric.parse.missing"},
	{name: "points not a number", in: `<rubric><criterion><name>a</name>` +
		`<option points="0"><name>x</name></option><option points="beaucoup"><name>y</name></option>` +
		`</criterion></rubric>`,
		path: "/rubric/criterion[1]/option[2]/@points", code: "rubric.parse.expected_number"},
	{name: "points infinite", in: `<rubric><criterion><name>a</name>` +
		`<option points="Inf"><name>x</name>` +
		`</option></criterion></rubric>`,
		path: "/rubric/criterion[1]/option[1]/@points", code: "rubric.parse.expected_number"},
	{name: "unknown feedback mode", in: `<rubric><criterion feedback="sometimes"><name>a</name>` +
		`</criterion></rubric>`, path: "/rubric/criterion[1]/@feedback", code: "rubric.parse.enum"},
	{name: "unclosed element", in: `<rubric><criterion><name>a</name></rubric>`,
		path: "/rubric/criterion[1]", code: "rubric.parse.syntax"},
	{name: "second root", in: `<rubric/><rubric/>`, path: "/", code: "rubric.parse.trailing"},
	{name: "text after the root", in: `<rubric/>oops`, path: "/", code: "rubric.parse.trailing"},
	{name: "unknown entity", in: `<rubric><criterion><name>&bogus;</name></criterion></rubric>`,
		path: "/rubric/criterion[1]/name[1]", code: "rubric.parse.syntax"},
	{name: "invalid UTF-8", in: "<rubric><criterion><name>\xff</name></criterion></rubric>",
		path: "/", code: "rubric.parse.utf8"},
	{name: "nested too deep", in: strings.Repeat("<a>", 40) + strings.Repeat("</a>", 40),
		path: "/a" + strings.Repeat("/a[1]", 16), code: "rubric.parse.too_deep"},
}

func TestParseORA2Refuses(t *testing.T) {
	for _, tc := range ora2Cases {
		t.Run(tc.name, func(t *testing.T) {
			g, notices, err := rubric.ParseORA2([]byte(tc.in))
			var pe *rubric.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseORA2 = %v, %v; want a *ParseError", g, err)
			}
			if g != nil || notices != nil {
				t.Fatal("a refused input still gave a grid or notices")
			}
			if pe.Path != tc.path || pe.Code != tc.code {
				t.Fatalf("error at %s (%s), want %s (%s): %v", pe.Path, pe.Code, tc.path, tc.code, err)
			}
			if msg := err.Error(); strings.Contains(msg, "%!") {
				t.Fatalf("badly formatted error: %q", msg)
			}
		})
	}
}

func TestParseORA2RefusesAnInvalidGrid(t *testing.T) {
	for name, in := range map[string]string{
		"rubric.problem.no_criteria": `<rubric><feedbackprompt>?</feedbackprompt></rubric>`,
		"rubric.problem.one_level": `<rubric><criterion><name>a</name>` +
			`<option points="1"><name>x</name></option></criterion></rubric>`,
		"rubric.problem.same_points": `<rubric><criterion><name>a</name>` +
			`<option points="1"><name>x</name></option><option points="1"><name>y</name></option>` +
			`</criterion></rubric>`,
	} {
		_, _, err := rubric.ParseORA2([]byte(in))
		var ps rubric.Problems
		if !errors.As(err, &ps) || ps[0].Code != name {
			t.Errorf("ParseORA2(%s) = %v, want %s", in, err, name)
		}
	}
}

func TestParseORA2DraftKeepsInvalidRubric(t *testing.T) {
	xml := []byte(`<rubric>
  <criterion feedback="optional">
    <name>clarte</name><label>Clarté</label><prompt>Le texte est-il clair ?</prompt>
    <option points="1"><name>oui</name><label>Oui</label><explanation>Clair.</explanation></option>
  </criterion>
</rubric>`)
	if _, _, err := rubric.ParseORA2(xml); err == nil {
		t.Fatal("ParseORA2 accepted a criterion with one level")
	}
	g, _, err := rubric.ParseORA2Draft(xml)
	if err != nil {
		t.Fatalf("ParseORA2Draft: %v", err)
	}
	if len(g.Criteria) != 1 || g.Criteria[0].Label != "Clarté" || len(g.Validate(nil)) == 0 {
		t.Fatalf("draft = %+v", g.Criteria)
	}
	if _, _, err := rubric.ParseORA2Draft([]byte("<rubric><criterion>")); err == nil {
		t.Fatal("ParseORA2Draft accepted broken XML")
	}
}
