package main

import (
	"strings"
	"testing"

	"github.com/ci-doctor/ci-doctor/internal/iostreams"
)

// TestCompletionScripts checks that cobra's completion command, which the
// README documents, writes each shell's script on standard output.
func TestCompletionScripts(t *testing.T) {
	for shell, marker := range map[string]string{
		"bash":       "# bash completion V2 for ci-doctor",
		"zsh":        "#compdef ci-doctor",
		"fish":       "complete -c ci-doctor",
		"powershell": "Register-ArgumentCompleter",
	} {
		ios, _, out, errOut := iostreams.Test()
		if code := run(ios, []string{"completion", shell}); code != exitOK {
			t.Errorf("completion %s: exit %d: %s", shell, code, errOut)
		}
		if !strings.Contains(out.String(), marker) {
			t.Errorf("completion %s does not contain %q", shell, marker)
		}
	}
}

// TestCompletionOfCommands checks what the scripts ask the binary for: the
// commands that start with what was typed.
func TestCompletionOfCommands(t *testing.T) {
	for _, tt := range []struct {
		typed string
		want  []string
	}{
		{"sig", []string{"signatures"}},
		{"ver", []string{"version"}},
	} {
		ios, _, out, _ := iostreams.Test()
		if code := run(ios, []string{"__complete", tt.typed}); code != exitOK {
			t.Fatalf("__complete %s: exit %d", tt.typed, code)
		}
		for _, w := range tt.want {
			if !strings.Contains(out.String(), w+"\t") {
				t.Errorf("completing %q: %q lacks %s", tt.typed, out, w)
			}
		}
	}
}

// TestNoGenDocsInTheBinary checks that the docs generator stays out of the
// binary people run: only a build with the gendocs tag has it.
func TestNoGenDocsInTheBinary(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	if code := run(ios, []string{"gen-docs", t.TempDir()}); code != exitUsage {
		t.Errorf("gen-docs: exit %d, want %d (unknown command)", code, exitUsage)
	}
}
