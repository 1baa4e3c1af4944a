package lint

import (
	"io"

	"github.com/ci-doctor/ci-doctor/internal/redact"
)

// codeQualityIssue is one entry of GitLab's Code Quality report, with the
// fields GitLab reads; it ignores the other Code Climate fields.
type codeQualityIssue struct {
	Description string              `json:"description"`
	CheckName   string              `json:"check_name"`
	Fingerprint string              `json:"fingerprint"`
	Severity    string              `json:"severity"`
	Location    codeQualityLocation `json:"location"`
}

type codeQualityLocation struct {
	Path  string           `json:"path"`
	Lines codeQualityLines `json:"lines"`
}

type codeQualityLines struct {
	Begin int `json:"begin"`
}

// renderCodeQuality writes the report that artifacts:reports:codequality
// expects: a single JSON array, without a byte order mark.
func renderCodeQuality(w io.Writer, findings []Finding) error {
	fps := fingerprints(findings)
	issues := make([]codeQualityIssue, len(findings))
	for i, f := range findings {
		issues[i] = codeQualityIssue{
			Description: f.Message + " [" + f.Rule + "]",
			CheckName:   f.Rule,
			Fingerprint: fps[i],
			Severity:    f.Severity(),
			Location:    codeQualityLocation{Path: f.Path, Lines: codeQualityLines{Begin: f.Line}},
		}
	}
	return redact.EncodeJSON(w, issues)
}
