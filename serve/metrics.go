package serve

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/ci-doctor/ci-doctor/store"
)

// serverMetrics are what GET /metrics exposes, in Prometheus's text format, in a
// set of the server's own (tests make many servers). VictoriaMetrics'
// package rather than Prometheus' client: every ci-doctor command pays the
// initialisation of the packages the binary holds, and client_golang's
// (its default registry, process and Go collectors, protobuf) added about
// a millisecond to each `ci-doctor diagnose`.
type serverMetrics struct {
	set       *metrics.Set
	queued    *metrics.Counter
	fetchFail *metrics.Counter
	intake    *metrics.PrometheusHistogram
	diagnosis *metrics.PrometheusHistogram
}

func newMetrics(s *Server) *serverMetrics {
	set := metrics.NewSet()
	m := &serverMetrics{
		set:       set,
		queued:    set.NewCounter("ci_doctor_jobs_queued_total"),
		fetchFail: set.NewCounter("ci_doctor_log_fetch_failures_total"),
		intake:    set.NewPrometheusHistogramExt("ci_doctor_intake_seconds", []float64{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2}),
		diagnosis: set.NewPrometheusHistogramExt("ci_doctor_diagnosis_seconds", []float64{0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60}),
	}
	// Counters with labels appear at their first use; these are known
	// from the start, so that a dashboard shows a 0, not nothing.
	for _, event := range []string{"Job Hook", "Pipeline Hook", "other"} {
		m.received(event)
	}
	for _, reason := range []string{"secret", "too_large", "malformed", "read", "store"} {
		m.refused(reason)
	}
	stats := &queueStats{st: s.st}
	set.NewGauge("ci_doctor_queue_waiting", func() float64 { return float64(stats.get().Waiting) })
	set.NewGauge("ci_doctor_queue_leased", func() float64 { return float64(stats.get().Leased) })
	set.NewGauge("ci_doctor_queue_oldest_waiting_seconds", func() float64 {
		if st := stats.get(); !st.OldestWaiting.IsZero() {
			return time.Since(st.OldestWaiting).Seconds()
		}
		return 0
	})
	return m
}

// received counts webhook events accepted, by X-Gitlab-Event.
func (m *serverMetrics) received(event string) *metrics.Counter {
	return m.set.GetOrCreateCounter(fmt.Sprintf(`ci_doctor_events_received_total{event=%q}`, event))
}

// refused counts webhook events refused, by reason.
func (m *serverMetrics) refused(reason string) *metrics.Counter {
	return m.set.GetOrCreateCounter(fmt.Sprintf(`ci_doctor_events_refused_total{reason=%q}`, reason))
}

// diagnosed counts jobs diagnosed by this process, by root cause ("none"
// when no signature explains the failure).
func (m *serverMetrics) diagnosed(cause string) *metrics.Counter {
	return m.set.GetOrCreateCounter(fmt.Sprintf(`ci_doctor_jobs_diagnosed_total{cause=%q}`, cause))
}

func (m *serverMetrics) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		m.set.WritePrometheus(w)
	})
}

// queueStats reads the queue once per scrape for its three gauges.
type queueStats struct {
	st   *store.Store
	mu   sync.Mutex
	at   time.Time
	last store.QueueStats
}

func (q *queueStats) get() store.QueueStats {
	q.mu.Lock()
	defer q.mu.Unlock()
	if time.Since(q.at) > time.Second {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if st, err := q.st.QueueStats(ctx); err == nil {
			q.last, q.at = st, time.Now()
		}
	}
	return q.last
}
