package storage_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"certeval/storage"
)

// crashGradings is how many gradings the crash test's child works on.
const crashGradings = 5

// crashStep is the choice made at step i: which grading, criterion and
// level.
func crashStep(i int) (g, c, l int) {
	return i % crashGradings, (i / crashGradings) % 6, (i / (6 * crashGradings)) % 4
}

// crashState is every grading's choices after steps 0 to last.
func crashState(last int) [][]int {
	st := make([][]int, crashGradings)
	for g := range st {
		st[g] = []int{-1, -1, -1, -1, -1, -1, -1}
	}
	for i := 0; i <= last; i++ {
		g, c, l := crashStep(i)
		st[g][c] = l
	}
	return st
}

// TestCrashSaveChoiceChild is the child of TestCrashSaveChoice: it
// chooses levels from step CERTEVAL_CRASH_FROM on and prints each step
// once SaveChoice returned.
func TestCrashSaveChoiceChild(t *testing.T) {
	path := os.Getenv("CERTEVAL_CRASH_GRADING_DB")
	if path == "" {
		t.Skip("run by TestCrashSaveChoice")
	}
	from, _ := strconv.Atoi(os.Getenv("CERTEVAL_CRASH_FROM"))
	s, err := storage.Open(path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	for i := from; ; i++ {
		g, c, l := crashStep(i)
		key := storage.GradingKey{Submission: int64(g + 1), Expert: "expA"}
		if err := s.SaveChoice(context.Background(), key, c, l); err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		fmt.Fprintln(w, i)
		w.Flush()
	}
}

// TestCrashSaveChoice kills a child choosing levels with SIGKILL at random
// moments, 60 times, and checks that every choice the child saw saved is
// in the workspace.
func TestCrashSaveChoice(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	f := mustDeskFixture(t, crashGradings, "expA")
	path := f.s.Path()
	f.s.Close()

	rng := rand.New(rand.NewSource(2))
	next := 0 // the first step not known to be saved
	for round := 0; round < 60; round++ {
		last := runChoiceChild(t, path, next, time.Duration(40+rng.Intn(120))*time.Millisecond)
		s, err := storage.Open(path)
		if err != nil {
			t.Fatalf("round %d: reopen: %v", round, err)
		}
		got := storedChoices(t, s)
		s.Close()
		if last < next-1 {
			last = next - 1
		}
		// The child may have saved one step more than it could print.
		switch {
		case equalStates(got, crashState(last)):
			next = last + 1
		case equalStates(got, crashState(last+1)):
			next = last + 2
		default:
			t.Fatalf("round %d: saved choices lost after step %d: %v", round, last, got)
		}
	}
	if next < 100 {
		t.Fatalf("only %d choices saved over 60 rounds: the child barely ran", next)
	}
}

func equalStates(a, b [][]int) bool {
	return slices.EqualFunc(a, b, func(x, y []int) bool { return slices.Equal(x, y) })
}

// storedChoices reads the choices of the crash test's gradings.
func storedChoices(t *testing.T, s *storage.Store) [][]int {
	t.Helper()
	var out [][]int
	for g := range crashGradings {
		sh, err := s.GradingSheet(context.Background(),
			storage.GradingKey{Submission: int64(g + 1), Expert: "expA"})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sh.Grading.Choices)
	}
	return out
}

// runChoiceChild starts the child from step from, kills it after d and
// returns the last step it reported saved (from-1 when none).
func runChoiceChild(t *testing.T, path string, from int, d time.Duration) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashSaveChoiceChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CERTEVAL_CRASH_GRADING_DB="+path,
		"CERTEVAL_CRASH_FROM="+strconv.Itoa(from))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(d, func() { cmd.Process.Signal(syscall.SIGKILL) })

	last := from - 1
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if n, err := strconv.Atoi(sc.Text()); err == nil {
			last = n
		} else if len(sc.Text()) > 5 && sc.Text()[:5] == "error" {
			t.Fatalf("child: %s", sc.Text())
		}
	}
	cmd.Wait()
	return last
}
