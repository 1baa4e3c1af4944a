package diagnose

import (
	"fmt"
	"io"
)

// lineRenderer prints one line per finding, "source:line:col: message [id]",
// for editors, grep and the test suite's expected-output files. When nothing
// is recognised, the last command and each line worth reading get one.
type lineRenderer struct{}

func (lineRenderer) Render(w io.Writer, reports []*Report) error {
	for _, r := range reports {
		for i := range r.Findings {
			f := &r.Findings[i]
			kind := "secondary"
			if f.RootCause {
				kind = "root cause"
			}
			section := f.Section
			if section == "" {
				section = "no section"
			}
			if _, err := fmt.Fprintf(w, "%s:%d:%d: %s: %s (%s) [%s]\n", r.Source, f.Line, f.Column, kind, f.Title, section, f.ID); err != nil {
				return err
			}
		}
		if u := r.Unmatched; u != nil {
			line, cmd := 0, "none"
			if u.LastCommand != nil {
				line, cmd = u.LastCommand.Line, u.LastCommand.Text
			}
			if _, err := fmt.Fprintf(w, "%s:%d:1: no known failure recognised; last command: %s [unmatched]\n", r.Source, line, cmd); err != nil {
				return err
			}
			// The lines to read first get a position each, so that an
			// editor can jump to them.
			for _, e := range u.Lines {
				if _, err := fmt.Fprintf(w, "%s:%d:1: look here: %s [unmatched]\n", r.Source, e.Line, e.Text); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
