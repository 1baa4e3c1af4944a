package diagnose

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestUnwrap joins a real excerpt that a terminal wrapped (kaniko, pasted in
// GoogleContainerTools/kaniko#1209; testdata/logs/real) and keeps lines that
// begin a message of their own.
func TestUnwrap(t *testing.T) {
	log, err := os.ReadFile("../testdata/logs/real/registry-unauthorized--kaniko-dockerhub-wrapped-scopes.log")
	if err != nil {
		t.Fatal(err)
	}
	joined, origin := unwrap(log)
	lines := strings.Split(strings.TrimSuffix(string(joined), "\n"), "\n")
	if len(lines) != 2 || !slices.Equal(origin, []int{1, 4}) {
		t.Fatalf("unwrap gave %d lines starting at %v:\n%s", len(lines), origin, joined)
	}
	if want := `error checking push permissions -- make sure you entered the correct tag name,and that you are authenticated correctly`; !strings.HasPrefix(lines[0], want) {
		t.Errorf("first line = %q", lines[0])
	}
	if j, _ := unwrap([]byte("short line\nand another\n")); j != nil {
		t.Errorf("short lines were joined: %q", j)
	}
	if j, _ := unwrap([]byte("a line that is long enough to have been wrapped by a terminal\n$ make test\n")); j != nil {
		t.Errorf("a command was joined to the line before it: %q", j)
	}
}

// TestDiagnoseUnwrapped checks that a failure whose message a wrap cut in
// two is recognised, at the input's line numbers.
func TestDiagnoseUnwrapped(t *testing.T) {
	m := builtinMatcher(t)
	// kubelet's event (pkg/kubelet/images), as a terminal wraps it.
	log := "  Warning  Failed     12s   kubelet            Failed to pull im\n" +
		"age \"node:20-bookwork\": rpc error: code = NotFound desc = failed to pull and unpack image\n"
	r, err := m.Diagnose(strings.NewReader(log), "wrapped")
	if err != nil {
		t.Fatal(err)
	}
	root := r.RootCause()
	if root == nil || root.ID != "image-pull-failed" || root.Line != 1 {
		t.Fatalf("root cause = %v, want image-pull-failed at line 1", root)
	}
}
