package gitlabtest

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault is a failure injected on a route, before authentication, the way
// a proxy, rate limiter or crashing backend would answer.
type Fault struct {
	// Status is the status to answer; 0 answers normally after Delay.
	Status int
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
	// Header holds extra headers, e.g. RateLimit-Reset.
	Header http.Header
	// Times is how many requests the fault hits before the route answers
	// normally (or the next queued fault takes over); 0 means every request.
	Times int
	// Delay is waited before answering; a client that gives up first gets
	// no answer.
	Delay time.Duration
	// Body replaces the default body: "Retry later\n" in text/plain for
	// 429 (Rack::Attack's throttle answer), {"message":"<code> <text>"}
	// otherwise. A body starting with "{" or "[" is sent as JSON.
	Body string
}

// faultState counts the hits of a queued fault.
type faultState struct {
	f    Fault
	hits int
}

// Fail queues a fault on a route named like "GET
// /api/v4/projects/:id/jobs/:job_id/trace" (the /api/v4 prefix and the
// parameter names are optional). Faults of a route apply in the order
// queued, each for its Times requests. An unknown route fails the test.
func (s *Server) Fail(routeSpec string, f Fault) {
	s.t.Helper()
	rt := findRoute(routeSpec)
	if rt == nil {
		s.t.Fatalf("gitlabtest: Fail(%q): no such route", routeSpec)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[rt] = append(s.faults[rt], &faultState{f: f})
}

// injectFault applies the route's current fault, if any, and says whether
// the request should go on to the handler.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, rt *route) bool {
	s.mu.Lock()
	queue := s.faults[rt]
	if len(queue) == 0 {
		s.mu.Unlock()
		return true
	}
	fs := queue[0]
	fs.hits++
	if fs.f.Times > 0 && fs.hits >= fs.f.Times {
		s.faults[rt] = queue[1:]
	}
	f := fs.f
	s.mu.Unlock()

	if f.Delay > 0 {
		timer := time.NewTimer(f.Delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return false
		}
	}
	if f.Status == 0 {
		return true
	}
	for k, vs := range f.Header {
		w.Header()[http.CanonicalHeaderKey(k)] = vs
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	body := f.Body
	switch {
	case body == "" && f.Status == http.StatusTooManyRequests:
		body = "Retry later\n"
	case body == "":
		body = `{"message":"` + strconv.Itoa(f.Status) + " " + http.StatusText(f.Status) + `"}`
	}
	if strings.HasPrefix(body, "{") || strings.HasPrefix(body, "[") {
		w.Header().Set("Content-Type", "application/json")
	} else {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.WriteHeader(f.Status)
	io.WriteString(w, body)
	return false
}
