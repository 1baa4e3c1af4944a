package logtemplate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDirs hold the real log excerpts and, beside each, the diagnosis
// that diagnose/realcorpus_test.go keeps up to date: for an excerpt no
// signature explains, its "look here:" lines are the fallback's picks.
var corpusDirs = []string{"../testdata/logs/real", "../testdata/logs/holdout"}

// fallbackKeyLines returns, for each real excerpt that no signature
// explains, the first line the fallback shows: the one the fleet report
// groups the job by.
func fallbackKeyLines(t testing.TB) map[string]string {
	t.Helper()
	lines := map[string]string{}
	for _, dir := range corpusDirs {
		outs, err := filepath.Glob(filepath.Join(dir, "*.out"))
		if err != nil || len(outs) == 0 {
			t.Fatalf("no .out files in %s: %v", dir, err)
		}
		for _, out := range outs {
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range strings.Split(string(b), "\n") {
				if _, text, ok := strings.Cut(l, ": look here: "); ok {
					lines[filepath.Base(dir)+"/"+filepath.Base(out)] = strings.TrimSuffix(text, " [unmatched]")
					break
				}
			}
		}
	}
	return lines
}

// TestCorpusFigures masks and clusters the fallback's key lines of the
// real corpus, the failures no signature explains, and logs how many
// distinct templates they make (go test -v -run Figures shows them).
func TestCorpusFigures(t *testing.T) {
	lines := fallbackKeyLines(t)
	raw, distinct := map[string]bool{}, map[string]bool{}
	var templates []string
	for _, l := range lines {
		tm := Mask(l)
		raw[l], distinct[tm] = true, true
		templates = append(templates, tm)
	}
	gs := Cluster(templates, nil)
	t.Logf("%d unexplained jobs: %d distinct key lines, %d templates after Mask, %d after Cluster", len(lines), len(raw), len(distinct), len(gs))
	if len(gs) >= len(distinct) || len(distinct) >= len(raw) {
		t.Errorf("masking and clustering merged nothing: %d lines, %d templates, %d groups", len(raw), len(distinct), len(gs))
	}
	for _, g := range gs {
		if len(g.Members) > 1 {
			t.Logf("%s %q from %q", g.ID, g.Template, g.Members)
		}
	}
}
