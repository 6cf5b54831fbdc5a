package main

import (
	"context"
	"fmt"
)

// createSample builds the sample workspace at path.
func createSample(path string) error {
	return fmt.Errorf("demo: not yet available for %s", path)
}

var _ = context.Background
