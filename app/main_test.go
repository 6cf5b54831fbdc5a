package app

import (
	"os"
	"testing"
)

// TestMain runs the areas' background work at once, on the test's
// goroutine, so that what it does to widgets never races with the test.
func TestMain(m *testing.M) {
	spawn = func(f func()) { f() }
	os.Exit(m.Run())
}
