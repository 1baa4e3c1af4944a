package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ci-doctor/ci-doctor/internal/gencmddocs"
	"github.com/ci-doctor/ci-doctor/internal/iostreams"
)

// TestCommandDocsAreCurrent regenerates the command reference into a
// temporary folder and compares it with the checked-in docs/, so that a
// command, flag or help text changed without `go generate ./cmd/ci-doctor`
// fails the tests (and so the CI).
func TestCommandDocsAreCurrent(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	tmp := t.TempDir()
	if err := gencmddocs.Generate(newRootCmd(ios), tmp); err != nil {
		t.Fatal(err)
	}
	names := func(dir string) []string {
		ios, _, _, _ := iostreams.Test()
		pages, err := gencmddocs.Pages(newRootCmd(ios), dir)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range pages {
			pages[i] = filepath.Base(p)
		}
		slices.Sort(pages)
		return pages
	}
	want, got := names(tmp), names("../../docs")
	if !slices.Equal(got, want) {
		t.Fatalf("docs/ holds %v\nthe commands make %v\nrun: go generate ./cmd/ci-doctor", got, want)
	}
	for _, name := range want {
		fresh, err := os.ReadFile(filepath.Join(tmp, name))
		if err != nil {
			t.Fatal(err)
		}
		old, err := os.ReadFile(filepath.Join("../../docs", name))
		if err != nil {
			t.Fatal(err)
		}
		if string(old) != string(fresh) {
			t.Errorf("docs/%s is out of date: run go generate ./cmd/ci-doctor", name)
		}
	}
}
