package lint

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ci-doctor/ci-doctor/ciconfig"
	"github.com/ci-doctor/ci-doctor/internal/golden"
)

// realDir holds real projects' configurations, copied byte for byte from
// public repositories (testdata/real/README.md names each one), and
// realFixedDir what one `lint --fix` makes of the files it changes.
const (
	realDir      = "testdata/real"
	realFixedDir = "testdata/real-fixed"
)

// fixDefects counts, over the real configurations, what a fix must never
// leave behind.
type fixDefects struct {
	configs, changed                                     int
	invalid, duplicates, argLines, toolless, notFinished int
}

// TestRealConfigs lints every real configuration, compares the findings
// with <name>.out, plans and writes the fixes into a copy, compares each
// changed file with testdata/real-fixed/<name>/, and checks on the result
// that the fix left no defect: it parses, holds no new duplicate key, no
// script line made of a container's arguments, no job calling a tool its
// image lacks, and a second --fix would change nothing. Every output
// format is checked on every configuration too.
func TestRealConfigs(t *testing.T) {
	entries, err := os.ReadDir(realDir)
	if err != nil {
		t.Fatal(err)
	}
	var d fixDefects
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(realDir, name)
			p, err := LoadProject(dir, ".gitlab-ci.yml")
			if err != nil {
				golden.Check(t, dir+".out", []byte("does not load: "+err.Error()+"\n"))
				return
			}
			d.configs++
			findings := p.Lint()
			golden.Check(t, dir+".out", findingLines(findings, p.Config))
			checkFormats(t, findings)

			plan, err := Plan(p, Selection{})
			if err != nil {
				t.Fatal(err)
			}
			fixed := filepath.Join(realFixedDir, name)
			checkFixedTree(t, fixed, plan)
			if len(plan.Changes) == 0 {
				return
			}
			d.changed++
			tmp := t.TempDir()
			if err := os.CopyFS(tmp, os.DirFS(dir)); err != nil {
				t.Fatal(err)
			}
			if err := plan.Write(tmp); err != nil {
				t.Fatal(err)
			}
			checkFixInvariants(t, p, tmp, &d)
		})
	}
	t.Logf("%d configurations read, %d changed by --fix; defects after one --fix: %d invalid YAML, %d duplicate keys, %d argument-only script lines, %d tools run in an image without them, %d with fixable findings left",
		d.configs, d.changed, d.invalid, d.duplicates, d.argLines, d.toolless, d.notFinished)
}

// findingLines renders findings one a line, with their notes, and the
// configuration's problems.
func findingLines(findings []Finding, cfg *ciconfig.Config) []byte {
	var out bytes.Buffer
	for _, f := range findings {
		fixable := "manual"
		if len(f.Edits) > 0 {
			fixable = "fixable"
		}
		out.WriteString(f.Path + ":" + itoa(f.Line) + ":" + itoa(f.Column) + ": " + f.Message + " [" + f.Rule + "] " + fixable + " jobs=" + strings.Join(f.Jobs, ",") + "\n")
		if f.Note != "" {
			out.WriteString("  note: " + f.Note + "\n")
		}
	}
	for _, prob := range cfg.Problems {
		out.WriteString("problem: " + prob.String() + "\n")
	}
	return out.Bytes()
}

// checkFixedTree compares each file the plan changes with its golden copy
// under fixed, and checks that fixed holds no other file.
func checkFixedTree(t *testing.T, fixed string, plan *FixPlan) {
	t.Helper()
	want := map[string]bool{}
	for _, c := range plan.Changes {
		path := filepath.Join(fixed, filepath.FromSlash(c.Path))
		want[path] = true
		if *golden.Update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		golden.Check(t, path, c.New)
	}
	filepath.WalkDir(fixed, func(path string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return nil
		}
		if !want[path] {
			if *golden.Update {
				os.Remove(path)
			} else {
				t.Errorf("%s is not changed by the fix any more (go test -update removes it)", path)
			}
		}
		return nil
	})
}

// checkFixInvariants checks the fixed copy in dir against the project as
// it was.
func checkFixInvariants(t *testing.T, before *Project, dir string, d *fixDefects) {
	t.Helper()
	after, err := LoadProject(dir, ".gitlab-ci.yml")
	if err != nil {
		d.invalid++
		t.Errorf("the fixed configuration does not load: %v", err)
		return
	}
	dups := func(cfg *ciconfig.Config) int {
		n := 0
		for _, f := range cfg.Files {
			n += len(f.DuplicateKeys())
		}
		return n
	}
	if a, b := dups(after.Config), dups(before.Config); a > b {
		d.duplicates++
		t.Errorf("the fix added %d duplicate keys", a-b)
	}
	argLines := func(cfg *ciconfig.Config) map[string]bool {
		m := map[string]bool{}
		for _, j := range cfg.Jobs {
			for _, c := range j.Commands() {
				if strings.HasPrefix(strings.TrimSpace(c.Text), "-") {
					m[j.Name+"\x00"+c.Text] = true
				}
			}
		}
		return m
	}
	had := argLines(before.Config)
	for k := range argLines(after.Config) {
		if !had[k] {
			d.argLines++
			t.Errorf("the fix wrote a script line made of arguments: %q", strings.ReplaceAll(k, "\x00", ": "))
		}
	}
	tools := map[string]bool{}
	for _, j := range before.Config.Jobs {
		for _, m := range missingTools(j) {
			tools[m.key(j.Name)] = true
		}
	}
	for _, j := range after.Config.Jobs {
		for _, m := range missingTools(j) {
			if !tools[m.key(j.Name)] {
				d.toolless++
				t.Errorf("job %s would %s", j.Name, m.what)
			}
		}
	}
	again, err := Plan(after, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Changes) > 0 {
		d.notFinished++
		var paths []string
		for _, c := range again.Changes {
			paths = append(paths, c.Path)
		}
		t.Errorf("a second --fix would still change %s", strings.Join(paths, ", "))
	}
}

// checkFormats renders the findings in every machine format and checks
// that each is what its reader expects.
func checkFormats(t *testing.T, findings []Finding) {
	t.Helper()
	for _, format := range Formats {
		var out bytes.Buffer
		if err := Render(&out, format, findings, RenderOptions{}); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		switch format {
		case "json":
			var v struct{ Findings []Finding }
			if err := json.Unmarshal(out.Bytes(), &v); err != nil {
				t.Errorf("json output does not parse: %v", err)
			} else if len(v.Findings) != len(findings) {
				t.Errorf("json output has %d findings, want %d", len(v.Findings), len(findings))
			}
		case "codequality":
			var issues []struct {
				Description, CheckName, Fingerprint, Severity string
				Location                                      struct {
					Path  string
					Lines struct{ Begin int }
				}
			}
			if err := json.Unmarshal(out.Bytes(), &issues); err != nil {
				t.Errorf("codequality output is not a JSON array of issues: %v", err)
			}
			for _, is := range issues {
				if is.Description == "" || is.Fingerprint == "" || is.Location.Path == "" || is.Location.Lines.Begin < 1 ||
					!slices.Contains([]string{"info", "minor", "major", "critical", "blocker"}, is.Severity) {
					t.Errorf("codequality issue lacks a field GitLab needs: %+v", is)
				}
			}
		case "sarif":
			validateSARIF(t, out.Bytes())
		}
	}
}
