package gitlabapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sync"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// Job is what ci-doctor needs of a job.
type Job struct {
	ID            int64
	Name, Stage   string
	Status        string
	FailureReason string
	Ref, SHA      string
	PipelineID    int64
	WebURL        string
	// CreatedAt and FinishedAt are zero when GitLab sends null; ErasedAt
	// is set when the job's log and artifacts were erased.
	CreatedAt, FinishedAt, ErasedAt time.Time
}

func jobOf(j *gitlab.Job) Job {
	return Job{ID: j.ID, Name: j.Name, Stage: j.Stage, Status: j.Status, FailureReason: j.FailureReason,
		Ref: j.Ref, SHA: j.Pipeline.Sha, PipelineID: j.Pipeline.ID, WebURL: j.WebURL,
		CreatedAt: timeOf(j.CreatedAt), FinishedAt: timeOf(j.FinishedAt), ErasedAt: timeOf(j.ErasedAt)}
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// Job reads one job.
func (c *Client) Job(ctx context.Context, project string, id int64) (Job, error) {
	j, resp, err := c.gl.Jobs.GetJob(project, id, gitlab.WithContext(ctx))
	if err != nil {
		return Job{}, classify(fmt.Sprintf("job %d of %s", id, project), err, resp)
	}
	return jobOf(j), nil
}

// Trace streams a job's log into w as GitLab returns it, without holding
// it in memory (client-go's GetTraceFile would read it whole).
func (c *Client) Trace(ctx context.Context, project string, id int64, w io.Writer) error {
	what := fmt.Sprintf("the log of job %d of %s", id, project)
	req, err := c.gl.NewRequest(http.MethodGet, fmt.Sprintf("projects/%s/jobs/%d/trace", gitlab.PathEscape(project), id), nil, []gitlab.RequestOptionFunc{gitlab.WithContext(ctx)})
	if err != nil {
		return &Error{What: what, Msg: err.Error()}
	}
	resp, err := c.gl.Do(req, w)
	return classify(what, err, resp)
}

// TraceReader returns the job's log as a stream; reading it fails with an
// *Error when the API does.
func (c *Client) TraceReader(ctx context.Context, project string, id int64) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(c.Trace(ctx, project, id, pw)) }()
	return pr
}

// afterScriptMarker is the runner's marker for the after_script stage:
// once the API's copy of the log holds it, everything the script printed
// before it has arrived (the log is append-only, in order).
var afterScriptMarker = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`section_start:\d+:after_script`) })

// WaitForScriptEnd polls the job's log until it reaches after_script, for
// ci-doctor running inside the failing job's after_script: the runner
// uploads the log in chunks, about every 60 s, so the failing lines may
// not be there yet. It returns whether the marker arrived before the
// deadline (when not, the caller diagnoses what arrived and says so).
func (c *Client) WaitForScriptEnd(ctx context.Context, project string, id int64, deadline, every time.Duration) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	for {
		found := &markerWriter{re: afterScriptMarker()}
		err := c.Trace(ctx, project, id, found)
		if found.found {
			return true, nil
		}
		if err != nil && ctx.Err() == nil {
			if e, ok := err.(*Error); !ok || e.Status != 404 {
				return false, err
			}
		}
		select {
		case <-ctx.Done():
			return false, nil
		case <-time.After(every):
		}
	}
}

// markerWriter looks for a pattern in a stream in constant memory, keeping
// only the tail that a match could straddle.
type markerWriter struct {
	re    *regexp.Regexp
	tail  []byte
	found bool
}

func (m *markerWriter) Write(p []byte) (int, error) {
	if m.found {
		return len(p), nil
	}
	buf := append(m.tail, p...)
	if m.re.Match(buf) {
		m.found = true
	}
	keep := min(len(buf), 64)
	m.tail = append(m.tail[:0], buf[len(buf)-keep:]...)
	return len(p), nil
}
