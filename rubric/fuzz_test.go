package rubric_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certeval/rubric"
)

func addFiles(f *testing.F, pattern string) {
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files %s: %v", pattern, err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// checkParsed checks what a parser accepted: a valid grid that exports and
// reads back unchanged.
func checkParsed(t *testing.T, g *rubric.Grid) {
	if ps := g.Validate(nil); len(ps) > 0 {
		t.Fatalf("accepted a grid that does not validate: %v", ps)
	}
	out, err := g.JSON()
	if err != nil {
		t.Fatalf("accepted grid does not export: %v", err)
	}
	back, err := rubric.ParseJSON(out)
	if err != nil {
		t.Fatalf("export does not read back: %v\n%s", err, out)
	}
	if back.Fingerprint() != g.Fingerprint() {
		t.Fatalf("round trip changed the grid:\n%s", out)
	}
}

func FuzzParseJSON(f *testing.F) {
	addFiles(f, "testdata/*.json")
	f.Add([]byte(validJSON))
	for _, tc := range jsonCases {
		f.Add([]byte(tc.in))
	}
	for _, tc := range scoreCases {
		data, _ := tc.grid().JSON()
		f.Add(data)
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := rubric.ParseJSON(data)
		if err != nil {
			if g != nil {
				t.Fatal("refused input still gave a grid")
			}
			if msg := err.Error(); msg == "" || strings.Contains(msg, "%!") {
				t.Fatalf("badly formatted error %q", msg)
			}
			return
		}
		checkParsed(t, g)
	})
}

func FuzzParseORA2(f *testing.F) {
	addFiles(f, "testdata/*.xml")
	for _, tc := range ora2Cases {
		f.Add([]byte(tc.in))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		g, notices, err := rubric.ParseORA2(data)
		if err != nil {
			if g != nil || notices != nil {
				t.Fatal("refused input still gave a grid or notices")
			}
			if msg := err.Error(); msg == "" || strings.Contains(msg, "%!") {
				t.Fatalf("badly formatted error %q", msg)
			}
			return
		}
		for _, n := range notices {
			if strings.Contains(n.String(), "%!") {
				t.Fatalf("badly formatted notice %q", n)
			}
		}
		checkParsed(t, g)
	})
}

// FuzzScore scores arbitrary choices on the grids of the scoring table
// (and mutations of their JSON) and checks the result's invariants.
func FuzzScore(f *testing.F) {
	for _, tc := range scoreCases {
		data, _ := tc.grid().JSON()
		var choices []byte
		for _, c := range tc.choices {
			choices = append(choices, byte(int8(c)))
		}
		f.Add(data, choices)
	}

	f.Fuzz(func(t *testing.T, grid, raw []byte) {
		g, err := rubric.ParseJSON(grid)
		if err != nil {
			return
		}
		choices := make([]int, len(raw))
		for i, b := range raw {
			choices[i] = int(int8(b))
		}
		r := g.Score(choices)
		checkResult(t, g, r)
	})
}

func checkResult(t *testing.T, g *rubric.Grid, r rubric.Result) {
	if len(r.Choices) != len(g.Criteria) {
		t.Fatalf("%d choices for %d criteria", len(r.Choices), len(g.Criteria))
	}
	if r.Passed && (!r.Complete || len(r.Reasons) > 0) {
		t.Fatalf("passed while incomplete or with reasons: %+v", r)
	}
	if !r.Complete && len(r.Reasons) == 0 {
		t.Fatalf("incomplete without a reason: %+v", r)
	}
	if !r.Passed && len(r.Reasons) == 0 {
		t.Fatalf("failed without a reason: %+v", r)
	}
	if r.Total < 0 || r.Total > r.Max+1e-6 || math.IsNaN(r.Mark) ||
		r.Mark < 0 || r.Mark > g.Rules.Scale.Max() {
		t.Fatalf("total %v of %v, mark %v out of bounds", r.Total, r.Max, r.Mark)
	}
	for _, reason := range r.Reasons {
		if s := reason.String(); s == "" || strings.Contains(s, "%!") {
			t.Fatalf("badly formatted reason %q", s)
		}
	}
}
