package serve

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/fleet"
	"github.com/ci-doctor/ci-doctor/gitlabapi"
	"github.com/ci-doctor/ci-doctor/remote"
	"github.com/ci-doctor/ci-doctor/store"
)

// startWorkers runs Workers workers: they take jobs while ctx lasts and
// work on them under work, which outlives ctx by the grace period.
func (s *Server) startWorkers(ctx, work context.Context) *sync.WaitGroup {
	var wg sync.WaitGroup
	for range s.o.Workers {
		wg.Go(func() { s.worker(ctx, work) })
	}
	return &wg
}

// worker takes one job at a time, and waits for a wake-up or the poll
// interval when the queue has none.
func (s *Server) worker(ctx, work context.Context) {
	for ctx.Err() == nil {
		jobs, err := s.st.Lease(ctx, s.owner, 1, s.o.Lease)
		if err != nil && ctx.Err() == nil {
			s.log.Error("cannot take jobs from the queue", "err", err)
		}
		for _, j := range jobs {
			s.handle(work, j)
		}
		if len(jobs) == 0 || err != nil {
			select {
			case <-ctx.Done():
			case <-s.wake:
			case <-time.After(s.o.Poll):
			}
		}
	}
}

// handle diagnoses one job and stores the diagnosis, or puts the job back
// for later: a log not uploaded yet, GitLab unreachable.
func (s *Server) handle(ctx context.Context, j store.QueuedJob) {
	log := s.log.With("project", j.Project, "job", j.JobID, "attempt", j.Attempts)
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go s.keepLease(ctx, cancel, j, log)
	if j.Project == "" || j.WebURL == "" {
		// An older job event, or a project outside the instance's web
		// root: the API names the project.
		p, err := s.c.Project(ctx, strconv.FormatInt(j.ProjectID, 10))
		if err == nil {
			j.Project, j.WebURL = p.Path, jobURL(p.WebURL, j.JobID)
		}
	}
	fj := fleet.FailedJob{Host: j.Host, ProjectID: j.ProjectID, Project: j.Project, Job: gitlabapi.Job{
		ID: j.JobID, Name: j.JobName, Stage: j.Stage, Status: "failed", FailureReason: j.FailureReason,
		Ref: j.Ref, SHA: j.SHA, PipelineID: j.PipelineID, WebURL: j.WebURL, FinishedAt: j.FailedAt}}
	d, report, err := fleet.DiagnoseJob(ctx, s.c, s.m, fj, s.o.Versions, fleet.Limits{})
	var ge *gitlabapi.Error
	switch {
	case errors.Is(err, fleet.ErrNoLog) && time.Since(j.EnqueuedAt) < s.o.LogWait:
		s.metrics.fetchFail.Inc()
		s.retry(ctx, j, log, "no log yet")
		return
	case errors.Is(err, fleet.ErrNoLog):
		log.Warn("no log arrived: stored without a diagnosis", "waited", s.o.LogWait.String())
	case errors.As(err, &ge) && ge.Status == 404:
		log.Warn("GitLab does not know the job (or the token may not see it): dropped", "err", err)
		if err := s.st.Drop(ctx, j, s.owner, err.Error()); err != nil && !errors.Is(err, store.ErrLeaseLost) {
			log.Error("cannot drop the job", "err", err)
		}
		return
	case err != nil:
		s.metrics.fetchFail.Inc()
		if ctx.Err() == nil {
			log.Warn("cannot read the job's log", "err", err)
		}
		s.retry(context.WithoutCancel(ctx), j, log, err.Error())
		return
	}
	if err := s.st.Finish(ctx, j, s.owner, d); err != nil {
		if errors.Is(err, store.ErrLeaseLost) {
			log.Warn("another worker took the job after this one's lease expired: its diagnosis stands")
		} else {
			log.Error("cannot store the diagnosis; the job goes back to the queue", "err", err)
			s.retry(context.WithoutCancel(ctx), j, log, err.Error())
		}
		return
	}
	cause := d.CauseID
	if cause == "" {
		cause = "none"
	}
	s.metrics.diagnosed(cause).Inc()
	s.metrics.diagnosis.Update(time.Since(start).Seconds())
	log.Info("diagnosed", "cause", cause, "evidence", d.Evidence)
	if s.o.Comment && report != nil {
		s.comment(ctx, j, report, log)
	}
}

// retry puts the job back, due after a wait that doubles with each attempt
// (RetryWait, twice that, ... at most 2 minutes).
func (s *Server) retry(ctx context.Context, j store.QueuedJob, log *slog.Logger, reason string) {
	wait := min(s.o.RetryWait<<min(max(j.Attempts-1, 0), 5), 2*time.Minute)
	if err := s.st.Retry(ctx, j, s.owner, time.Now().Add(wait), reason); err != nil && !errors.Is(err, store.ErrLeaseLost) {
		log.Error("cannot put the job back; its lease will expire", "err", err)
	}
}

// comment posts the diagnosis on the merge request of the job's commit,
// replacing ci-doctor's earlier note for a job of the same name. It runs
// after the diagnosis is stored, so a job is commented on at most once.
func (s *Server) comment(ctx context.Context, j store.QueuedJob, report *diagnose.Report, log *slog.Logger) {
	project := strconv.FormatInt(j.ProjectID, 10)
	iid, err := s.c.MergeRequestOf(ctx, project, j.SHA)
	if err != nil || iid == 0 {
		if err != nil {
			log.Warn("no merge request found for the note", "err", err)
		}
		return
	}
	if _, err := remote.PostNote(ctx, s.c, project, iid, remote.JobMarker(j.JobName), []*diagnose.Report{report}); err != nil {
		log.Warn("cannot post the note", "merge_request", iid, "err", err)
		return
	}
	log.Info("posted the diagnosis", "merge_request", iid)
}

// keepLease extends the job's lease while it is worked on, a third of the
// lease before it ends, so that a slow log (a large one, a slow GitLab)
// is not taken by a second worker; when the lease was lost all the same,
// the work stops.
func (s *Server) keepLease(ctx context.Context, stop context.CancelFunc, j store.QueuedJob, log *slog.Logger) {
	tick := time.NewTicker(s.o.Lease / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			err := s.st.Extend(ctx, j, s.owner, s.o.Lease)
			if errors.Is(err, store.ErrLeaseLost) {
				log.Warn("the job's lease was lost: another worker has it")
				stop()
				return
			}
			if err != nil && ctx.Err() == nil {
				log.Warn("cannot extend the job's lease", "err", err)
			}
		}
	}
}
