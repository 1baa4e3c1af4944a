package diagnose

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// RenderSummary prints one line per job of a pipeline: the job, its stage
// and its root cause, before the full diagnoses.
func RenderSummary(w io.Writer, reports []*Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tSTAGE\tROOT CAUSE")
	for _, r := range reports {
		cause := "no known failure recognised"
		if rc := r.RootCause(); rc != nil {
			cause = fmt.Sprintf("%s [%s]", rc.Title, rc.ID)
		} else if r.Job.Status == "succeeded" {
			cause = "succeeded"
		}
		name := r.Job.Name
		if name == "" {
			name = r.Source
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", name, r.Job.Stage, cause)
	}
	return tw.Flush()
}
