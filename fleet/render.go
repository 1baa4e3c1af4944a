package fleet

import (
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/ci-doctor/ci-doctor/internal/redact"
)

// Formats lists the report's output formats, for help texts and flag
// validation.
var Formats = []string{"text", "json", "markdown", "html"}

// Render writes the summary in one of Formats.
func Render(w io.Writer, format string, s *Summary) error {
	switch format {
	case "text":
		return RenderText(w, s)
	case "json":
		return redact.EncodeJSON(w, s)
	case "markdown":
		return RenderMarkdown(w, s)
	case "html":
		return RenderHTML(w, s)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// day prints a time as its UTC date, "-" when zero.
func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.DateOnly)
}

// jobRef names a job by the last part of its URL: "#123".
func jobRef(url string) string { return "#" + path.Base(url) }

// headline says how many jobs failed and how many a cause explains.
func headline(s *Summary) string {
	if s.Jobs == 0 {
		return "no failed jobs in the window"
	}
	return fmt.Sprintf("%d failed jobs: %d explained by a known cause, %d not", s.Jobs, s.Diagnosed, s.Unmatched)
}

// ruleList says a project's findings as "rule 2, other 1", rules sorted.
func ruleList(r ProjectReadiness) string {
	switch {
	case r.Error != "":
		return "not checked: " + r.Error
	case len(r.Findings) == 0:
		return "ready"
	}
	var parts []string
	for _, rule := range sortedRules(r.Findings) {
		parts = append(parts, fmt.Sprintf("%s %d", rule, r.Findings[rule]))
	}
	return strings.Join(parts, ", ")
}

// total adds up a project's findings.
func total(findings map[string]int) int {
	n := 0
	for _, c := range findings {
		n += c
	}
	return n
}
