package fleet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ci-doctor/ci-doctor/gitlabapi"
	"github.com/ci-doctor/ci-doctor/internal/redact"
	"github.com/ci-doctor/ci-doctor/logtemplate"
	"github.com/ci-doctor/ci-doctor/store"
)

// diagnose reads one job's log, at most MaxLogBytes of it, and diagnoses
// it. A log that cannot be read is not stored, so the next run tries
// again; an erased or empty one is stored with a note, since trying again
// cannot bring it back.
func (cr *crawl) diagnose(ctx context.Context, j job) (store.Diagnosis, bool) {
	defer cr.update(func(c *Counts) { c.Diagnosed++ })
	d := store.Diagnosis{
		Host: cr.out.Host, ProjectID: j.project.ID, JobID: j.ID, Project: j.project.Path,
		JobName: j.Name, Stage: j.Stage, Ref: j.Ref, PipelineID: j.PipelineID, WebURL: j.WebURL,
		FailedAt: j.FinishedAt, FailureReason: j.FailureReason,
		ToolVersion: cr.o.ToolVersion, SignaturesVersion: cr.o.SignaturesVersion, DiagnosedAt: time.Now().UTC(),
	}
	if d.FailedAt.IsZero() {
		d.FailedAt = j.CreatedAt
	}
	trace := cr.c.TraceReader(ctx, projectRef(j.project), j.ID)
	defer trace.Close()
	limited := &io.LimitedReader{R: trace, N: cr.o.MaxLogBytes}
	r, err := cr.m.Diagnose(limited, j.WebURL)
	if err != nil {
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
	case r.Lines == 0 && !j.ErasedAt.IsZero():
		d.Note = "the log was erased"
		cr.notes.add("jobs whose log was erased: counted, not diagnosed")
	case r.Lines == 0:
		d.Note = "GitLab returned no log (erased or expired)"
		cr.notes.add("jobs for which GitLab returned no log (erased or expired): counted, not diagnosed")
	case limited.N == 0:
		if n, _ := trace.Read(make([]byte, 1)); n > 0 {
			d.Note = fmt.Sprintf("log over %d MiB: only its first %d MiB were read", cr.o.MaxLogBytes>>20, cr.o.MaxLogBytes>>20)
			cr.notes.add(fmt.Sprintf("jobs whose log is over %d MiB: only the first %d MiB of each were read", cr.o.MaxLogBytes>>20, cr.o.MaxLogBytes>>20))
		}
	}
	if rc := r.RootCause(); rc != nil {
		d.CauseID, d.CauseTitle, d.Evidence = rc.ID, rc.Title, redact.String(rc.Text)
	} else if r.Unmatched != nil && r.Unmatched.Key != nil {
		d.Evidence = redact.String(r.Unmatched.Key.Text)
		d.Template = logtemplate.Mask(d.Evidence)
		d.TemplateID = logtemplate.ID(d.Template)
	}
	return d, true
}
