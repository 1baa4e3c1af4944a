package fleet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/gitlabapi"
	"github.com/ci-doctor/ci-doctor/internal/redact"
	"github.com/ci-doctor/ci-doctor/logtemplate"
	"github.com/ci-doctor/ci-doctor/store"
)

// FailedJob is a failed job to diagnose: the job as the API or a webhook
// describes it, and its project.
type FailedJob struct {
	Host      string
	ProjectID int64
	Project   string // path_with_namespace
	gitlabapi.Job
}

// Versions are stored with each diagnosis: what made it.
type Versions struct {
	Tool, Signatures string
}

// Limits of reading one log.
type Limits struct {
	// MaxLogBytes bounds the part of a log that is read; DefaultMaxLog
	// when zero.
	MaxLogBytes int64
}

// ErrNoLog is DiagnoseJob's answer when GitLab returns an empty log for a
// job that was not erased: the runner may not have uploaded it yet.
var ErrNoLog = errors.New("GitLab returned no log for the job")

// DiagnoseJob reads one job's log, at most MaxLogBytes of it, and
// diagnoses it; report is nil when there was no log. An erased job gives a
// diagnosis with a note; an empty log of a job not erased gives ErrNoLog
// with that diagnosis (the caller decides whether to wait for the log or to
// store it as it is); a log that cannot be read gives the API's error.
func DiagnoseJob(ctx context.Context, c *gitlabapi.Client, m *diagnose.Matcher, j FailedJob, v Versions, l Limits) (store.Diagnosis, *diagnose.Report, error) {
	maxLog := l.MaxLogBytes
	if maxLog <= 0 {
		maxLog = DefaultMaxLog
	}
	d := store.Diagnosis{
		Host: j.Host, ProjectID: j.ProjectID, JobID: j.ID, Project: j.Project,
		JobName: j.Name, Stage: j.Stage, Ref: j.Ref, PipelineID: j.PipelineID, WebURL: j.WebURL,
		FailedAt: j.FinishedAt, FailureReason: j.FailureReason,
		ToolVersion: v.Tool, SignaturesVersion: v.Signatures, DiagnosedAt: time.Now().UTC(),
	}
	if d.FailedAt.IsZero() {
		d.FailedAt = j.CreatedAt
	}
	if !j.ErasedAt.IsZero() {
		d.Note = "the log was erased"
		return d, nil, nil
	}
	trace := c.TraceReader(ctx, strconv.FormatInt(j.ProjectID, 10), j.ID)
	defer trace.Close()
	limited := &io.LimitedReader{R: trace, N: maxLog}
	r, err := m.Diagnose(limited, j.WebURL)
	if err != nil {
		return d, nil, err
	}
	if r.Lines == 0 {
		d.Note = "GitLab returned no log (erased or expired)"
		return d, nil, ErrNoLog
	}
	if limited.N == 0 {
		if n, _ := trace.Read(make([]byte, 1)); n > 0 {
			d.Note = fmt.Sprintf("log over %d MiB: only its first %d MiB were read", maxLog>>20, maxLog>>20)
		}
	}
	if rc := r.RootCause(); rc != nil {
		d.CauseID, d.CauseTitle, d.Evidence = rc.ID, rc.Title, redact.String(rc.Text)
	} else if r.Unmatched != nil && r.Unmatched.Key != nil {
		d.Evidence = redact.String(r.Unmatched.Key.Text)
		d.Template = logtemplate.Mask(d.Evidence)
		d.TemplateID = logtemplate.ID(d.Template)
	}
	r.Job.Name, r.Job.Stage, r.Job.URL = j.Name, j.Stage, j.WebURL
	return d, r, nil
}

// diagnose is DiagnoseJob for the crawl: a log that cannot be read is not
// stored, so the next run tries again; an erased or empty one is stored
// with a note, since trying again cannot bring it back. Each kind of
// trouble becomes one counted note.
func (cr *crawl) diagnose(ctx context.Context, j job) (store.Diagnosis, bool) {
	defer cr.update(func(c *Counts) { c.Diagnosed++ })
	d, _, err := DiagnoseJob(ctx, cr.c, cr.m,
		FailedJob{Host: cr.out.Host, ProjectID: j.project.ID, Project: j.project.Path, Job: j.Job},
		Versions{Tool: cr.o.ToolVersion, Signatures: cr.o.SignaturesVersion}, Limits{MaxLogBytes: cr.o.MaxLogBytes})
	switch {
	case errors.Is(err, ErrNoLog):
		cr.notes.add("jobs for which GitLab returned no log (erased or expired): counted, not diagnosed")
		return d, true
	case err != nil:
		if ctx.Err() == nil {
			reason := err.Error()
			var ge *gitlabapi.Error
			if errors.As(err, &ge) {
				reason = ge.Msg // without the job, so that one note counts them all
			}
			cr.notes.add("logs that could not be read, tried again next run: " + reason)
		}
		return d, false
	}
	switch {
	case !j.ErasedAt.IsZero():
		cr.notes.add("jobs whose log was erased: counted, not diagnosed")
	case d.Note != "": // the only other note: the log was cut
		cr.notes.add(fmt.Sprintf("jobs whose log is over %d MiB: only the first %d MiB of each were read", cr.o.MaxLogBytes>>20, cr.o.MaxLogBytes>>20))
	}
	return d, true
}
