package diagnose

import (
	"fmt"
	"strings"

	"github.com/ci-doctor/ci-doctor/signatures"
)

// ExampleFailure is an example of a signature that does not behave as its
// file says.
type ExampleFailure struct {
	Signature *signatures.Signature
	Example   string
	// WantMatch is true for an examples.match entry that did not match,
	// false for an examples.no_match entry that did.
	WantMatch bool
}

func (f ExampleFailure) Error() string {
	want := "must not match but does"
	if f.WantMatch {
		want = "must match but does not"
	}
	return fmt.Sprintf("%s:%d: %s: example %s:\n%s", f.Signature.File, f.Signature.Line, f.Signature.ID, want, indent(f.Example, "    "))
}

// CheckExamples runs every example of the given signatures through the
// Matcher (which must know them) and returns the failures and the number of
// examples run.
func (m *Matcher) CheckExamples(sigs []*signatures.Signature) (failures []ExampleFailure, n int) {
	for _, sig := range sigs {
		for _, want := range []bool{true, false} {
			examples := sig.Examples.NoMatch
			if want {
				examples = sig.Examples.Match
			}
			for _, ex := range examples {
				n++
				r, err := m.Diagnose(strings.NewReader(ex), "example")
				if err != nil || hasFinding(r, sig.ID) != want {
					failures = append(failures, ExampleFailure{Signature: sig, Example: ex, WantMatch: want})
				}
			}
		}
	}
	return failures, n
}

func hasFinding(r *Report, id string) bool {
	for _, f := range r.Findings {
		if f.ID == id {
			return true
		}
	}
	return false
}
