package gitlabtest

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

// jobStatuses are CommitStatus::AVAILABLE_STATUSES, the values scope[]
// accepts.
var jobStatuses = []string{
	"created", "waiting_for_resource", "preparing", "waiting_for_callback", "pending", "running",
	"success", "failed", "canceling", "canceled", "skipped", "manual", "scheduled",
}

// projectJob finds job :job_id of the project, answering "404 Not found"
// (ActiveRecord::RecordNotFound) when the project has no such job. The
// caller holds s.mu.
func (c *call) projectJob() (*Job, bool) {
	p, ok := c.project()
	if !ok {
		return nil, false
	}
	j := c.s.jobs[c.intParam("job_id")]
	if j == nil || j.ProjectID != p.ID {
		writeMessage(c.w, http.StatusNotFound, "404 Not found")
		return nil, false
	}
	return j, true
}

// getJob answers GET /projects/:id/jobs/:job_id.
func (c *call) getJob() {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	j, ok := c.projectJob()
	if !ok {
		return
	}
	writeJSON(c.w, http.StatusOK, c.s.jobJSON(j))
}

// getTrace answers GET /projects/:id/jobs/:job_id/trace with the whole log
// as text/plain; the Trace function runs outside the lock.
func (c *call) getTrace() {
	c.s.mu.Lock()
	j, ok := c.projectJob()
	if !ok {
		c.s.mu.Unlock()
		return
	}
	n := c.s.traceCalls[j.ID]
	c.s.traceCalls[j.ID]++
	trace, id := j.Trace, j.ID
	if !j.ErasedAt.IsZero() {
		trace = nil // erasing a job removes its log
	}
	c.s.mu.Unlock()

	log := ""
	if trace != nil {
		log = trace(n)
	}
	c.w.Header().Set("Content-Disposition", `infile; filename="`+strconv.FormatInt(id, 10)+`.log"`)
	c.w.Header().Set("Content-Type", "text/plain")
	c.w.WriteHeader(http.StatusOK)
	c.w.Write([]byte(log))
}

// getTokenJob answers GET /job: the job of the job token used, or
// "404 Job Not Found" for any other token.
func (c *call) getTokenJob() {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if c.who.job == nil {
		writeMessage(c.w, http.StatusNotFound, "404 Job Not Found")
		return
	}
	writeJSON(c.w, http.StatusOK, c.s.jobJSON(c.who.job))
}

// projectPipeline finds pipeline :pipeline_id of the project, answering
// "404 Not found" when there is none. The caller holds s.mu.
func (c *call) projectPipeline() (*Pipeline, bool) {
	p, ok := c.project()
	if !ok {
		return nil, false
	}
	pl := c.s.pipelines[c.intParam("pipeline_id")]
	if pl == nil || pl.ProjectID != p.ID {
		writeMessage(c.w, http.StatusNotFound, "404 Not found")
		return nil, false
	}
	return pl, true
}

// getPipeline answers GET /projects/:id/pipelines/:pipeline_id.
func (c *call) getPipeline() {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	pl, ok := c.projectPipeline()
	if !ok {
		return
	}
	writeJSON(c.w, http.StatusOK, c.s.pipelineJSON(pl))
}

// listPipelineJobs answers GET /projects/:id/pipelines/:pipeline_id/jobs:
// newest first, retried jobs left out unless include_retried=true, scope
// (a string or scope[] array) filtering on status.
func (c *call) listPipelineJobs() {
	scope, ok := c.scopeParam()
	if !ok {
		return
	}
	includeRetried, ok := c.boolParam("include_retried", false)
	if !ok {
		return
	}
	pg, ok := c.parsePager()
	if !ok {
		return
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	pl, ok := c.projectPipeline()
	if !ok {
		return
	}
	var jobs []*Job
	list := c.s.projJobs[pl.ProjectID]
	for i := len(list) - 1; i >= 0; i-- {
		if j := list[i]; j.PipelineID == pl.ID && (includeRetried || !j.Retried) && inScope(scope, j) {
			jobs = append(jobs, j)
		}
	}
	lo, hi := c.paginate(pg, len(jobs), url.Values{"include_retried": {"false"}})
	c.writeJobs(jobs[lo:hi])
}

// scopeParam reads scope, one status or a scope[] array, answering 400 as
// Grape's values validator does for a status GitLab does not know.
func (c *call) scopeParam() ([]string, bool) {
	q := c.r.URL.Query()
	scope := append(q["scope[]"], q["scope"]...)
	for _, st := range scope {
		if !slices.Contains(jobStatuses, st) {
			writeError(c.w, http.StatusBadRequest, "scope does not have a valid value")
			return nil, false
		}
	}
	return scope, true
}

// inScope says whether j's status is one scope asks for; no scope asks
// for all.
func inScope(scope []string, j *Job) bool {
	return len(scope) == 0 || slices.Contains(scope, j.Status)
}

// writeJobs answers a JSON list of jobs; the caller holds s.mu.
func (c *call) writeJobs(jobs []*Job) {
	out := make([]jobJSON, 0, len(jobs))
	for _, j := range jobs {
		out = append(out, c.s.jobJSON(j))
	}
	writeJSON(c.w, http.StatusOK, out)
}
