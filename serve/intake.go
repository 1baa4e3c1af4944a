package serve

import (
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// intake answers POST /hooks/gitlab: it checks the secret, reads the event
// and queues its failed jobs in the store before answering, so that a 2xx
// means the jobs are stored. It never calls GitLab.
func (s *Server) intake(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	event := r.Header.Get("X-Gitlab-Event")
	log := s.log.With("event", event, "delivery", r.Header.Get("X-Gitlab-Webhook-UUID"), "idempotency_key", r.Header.Get("Idempotency-Key"))
	if !s.secretOK(r.Header.Get("X-Gitlab-Token")) {
		s.metrics.refused("secret").Inc()
		log.Warn("event refused: missing or wrong X-Gitlab-Token", "remote", r.RemoteAddr)
		http.Error(w, "missing or wrong X-Gitlab-Token", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.o.MaxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		s.metrics.refused("too_large").Inc()
		log.Warn("event refused: body too large", "limit_bytes", s.o.MaxBody)
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		s.metrics.refused("read").Inc()
		log.Warn("event refused: body not read", "err", err)
		http.Error(w, "body not read", http.StatusBadRequest)
		return
	}
	jobs, err := failedJobs(event, body, s.o.Host)
	if err != nil {
		s.metrics.refused("malformed").Inc()
		log.Warn("event refused: malformed payload", "err", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.metrics.received(eventLabel(event)).Inc()
	if len(jobs) > 0 {
		added, err := s.st.Enqueue(r.Context(), jobs)
		if err != nil {
			// Not stored, so not accepted: GitLab counts the failure and
			// the delivery can be resent from the hook's page.
			s.metrics.refused("store").Inc()
			log.Error("event not queued: the store failed", "err", err)
			http.Error(w, "the store failed; resend later", http.StatusServiceUnavailable)
			return
		}
		s.metrics.queued.Add(added)
		if added > 0 {
			select {
			case s.wake <- struct{}{}:
			default:
			}
		}
		log.Debug("event queued", "failed_jobs", len(jobs), "new", added)
	}
	s.metrics.intake.Update(time.Since(start).Seconds())
	w.WriteHeader(http.StatusAccepted)
}

// secretOK compares in constant time: how long the check takes says
// nothing about the secret.
func (s *Server) secretOK(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.o.Secret)) == 1
}

// eventLabel bounds the metric's label values to the events taken.
func eventLabel(event string) string {
	switch gitlab.EventType(event) {
	case gitlab.EventTypeJob, gitlab.EventTypePipeline:
		return event
	}
	return "other"
}

// private requires the dashboard token, when one is set, as a bearer
// token.
func (s *Server) private(h http.Handler) http.Handler {
	if s.o.DashboardToken == "" {
		return h
	}
	want := []byte("Bearer " + s.o.DashboardToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ci-doctor"`)
			http.Error(w, "a bearer token is required", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}
