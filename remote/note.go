package remote

import (
	"context"
	"strings"

	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/gitlabapi"
	"github.com/ci-doctor/ci-doctor/internal/redact"
)

// JobMarker marks ci-doctor's note about a job, by the job's name: the job
// of a later pipeline (or a retry) replaces the note instead of adding one.
func JobMarker(jobName string) string { return "<!-- ci-doctor job " + jobName + " -->" }

// PostNote puts the diagnoses on a merge request as one Markdown note that
// starts with marker, replacing ci-doctor's earlier note with the same
// marker; it says whether a note was updated rather than created.
func PostNote(ctx context.Context, c *gitlabapi.Client, project string, iid int64, marker string, reports []*diagnose.Report) (bool, error) {
	var body strings.Builder
	body.WriteString(marker + "\n")
	rd, err := diagnose.NewRenderer("markdown", diagnose.RenderOptions{})
	if err != nil {
		return false, err
	}
	if err := rd.Render(&body, reports); err != nil {
		return false, err
	}
	return c.UpsertNote(ctx, project, iid, marker, redact.String(body.String()))
}
