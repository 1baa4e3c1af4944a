package gencmddocs

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func testTree() *cobra.Command {
	root := &cobra.Command{Use: "tool", Short: "A tool"}
	noop := func(*cobra.Command, []string) error { return nil }
	root.AddCommand(
		&cobra.Command{Use: "check FILE", Short: "Check a file", RunE: noop},
		&cobra.Command{Use: "secret", Short: "Hidden", Hidden: true, RunE: noop},
	)
	return root
}

// TestGenerate checks which pages are written and removed, and that a page
// carries no date.
func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"tool_removed.md": "a command that no longer exists",
		"guide.md":        "hand-written",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := Generate(testTree(), dir); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	want := []string{
		"guide.md", "tool.md", "tool_check.md", "tool_completion.md", "tool_completion_bash.md",
		"tool_completion_fish.md", "tool_completion_powershell.md", "tool_completion_zsh.md",
	}
	if !slices.Equal(got, want) {
		t.Errorf("files = %v\nwant    %v", got, want)
	}
	page, err := os.ReadFile(filepath.Join(dir, "tool_check.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(page), "## tool check\n\nCheck a file\n") || strings.Contains(string(page), "Auto generated") {
		t.Errorf("tool_check.md:\n%s", page)
	}
}

// TestGenerateTwice checks that two runs write the same bytes.
func TestGenerateTwice(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if err := Generate(testTree(), a); err != nil {
		t.Fatal(err)
	}
	if err := Generate(testTree(), b); err != nil {
		t.Fatal(err)
	}
	pages, err := Pages(testTree(), a)
	if err != nil || len(pages) == 0 {
		t.Fatalf("pages %v, %v", pages, err)
	}
	for _, p := range pages {
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, filepath.Base(p)))
		if err != nil || string(x) != string(y) {
			t.Errorf("%s differs between two runs (%v)", filepath.Base(p), err)
		}
	}
}
