package diagnose

import (
	"strings"
	"testing"
)

// TestPlainPunctuation puts back the ASCII of a line a blog engine retyped
// (round 13's excerpt from pmhahn.github.io keeps such quotes) and leaves
// other text alone.
func TestPlainPunctuation(t *testing.T) {
	in := "error checking push permissions \u2014 make sure you entered the correct tag name: checking push permission for \u201cregistry.example.com/app:1\u201d\u2026 it\u2019s denied\n\u00e9t\u00e9 \u2192 ok\n"
	want := "error checking push permissions -- make sure you entered the correct tag name: checking push permission for \"registry.example.com/app:1\"... it's denied\n\u00e9t\u00e9 \u2192 ok\n"
	got, changed := plainPunctuation([]byte(in))
	if !changed || string(got) != want {
		t.Errorf("plainPunctuation = %q, %v; want %q, true", got, changed, want)
	}
	if strings.Count(string(got), "\n") != strings.Count(in, "\n") {
		t.Error("lines moved")
	}
	if got, changed := plainPunctuation([]byte("plain ascii\n")); changed || string(got) != "plain ascii\n" {
		t.Errorf("plain text changed: %q", got)
	}
}
