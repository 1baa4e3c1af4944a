package gitlabtest

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Options.RateLimit follows GitLab's Rack::Attack throttles
// (lib/gitlab/rack_attack/request_throttle_data.rb): counts per period
// aligned on the epoch, a request is refused once the count passes the
// limit, and the headers are
//
//	RateLimit-Name       throttle_authenticated_api or throttle_unauthenticated_api
//	RateLimit-Limit      requests per 60 s
//	RateLimit-Observed   requests counted in this period, this one included
//	RateLimit-Remaining  limit - observed, at least 0
//	RateLimit-Reset      Unix time the period ends
//
// plus, on a 429, Retry-After (seconds to the period's end) and
// RateLimit-ResetTime (that end as an HTTP date), with the plain text body
// "Retry later\n". Refused requests count too, as in Rack::Attack.

// ratePeriod is the throttle period; Options.RateLimit is per minute.
const ratePeriod = 60

// rateWindow holds the counts of the current period.
type rateWindow struct {
	start  int64          // Unix time the period began
	counts map[string]int // by user or client address
}

// throttle counts r against the rate limit, sets the RateLimit headers and
// answers 429 itself when the limit is passed; it says whether the request
// may go on.
func (s *Server) throttle(w http.ResponseWriter, r *http.Request) bool {
	limit := s.opts.RateLimit
	if limit <= 0 {
		return true
	}
	now := time.Now()
	if s.opts.Now != nil {
		now = s.opts.Now()
	}
	sec := now.Unix()
	start := sec - sec%ratePeriod
	s.mu.Lock()
	key, name := s.throttleKey(r)
	if s.rate.start != start {
		s.rate.start = start
		clear(s.rate.counts)
	}
	s.rate.counts[key]++
	observed := s.rate.counts[key]
	s.mu.Unlock()

	reset := start + ratePeriod
	h := w.Header()
	h.Set("RateLimit-Name", name)
	h.Set("RateLimit-Limit", strconv.Itoa(limit))
	h.Set("RateLimit-Observed", strconv.Itoa(observed))
	h.Set("RateLimit-Remaining", strconv.Itoa(max(limit-observed, 0)))
	h.Set("RateLimit-Reset", strconv.FormatInt(reset, 10))
	if observed <= limit {
		return true
	}
	h.Set("Retry-After", strconv.FormatInt(reset-sec, 10))
	h.Set("RateLimit-ResetTime", time.Unix(reset, 0).UTC().Format(http.TimeFormat))
	h.Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusTooManyRequests)
	io.WriteString(w, "Retry later\n")
	return false
}

// throttleKey names whose budget r spends: the user of a registered token
// in any of the places GitLab reads one, else the client address. The
// caller holds s.mu.
func (s *Server) throttleKey(r *http.Request) (key, throttle string) {
	q := r.URL.Query()
	for _, v := range []string{
		bearer(r), r.Header.Get("Private-Token"), q.Get("private_token"),
		r.Header.Get("Job-Token"), q.Get("job_token"), q.Get("token"),
	} {
		if tok := s.tokens[v]; v != "" && tok != nil {
			return "user:" + tok.user, "throttle_authenticated_api"
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "ip:" + host, "throttle_unauthenticated_api"
}
