package serve

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ci-doctor/ci-doctor/fleet"
	"github.com/ci-doctor/ci-doctor/internal/redact"
	"github.com/ci-doctor/ci-doctor/store"
)

// windows are the time windows the dashboard offers, the first the default.
var windows = map[string]time.Duration{"14d": 14 * 24 * time.Hour, "1d": 24 * time.Hour, "7d": 7 * 24 * time.Hour,
	"30d": 30 * 24 * time.Hour, "90d": 90 * 24 * time.Hour}

var windowOrder = []string{"1d", "7d", "14d", "30d", "90d"}

// query is a dashboard or API request's filters.
type query struct {
	project, cause, window string
	since, until           time.Time
}

// parseQuery reads ?project=&cause=&window=; a bad window is an error.
func parseQuery(r *http.Request) (query, error) {
	q := query{project: strings.TrimSpace(r.URL.Query().Get("project")), cause: r.URL.Query().Get("cause"),
		window: r.URL.Query().Get("window"), until: time.Now().UTC()}
	if q.window == "" {
		q.window = "14d"
	}
	d, ok := windows[q.window]
	if !ok {
		return q, fmt.Errorf("window %q: want one of %s", q.window, strings.Join(windowOrder, ", "))
	}
	q.since = q.until.Add(-d)
	return q, nil
}

// summary reads the report of the whole instance for the query.
func (s *Server) summary(ctx context.Context, q query) (*fleet.Summary, error) {
	name := "GitLab " + s.o.Host
	if q.project != "" {
		name = "project " + q.project
	}
	return fleet.Summarise(ctx, s.st, fleet.Scope{Name: name, Host: s.o.Host}, fleet.SummaryOptions{
		Since: q.since, Until: q.until, Failures: true, Readiness: true, Project: q.project, Cause: q.cause})
}

// dashboard answers GET /: the report's HTML page, live over the store,
// with a form to change the filters.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	q, sum, ok := s.answerSummary(w, r)
	if !ok {
		return
	}
	// The cause filter offers the causes of the window, whatever the
	// other filters.
	all := sum
	if q.cause != "" || q.project != "" {
		var err error
		if all, err = s.summary(r.Context(), query{window: q.window, since: q.since, until: q.until}); err != nil {
			s.storeError(w, err)
			return
		}
	}
	var causes []string
	for _, c := range all.Causes {
		causes = append(causes, c.ID)
	}
	slices.Sort(causes)
	var page bytes.Buffer
	err := fleet.RenderHTMLPage(redact.NewWriter(&page), sum, fleet.PageOptions{Filters: &fleet.Filters{
		Project: q.project, Cause: q.cause, Window: q.window, Causes: causes, Windows: windowOrder}})
	if err != nil {
		s.log.Error("cannot render the dashboard", "err", err)
		http.Error(w, "cannot render the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(page.Bytes())
}

// apiCauses answers GET /api/causes with the report's JSON contract.
func (s *Server) apiCauses(w http.ResponseWriter, r *http.Request) {
	if _, sum, ok := s.answerSummary(w, r); ok {
		writeJSON(w, sum)
	}
}

// answerSummary reads the request's filters and the summary they select;
// when either fails it has answered, and ok is false.
func (s *Server) answerSummary(w http.ResponseWriter, r *http.Request) (query, *fleet.Summary, bool) {
	q, err := parseQuery(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return q, nil, false
	}
	sum, err := s.summary(r.Context(), q)
	if err != nil {
		s.storeError(w, err)
		return q, nil, false
	}
	return q, sum, true
}

// jobJSON is one diagnosed job in GET /api/jobs.
type jobJSON struct {
	Project       string    `json:"project"`
	JobID         int64     `json:"job_id"`
	JobName       string    `json:"job_name"`
	Stage         string    `json:"stage"`
	Ref           string    `json:"ref"`
	PipelineID    int64     `json:"pipeline_id"`
	WebURL        string    `json:"web_url"`
	FailedAt      time.Time `json:"failed_at"`
	FailureReason string    `json:"failure_reason"`
	Cause         string    `json:"cause"`
	Title         string    `json:"title"`
	Evidence      string    `json:"evidence"`
	TemplateID    string    `json:"template_id,omitempty"`
	Note          string    `json:"note,omitempty"`
}

// maxJobs bounds GET /api/jobs: the latest jobs, newest first.
const maxJobs = 500

// apiJobs answers GET /api/jobs: the latest diagnosed jobs of the
// window, newest first, with the same filters.
func (s *Server) apiJobs(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var jobs []jobJSON
	f := store.Filter{Host: s.o.Host, Since: q.since, Until: q.until, Project: q.project, CauseID: q.cause}
	err = s.st.Diagnoses(r.Context(), f, func(d store.Diagnosis) error {
		// Rows come oldest first: keep the latest maxJobs.
		if len(jobs) == maxJobs {
			jobs = jobs[1:]
		}
		jobs = append(jobs, jobJSON{Project: d.Project, JobID: d.JobID, JobName: d.JobName, Stage: d.Stage, Ref: d.Ref,
			PipelineID: d.PipelineID, WebURL: d.WebURL, FailedAt: d.FailedAt, FailureReason: d.FailureReason,
			Cause: d.CauseID, Title: d.CauseTitle, Evidence: d.Evidence, TemplateID: d.TemplateID, Note: d.Note})
		return nil
	})
	if err != nil {
		s.storeError(w, err)
		return
	}
	slices.Reverse(jobs)
	if jobs == nil {
		jobs = []jobJSON{}
	}
	writeJSON(w, map[string]any{"since": q.since, "until": q.until, "jobs": jobs})
}

// writeJSON answers with v, each string redacted.
func writeJSON(w http.ResponseWriter, v any) {
	var b bytes.Buffer
	if err := redact.EncodeJSON(&b, v); err != nil {
		http.Error(w, "cannot encode the answer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b.Bytes())
}

// storeError answers 503 when the store fails: the dashboard is down, the
// intake may still be up.
func (s *Server) storeError(w http.ResponseWriter, err error) {
	s.log.Error("the store failed", "err", err)
	http.Error(w, "the store does not answer", http.StatusServiceUnavailable)
}
