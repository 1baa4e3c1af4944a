package signatures

import (
	"os"
	"testing"

	"github.com/ci-doctor/ci-doctor/internal/docs"
)

// TestReadmeTableIsCurrent fails when the README's table of signatures no
// longer matches the signature files: run `go generate ./signatures`.
func TestReadmeTableIsCurrent(t *testing.T) {
	sigs := Builtin()
	doc, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := docs.Signatures.Replace(string(doc), MarkdownTable(sigs))
	if err != nil {
		t.Fatal(err)
	}
	if string(doc) != want {
		t.Error("README.md's table of signatures is out of date: run go generate ./...")
	}
}
