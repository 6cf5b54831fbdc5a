package app

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"

	"certeval/demo"
	"certeval/seal"
)

var (
	largeOnce sync.Once
	largePath string
	largeErr  error
)

// largeWorkspace builds, once per test binary, a workspace of 10,000
// candidates each graded by two experts: 20,000 gradings holding 120,000
// criterion grades.
func largeWorkspace(b *testing.B) string {
	largeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "certeval-bench")
		if err != nil {
			largeErr = err
			return
		}
		largePath = filepath.Join(dir, "large.certeval")
		largeErr = demo.Create(context.Background(), largePath, demo.Options{
			Candidates: 10000, KeyParams: seal.Params{MemoryKiB: 64, Time: 1, Threads: 1}})
	})
	if largeErr != nil {
		b.Fatal(largeErr)
	}
	return largePath
}

// BenchmarkOpenLargeWorkspace measures opening a large workspace and
// drawing the application's first screen.
func BenchmarkOpenLargeWorkspace(b *testing.B) {
	path := largeWorkspace(b)
	a := test.NewTempApp(b)
	a.Preferences().SetString(prefLanguage, "fr")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := a.NewWindow("bench")
		u := newUI(a, w, Options{DBPath: path})
		w.Canvas().Capture()
		b.StopTimer()
		if err := u.close(); err != nil {
			b.Fatal(err)
		}
		w.Close()
		b.StartTimer()
	}
}
