package lint

import (
	"io"

	"github.com/ci-doctor/ci-doctor/edit"
	"github.com/ci-doctor/ci-doctor/internal/redact"
)

// jsonReport is the json format: an object, so fields can be added later
// without breaking readers.
type jsonReport struct {
	Findings []Finding `json:"findings"`
}

// renderJSON writes the findings with Finding's own field names. Empty
// lists are written as [] so that readers never meet null.
func renderJSON(w io.Writer, findings []Finding) error {
	r := jsonReport{Findings: make([]Finding, len(findings))}
	for i, f := range findings {
		if f.Edits == nil {
			f.Edits = []edit.Edit{}
		}
		r.Findings[i] = f
	}
	return redact.EncodeJSON(w, r)
}
