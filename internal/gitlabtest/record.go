package gitlabtest

import (
	"net/http"
	"net/url"
	"strings"
)

// Redacted replaces credentials in recorded requests.
const Redacted = "[present]"

// tokenParams are the query parameters GitLab reads credentials from.
var tokenParams = []string{"private_token", "job_token", "token", "access_token"}

// tokenHeaders are the headers GitLab reads credentials from.
var tokenHeaders = []string{"Private-Token", "Job-Token", "Authorization"}

// Request is a request the server received, with its credentials redacted
// so tests can print it and assert that tokens never travel in URLs.
type Request struct {
	Method string
	// Path is the escaped path as sent (a registered token in it is
	// replaced by Redacted), e.g.
	// "/api/v4/projects/group%2Fapp/repository/files/%2Egitlab-ci%2Eyml/raw".
	Path string
	// Query has the values of private_token, job_token, token and
	// access_token, and any value holding a registered token, replaced by
	// Redacted.
	Query url.Values
	// Header has PRIVATE-TOKEN, JOB-TOKEN and Authorization replaced by
	// Redacted.
	Header http.Header
	Body   string
	// Route names the route matched, e.g. "GET
	// /projects/:id/jobs/:job_id/trace"; empty when none did.
	Route string
	// Status is the status answered; 0 if the client left before an answer.
	Status int
	// TokenInURL is true when a registered token, or any value of a
	// credential parameter, appeared in the path or query.
	TokenInURL bool
}

// Requests returns every request received so far, in the order they were
// answered.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	copy(out, s.requests)
	return out
}

// record appends r to the request log, redacted.
func (s *Server) record(r *http.Request, body []byte, rt *route, status int) {
	req := Request{
		Method: r.Method,
		Path:   r.URL.EscapedPath(),
		Query:  r.URL.Query(),
		Header: r.Header.Clone(),
		Body:   string(body),
		Status: status,
	}
	if rt != nil {
		req.Route = rt.name()
	}
	for _, p := range tokenParams {
		if vs, ok := req.Query[p]; ok {
			req.TokenInURL = req.TokenInURL || strings.Join(vs, "") != ""
			req.Query[p] = []string{Redacted}
		}
	}
	for _, h := range tokenHeaders {
		if req.Header.Get(h) != "" {
			req.Header.Set(h, Redacted)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for value := range s.tokens {
		if strings.Contains(req.Path, value) || strings.Contains(r.URL.Path, value) {
			req.TokenInURL = true
			req.Path = strings.ReplaceAll(req.Path, value, Redacted)
		}
		for k, vs := range req.Query {
			for i, v := range vs {
				if strings.Contains(v, value) {
					req.TokenInURL = true
					req.Query[k][i] = Redacted
				}
			}
		}
	}
	s.requests = append(s.requests, req)
	if rt != nil {
		s.routeCount[rt]++
	}
}

// RouteCount returns how many requests matched a route named as for Fail,
// e.g. "GET /projects/:id/jobs/:job_id/trace", whatever they were answered;
// it costs the same however many requests were recorded. An unknown route
// fails the test.
func (s *Server) RouteCount(routeSpec string) int {
	s.t.Helper()
	rt := findRoute(routeSpec)
	if rt == nil {
		s.t.Fatalf("gitlabtest: RouteCount(%q): no such route", routeSpec)
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.routeCount[rt]
}
