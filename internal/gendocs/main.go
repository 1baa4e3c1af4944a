// Command gendocs rewrites the table of signatures in README.md from the
// built-in signature files. Run it with `go generate ./signatures`.
package main

import (
	"fmt"
	"os"

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
	sigs, err := signatures.Builtin()
	if err != nil {
		return err
	}
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := signatures.ReplaceTable(string(doc), signatures.MarkdownTable(sigs))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, []byte(out), 0o644)
}
