package grading_test

import (
	"testing"

	"certeval/grading"
)

func TestHistoryUndo(t *testing.T) {
	var h grading.History
	if _, ok := h.Undo(); ok {
		t.Fatal("undo on an empty history")
	}

	gr := grading.Grading{Submission: "s", Choices: []int{-1, -1}}
	for _, c := range []int{0, 1, 2} {
		h.Push(gr)
		gr = gr.Clone()
		gr.Choices[0] = c
		gr.Revision++
	}
	for _, want := range []int{1, 0, -1} {
		got, ok := h.Undo()
		if !ok || got.Choices[0] != want {
			t.Fatalf("undo = %v, %v; want choice %d", got.Choices, ok, want)
		}
	}
	if _, ok := h.Undo(); ok {
		t.Fatal("undo beyond the first state")
	}
}

func TestHistoryKeepsCopies(t *testing.T) {
	h := grading.NewHistory(0)
	gr := grading.Grading{Choices: []int{1}, Comments: map[string]string{"c1": "a"}}
	h.Push(gr)
	gr.Choices[0] = 3
	gr.Comments["c1"] = "b"
	got, _ := h.Undo()
	if got.Choices[0] != 1 || got.Comments["c1"] != "a" {
		t.Fatalf("history changed with the live grading: %+v", got)
	}
}

func TestHistorySkipsRepeats(t *testing.T) {
	h := grading.NewHistory(10)
	gr := grading.Grading{Choices: []int{1}}
	h.Push(gr)
	h.Push(gr.Clone())
	if got := h.Len(); got != 1 {
		t.Fatalf("Len = %d after pushing the same state twice, want 1", got)
	}
}

func TestHistoryBounded(t *testing.T) {
	tests := []struct {
		name   string
		limit  int
		pushes int
		want   int // steps kept
	}{
		{"default bound", 0, 120, grading.DefaultSteps},
		{"custom bound", 5, 12, 5},
		{"under the bound", 5, 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := grading.NewHistory(tt.limit)
			for i := range tt.pushes {
				h.Push(grading.Grading{Revision: i})
			}
			if h.Len() != tt.want {
				t.Fatalf("Len = %d, want %d", h.Len(), tt.want)
			}
			for i := range tt.want {
				got, _ := h.Undo()
				if want := tt.pushes - 1 - i; got.Revision != want {
					t.Fatalf("undo %d gave revision %d, want %d", i, got.Revision, want)
				}
			}
			h.Push(grading.Grading{})
			h.Clear()
			if h.Len() != 0 {
				t.Fatal("Clear kept steps")
			}
		})
	}
}
