package gitlabtest

import (
	"net/http"
	"sync"
	"time"
)

// inFlight counts the requests being answered, and the most seen at once,
// so a test can check a client's concurrency bound. It has its own lock:
// s.mu would serialise the very requests it counts.
type inFlight struct {
	mu       sync.Mutex
	now, max int
}

// enter counts a request in and returns the function that counts it out.
func (f *inFlight) enter() func() {
	f.mu.Lock()
	f.now++
	f.max = max(f.max, f.now)
	f.mu.Unlock()
	return func() {
		f.mu.Lock()
		f.now--
		f.mu.Unlock()
	}
}

// InFlightMax returns the highest number of requests the server was
// answering at the same time so far. With Options.Latency set, requests a
// client sends together are sure to overlap.
func (s *Server) InFlightMax() int {
	s.load.mu.Lock()
	defer s.load.mu.Unlock()
	return s.load.max
}

// delay sleeps Options.Latency and says whether the client is still there
// to be answered.
func (s *Server) delay(r *http.Request) bool {
	if s.opts.Latency <= 0 {
		return true
	}
	timer := time.NewTimer(s.opts.Latency)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-r.Context().Done():
		return false
	}
}
