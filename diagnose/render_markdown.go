package diagnose

import (
	"fmt"
	"io"
	"strings"
)

// markdownRenderer prints reports for merge-request comments and issue
// trackers: GitLab Flavored Markdown, with the evidence in code blocks.
type markdownRenderer struct{}

func (markdownRenderer) Render(w io.Writer, reports []*Report) error {
	var b strings.Builder
	for i, r := range reports {
		if i > 0 {
			b.WriteString("\n---\n\n")
		}
		markdownReport(&b, r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func markdownReport(b *strings.Builder, r *Report) {
	root := r.RootCause()
	switch {
	case root != nil:
		fmt.Fprintf(b, "### ci-doctor: %s (`%s`)\n\n", root.Title, root.ID)
	case r.Job.Status == "succeeded":
		b.WriteString("### ci-doctor: the job succeeded\n\n")
	default:
		b.WriteString("### ci-doctor: no known failure recognised\n\n")
	}
	fmt.Fprintf(b, "`%s`: %s.\n\n", r.Source, jobSummary(r))
	for _, n := range r.Notes {
		fmt.Fprintf(b, "> **Note:** %s\n\n", n)
	}
	if root != nil {
		fmt.Fprintf(b, "**Where:** %s.\n\n", whereText(root))
		codeBlock(b, "text", evidenceText(root.Evidence))
		fmt.Fprintf(b, "**Cause.** %s\n\n", strings.TrimSpace(root.Cause))
		fmt.Fprintf(b, "**Fix.** %s\n\n", strings.TrimSpace(root.Fix))
		if root.ConfigNote != "" {
			fmt.Fprintf(b, "**Configuration.** %s\n\n", root.ConfigNote)
		}
		if root.diff != "" {
			codeBlock(b, "diff", root.diff)
		} else if root.Snippet != "" {
			codeBlock(b, "yaml", root.Snippet)
		}
		if len(root.References) > 0 {
			b.WriteString("**See:**\n\n")
			for _, ref := range root.References {
				if ref.URL != "" {
					fmt.Fprintf(b, "- [%s](%s)\n", ref.Title, ref.URL)
				} else {
					fmt.Fprintf(b, "- %s\n", ref.Title)
				}
			}
			b.WriteString("\n")
		}
	}
	if u := r.Unmatched; u != nil {
		if u.LastCommand != nil {
			b.WriteString("**Last command the script ran:**\n\n")
			codeBlock(b, "text", evidenceText([]Evidence{*u.LastCommand}))
		}
		if len(u.Lines) > 0 {
			b.WriteString("**Lines most likely to hold the error:**\n\n")
			codeBlock(b, "text", evidenceText(u.Lines))
		}
	}
	var others []string
	for i := range r.Findings {
		if f := &r.Findings[i]; !f.RootCause {
			others = append(others, fmt.Sprintf("- %s (`%s`), %s", f.Title, f.ID, whereText(f)))
		}
	}
	if len(others) > 0 {
		fmt.Fprintf(b, "<details><summary>Other findings (%d)</summary>\n\n%s\n\n</details>\n", len(others), strings.Join(others, "\n"))
	}
}

// evidenceText renders evidence lines with their numbers, as in the text format.
func evidenceText(ev []Evidence) string {
	var b strings.Builder
	for _, e := range ev {
		marker := "  "
		if e.Match {
			marker = "> "
		}
		fmt.Fprintf(&b, "%s%d | %s\n", marker, e.Line, e.Text)
	}
	return b.String()
}

// codeBlock writes a fenced block whose fence is longer than any run of
// backticks in the content, so log text cannot close it early.
func codeBlock(b *strings.Builder, lang, content string) {
	fence := "```"
	for strings.Contains(content, fence) {
		fence += "`"
	}
	fmt.Fprintf(b, "%s%s\n%s\n%s\n\n", fence, lang, strings.TrimRight(content, "\n"), fence)
}
