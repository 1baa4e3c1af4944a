package remote

import (
	"context"
	"sync"

	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/gitlabapi"
)

// Concurrency bounds the jobs diagnosed at once: enough to hide the API's
// latency, few enough not to trip its rate limits.
const Concurrency = 4

// JobResult is one job of a pipeline: its report, or why there is none.
type JobResult struct {
	Job    gitlabapi.Job
	Report *diagnose.Report
	Err    error
}

// Pipeline diagnoses every failed job of a pipeline, Concurrency at a
// time; progress (may be nil) is called as jobs finish. Results keep the
// API's order of the jobs.
func Pipeline(ctx context.Context, c *gitlabapi.Client, m *diagnose.Matcher, project string, pipeline int64, o Options, progress func(done, total int)) ([]JobResult, error) {
	jobs, err := c.FailedJobs(ctx, project, pipeline)
	if err != nil {
		return nil, err
	}
	o.Current = false
	// The jobs of a pipeline share a commit: read its configuration once.
	if o.Local == nil && len(jobs) > 0 {
		if p, err := RepoProject(ctx, c, project, jobs[0].SHA, o.ConfigPath); err == nil {
			o.Local = p
		}
	}
	results := make([]JobResult, len(jobs))
	sem := make(chan struct{}, Concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r, err := Job(ctx, c, m, project, j.ID, o)
			results[i] = JobResult{Job: j, Report: r, Err: err}
			if progress != nil {
				mu.Lock()
				done++
				progress(done, len(jobs))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return results, nil
}
