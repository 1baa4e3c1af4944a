package gitlabtest

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

const tracePath = "/projects/7/jobs/43/trace"

func statuses(t *testing.T, s *Server, n int, path string) []int {
	t.Helper()
	var out []int
	for range n {
		out = append(out, send(t, s, "GET", path, "", "PRIVATE-TOKEN", patAPI).status)
	}
	return out
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFaultRateLimitedThenSuccess(t *testing.T) {
	s := fixture(t, Options{})
	s.Fail("GET /api/v4/projects/:id/jobs/:job_id/trace", Fault{Status: 429, RetryAfter: "1", Times: 1})
	res := send(t, s, "GET", tracePath, "", "PRIVATE-TOKEN", patAPI)
	if res.status != 429 || res.header.Get("Retry-After") != "1" || res.body != "Retry later\n" ||
		res.header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("first answer: %d %v %q", res.status, res.header, res.body)
	}
	if res := send(t, s, "GET", tracePath, "", "PRIVATE-TOKEN", patAPI); res.status != 200 {
		t.Fatalf("second answer: %d", res.status)
	}
}

func TestFaultServerErrorsThenSuccess(t *testing.T) {
	s := fixture(t, Options{})
	s.Fail("GET /projects/:id/jobs/:id/trace", Fault{Status: 500, Times: 2})
	res := send(t, s, "GET", tracePath, "", "PRIVATE-TOKEN", patAPI)
	if res.body != `{"message":"500 Internal Server Error"}` || res.header.Get("Content-Type") != "application/json" {
		t.Errorf("500 body %q (%s)", res.body, res.header.Get("Content-Type"))
	}
	if got, want := statuses(t, s, 3, tracePath), []int{500, 200, 200}; !sameInts(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	// Other routes are untouched.
	if res := send(t, s, "GET", "/projects/7/jobs/43", "", "PRIVATE-TOKEN", patAPI); res.status != 200 {
		t.Errorf("job route: %d", res.status)
	}
}

func TestFaultQueueAndPermanent(t *testing.T) {
	s := fixture(t, Options{})
	s.Fail("GET /projects/:id/jobs/:job_id/trace", Fault{Status: 502, Times: 1})
	s.Fail("GET /projects/:id/jobs/:job_id/trace", Fault{Status: 503, Times: 2, Body: "<html>down</html>"})
	s.Fail("GET /projects/:id/jobs/:job_id/trace", Fault{Status: 404, Body: `{"message":"404 Not found"}`})
	if got, want := statuses(t, s, 6, tracePath), []int{502, 503, 503, 404, 404, 404}; !sameInts(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
}

func TestFaultRunsBeforeAuthentication(t *testing.T) {
	s := fixture(t, Options{})
	s.Fail("GET /job", Fault{Status: 429, Times: 1, Header: http.Header{"Ratelimit-Reset": {"1700000000"}}})
	res := send(t, s, "GET", "/job", "")
	if res.status != 429 || res.header.Get("RateLimit-Reset") != "1700000000" {
		t.Errorf("got %d %v", res.status, res.header)
	}
}

func TestFaultDelay(t *testing.T) {
	s := fixture(t, Options{})
	s.Fail("GET /projects/:id/jobs/:job_id", Fault{Delay: 150 * time.Millisecond, Times: 1})
	start := time.Now()
	res := send(t, s, "GET", "/projects/7/jobs/43", "", "PRIVATE-TOKEN", patAPI)
	if elapsed := time.Since(start); elapsed < 150*time.Millisecond {
		t.Errorf("answered after %v, want at least 150ms", elapsed)
	}
	if res.status != 200 {
		t.Errorf("delayed answer: %d", res.status)
	}
}

func TestFaultDelayClientGivesUp(t *testing.T) {
	s := fixture(t, Options{})
	s.Fail("GET /projects/:id/jobs/:job_id/trace", Fault{Delay: time.Minute, Status: 500})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.APIURL+tracePath, nil)
	_, err := s.Client().Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
	// The server notices the client left, records no answer and does not
	// hold up Close.
	deadline := time.Now().Add(2 * time.Second)
	for len(s.Requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	reqs := s.Requests()
	if len(reqs) != 1 || reqs[0].Status != 0 {
		t.Errorf("requests %+v, want one with no status", reqs)
	}
}

// fatalRecorder catches Fatalf instead of stopping the test.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) { f.msg = format }

func TestMisuseFailsTheTest(t *testing.T) {
	rec := &fatalRecorder{TB: t}
	s := New(rec, Options{})
	s.Fail("GET /projects/:id/lint", Fault{Status: 500})
	if rec.msg == "" {
		t.Error("Fail on an unknown route did not fail the test")
	}
	rec.msg = ""
	s.AddToken("x", JobToken)
	if rec.msg == "" {
		t.Error("AddToken with JobToken did not fail the test")
	}
	rec.msg = ""
	s.SetUsername("unknown", "bob")
	if rec.msg == "" {
		t.Error("SetUsername of an unknown token did not fail the test")
	}
}
