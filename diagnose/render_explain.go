package diagnose

import (
	"fmt"
	"io"
	"strings"

	"github.com/ci-doctor/ci-doctor/signatures"
)

// Explain prints what a signature knows of its failure, for `ci-doctor
// explain`: title, cause, fix, snippet, what it looks like and references.
// The fix is shown as it reads for the signature's first example, so that
// the values it quotes from a log are filled in; m must know s.
func (m *Matcher) Explain(w io.Writer, s *signatures.Signature) error {
	fix := s.RenderFix(nil)
	if len(s.Examples.Match) > 0 {
		if r, err := m.Diagnose(strings.NewReader(s.Examples.Match[0]), "example"); err == nil {
			for _, f := range r.Findings {
				if f.ID == s.ID {
					fix = f.Fix
				}
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s]\n\nCause\n%s\n\nFix (for the example below)\n%s\n", s.Title, s.ID, indent(s.Cause, "  "), indent(fix, "  "))
	if s.Snippet != "" {
		fmt.Fprintf(&b, "\n%s\n", indent(s.Snippet, "    "))
	}
	if len(s.Examples.Match) > 0 {
		fmt.Fprintf(&b, "\nWhat it looks like in a log\n%s\n", indent(s.Examples.Match[0], "  "))
	}
	if len(s.References) > 0 {
		b.WriteString("\nSee\n")
		for _, r := range s.References {
			fmt.Fprintf(&b, "  - %s\n", referenceText(r.Title, r.URL))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
