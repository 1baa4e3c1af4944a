package signatures_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/internal/golden"
	"github.com/ci-doctor/ci-doctor/logtemplate"
	"github.com/ci-doctor/ci-doctor/signatures"
)

// draftCases reads testdata/draft/*.txt: the id on the first line, the
// template on the second, the example lines after. The expected draft is
// the .yaml file beside each.
func draftCases(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("testdata/draft/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases in testdata/draft: %v", err)
	}
	cases := map[string][]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		if len(lines) < 3 {
			t.Fatalf("%s: want an id, a template and example lines", f)
		}
		cases[strings.TrimSuffix(f, ".txt")] = lines
	}
	return cases
}

func TestDraftGolden(t *testing.T) {
	for base, c := range draftCases(t) {
		got, err := signatures.Draft(c[0], c[1], c[2:])
		if err != nil {
			t.Errorf("%s: %v", base, err)
			continue
		}
		golden.Check(t, base+".yaml", got)
	}
}

// TestDraftLoads completes each draft as a person would, with a line that
// must not match, and checks that the loader takes it and that its
// examples pass through the matcher.
func TestDraftLoads(t *testing.T) {
	for base, c := range draftCases(t) {
		draft, err := signatures.Draft(c[0], c[1], c[2:])
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		if _, err := signatures.Parse(base+".yaml", draft); err == nil {
			t.Errorf("%s: the draft loads without a no_match example; the loader should ask for one", base)
		}
		done := bytes.Replace(draft, []byte("no_match: []"), []byte("no_match:\n    - 'Job succeeded'"), 1)
		sig, err := signatures.Parse(base+".yaml", done)
		if err != nil {
			t.Errorf("%s: the completed draft does not load: %v\n%s", base, err, done)
			continue
		}
		m, err := diagnose.Compile([]*signatures.Signature{sig})
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		failures, n := m.CheckExamples([]*signatures.Signature{sig})
		for _, f := range failures {
			t.Errorf("%s: %v", base, f)
		}
		if n != len(c)-2+1 {
			t.Errorf("%s: %d examples run, want %d", base, n, len(c)-1)
		}
	}
}

func TestDraftErrors(t *testing.T) {
	tests := []struct {
		name, id, template string
		lines              []string
		want               string
	}{
		{"id not kebab-case", "Apt_Package", "E: Unable to locate package <*>", []string{"E: Unable to locate package npm"}, "not kebab-case"},
		{"no lines", "apt-package", "E: Unable to locate package <*>", nil, "no example lines"},
		{"a line the pattern misses", "apt-package", "E: Unable to locate package <*>",
			[]string{"E: Unable to locate package npm", "E: Could not open lock file"}, `does not match example line 2: "E: Could not open lock file"`},
		{"no literal for the prefilter", "numbers", "<NUM> <*>", []string{"12 ab"}, "no literal of 4 or more characters"},
	}
	for _, tt := range tests {
		_, err := signatures.Draft(tt.id, tt.template, tt.lines)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one that says %q", tt.name, err, tt.want)
		}
	}
}

// TestDraftRealLines drafts a signature from every line the fallback
// shows for the real excerpts that no signature explains, each masked by
// logtemplate: every placeholder Mask writes must become a pattern that
// matches the line it came from. The only refusal allowed is a template
// with no literal text long enough for the prefilter.
func TestDraftRealLines(t *testing.T) {
	outs, err := filepath.Glob("../testdata/logs/*/*.out")
	if err != nil || len(outs) == 0 {
		t.Fatalf("no real excerpts: %v", err)
	}
	n := 0
	for _, out := range outs {
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			_, text, ok := strings.Cut(l, ": look here: ")
			if !ok {
				continue
			}
			text = strings.TrimSuffix(text, " [unmatched]")
			n++
			if _, err := signatures.Draft("draft", logtemplate.Mask(text), []string{text}); err != nil && !strings.Contains(err.Error(), "no literal") {
				t.Errorf("%s: %v", out, err)
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d fallback lines found in the real excerpts", n)
	}
}

// TestDraftFallsBackToWildcards: a real tart line whose escaped quotes
// Mask reads otherwise than a quoted-string pattern can still gets a draft
// that matches it (round 9's excerpt,
// testdata/logs/holdout/registry-unauthorized--tart-login-gitlab-registry-401.log).
func TestDraftFallsBackToWildcards(t *testing.T) {
	b, err := os.ReadFile("../testdata/logs/holdout/registry-unauthorized--tart-login-gitlab-registry-401.log")
	if err != nil {
		t.Fatal(err)
	}
	var line string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "invalid credentials: AuthFailed(") {
			line = l
		}
	}
	if line == "" {
		t.Fatal("the excerpt has no AuthFailed line")
	}
	draft, err := signatures.Draft("tart-auth-failed", logtemplate.Mask(line), []string{line})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(draft), `invalid\s+credentials:\s+AuthFailed\(why:\s+.+?`) {
		t.Errorf("draft:\n%s", draft)
	}
}
