package rubric_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"certeval/rubric"
)

var credentialCompetencies = []string{"C1", "C2"}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name      string
		edit      func(*rubric.Grid)
		codes     []string
		criterion int // of the first problem
	}{
		{name: "valid", edit: noEdit},
		{name: "no criteria", edit: func(g *rubric.Grid) { g.Criteria = nil },
			codes: []string{"rubric.problem.no_criteria", "rubric.problem.competency_missing",
				"rubric.problem.competency_missing"}, criterion: -1},
		{name: "version zero", edit: func(g *rubric.Grid) { g.Version = 0 },
			codes: []string{"rubric.problem.version"}, criterion: -1},
		{name: "empty key", edit: func(g *rubric.Grid) { g.Criteria[1].Key = "" },
			codes: []string{"rubric.problem.key_missing"}, criterion: 1},
		{name: "duplicate key", edit: func(g *rubric.Grid) { g.Criteria[2].Key = "c1" },
			codes: []string{"rubric.problem.key_duplicate"}, criterion: 2},
		{name: "empty label", edit: func(g *rubric.Grid) { g.Criteria[0].Label = "" },
			codes: []string{"rubric.problem.label_missing"}, criterion: 0},
		{name: "zero weight", edit: func(g *rubric.Grid) { g.Criteria[0].Weight = 0 },
			codes: []string{"rubric.problem.weight"}, criterion: 0},
		{name: "negative weight", edit: func(g *rubric.Grid) { g.Criteria[2].Weight = -1 },
			codes: []string{"rubric.problem.weight"}, criterion: 2},
		{name: "one level",
			edit:  func(g *rubric.Grid) { g.Criteria[0].Levels = g.Criteria[0].Levels[:1] },
			codes: []string{"rubric.problem.one_level"}, criterion: 0},
		{name: "two levels with the same points",
			edit:  func(g *rubric.Grid) { g.Criteria[0].Levels[3].Points = 1 },
			codes: []string{"rubric.problem.same_points"}, criterion: 0},
		{name: "levels not rising", edit: func(g *rubric.Grid) {
			l := g.Criteria[1].Levels
			l[0], l[3] = l[3], l[0]
		}, codes: []string{"rubric.problem.order"}, criterion: 1},
		{name: "negative points", edit: func(g *rubric.Grid) { g.Criteria[0].Levels[0].Points = -1 },
			codes: []string{"rubric.problem.points"}, criterion: 0},
		{name: "unlabelled level", edit: func(g *rubric.Grid) { g.Criteria[1].Levels[2].Label = "" },
			codes: []string{"rubric.problem.level_label"}, criterion: 1},
		{name: "feedback-only and eliminatory",
			edit:  func(g *rubric.Grid) { g.Criteria[2].Eliminatory = true },
			codes: []string{"rubric.problem.eliminatory_feedback_only"}, criterion: 2},
		{name: "eliminatory level out of range",
			edit:  func(g *rubric.Grid) { g.Criteria[1].MinLevel = 4 },
			codes: []string{"rubric.problem.min_level"}, criterion: 1},
		{name: "neither levels nor feedback",
			edit:  func(g *rubric.Grid) { g.Criteria[2].Feedback = rubric.FeedbackDisabled },
			codes: []string{"rubric.problem.empty_criterion"}, criterion: 2},
		{name: "unknown feedback mode",
			edit:  func(g *rubric.Grid) { g.Criteria[0].Feedback = 7 },
			codes: []string{"rubric.problem.feedback_mode"}, criterion: 0},
		{name: "competency not in the framework",
			edit: func(g *rubric.Grid) { g.Criteria[0].Competency = "C9" },
			codes: []string{"rubric.problem.competency_unknown",
				"rubric.problem.competency_missing"}, criterion: 0},
		{name: "competency evidenced only by a feedback-only criterion",
			edit: func(g *rubric.Grid) {
				g.Criteria[1].Competency = "C1"
				g.Criteria[2].Competency = "C2"
			},
			codes: []string{"rubric.problem.competency_missing"}, criterion: -1},
		{name: "nothing to score", edit: func(g *rubric.Grid) {
			g.Criteria = g.Criteria[2:]
			g.Criteria[0].Competency = ""
		}, codes: []string{"rubric.problem.max", "rubric.problem.competency_missing",
			"rubric.problem.competency_missing"}, criterion: -1},
		{name: "minimum total above the maximum",
			edit:  func(g *rubric.Grid) { g.Rules.MinTotal = 9.5 },
			codes: []string{"rubric.problem.min_total_unreachable"}, criterion: -1},
		{name: "minimum total exactly the maximum",
			edit: func(g *rubric.Grid) { g.Rules.MinTotal = 9 }},
		{name: "minimum mark above the scale",
			edit:  minMark(21),
			codes: []string{"rubric.problem.min_mark_unreachable"}, criterion: -1},
		{name: "negative minimum total",
			edit:  func(g *rubric.Grid) { g.Rules.MinTotal = -1 },
			codes: []string{"rubric.problem.min_total_negative"}, criterion: -1},
		{name: "mastery level no criterion has",
			edit: func(g *rubric.Grid) { g.Rules.MinMastery = 4 },
			codes: []string{"rubric.problem.mastery_unreachable",
				"rubric.problem.mastery_unreachable"}, criterion: 0},
		{name: "negative mastery level",
			edit:  func(g *rubric.Grid) { g.Rules.MinMastery = -1 },
			codes: []string{"rubric.problem.mastery_negative"}, criterion: -1},
		{name: "mastery rule for an unknown competency", edit: func(g *rubric.Grid) {
			g.Rules.Competencies = []rubric.CompetencyRule{{Competency: "C7", MinLevel: 1}}
		}, codes: []string{"rubric.problem.rule_competency"}, criterion: -1},
		{name: "two mastery rules for one competency", edit: func(g *rubric.Grid) {
			g.Rules.Competencies = []rubric.CompetencyRule{
				{Competency: "C1", MinLevel: 1}, {Competency: "C1", MinLevel: 2}}
		}, codes: []string{"rubric.problem.rule_duplicate"}, criterion: -1},
		{name: "rounding step above the scale",
			edit:  func(g *rubric.Grid) { g.Rules.Scale.Step = 25 },
			codes: []string{"rubric.problem.scale_step"}, criterion: -1},
		{name: "negative scale", edit: func(g *rubric.Grid) { g.Rules.Scale.OutOf = -20 },
			codes:     []string{"rubric.problem.scale_out_of", "rubric.problem.scale_step"},
			criterion: -1},
		{name: "unknown mapping", edit: func(g *rubric.Grid) { g.Rules.Scale.Mapping = 5 },
			codes: []string{"rubric.problem.scale_mapping"}, criterion: -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := baseGrid()
			tc.edit(g)
			ps := g.Validate(credentialCompetencies)

			var codes []string
			for _, p := range ps {
				codes = append(codes, p.Code)
				if msg := p.Error(); strings.Contains(msg, "%!") || strings.HasPrefix(msg, "rubric.") {
					t.Errorf("badly formatted problem: %q", msg)
				}
			}
			if !slices.Equal(codes, tc.codes) {
				t.Fatalf("problems = %v, want %v", ps, tc.codes)
			}
			if len(ps) > 0 && ps[0].Criterion != tc.criterion {
				t.Fatalf("first problem about criterion %d, want %d", ps[0].Criterion, tc.criterion)
			}
		})
	}
}

func TestProblemSentenceNamesTheCriterion(t *testing.T) {
	g := baseGrid()
	g.Criteria[1].Levels = g.Criteria[1].Levels[:1]
	g.Criteria[1].MinLevel = 0
	ps := g.Validate(nil)
	if len(ps) != 1 {
		t.Fatalf("problems = %v, want one", ps)
	}
	want := "Critère 2 « Accessibilité » : un critère noté doit avoir au moins " +
		"deux niveaux ; ajoutez-en un, ou retirez tous les niveaux pour un critère de commentaire seul."
	if got := ps[0].Error(); got != want {
		t.Fatalf("problem = %q, want %q", got, want)
	}
}

func TestValidateWithoutCredential(t *testing.T) {
	g := baseGrid()
	g.Criteria[0].Competency = "C9"
	if ps := g.Validate(nil); len(ps) != 0 {
		t.Fatalf("nil competencies still checked: %v", ps)
	}
}

func TestCompatible(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*rubric.Grid)
		code string // "" when grades carry over
	}{
		{name: "same grid", edit: noEdit},
		{name: "texts, weights, rules edited", edit: func(g *rubric.Grid) {
			g.Title, g.Criteria[0].Description, g.Criteria[0].Guidance = "Autre", "Autre", "Autre"
			g.Criteria[0].Levels[1].Descriptor = "Nouveau descripteur"
			g.Criteria[1].Weight, g.Criteria[1].Eliminatory = 3, false
			g.Criteria[0].Competency, g.Rules.MinMastery = "C2", 2
		}},
		{name: "criterion added", edit: func(g *rubric.Grid) {
			g.Criteria = append(g.Criteria, g.Criteria[0])
			g.Criteria[3].Key = "c4"
		}, code: "rubric.compat.count"},
		{name: "criteria swapped", edit: func(g *rubric.Grid) {
			g.Criteria[0], g.Criteria[1] = g.Criteria[1], g.Criteria[0]
		}, code: "rubric.compat.key"},
		{name: "level added", edit: func(g *rubric.Grid) {
			g.Criteria[1].Levels = append(g.Criteria[1].Levels, rubric.Level{Label: "Expert", Points: 4})
		}, code: "rubric.compat.levels"},
		{name: "level points changed", edit: func(g *rubric.Grid) {
			g.Criteria[0].Levels[3].Points = 4
		}, code: "rubric.compat.level"},
		{name: "level renamed", edit: func(g *rubric.Grid) {
			g.Criteria[1].Levels[0].Label = "Insuffisant"
		}, code: "rubric.compat.level"},
		{name: "feedback-only criterion given levels", edit: func(g *rubric.Grid) {
			g.Criteria[2].Levels = rubric.FourLevelScale()
		}, code: "rubric.compat.levels"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := baseGrid()
			b := a.NextVersion()
			tc.edit(b)
			err := rubric.Compatible(a, b)

			var p rubric.Problem
			switch {
			case tc.code == "" && err != nil:
				t.Fatalf("Compatible = %v, want nil", err)
			case tc.code == "":
			case !errors.As(err, &p) || p.Code != tc.code:
				t.Fatalf("Compatible = %v, want %s", err, tc.code)
			}
		})
	}
}

func TestCloneIsDeep(t *testing.T) {
	g := baseGrid()
	g.Criteria[0].Outcomes = []string{"AA1"}
	g.Rules.Competencies = []rubric.CompetencyRule{{Competency: "C1", MinLevel: 2}}
	before := g.Fingerprint()

	c := g.Clone()
	c.Criteria[0].Levels[0].Label = "changé"
	c.Criteria[0].Outcomes[0] = "changé"
	c.Rules.Competencies[0].MinLevel = 3
	if g.Fingerprint() != before {
		t.Fatal("editing a clone changed the original")
	}
	if got := g.NextVersion().Version; got != g.Version+1 {
		t.Fatalf("next version = %d, want %d", got, g.Version+1)
	}
}

func TestApplyScaleKeepsReachableMinLevel(t *testing.T) {
	g := baseGrid()
	g.ApplyScale([]rubric.Level{{Label: "Non", Points: 0}, {Label: "Oui", Points: 1}})
	if got := g.Criteria[1].MinLevel; got != 1 {
		t.Fatalf("min level = %d, want 1 (the last level of the new scale)", got)
	}
	g.Criteria[0].Levels[0].Label = "édité"
	if g.Criteria[2].Levels[0].Label != "Non" {
		t.Fatal("criteria share one levels array")
	}
}
