package fleet

import (
	"fmt"
	"io"
	"strings"
)

// RenderMarkdown writes the summary as GitLab Flavored Markdown, for an
// issue or a wiki page.
func RenderMarkdown(w io.Writer, s *Summary) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## ci-doctor report: %s\n\n%s to %s (UTC). %s.\n", s.Scope, day(s.Since), day(s.Until), headline(s))
	if len(s.Causes) > 0 {
		b.WriteString("\n### Failures by cause\n\n| cause | jobs | projects | first seen | last seen | trend | latest jobs |\n|---|---:|---:|---|---|---|---|\n")
		for _, c := range s.Causes {
			fmt.Fprintf(&b, "| `%s` %s | %d | %d | %s | %s | %s | %s |\n", c.ID, cell(c.Title), c.Jobs, c.Projects, day(c.FirstSeen), day(c.LastSeen), c.Trend, links(c.Examples))
		}
	}
	if len(s.Unrecognised) > 0 {
		b.WriteString("\n### Unrecognised failures\n\nSame error line once numbers, hashes, paths, hosts and quoted names are masked. " +
			"Turn one into a signature with `ci-doctor signatures new --from-report ID`.\n\n| id | error line | jobs | projects | latest jobs |\n|---|---|---:|---:|---|\n")
		for _, t := range s.Unrecognised {
			fmt.Fprintf(&b, "| `%s` | %s | %d | %d | %s |\n", t.ID, code(t.Template), t.Jobs, t.Projects, links(t.Examples))
		}
	}
	if len(s.Readiness) > 0 {
		fmt.Fprintf(&b, "\n### Readiness for runners without privileged mode\n\n%s.\n\n| project | findings | rules |\n|---|---:|---|\n", readinessLine(s.Readiness))
		for _, r := range s.Readiness {
			n := "-"
			if r.Error == "" {
				n = fmt.Sprint(total(r.Findings))
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", cell(r.Project), n, cell(ruleList(r)))
		}
	}
	if len(s.Notes) > 0 {
		b.WriteString("\n### Notes\n\n")
		for _, n := range s.Notes {
			fmt.Fprintf(&b, "- %s\n", cell(n))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell makes text safe inside a table cell: a "|" would end the cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// code puts text in a code span long enough to hold its backticks.
func code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	return fence + " " + cell(s) + " " + fence
}

// links lists job URLs as Markdown links named by job id.
func links(urls []string) string {
	parts := make([]string, len(urls))
	for i, u := range urls {
		parts[i] = fmt.Sprintf("[%s](%s)", jobRef(u), u)
	}
	return strings.Join(parts, " ")
}
