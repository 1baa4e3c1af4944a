package lint

import (
	"os"
	"testing"

	"github.com/ci-doctor/ci-doctor/internal/docs"
)

// TestReadmeTableIsCurrent fails when the README's table of lint rules no
// longer matches the rules: run `go generate ./...`.
func TestReadmeTableIsCurrent(t *testing.T) {
	doc, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := docs.LintRules.Replace(string(doc), MarkdownTable())
	if err != nil {
		t.Fatal(err)
	}
	if string(doc) != want {
		t.Error("README.md's table of lint rules is out of date: run go generate ./...")
	}
}
