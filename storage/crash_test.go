package storage_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"certeval/storage"
)

// TestCrashChild is the child of TestCrashNoCommittedRecordLost: it saves
// records in a loop and prints the sequence number of each one committed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("CERTEVAL_CRASH_DB")
	if path == "" {
		t.Skip("run by TestCrashNoCommittedRecordLost")
	}
	s, err := storage.Open(path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		e, err := s.Record(context.Background(), storage.Event{
			Action: "crash.save", Entity: "record",
			After: storage.JSON(map[string]int{"i": i}),
		})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		fmt.Fprintln(w, e.Seq)
		w.Flush()
	}
}

// TestCrashNoCommittedRecordLost kills a saving child with SIGKILL at random
// moments, 200 times, and checks that every record the child saw committed
// is there and the file is sound.
func TestCrashNoCommittedRecordLost(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	path := filepath.Join(t.TempDir(), "crash.certeval")
	rng := rand.New(rand.NewSource(1))
	var committed int64
	for round := 0; round < 200; round++ {
		last := runAndKill(t, path, time.Duration(5+rng.Intn(60))*time.Millisecond)
		if last > committed {
			committed = last
		}

		s, err := storage.Open(path)
		if err != nil {
			t.Fatalf("round %d: reopen: %v", round, err)
		}
		n, err := s.VerifyAudit(context.Background())
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if n < committed {
			t.Fatalf("round %d: %d records, but %d were committed", round, n, committed)
		}
		committed = n
		for _, c := range s.Check(context.Background()) {
			if !c.OK {
				t.Fatalf("round %d: %s: %s", round, c.Name, c.Detail)
			}
		}
		s.Close()
	}
	if committed < 200 {
		t.Fatalf("only %d records saved over 200 rounds: the child barely ran", committed)
	}
}

// runAndKill starts the child, kills it after d and returns the last
// sequence number it reported as committed.
func runAndKill(t *testing.T, path string, d time.Duration) int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CERTEVAL_CRASH_DB="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(d, func() { cmd.Process.Signal(syscall.SIGKILL) })

	var last int64
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if n, err := strconv.ParseInt(sc.Text(), 10, 64); err == nil {
			last = n
		} else if len(sc.Text()) > 5 && sc.Text()[:5] == "error" {
			t.Fatalf("child: %s", sc.Text())
		}
	}
	cmd.Wait()
	return last
}
