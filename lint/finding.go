package lint

import "github.com/ci-doctor/ci-doctor/edit"

// Finding is one mistake, located where its text lives: the file and line
// of the anchor, included file or default: block it comes from, not of the
// job that uses it.
type Finding struct {
	// Rule is the rule's stable id, e.g. "dind-service".
	Rule string `json:"rule"`
	// Path is relative to the project root; Line and Column are 1-based.
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
	// Jobs are the jobs the mistake affects.
	Jobs []string `json:"jobs,omitempty"`
	// Edits fix the mistake; empty when no edit is safe (Note says why).
	Edits []edit.Edit `json:"edits"`
	Note  string      `json:"note,omitempty"`
	// Source is the text of the line, for the caret display.
	Source string `json:"-"`
}

// Severity is how GitLab's Code Quality report and SARIF rank a rule.
func (f Finding) Severity() string {
	if r, ok := ruleByID[f.Rule]; ok {
		return r.severity
	}
	return "major"
}
