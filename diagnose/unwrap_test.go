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

// TestUnwrapPasted joins the pieces of a message that a paste wrapped with
// its prefix on every piece, and one that a terminal cut in the middle of a
// word at its width.
func TestUnwrapPasted(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{
			"quoted, wrapped at a space",
			"> Failed to execute goal: perhaps you should make sure your credentials are set \n> up correctly\n",
			"> Failed to execute goal: perhaps you should make sure your credentials are set up correctly\n",
		},
		{
			"indented, wrapped at a space",
			"    Failed to execute goal: perhaps you should make sure your credentials are set\n    up correctly\n",
			"    Failed to execute goal: perhaps you should make sure your credentials are set up correctly\n",
		},
		{
			"cut at the terminal's width",
			strings.Repeat("x", 50) + "error: failed to fetch oauth to\n" + strings.Repeat("y", 55) + "ken: unexpected status: 40\n1 Unauthorized\n",
			strings.Repeat("x", 50) + "error: failed to fetch oauth to" + strings.Repeat("y", 55) + "ken: unexpected status: 401 Unauthorized\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := unwrap([]byte(tt.in))
			if string(got) != tt.want {
				t.Errorf("unwrap =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
