// Package siggen makes a synthetic signature database from the built-in
// one, for the benchmarks of a database that grows (bench/run.sh and
// diagnose's BenchmarkDiagnoseManySignatures).
//
// Each built-in signature gets n variants, with their own ids and their own
// literals: in every literal of four letters or more of every pattern, one
// letter is changed (which one depends on the variant), so the prefilter
// has n+1 times the literals to look for, like a database of real
// signatures that are all different. The structure of the patterns
// (groups, classes, anchors, (?i)) and the rest of each file are kept. The
// examples are copied unchanged, so `ci-doctor signatures test` fails on the
// variants: they exist to be loaded, not tested.
package siggen

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp/syntax"

	"github.com/ci-doctor/ci-doctor/signatures"
)

// Write writes n variants of each built-in signature into dir, one file
// each, and returns how many it wrote.
func Write(dir string, n int) (int, error) {
	files, err := Files(n)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	for _, f := range files {
		data, err := signatures.EncodeYAML(f)
		if err != nil {
			return 0, err
		}
		if err := os.WriteFile(filepath.Join(dir, f.ID+".yaml"), data, 0o644); err != nil {
			return 0, err
		}
	}
	return len(files), nil
}

// Signatures returns the built-in signatures and n variants of each,
// loaded as the loader loads a folder.
func Signatures(n int) ([]*signatures.Signature, error) {
	sigs := signatures.Builtin()
	files, err := Files(n)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		data, err := signatures.EncodeYAML(f)
		if err != nil {
			return nil, err
		}
		s, err := signatures.Parse(f.ID+".yaml", data)
		if err != nil {
			return nil, err
		}
		sigs = append(sigs, s)
	}
	return signatures.Merge(sigs)
}

// Files returns n variants of each built-in signature.
func Files(n int) ([]*File, error) {
	sigs := signatures.Builtin()
	var files []*File
	for _, s := range sigs {
		for k := 1; k <= n; k++ {
			f, err := Variant(s, k)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.ID, err)
			}
			files = append(files, f)
		}
	}
	return files, nil
}

// File is a signature file as signatures/FORMAT.md describes it.
type File struct {
	ID         string                 `yaml:"id"`
	Title      string                 `yaml:"title"`
	Priority   int                    `yaml:"priority"`
	Patterns   []string               `yaml:"patterns"`
	Requires   []string               `yaml:"requires,omitempty"`
	Captures   []string               `yaml:"captures,omitempty"`
	Unless     []string               `yaml:"unless,omitempty"`
	Window     int                    `yaml:"window"`
	Cause      string                 `yaml:"cause"`
	Fix        string                 `yaml:"fix"`
	References []signatures.Reference `yaml:"references,omitempty"`
	Examples   signatures.Examples    `yaml:"examples"`
}

// Variant returns variant k (1 and up) of s.
func Variant(s *signatures.Signature, k int) (*File, error) {
	f := &File{
		ID: fmt.Sprintf("%s-v%d", s.ID, k), Title: fmt.Sprintf("%s (variant %d)", s.Title, k),
		Priority: s.Priority, Window: s.Window, Cause: s.Cause, Fix: s.Fix,
		References: s.References, Examples: s.Examples,
	}
	for _, role := range []struct {
		from []*signatures.Pattern
		to   *[]string
	}{{s.Patterns, &f.Patterns}, {s.Requires, &f.Requires}, {s.Captures, &f.Captures}, {s.Unless, &f.Unless}} {
		for _, p := range role.from {
			re, err := syntax.Parse(p.Source, syntax.Perl)
			if err != nil {
				return nil, err
			}
			mutate(re, k)
			*role.to = append(*role.to, re.String())
		}
	}
	return f, nil
}

// mutate changes one letter in every literal of re of four letters or more.
func mutate(re *syntax.Regexp, k int) {
	if re.Op == syntax.OpLiteral && len(re.Rune) >= 4 {
		var letters []int
		for i, r := range re.Rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
				letters = append(letters, i)
			}
		}
		if len(letters) > 0 {
			i := letters[(7*k)%len(letters)]
			r := re.Rune[i]
			base := rune('a')
			if r <= 'Z' {
				base = 'A'
			}
			re.Rune[i] = base + (r-base+rune(k))%26
		}
	}
	for _, sub := range re.Sub {
		mutate(sub, k)
	}
}
