package diagnose

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ci-doctor/ci-doctor/lint"

	"github.com/ci-doctor/ci-doctor/internal/golden"

	"github.com/ci-doctor/ci-doctor/signatures"
)

// requiredIDs are the signatures that scripts, reports and later features
// rely on: their ids must never change.
var requiredIDs = []string{
	"docker-daemon-unreachable", "dind-service-failed", "docker-command-not-found",
	"buildkitd-sock-unreachable", "buildkit-rootless-sandbox", "registry-unauthorized",
	"registry-access-denied", "node-module-version-mismatch", "exec-format-error",
	"pull-policy-not-allowed", "image-pull-failed", "image-pull-rate-limited",
	"manifest-unknown", "x509-unknown-authority", "no-space-left", "out-of-memory",
	"job-timeout", "log-truncated", "image-entrypoint-not-shell",
}

func builtinMatcher(t testing.TB) *Matcher {
	t.Helper()
	sigs := signatures.Builtin()
	m, err := Compile(sigs)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// diagnoseFile diagnoses a file of the repository, named as from its root.
func diagnoseFile(t *testing.T, m *Matcher, rel string) *Report {
	t.Helper()
	f, err := os.Open(filepath.Join("..", rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := m.Diagnose(f, rel)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestCorpus diagnoses every log under testdata/logs and compares the
// findings with the case.out file beside each case.log. A log named
// <id>--<variant>.log must have <id> as its root cause; a log under
// negative/ must have none.
func TestCorpus(t *testing.T) {
	m := builtinMatcher(t)
	covered := map[string]bool{}
	for _, dir := range []string{"testdata/logs", "testdata/logs/negative"} {
		entries, err := os.ReadDir(filepath.Join("..", dir))
		if err != nil {
			t.Fatal(err)
		}
		negatives := 0
		for _, e := range entries {
			name, ok := strings.CutSuffix(e.Name(), ".log")
			if !ok || e.IsDir() {
				continue
			}
			rel := dir + "/" + e.Name()
			t.Run(rel, func(t *testing.T) {
				r := diagnoseFile(t, m, rel)
				var out bytes.Buffer
				if err := (lineRenderer{}).Render(&out, []*Report{r}); err != nil {
					t.Fatal(err)
				}
				golden.Check(t, filepath.Join("..", dir, name+".out"), out.Bytes())
				root := r.RootCause()
				if strings.HasSuffix(dir, "negative") {
					negatives++
					if root != nil {
						t.Errorf("a negative log has root cause %s at line %d", root.ID, root.Line)
					}
					return
				}
				want, _, _ := strings.Cut(name, "--")
				covered[want] = true
				if root == nil || root.ID != want {
					t.Errorf("root cause = %v, want %s\n%s", root, want, out.String())
				}
			})
		}
		if strings.HasSuffix(dir, "negative") && negatives < 12 {
			t.Errorf("the negative corpus has %d logs, want at least 12", negatives)
		}
	}
	for _, id := range requiredIDs {
		if !covered[id] {
			t.Errorf("no log in testdata/logs has %s as its root cause", id)
		}
	}
}

// TestRequiredSignatures checks that every required id exists.
func TestRequiredSignatures(t *testing.T) {
	sigs := signatures.Builtin()
	have := map[string]bool{}
	for _, s := range sigs {
		have[s.ID] = true
	}
	for _, id := range requiredIDs {
		if !have[id] {
			t.Errorf("required signature %s is missing", id)
		}
	}
	for _, s := range sigs {
		for _, r := range s.Rules {
			if !lint.Known(r) {
				t.Errorf("%s: rules names %q, which is no lint rule", s.File, r)
			}
		}
	}
}

// TestBuiltinExamples runs every built-in signature's examples.
func TestBuiltinExamples(t *testing.T) {
	m := builtinMatcher(t)
	failures, n := m.CheckExamples(m.Signatures())
	for _, f := range failures {
		t.Error(f.Error())
	}
	if n == 0 {
		t.Error("no examples ran")
	}
}

// goldenCases are rendered in every format and compared with
// testdata/golden/<name>.<format>.
var goldenCases = []string{
	"testdata/logs/docker-daemon-unreachable--k8s-dind-tcp.log",
	"testdata/logs/node-module-version-mismatch--crane-export-k8s.log",
	"testdata/logs/negative/jest-test-failure.log",
}

func TestGoldenFormats(t *testing.T) {
	m := builtinMatcher(t)
	for _, rel := range goldenCases {
		r := diagnoseFile(t, m, rel)
		base := strings.TrimSuffix(filepath.Base(rel), ".log")
		for _, format := range Formats {
			for _, color := range []bool{false, true} {
				if color && format != "text" {
					continue
				}
				ext := format
				if color {
					ext += "-color"
				}
				t.Run(base+"."+ext, func(t *testing.T) {
					rd, err := NewRenderer(format, RenderOptions{Color: color})
					if err != nil {
						t.Fatal(err)
					}
					var out bytes.Buffer
					if err := rd.Render(&out, []*Report{r}); err != nil {
						t.Fatal(err)
					}
					golden.Check(t, filepath.Join("..", "testdata", "golden", base+"."+ext), out.Bytes())
				})
			}
		}
	}
}
