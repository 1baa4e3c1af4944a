package signatures

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const validBody = `id: my-failure
title: My failure
priority: 50
patterns:
  - 'something (?P<what>\w+) broke'
cause: Because.
fix: 'Fix {{.what}}.'
examples:
  match: ['something big broke']
  no_match: ['all good']
`

func TestParseValid(t *testing.T) {
	s, err := Parse("my.yaml", []byte(validBody))
	if err != nil {
		t.Fatal(err)
	}
	p := s.Patterns[0]
	if p.Line != 5 || p.Column != 5 {
		t.Errorf("pattern position = %d:%d, want 5:5", p.Line, p.Column)
	}
	if strings.Join(p.Literals, ",") != "something " {
		t.Errorf("literals = %q", p.Literals)
	}
	if got := s.RenderFix(map[string]string{"what": "pipe"}); got != "Fix pipe." {
		t.Errorf("fix = %q", got)
	}
}

// TestParseNear reads a trigger written as a mapping: its near pattern
// keeps its own position and literals.
func TestParseNear(t *testing.T) {
	body := strings.Replace(validBody, `  - 'something (?P<what>\w+) broke'`, "  - pattern: 'something (?P<what>\\w+) broke'\n    near: '^with the pipe'", 1) + "window: 2\n"
	s, err := Parse("my.yaml", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	p := s.Patterns[0]
	if p.Source != `something (?P<what>\w+) broke` || p.Near == nil || p.Near.Line != 6 || strings.Join(p.Near.Literals, ",") != "with the pipe" {
		t.Fatalf("pattern = %+v, near = %+v", p, p.Near)
	}
	if p.Within != 2 {
		t.Errorf("within = %d, want the window, 2", p.Within)
	}
	if got := s.NearOf(); len(got) != 1 || got[0] != 0 || s.PatternsOf(RoleNear)[0] != p.Near {
		t.Errorf("NearOf = %v", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"unknown key", validBody + "colour: red\n", `my.yaml:11: unknown key "colour"`},
		{"bad regex", strings.Replace(validBody, `'something (?P<what>\w+) broke'`, `'something (broke'`, 1), "my.yaml:5: my-failure: bad regular expression"},
		{"no literal", strings.Replace(validBody, `'something (?P<what>\w+) broke'`, `'.*err.*'`, 1), "my.yaml:5: my-failure: pattern \".*err.*\" has no literal"},
		{"alternation with a short branch", strings.Replace(validBody, `'something (?P<what>\w+) broke'`, `'(?:something|ab)x?'`, 1), "has no literal"},
		{"huge pattern", strings.Replace(validBody, `'something (?P<what>\w+) broke'`, "'"+strings.Repeat("a", 1001)+"'", 1), "at most 1000 are allowed"},
		{"missing examples", strings.Replace(validBody, "  no_match: ['all good']\n", "", 1), "no examples.no_match"},
		{"bad id", strings.Replace(validBody, "my-failure", "My_Failure", 1), "not kebab-case"},
		{"bad priority", strings.Replace(validBody, "priority: 50", "priority: 500", 1), "priority must be 1..100"},
		{"bad template", strings.Replace(validBody, "'Fix {{.what}}.'", "'Fix {{.what'", 1), "fix is not a valid template"},
		{"pattern not a string", strings.Replace(validBody, `  - 'something (?P<what>\w+) broke'`, "  - [a, b]", 1), "my.yaml:5: a pattern must be a string"},
		{"mapping without near", strings.Replace(validBody, `  - 'something (?P<what>\w+) broke'`, "  - {pattern: 'something broke'}", 1), "my.yaml:5: a pattern written as a mapping needs the key pattern"},
		{"near without a window", strings.Replace(validBody, `  - 'something (?P<what>\w+) broke'`, "  - {pattern: 'something broke', near: 'the pipe'}", 1), "near: needs within: (or the signature's window) of 1..50 lines, not 0"},
		{"within on a trigger without near", strings.Replace(validBody, `  - 'something (?P<what>\w+) broke'`, "  - {pattern: 'something broke', within: 3}", 1), "within: without near: is for unless patterns only"},
		{"unless reaching too far", validBody + "unless:\n  - {pattern: 'all is well', within: 60}\n", "within: of an unless must be 1..50 lines, not 60"},
		{"unless reaching backwards", validBody + "unless:\n  - {pattern: 'all is well', within: -2}\n", "within: of an unless must be 1..50 lines, not -2"},
		{"same on a trigger", strings.Replace(validBody, `  - 'something (?P<what>\w+) broke'`, "  - {pattern: 'something (?P<what>\\w+) broke', near: 'here', same: what}", 1), "same: is for unless patterns only"},
		{"same without the unless's group", validBody + "unless:\n  - {pattern: 'all is well', within: 3, same: what}\n", `same: "what" is not a group of the unless pattern`},
		{"same without a trigger's group", validBody + "unless:\n  - {pattern: '(?P<other>\\w+) is well', within: 3, same: other}\n", `same: "other" is not a group of any trigger`},
		{"after on a trigger", strings.Replace(validBody, `  - 'something (?P<what>\w+) broke'`, "  - {pattern: 'something broke', near: 'here', after: true}", 1), "after: and before: are for unless patterns only"},
		{"before on a trigger", strings.Replace(validBody, `  - 'something (?P<what>\w+) broke'`, "  - {pattern: 'something broke', near: 'here', before: true}", 1), "after: and before: are for unless patterns only"},
		{"after and before", validBody + "unless:\n  - {pattern: 'all is well', within: 3, after: true, before: true}\n", "either after: or before:"},
		{"near on unless", validBody + "window: 2\nunless:\n  - {pattern: 'something broke', near: 'the pipe'}\n", "near: is for the patterns that trigger"},
		{"near without literal", strings.Replace(validBody, `  - 'something (?P<what>\w+) broke'`, "  - {pattern: 'something broke', near: '.*'}", 1) + "window: 2\n", "near: pattern \".*\" has no literal"},
		{"syntax error", "id: [\n", "my.yaml:"},
		{"empty", "", "my.yaml: empty file"},
		{"two documents", validBody + "---\nid: other\n", "one signature per file"},
		{"window too wide", validBody + "window: 500\n", "window must be 0..50"},
		{"use in a file read alone", validBody + "unless:\n  - {use: all-is-well}\n", `my.yaml:12: my-failure: use: no shared pattern "all-is-well"`},
		{"use and pattern", validBody + "unless:\n  - {use: all-is-well, pattern: 'all is well'}\n", "a pattern takes pattern or use, not both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("my.yaml", []byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLoadDirAndDuplicates(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("mine.yaml", validBody)
	write("notes.txt", "not a signature")
	sigs, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range sigs {
		found = found || s.ID == "my-failure"
	}
	if !found {
		t.Error("user signature not loaded")
	}
	write("again.yml", validBody)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), `duplicate id "my-failure"`) {
		t.Errorf("error = %v, want a duplicate id", err)
	}
	if _, err := Load(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "cannot read signature folder") {
		t.Errorf("error = %v, want a missing folder", err)
	}
	if _, err := Load(filepath.Join(dir, "mine.yaml")); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("error = %v, want not a folder", err)
	}
}

func TestLookup(t *testing.T) {
	sigs := Builtin()
	for query, want := range map[string]string{
		"nodemodule":                   "node-module-version-mismatch",
		"pull polcy":                   "pull-policy-not-allowed",
		"Cannot connect to the Docker": "docker-daemon-unreachable",
		"buildkitd.sock":               "buildkitd-sock-unreachable",
	} {
		got := Lookup(sigs, query)
		if len(got) == 0 || got[0].ID != want {
			ids := []string{}
			for _, s := range got {
				ids = append(ids, s.ID)
			}
			t.Errorf("Lookup(%q) = %v, want %s first", query, ids, want)
		}
	}
	if got := Lookup(sigs, "zzqqxx"); len(got) != 0 {
		t.Errorf("Lookup(nonsense) found %d", len(got))
	}
	if got := Closest(sigs, "timout", 1); len(got) != 1 || got[0].ID != "job-timeout" {
		t.Errorf("Closest(timout) = %v", got)
	}
}

// TestLoadDirShared reads a folder whose signatures share a pattern: each
// use takes its source, at the use's own position, and the shared file is
// no signature.
func TestLoadDirShared(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(SharedFile, "# the fixed ones\nall-is-well: 'all is well'\n")
	write("mine.yaml", validBody+"unless:\n  - {use: all-is-well}\n  - {use: all-is-well, within: 5}\n")
	sigs, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 1 {
		t.Fatalf("loaded %d signatures, want 1", len(sigs))
	}
	u := sigs[0].Unless
	if len(u) != 2 || u[0].Source != "all is well" || u[0].Line != 12 || u[1].Within != 5 || strings.Join(u[0].Literals, ",") != "all is well" {
		t.Errorf("unless = %+v, %+v", u[0], u[1])
	}
	// A trigger's near line may be a shared pattern too.
	write("near.yaml", strings.Replace(strings.Replace(validBody, "id: my-failure", "id: near-failure", 1),
		"patterns:\n", "patterns:\n  - {pattern: 'it broke', near: {use: all-is-well}, within: 3}\n", 1))
	sigs, err = LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sigs {
		if s.ID == "near-failure" {
			if n := s.Patterns[0].Near; n == nil || n.Source != "all is well" {
				t.Errorf("near = %+v", n)
			}
		}
	}
	if err := os.Remove(filepath.Join(dir, "near.yaml")); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, shared, want string }{
		{"bad name", "All_Well: 'all is well'\n", `shared pattern name "All_Well" is not kebab-case`},
		{"no literal", "all-is-well: '.*'\n", `shared pattern "all-is-well": pattern ".*" has no literal`},
		{"a mapping", "all-is-well: {pattern: 'all is well', within: 3}\n", `shared pattern "all-is-well" must be one pattern, written as a string`},
		{"not a mapping", "- 'all is well'\n", SharedFile + ":1: cannot unmarshal"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			write(SharedFile, tt.shared)
			if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
