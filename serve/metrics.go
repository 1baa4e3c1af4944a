package serve

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ci-doctor/ci-doctor/store"
)

// metrics are what GET /metrics exposes, in a registry of the server's own
// (not the library's global one, so that tests can make many servers).
type metrics struct {
	reg       *prometheus.Registry
	received  *prometheus.CounterVec
	refused   *prometheus.CounterVec
	queued    prometheus.Counter
	diagnosed *prometheus.CounterVec
	fetchFail prometheus.Counter
	intake    prometheus.Histogram
	diagnosis prometheus.Histogram
}

func newMetrics(s *Server) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		received: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ci_doctor_events_received_total",
			Help: "Webhook events accepted, by X-Gitlab-Event."}, []string{"event"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ci_doctor_events_refused_total",
			Help: "Webhook events refused, by reason: secret, too_large, malformed, read, store."}, []string{"reason"}),
		queued: prometheus.NewCounter(prometheus.CounterOpts{Name: "ci_doctor_jobs_queued_total",
			Help: "Failed jobs newly queued (duplicates of a queued or diagnosed job are not counted)."}),
		diagnosed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ci_doctor_jobs_diagnosed_total",
			Help: "Jobs diagnosed by this process, by root cause (\"none\" when no signature explains the failure)."}, []string{"cause"}),
		fetchFail: prometheus.NewCounter(prometheus.CounterOpts{Name: "ci_doctor_log_fetch_failures_total",
			Help: "Reads of a job's log from GitLab that failed or found no log yet (each is retried later)."}),
		intake: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ci_doctor_intake_seconds",
			Help: "Time to take a webhook event: read, parse, queue.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}),
		diagnosis: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ci_doctor_diagnosis_seconds",
			Help: "Time to read a job's log and diagnose it.", Buckets: prometheus.ExponentialBuckets(0.01, 2, 14)}),
	}
	stats := &queueStats{st: s.st}
	m.reg.MustRegister(m.received, m.refused, m.queued, m.diagnosed, m.fetchFail, m.intake, m.diagnosis,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ci_doctor_queue_waiting",
			Help: "Failed jobs queued and not yet taken, in the whole store."}, func() float64 { return float64(stats.get().Waiting) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ci_doctor_queue_leased",
			Help: "Failed jobs being diagnosed, in the whole store."}, func() float64 { return float64(stats.get().Leased) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ci_doctor_queue_oldest_waiting_seconds",
			Help: "Age of the oldest job waiting in the queue; 0 when none waits."}, func() float64 {
			if st := stats.get(); !st.OldestWaiting.IsZero() {
				return time.Since(st.OldestWaiting).Seconds()
			}
			return 0
		}),
	)
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
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
