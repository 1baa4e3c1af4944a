package serve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/fleet"
	"github.com/ci-doctor/ci-doctor/gitlabapi"
	"github.com/ci-doctor/ci-doctor/internal/gitlabtest"
	"github.com/ci-doctor/ci-doctor/serve"
	"github.com/ci-doctor/ci-doctor/signatures"
	"github.com/ci-doctor/ci-doctor/store"
	"github.com/ci-doctor/ci-doctor/store/storetest"
)

const (
	secret = "webhook-secret"
	token  = "glpat-serve"
	sha    = "0123456789abcdef0123456789abcdef01234567"
)

// logFile reads a log of testdata/logs.
func logFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "logs", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// env is a serve process in the test: its server, the fake GitLab, the
// store, and the address it answers on.
type env struct {
	gitlab *gitlabtest.Server
	st     *store.Store
	srv    *serve.Server
	url    string
	stop   func()
}

// start runs a Server over a fresh store of dsn against a fake GitLab with
// project acme/shop (id 7): job 42 fails with a known cause, job 43 with a
// log that arrives late, job 44 has no log at all.
func start(t *testing.T, dsn string, o serve.Options) *env {
	t.Helper()
	return startGrace(t, dsn, o, 5*time.Second)
}

// startGrace is start with the grace period of a stop.
func startGrace(t *testing.T, dsn string, o serve.Options, grace time.Duration) *env {
	t.Helper()
	gl := gitlabtest.New(t, gitlabtest.Options{})
	gl.AddToken(token, gitlabtest.PersonalToken, "api")
	gl.AddProject(gitlabtest.Project{ID: 7, Path: "acme/shop"})
	failed := gitlabtest.Job{ProjectID: 7, PipelineID: 3, Name: "build", Stage: "build", Status: "failed",
		FailureReason: "script_failure", Ref: "main", SHA: sha}
	for id, trace := range map[int64]func(int) string{
		42: gitlabtest.FixedTrace(logFile(t, "docker-daemon-unreachable--k8s-dind-tcp.log")),
		43: gitlabtest.GrowingTrace("", logFile(t, "out-of-memory--oomkilled-k8s.log")),
		44: nil,
	} {
		j := failed
		j.ID, j.Trace = id, trace
		gl.AddJob(j)
	}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c, err := gitlabapi.New(gitlabapi.Options{Base: gl.URL, Auth: gitlabapi.Auth{Token: token}, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	m, err := diagnose.Compile(signatures.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	o.Host, o.Secret = gl.URL, secret
	o.Poll, o.RetryWait = 20*time.Millisecond, 20*time.Millisecond
	o.Versions = fleet.Versions{Tool: "test", Signatures: "sigs"}
	o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := serve.New(st, c, m, o)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, l, grace) }()
	e := &env{gitlab: gl, st: st, srv: srv, url: "http://" + l.Addr().String()}
	e.stop = func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}
	t.Cleanup(func() {
		if ctx.Err() == nil {
			e.stop()
		}
	})
	return e
}

// post sends an event as GitLab does.
func (e *env) post(t *testing.T, event string, body []byte, secretToken string) int {
	t.Helper()
	req, err := e.gitlab.WebhookRequest(e.url+"/hooks/gitlab", secretToken, event, body, "")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// get answers a GET with a bearer token when given.
func (e *env) get(t *testing.T, path, bearer string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", e.url+path, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitDiagnosed waits until the store holds a diagnosis of each job.
func (e *env) waitDiagnosed(t *testing.T, jobs ...int64) map[int64]store.Diagnosis {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := map[int64]store.Diagnosis{}
		e.st.Diagnoses(context.Background(), store.Filter{Host: e.gitlab.URL}, func(d store.Diagnosis) error {
			got[d.JobID] = d
			return nil
		})
		all := true
		for _, j := range jobs {
			if _, ok := got[j]; !ok {
				all = false
			}
		}
		if all {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s, diagnosed %v, want %v", got, jobs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestFailedJobsAreDiagnosedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		e := start(t, dsn, serve.Options{Workers: 2})
		for _, status := range []string{"created", "pending", "failed", "running", "failed"} {
			if code := e.post(t, "Job Hook", jobHook(t, e.gitlab.URL, 7, "acme/shop", 42, status), secret); code != http.StatusAccepted {
				t.Fatalf("%s event: %d, want 202", status, code)
			}
		}
		pipeline := payload(t, "pipeline.json", map[string]any{"project.id": 7, "project.path_with_namespace": "acme/shop",
			"project.web_url": e.gitlab.URL + "/acme/shop", "object_attributes.sha": sha,
			"builds": []any{map[string]any{"id": 43, "name": "test", "stage": "test", "status": "failed", "failure_reason": "script_failure"},
				map[string]any{"id": 45, "name": "lint", "stage": "test", "status": "success"}}})
		if code := e.post(t, "Pipeline Hook", pipeline, secret); code != http.StatusAccepted {
			t.Fatalf("pipeline event: %d", code)
		}
		got := e.waitDiagnosed(t, 42, 43)
		if got[42].CauseID != "docker-daemon-unreachable" || got[43].CauseID != "out-of-memory" {
			t.Errorf("causes %q and %q, want docker-daemon-unreachable and out-of-memory (a log that arrived late)", got[42].CauseID, got[43].CauseID)
		}
		if got[42].WebURL != e.gitlab.URL+"/acme/shop/-/jobs/42" || got[42].Project != "acme/shop" {
			t.Errorf("job 42 stored as %q in %q", got[42].WebURL, got[42].Project)
		}
		if _, ok := got[45]; ok {
			t.Error("a job that succeeded was diagnosed")
		}
		if n := e.gitlab.RouteCount("GET /projects/:id/jobs/:job_id/trace"); n != 3 {
			t.Errorf("%d log reads, want 3: one for job 42, two for job 43 whose log came late", n)
		}
		_, metrics := e.get(t, "/metrics", "")
		for _, want := range []string{`ci_doctor_jobs_diagnosed_total{cause="docker-daemon-unreachable"} 1`,
			`ci_doctor_events_received_total{event="Job Hook"} 5`, "ci_doctor_jobs_queued_total 2", "ci_doctor_queue_waiting 0"} {
			if !strings.Contains(metrics, want) {
				t.Errorf("/metrics lacks %q", want)
			}
		}
		code, page := e.get(t, "/", "")
		if code != 200 || !strings.Contains(page, "docker-daemon-unreachable") || !strings.Contains(page, `<form class="filters"`) {
			t.Errorf("GET / = %d, want the report page with filters", code)
		}
		_, body := e.get(t, "/api/causes?window=1d", "")
		var sum fleet.Summary
		if err := json.Unmarshal([]byte(body), &sum); err != nil || sum.Jobs != 2 {
			t.Errorf("/api/causes: %v, %d jobs; want the report's JSON with 2 jobs:\n%s", err, sum.Jobs, body)
		}
		_, body = e.get(t, "/api/jobs?cause=out-of-memory", "")
		if !strings.Contains(body, `"job_id": 43`) || strings.Contains(body, `"job_id": 42`) {
			t.Errorf("/api/jobs?cause=out-of-memory:\n%s", body)
		}
	})
}

func TestIntakeRefusesBadInput(t *testing.T) {
	e := start(t, storetest.SQLite(t), serve.Options{MaxBody: 64 << 10})
	event := jobHook(t, e.gitlab.URL, 7, "acme/shop", 42, "failed")
	for _, tt := range []struct {
		name, event string
		body        []byte
		secret      string
		want        int
	}{
		{"no secret", "Job Hook", event, "", 401},
		{"wrong secret", "Job Hook", event, "webhook-secreT", 401},
		{"body over the cap", "Job Hook", bytes.Repeat([]byte("x"), 65<<10), secret, 413},
		{"malformed JSON", "Job Hook", []byte(`{"object_kind": "build",`), secret, 400},
		{"a push event", "Push Hook", []byte(`{"object_kind": "push"}`), secret, 202},
		{"a running job", "Job Hook", jobHook(t, e.gitlab.URL, 7, "acme/shop", 42, "running"), secret, 202},
	} {
		if got := e.post(t, tt.event, tt.body, tt.secret); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
	if st, _ := e.st.QueueStats(context.Background()); st.Waiting+st.Leased+st.Done != 0 {
		t.Errorf("queue %+v after refused and ignored events, want empty", st)
	}
}

func TestUnknownJobsAreDropped(t *testing.T) {
	e := start(t, storetest.SQLite(t), serve.Options{})
	e.post(t, "Job Hook", jobHook(t, e.gitlab.URL, 7, "acme/shop", 999, "failed"), secret)
	e.post(t, "Job Hook", jobHook(t, e.gitlab.URL, 8, "acme/gone", 1000, "failed"), secret)
	e.post(t, "Job Hook", jobHook(t, e.gitlab.URL, 7, "acme/shop", 42, "failed"), secret)
	e.waitDiagnosed(t, 42)
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, _ := e.st.QueueStats(context.Background())
		if st.Done == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("queue %+v, want the 3 jobs done (2 dropped)", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
	n := 0
	e.st.Diagnoses(context.Background(), store.Filter{Host: e.gitlab.URL}, func(store.Diagnosis) error { n++; return nil })
	if n != 1 {
		t.Errorf("%d diagnoses, want 1: unknown jobs are dropped, not stored", n)
	}
}

func TestDashboardNeedsTheTokenWhenSet(t *testing.T) {
	e := start(t, storetest.SQLite(t), serve.Options{DashboardToken: "dash"})
	for _, path := range []string{"/", "/api/causes", "/api/jobs", "/metrics"} {
		if code, _ := e.get(t, path, ""); code != 401 {
			t.Errorf("GET %s without the token: %d, want 401", path, code)
		}
		if code, _ := e.get(t, path, "dash"); code != 200 {
			t.Errorf("GET %s with the token: %d, want 200", path, code)
		}
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, _ := e.get(t, path, ""); code != 200 {
			t.Errorf("GET %s: %d, want 200 without a token (probes)", path, code)
		}
	}
	if code, _ := e.get(t, "/api/jobs?window=2y", "dash"); code != 400 {
		t.Errorf("a bad window: %d, want 400", code)
	}
	if code := e.post(t, "Job Hook", jobHook(t, e.gitlab.URL, 7, "acme/shop", 42, "failed"), secret); code != 202 {
		t.Errorf("the intake needs the webhook secret only: %d", code)
	}
}

func TestCommentIsPostedOnce(t *testing.T) {
	e := start(t, storetest.SQLite(t), serve.Options{Comment: true, Workers: 3})
	e.gitlab.AddPipeline(gitlabtest.Pipeline{ID: 3, ProjectID: 7, SHA: sha, Ref: "feature", Status: "failed"})
	e.gitlab.AddMergeRequest(gitlabtest.MergeRequest{IID: 5, ProjectID: 7, SHA: sha, SourceBranch: "feature", HeadPipelineID: 3})
	event := jobHook(t, e.gitlab.URL, 7, "acme/shop", 42, "failed")
	for range 4 { // a resend, a proxy's retry: the same delivery again
		if code := e.post(t, "Job Hook", event, secret); code != 202 {
			t.Fatalf("event: %d", code)
		}
	}
	e.waitDiagnosed(t, 42)
	deadline := time.Now().Add(5 * time.Second)
	for len(e.gitlab.Notes(7, 5)) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // room for a wrong second note
	notes := e.gitlab.Notes(7, 5)
	if len(notes) != 1 || !strings.Contains(notes[0].Body, "docker-daemon-unreachable") || !strings.HasPrefix(notes[0].Body, "<!-- ci-doctor job build -->") {
		t.Fatalf("notes = %+v, want one note with the diagnosis", notes)
	}

	// The job retried is a new job: diagnosed again, and its note replaces
	// the first one rather than adding a second.
	e.gitlab.AddJob(gitlabtest.Job{ID: 46, ProjectID: 7, PipelineID: 3, Name: "build", Stage: "build", Status: "failed",
		FailureReason: "script_failure", Ref: "main", SHA: sha, Trace: gitlabtest.FixedTrace(logFile(t, "out-of-memory--oomkilled-k8s.log"))})
	e.post(t, "Job Hook", jobHook(t, e.gitlab.URL, 7, "acme/shop", 46, "failed"), secret)
	e.waitDiagnosed(t, 46)
	deadline = time.Now().Add(5 * time.Second)
	for !strings.Contains(e.gitlab.Notes(7, 5)[0].Body, "out-of-memory") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if notes := e.gitlab.Notes(7, 5); len(notes) != 1 || !strings.Contains(notes[0].Body, "out-of-memory") {
		t.Errorf("after the retry failed: %d notes, want the one note updated to the retry's diagnosis", len(notes))
	}
}

func TestStopGivesBackTheJobsInHand(t *testing.T) {
	e := startGrace(t, storetest.SQLite(t), serve.Options{}, 100*time.Millisecond)
	e.gitlab.Fail("GET /projects/:id/jobs/:job_id/trace", gitlabtest.Fault{Delay: 3 * time.Second})
	e.post(t, "Job Hook", jobHook(t, e.gitlab.URL, 7, "acme/shop", 42, "failed"), secret)
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, _ := e.st.QueueStats(context.Background())
		if st.Leased == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job was not taken: %+v", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	e.stop()
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("stopping took %s, want about the grace period", took)
	}
	st, _ := e.st.QueueStats(context.Background())
	if st.Waiting != 1 || st.Leased != 0 {
		t.Errorf("queue after the stop %+v, want the job given back", st)
	}
}

func TestSlowJobsKeepTheirLease(t *testing.T) {
	e := start(t, storetest.SQLite(t), serve.Options{Lease: 300 * time.Millisecond, Workers: 2})
	e.gitlab.Fail("GET /projects/:id/jobs/:job_id/trace", gitlabtest.Fault{Delay: time.Second, Times: 1})
	posted := time.Now()
	e.post(t, "Job Hook", jobHook(t, e.gitlab.URL, 7, "acme/shop", 42, "failed"), secret)
	e.waitDiagnosed(t, 42)
	time.Sleep(time.Until(posted.Add(1500 * time.Millisecond))) // the slow read is over and recorded
	if n := e.gitlab.RouteCount("GET /projects/:id/jobs/:job_id/trace"); n != 1 {
		t.Errorf("the log was read %d times, want once: a slow job must keep its lease, not go to the second worker", n)
	}
}

func TestGitLabDownThenBack(t *testing.T) {
	e := start(t, storetest.SQLite(t), serve.Options{})
	e.gitlab.Fail("GET /projects/:id/jobs/:job_id/trace", gitlabtest.Fault{Status: 502, Times: 3})
	e.post(t, "Job Hook", jobHook(t, e.gitlab.URL, 7, "acme/shop", 42, "failed"), secret)
	if got := e.waitDiagnosed(t, 42); got[42].CauseID != "docker-daemon-unreachable" {
		t.Errorf("after GitLab came back: %+v", got[42])
	}
	_, metrics := e.get(t, "/metrics", "")
	if !strings.Contains(metrics, "ci_doctor_log_fetch_failures_total 3") {
		t.Errorf("/metrics does not count the 3 failed reads")
	}
}

func TestLostStoreRefusesEvents(t *testing.T) {
	e := start(t, storetest.SQLite(t), serve.Options{})
	e.st.Close() // as a lost connection or a full disk would make every write fail
	if code := e.post(t, "Job Hook", jobHook(t, e.gitlab.URL, 7, "acme/shop", 42, "failed"), secret); code != http.StatusServiceUnavailable {
		t.Errorf("an event the store cannot keep: %d, want 503 (so GitLab counts a failed delivery)", code)
	}
	if code, _ := e.get(t, "/readyz", ""); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz: %d, want 503", code)
	}
	if code, _ := e.get(t, "/healthz", ""); code != 200 {
		t.Errorf("/healthz: %d, want 200 (the process itself is fine)", code)
	}
}
