package gitlabtest

import (
	"bytes"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options configures a Server.
type Options struct {
	// RelativeRoot puts every route under a path prefix, as on a
	// self-managed instance installed with a relative URL root, e.g.
	// "/gitlab". Requests outside it get a non-API 404.
	RelativeRoot string
	// TLS serves HTTPS with httptest's self-signed certificate; CertPEM
	// returns it so tests can hand it to the client as a custom CA.
	TLS bool
	// Latency is slept before answering every request, outside any lock so
	// requests overlap, to model a remote instance in benchmarks (50 ms is
	// a typical round trip to GitLab.com).
	Latency time.Duration
	// RateLimit, when positive, throttles each user (or, for requests
	// without a known token, each client address) to that many API
	// requests per clock minute, as Rack::Attack does: RateLimit-* headers
	// on every API answer, then 429 "Retry later". 0 turns it off.
	RateLimit int
	// Now is the clock the rate limit reads; nil means time.Now. Tests set
	// it to stay inside one minute, or to cross into the next.
	Now func() time.Time
}

// Server is a fake GitLab instance answering the REST API v4 routes listed
// in the package documentation. Its methods are safe for concurrent use.
type Server struct {
	// URL is the instance URL with its relative root, like CI_SERVER_URL,
	// e.g. "http://127.0.0.1:41234/gitlab".
	URL string
	// APIURL is URL + "/api/v4", like CI_API_V4_URL.
	APIURL string

	t    testing.TB
	srv  *httptest.Server
	root string
	opts Options
	load inFlight

	mu         sync.Mutex
	tokens     map[string]*token
	users      map[string]int64
	groups     map[int64]*Group
	groupPaths map[string]*Group // by lower-case full path
	projects   map[int64]*Project
	projPaths  map[string]*Project // by lower-case full path
	jobs       map[int64]*Job
	projJobs   map[int64][]*Job // each project's jobs by ascending id
	pipelines  map[int64]*Pipeline
	mrs        map[mrKey]*MergeRequest
	files      map[fileKey][]byte
	notes      map[mrKey][]*storedNote
	lastNoteID int64
	noteClock  int64
	traceCalls map[int64]int
	faults     map[*route][]*faultState
	requests   []Request
	routeCount map[*route]int
	rate       rateWindow
}

// New starts a Server that t's cleanup closes.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{
		t:          t,
		root:       cleanRoot(opts.RelativeRoot),
		opts:       opts,
		tokens:     map[string]*token{},
		users:      map[string]int64{},
		groups:     map[int64]*Group{},
		groupPaths: map[string]*Group{},
		projects:   map[int64]*Project{},
		projPaths:  map[string]*Project{},
		jobs:       map[int64]*Job{},
		projJobs:   map[int64][]*Job{},
		pipelines:  map[int64]*Pipeline{},
		mrs:        map[mrKey]*MergeRequest{},
		files:      map[fileKey][]byte{},
		notes:      map[mrKey][]*storedNote{},
		traceCalls: map[int64]int{},
		faults:     map[*route][]*faultState{},
		routeCount: map[*route]int{},
		rate:       rateWindow{counts: map[string]int{}},
	}
	if opts.TLS {
		s.srv = httptest.NewTLSServer(s)
	} else {
		s.srv = httptest.NewServer(s)
	}
	t.Cleanup(s.srv.Close)
	s.URL = s.srv.URL + s.root
	s.APIURL = s.URL + "/api/v4"
	return s
}

// CertPEM returns the TLS server's self-signed certificate in PEM, to be
// trusted as a CA; it is nil without Options.TLS.
func (s *Server) CertPEM() []byte {
	if s.srv.TLS == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw})
}

// Client returns an HTTP client that trusts the server's certificate.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// ServeHTTP answers one request as GitLab would and records it. New already
// serves it; it is exported so a test can mount the fake elsewhere.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer s.load.enter()()
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	sw := &statusWriter{ResponseWriter: w}
	var rt *route
	if s.delay(r) {
		rt = s.dispatch(sw, r)
	}
	s.record(r, body, rt, sw.code())
}

// dispatch routes r and returns the route it matched, if any.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) *route {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), s.root+"/api/v4")
	if !ok || rest != "" && rest[0] != '/' {
		// Outside the API GitLab answers with its HTML pages, never JSON.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "<html><body><h1>404</h1><p>The page could not be found.</p></body></html>\n")
		return nil
	}
	rt, params, allowed := matchRoute(r.Method, rest)
	if !s.throttle(w, r) {
		return rt // Rack::Attack answers before any routing
	}
	if rt == nil {
		if allowed != "" {
			w.Header().Set("Allow", allowed)
			writeError(w, http.StatusMethodNotAllowed, "405 Not Allowed")
		} else {
			writeError(w, http.StatusNotFound, "404 Not Found")
		}
		return nil
	}
	if !s.injectFault(w, r, rt) {
		return rt
	}
	who, ok := s.authenticate(w, r, rt)
	if !ok {
		return rt
	}
	c := &call{s: s, w: w, r: r, params: params, who: who}
	if !c.checkIntParams() {
		return rt
	}
	rt.handle(c)
	return rt
}

// cleanRoot turns "gitlab/", "/gitlab" or "/" into "/gitlab" or "".
func cleanRoot(root string) string {
	root = strings.Trim(root, "/")
	if root == "" {
		return ""
	}
	return "/" + root
}

// statusWriter remembers the status code written, for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// code is the status sent, or 0 when nothing was (the client went away).
func (w *statusWriter) code() int { return w.status }
