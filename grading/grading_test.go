package grading_test

import (
	"errors"
	"testing"
	"time"

	"certeval/grading"
	"certeval/i18n"
)

func TestValidate(t *testing.T) {
	levels := []int{4, 3, 0}
	tests := []struct {
		name    string
		choices []int
		status  grading.Status
		want    error
	}{
		{"complete and submitted", []int{0, 2, -1}, grading.Submitted, nil},
		{"partial in progress", []int{-1, 2, -1}, grading.InProgress, nil},
		{"partial submitted", []int{-1, 2, -1}, grading.Submitted, grading.ErrIncomplete},
		{"level beyond the criterion", []int{0, 3, -1}, grading.InProgress, grading.ErrChoices},
		{"negative level", []int{-2, 0, -1}, grading.InProgress, grading.ErrChoices},
		{"level on a feedback-only criterion", []int{0, 0, 0}, grading.InProgress,
			grading.ErrChoices},
		{"wrong count", []int{0, 0}, grading.InProgress, grading.ErrChoices},
		{"unknown status", []int{0, 0, -1}, grading.Status(7), grading.ErrStatus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gr := grading.Grading{Submission: "s", Choices: tt.choices, Status: tt.status}
			if err := gr.Validate(levels); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestStatusLabelsAndNames(t *testing.T) {
	defer i18n.SetLanguage(i18n.Language())
	i18n.SetLanguage("fr")
	want := map[grading.Status]string{
		grading.NotStarted: "à corriger", grading.InProgress: "en cours",
		grading.Submitted: "remise",
	}
	for s, label := range want {
		if got := s.Label(); got != label {
			t.Errorf("%v.Label() = %q, want %q", s, got, label)
		}
		back, err := grading.ParseStatus(s.String())
		if err != nil || back != s {
			t.Errorf("ParseStatus(%q) = %v, %v", s.String(), back, err)
		}
	}
	if _, err := grading.ParseStatus("done"); !errors.Is(err, grading.ErrStatus) {
		t.Errorf("ParseStatus(done) err = %v", err)
	}
}

func TestEqualAndClone(t *testing.T) {
	at := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	a := grading.Grading{Submission: "s", Expert: "e", Choices: []int{1, 2},
		Comments: map[string]string{"c1": "bien"}, UpdatedAt: at}
	b := a.Clone()
	b.UpdatedAt = at.In(time.FixedZone("CEST", 2*3600))
	if !a.Equal(b) {
		t.Fatal("clone with the same instant in another zone is not equal")
	}
	b.Choices[0] = 3
	b.Comments["c1"] = "très bien"
	if a.Choices[0] != 1 || a.Comments["c1"] != "bien" {
		t.Fatal("clone shares memory with the original")
	}
	if a.Equal(b) {
		t.Fatal("different choices compare equal")
	}
	empty := grading.Grading{Comments: map[string]string{}, Choices: []int{}}
	if !empty.Equal(grading.Grading{}) {
		t.Fatal("empty map and slice differ from nil ones")
	}
}

func TestExplainEveryLanguage(t *testing.T) {
	defer i18n.SetLanguage(i18n.Language())
	errs := []error{grading.ErrChoices, grading.ErrIncomplete, grading.ErrStatus,
		grading.ErrReasonRequired, grading.ErrAgreementAuthor, grading.ErrMixed,
		grading.ErrSameExpert, grading.ErrGridMismatch, grading.ErrMarks}
	for _, lang := range i18n.Languages {
		i18n.SetLanguage(lang)
		seen := map[string]bool{}
		for _, err := range errs {
			msg := grading.Explain(err)
			if msg == "" || seen[msg] || msg[len(msg)-1] != '.' {
				t.Errorf("%s: Explain(%v) = %q: want a distinct sentence", lang, err, msg)
			}
			seen[msg] = true
		}
	}
	if m := i18n.Missing(); len(m) > 0 {
		t.Fatalf("keys missing from a language: %v", m)
	}
}
