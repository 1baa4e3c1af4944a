package lint

import (
	"encoding/json"
	"io"

	"github.com/ci-doctor/ci-doctor/edit"
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
	return encodeJSON(w, r)
}

// encodeJSON writes v indented by two spaces, without escaping <, > and &
// (messages quote shell commands).
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
