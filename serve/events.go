package serve

import (
	"errors"
	"fmt"
	"strings"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ci-doctor/ci-doctor/store"
)

// errBadPayload is a body that is not the event its header says.
var errBadPayload = errors.New("not a GitLab job or pipeline event")

// failedJobs reads an event's failed jobs with client-go's webhook types;
// other statuses, and other events, give none. host is the GitLab
// instance the jobs are read from.
func failedJobs(event string, body []byte, host string) ([]store.QueuedJob, error) {
	kind := gitlab.EventType(event)
	if kind != gitlab.EventTypeJob && kind != gitlab.EventTypePipeline {
		return nil, nil
	}
	parsed, err := gitlab.ParseWebhook(kind, body)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadPayload, err)
	}
	switch e := parsed.(type) {
	case *gitlab.JobEvent:
		if e.ObjectKind != "build" || e.BuildID == 0 || e.ProjectID == 0 {
			return nil, errBadPayload
		}
		if e.BuildStatus != "failed" {
			return nil, nil
		}
		// The job event names its project by id and by the repository's
		// homepage (facts 6.4; no project object in older payloads).
		homepage := ""
		if e.Repository != nil {
			homepage = e.Repository.Homepage
		}
		return []store.QueuedJob{{
			Host: host, ProjectID: e.ProjectID, JobID: e.BuildID, Project: projectPath(host, homepage),
			JobName: e.BuildName, Stage: e.BuildStage, Ref: e.Ref, SHA: e.SHA, PipelineID: e.PipelineID,
			WebURL: jobURL(homepage, e.BuildID), FailureReason: e.BuildFailureReason, FailedAt: eventTime(e.BuildFinishedAt),
		}}, nil
	case *gitlab.PipelineEvent:
		if e.ObjectKind != "pipeline" || e.Project.ID == 0 {
			return nil, errBadPayload
		}
		var out []store.QueuedJob
		for _, b := range e.Builds {
			if b.Status != "failed" {
				continue
			}
			out = append(out, store.QueuedJob{
				Host: host, ProjectID: e.Project.ID, JobID: b.ID, Project: e.Project.PathWithNamespace,
				JobName: b.Name, Stage: b.Stage, Ref: e.ObjectAttributes.Ref, SHA: e.ObjectAttributes.SHA,
				PipelineID: e.ObjectAttributes.ID, WebURL: jobURL(e.Project.WebURL, b.ID),
				FailureReason: b.FailureReason, FailedAt: eventTime(b.FinishedAt),
			})
		}
		return out, nil
	}
	return nil, errBadPayload
}

// projectPath is the project's full path, read from its web address under
// the instance's; empty when the address is not under it (the worker then
// asks the API).
func projectPath(host, homepage string) string {
	rest, ok := strings.CutPrefix(homepage, strings.TrimRight(host, "/")+"/")
	if !ok || rest == "" {
		return ""
	}
	return strings.TrimRight(rest, "/")
}

// jobURL is the job's page: events carry no job URL (facts 6.4).
func jobURL(projectURL string, id int64) string {
	if projectURL == "" {
		return ""
	}
	return fmt.Sprintf("%s/-/jobs/%d", strings.TrimRight(projectURL, "/"), id)
}

// eventLayouts are the time formats events use: "2016-08-12 15:23:28 UTC"
// in pipeline builds and job events, ISO 8601 in newer fields.
var eventLayouts = []string{"2006-01-02 15:04:05 MST", "2006-01-02 15:04:05 -0700", time.RFC3339Nano}

// eventTime reads an event's time; the present when it has none (the job
// just failed).
func eventTime(v string) time.Time {
	for _, layout := range eventLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC()
		}
	}
	return time.Now().UTC()
}
