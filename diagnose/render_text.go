package diagnose

import (
	"fmt"
	"io"
	"strings"
)

// textRenderer prints reports for people: the root cause with its
// evidence, cause, fix and references, then the secondary findings.
type textRenderer struct {
	color bool
}

// style wraps s in an ANSI style when colours are on.
func (t *textRenderer) style(code, s string) string {
	if !t.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (t *textRenderer) bold(s string) string   { return t.style("1", s) }
func (t *textRenderer) red(s string) string    { return t.style("1;31", s) }
func (t *textRenderer) green(s string) string  { return t.style("32", s) }
func (t *textRenderer) yellow(s string) string { return t.style("33", s) }
func (t *textRenderer) dim(s string) string    { return t.style("2", s) }

func (t *textRenderer) Render(w io.Writer, reports []*Report) error {
	var b strings.Builder
	for i, r := range reports {
		if i > 0 {
			b.WriteString("\n")
		}
		t.report(&b, r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (t *textRenderer) report(b *strings.Builder, r *Report) {
	fmt.Fprintf(b, "%s: %s\n", t.bold(r.Source), jobSummary(r))
	for _, n := range r.Notes {
		fmt.Fprintf(b, "  %s %s\n", t.yellow("note:"), n)
	}
	if c := r.Config; c != nil {
		if c.Job != "" {
			fmt.Fprintf(b, "  job %s in %s\n", c.Job, c.Path)
		}
		for _, n := range c.Notes {
			fmt.Fprintf(b, "  %s %s\n", t.yellow("note:"), n)
		}
	}
	root := r.RootCause()
	switch {
	case root != nil:
		b.WriteString("\n")
		t.finding(b, root)
	case r.Job.Status == "succeeded":
		fmt.Fprintf(b, "%s\n", t.green("Nothing to fix."))
	case r.Unmatched != nil:
		t.unmatched(b, r)
	}
	var others []*Finding
	for i := range r.Findings {
		if !r.Findings[i].RootCause {
			others = append(others, &r.Findings[i])
		}
	}
	if len(others) > 0 {
		heading := "Also found (secondary):"
		if root == nil {
			heading = "Found, but not what decided the job's outcome:"
		}
		fmt.Fprintf(b, "\n%s\n", t.bold(heading))
		for _, f := range others {
			fmt.Fprintf(b, "  - %s %s\n    %s: %s\n", f.Title, t.dim("["+f.ID+"]"), whereText(f), f.Text)
		}
	}
	if r.Job.LongLines > 0 {
		fmt.Fprintf(b, "\n%s %d line(s) longer than %d KiB: only their start was read.\n", t.yellow("Note:"), r.Job.LongLines, MaxLineBytes>>10)
	}
}

func (t *textRenderer) finding(b *strings.Builder, f *Finding) {
	fmt.Fprintf(b, "%s %s %s\n", t.red("Root cause:"), t.bold(f.Title), t.dim("["+f.ID+"]"))
	fmt.Fprintf(b, "  at %s", whereText(f))
	if f.Occurrences > 1 {
		fmt.Fprintf(b, "; seen %d times", f.Occurrences)
	}
	b.WriteString("\n\n")
	t.evidence(b, f.Evidence)
	fmt.Fprintf(b, "\n%s\n%s\n", t.bold("Cause"), indent(f.Cause, "  "))
	fmt.Fprintf(b, "\n%s\n%s\n", t.bold("Fix"), indent(f.Fix, "  "))
	if f.ConfigNote != "" {
		fmt.Fprintf(b, "\n%s\n%s\n", t.bold("Configuration"), indent(f.ConfigNote, "  "))
	}
	if f.diff != "" {
		fmt.Fprintf(b, "\n%s\n%s\n", t.bold("Change"), t.colorDiff(indent(f.diff, "  ")))
	} else if f.Snippet != "" {
		fmt.Fprintf(b, "\n%s\n", indent(f.Snippet, "    "))
	}
	if len(f.References) > 0 {
		fmt.Fprintf(b, "\n%s\n", t.bold("See"))
		for _, ref := range f.References {
			fmt.Fprintf(b, "  - %s\n", referenceText(ref.Title, ref.URL))
		}
	}
}

func (t *textRenderer) evidence(b *strings.Builder, ev []Evidence) {
	width := 0
	for _, e := range ev {
		width = max(width, len(fmt.Sprint(e.Line)))
	}
	for _, e := range ev {
		marker, text := "   ", e.Text
		if e.Match {
			marker, text = t.red(" > "), t.bold(text)
		}
		fmt.Fprintf(b, "%s%s %s %s\n", marker, t.dim(fmt.Sprintf("%*d", width, e.Line)), t.dim("|"), text)
	}
}

func (t *textRenderer) unmatched(b *strings.Builder, r *Report) {
	u := r.Unmatched
	fmt.Fprintf(b, "\n%s\n", t.yellow("No known failure recognised."))
	if u.LastCommand != nil {
		fmt.Fprintf(b, "\n%s\n", t.bold("Last command the script ran"))
		t.evidence(b, []Evidence{*u.LastCommand})
	}
	if len(u.Lines) > 0 {
		fmt.Fprintf(b, "\n%s\n", t.bold("Lines most likely to hold the error"))
		t.evidence(b, u.Lines)
	}
	fmt.Fprintf(b, "\nIf this failure comes back, teach ci-doctor to recognise it: see signatures/FORMAT.md.\n")
}

// colorDiff colours removed lines red and added lines green.
func (t *textRenderer) colorDiff(d string) string {
	if !t.color {
		return d
	}
	lines := strings.Split(d, "\n")
	for i, l := range lines {
		switch trimmed := strings.TrimLeft(l, " "); {
		case strings.HasPrefix(trimmed, "---") || strings.HasPrefix(trimmed, "+++") || strings.HasPrefix(trimmed, "#"):
			lines[i] = t.bold(l)
		case strings.HasPrefix(trimmed, "-"):
			lines[i] = t.style("31", l)
		case strings.HasPrefix(trimmed, "+"):
			lines[i] = t.style("32", l)
		case strings.HasPrefix(trimmed, "@@"):
			lines[i] = t.style("36", l)
		}
	}
	return strings.Join(lines, "\n")
}

// indent prefixes every non-empty line of s.
func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}
