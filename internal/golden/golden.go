// Package golden compares test output with files kept beside the tests,
// and rewrites them when the tests run with -update:
//
//	go test ./... -update
package golden

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

// Update is set by the -update flag of any test binary that imports this
// package.
var Update = flag.Bool("update", false, "rewrite the expected output files (golden files) instead of comparing")

// Check compares got with the file at path, or rewrites the file with -update.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it; read the diff before committing):\n--- got\n%s--- want\n%s", path, got, want)
	}
}
