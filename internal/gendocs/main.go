// Command gendocs rewrites the generated tables of README.md (the
// signatures and the lint rules) from the code. Run it with
// `go generate ./...`.
package main

import (
	"fmt"
	"os"

	"github.com/ci-doctor/ci-doctor/internal/docs"
	"github.com/ci-doctor/ci-doctor/lint"
	"github.com/ci-doctor/ci-doctor/signatures"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gendocs README.md")
		os.Exit(2)
	}
	if err := rewrite(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func rewrite(path string) error {
	sigs := signatures.Builtin()
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	doc := string(data)
	for _, s := range []struct {
		section docs.Section
		content string
	}{
		{docs.Signatures, signatures.MarkdownTable(sigs)},
		{docs.LintRules, lint.MarkdownTable()},
	} {
		if doc, err = s.section.Replace(doc, s.content); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return os.WriteFile(path, []byte(doc), 0o644)
}
