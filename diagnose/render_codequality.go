package diagnose

import (
	"crypto/sha256"
	"encoding/hex"
	"io"

	"github.com/ci-doctor/ci-doctor/internal/redact"
)

// codeQualityIssue is one entry of GitLab's Code Quality report.
type codeQualityIssue struct {
	Description string `json:"description"`
	CheckName   string `json:"check_name"`
	Fingerprint string `json:"fingerprint"`
	Severity    string `json:"severity"`
	Location    struct {
		Path  string `json:"path"`
		Lines struct {
			Begin int `json:"begin"`
		} `json:"lines"`
	} `json:"location"`
}

// WriteCodeQuality writes the root causes as a GitLab Code Quality report
// (a JSON array) pointing at the configuration lines to change, so that the
// merge request shows them: the first edit's line, else the start of the
// configuration. Findings without a configuration are left out, as the
// report must name a file of the repository. The secrets of its strings
// are masked (redact.EncodeJSON).
func WriteCodeQuality(w io.Writer, reports []*Report) error {
	issues := []codeQualityIssue{}
	for _, r := range reports {
		rc := r.RootCause()
		if rc == nil || r.Config == nil {
			continue
		}
		var is codeQualityIssue
		is.Description = rc.Title + ": " + firstLine(rc.Fix) + " [" + rc.ID + "]"
		if r.Job.Name != "" {
			is.Description = "job " + r.Job.Name + ": " + is.Description
		}
		is.CheckName = rc.ID
		is.Severity = "critical"
		is.Location.Path, is.Location.Lines.Begin = r.Config.Path, 1
		if len(rc.Edits) > 0 {
			is.Location.Path, is.Location.Lines.Begin = rc.Edits[0].Path, max(rc.Edits[0].Line, 1)
		}
		sum := sha256.Sum256([]byte(rc.ID + "\x00" + is.Location.Path + "\x00" + r.Job.Name))
		is.Fingerprint = hex.EncodeToString(sum[:])
		issues = append(issues, is)
	}
	return redact.EncodeJSON(w, issues)
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}
