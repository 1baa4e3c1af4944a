package diagnose

import (
	"strings"
	"testing"
)

// TestToleratedCommand checks that an error in the output of a command
// whose failure the script goes past is never the root cause, and that the
// next command's own error still is.
func TestToleratedCommand(t *testing.T) {
	m := builtinMatcher(t)
	pull := "$ docker pull registry.example.com/group/app:latest || true\n" +
		"Error response from daemon: manifest for registry.example.com/group/app:latest not found: manifest unknown: manifest unknown\n"
	cases := []struct {
		name, log, want string
	}{
		{"tolerated alone", pull + "$ docker build --cache-from registry.example.com/group/app:latest .\n", "none"},
		{"tolerated with a colon", strings.Replace(pull, "|| true", "|| :", 1), "none"},
		{"not tolerated", strings.Replace(pull, " || true", "", 1), "manifest-unknown"},
		{"the next command fails", pull + "$ docker build .\nERROR: failed to solve: failed to push registry.example.com/group/app:latest: no space left on device\n", "no-space-left"},
	}
	for _, c := range cases {
		r, err := m.Diagnose(strings.NewReader(c.log), c.name)
		if err != nil {
			t.Fatal(err)
		}
		if got := rootID(r.RootCause()); got != c.want {
			t.Errorf("%s: root cause %s, want %s", c.name, got, c.want)
		}
	}
}

// TestTolerantSpans checks where a tolerant command's output begins and
// ends.
func TestTolerantSpans(t *testing.T) {
	var sp tolerantSpans
	sp.command(3, true)
	sp.command(7, false)
	sp.command(9, true)
	for num, want := range map[int]bool{3: false, 4: true, 6: true, 7: false, 8: false, 10: true, 1000: true} {
		if got := sp.holds(num); got != want {
			t.Errorf("line %d: holds %v, want %v", num, got, want)
		}
	}
}

// TestTolerantSpansBounded checks that the spans kept stay bounded and
// that the latest ones are those kept.
func TestTolerantSpansBounded(t *testing.T) {
	var sp tolerantSpans
	for i := 1; i <= 3*maxTolerantSpans; i++ {
		sp.command(2*i, true)
	}
	if len(sp.spans) != maxTolerantSpans {
		t.Fatalf("%d spans kept, want %d", len(sp.spans), maxTolerantSpans)
	}
	if !sp.holds(6*maxTolerantSpans + 1) {
		t.Error("the latest command's output is not held")
	}
	if sp.holds(3) {
		t.Error("the first command's output is still held")
	}
}
