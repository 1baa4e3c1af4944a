package diagnose

import (
	"fmt"
	"io"
	"strings"
)

// Renderer prints reports in one output format.
type Renderer interface {
	// Render writes the reports of one invocation: one per input.
	Render(w io.Writer, reports []*Report) error
}

// RenderOptions are the settings every format may use.
type RenderOptions struct {
	// Color turns on ANSI colours (text format only).
	Color bool
}

// Formats lists the output formats, for help texts and flag validation.
var Formats = []string{"text", "json", "markdown", "line"}

// NewRenderer returns the renderer for a format named in Formats.
func NewRenderer(format string, opts RenderOptions) (Renderer, error) {
	switch format {
	case "text":
		return &textRenderer{color: opts.Color}, nil
	case "json":
		return jsonRenderer{}, nil
	case "markdown":
		return markdownRenderer{}, nil
	case "line":
		return lineRenderer{}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// whereText says where a finding is, in words.
func whereText(f *Finding) string {
	if f.Section == "" {
		if f.Phase == PhaseUnknown {
			return fmt.Sprintf("line %d", f.Line)
		}
		return fmt.Sprintf("line %d, %s", f.Line, f.Phase.Describe())
	}
	return fmt.Sprintf("line %d, %s (%s)", f.Line, f.Phase.Describe(), f.Section)
}

// jobSummary is one line about the job: its outcome and where it stopped.
func jobSummary(r *Report) string {
	var b strings.Builder
	switch r.Job.Status {
	case "succeeded":
		b.WriteString("the job succeeded")
	case "failed":
		b.WriteString("the job failed")
	default:
		b.WriteString("no final job status in the log")
	}
	if r.Job.Status != "succeeded" && r.Job.FailedSection != "" {
		fmt.Fprintf(&b, " %s (%s)", r.Job.Phase.Describe(), r.Job.FailedSection)
	}
	var about []string
	if r.Job.RunnerVersion != "" {
		about = append(about, "gitlab-runner "+r.Job.RunnerVersion)
	}
	if r.Job.Executor != "" {
		about = append(about, r.Job.Executor+" executor")
	}
	if r.Job.Image != "" {
		about = append(about, "image "+r.Job.Image)
	}
	if len(about) > 0 {
		b.WriteString("; " + strings.Join(about, ", "))
	}
	return b.String()
}

// referenceText renders a reference as "title" or "title: url".
func referenceText(title, url string) string {
	if url == "" {
		return title
	}
	return title + ": " + url
}
