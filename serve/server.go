package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/fleet"
	"github.com/ci-doctor/ci-doctor/gitlabapi"
	"github.com/ci-doctor/ci-doctor/store"
)

// Options configure a Server.
type Options struct {
	// Host is the GitLab instance the events come from and the logs are
	// read from (its web root).
	Host string
	// Secret is the webhook's secret token, compared with X-Gitlab-Token.
	Secret string
	// DashboardToken, when set, is the bearer token the dashboard, the
	// API and the metrics require.
	DashboardToken string
	// Workers is how many jobs this process diagnoses at once.
	Workers int
	// Comment posts each diagnosis on the job's merge request.
	Comment bool
	// MaxBody caps an event's body; 1 MiB when zero.
	MaxBody int64
	// Lease is how long a worker holds a job before another may take it;
	// 5 minutes when zero.
	Lease time.Duration
	// LogWait is how long a job's log may take to arrive after the event
	// (the runner uploads it in chunks); 10 minutes when zero.
	LogWait time.Duration
	// Poll is how often idle workers look at the queue for work that
	// other processes queued; 1 s when zero.
	Poll time.Duration
	// RetryWait is the first wait before a job whose log could not be
	// read is tried again, doubled each time; 5 s when zero.
	RetryWait time.Duration
	// Versions are stored with each diagnosis.
	Versions fleet.Versions
	// Log receives the structured log; slog.Default() when nil.
	Log *slog.Logger
}

// Server is the intake, the workers and the dashboard of one process.
type Server struct {
	st      *store.Store
	c       *gitlabapi.Client
	m       *diagnose.Matcher
	o       Options
	owner   string
	log     *slog.Logger
	metrics *serverMetrics
	// wake tells idle workers of jobs this process queued.
	wake chan struct{}
}

// New makes a Server over a store, a GitLab client and a matcher.
func New(st *store.Store, c *gitlabapi.Client, m *diagnose.Matcher, o Options) *Server {
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.MaxBody <= 0 {
		o.MaxBody = 1 << 20
	}
	if o.Lease <= 0 {
		o.Lease = 5 * time.Minute
	}
	if o.LogWait <= 0 {
		o.LogWait = 10 * time.Minute
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.RetryWait <= 0 {
		o.RetryWait = 5 * time.Second
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	host, _ := os.Hostname()
	s := &Server{st: st, c: c, m: m, o: o, log: o.Log, wake: make(chan struct{}, 1),
		owner: host + "/" + strconv.Itoa(os.Getpid()) + "/" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	s.metrics = newMetrics(s)
	return s
}

// Handler routes the intake, the dashboard, the API, the metrics and the
// probes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /hooks/gitlab", s.intake)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", s.ready)
	mux.Handle("GET /metrics", s.private(s.metrics.handler()))
	mux.Handle("GET /api/causes", s.private(http.HandlerFunc(s.apiCauses)))
	mux.Handle("GET /api/jobs", s.private(http.HandlerFunc(s.apiJobs)))
	mux.Handle("GET /{$}", s.private(http.HandlerFunc(s.dashboard)))
	return mux
}

// ready says whether the store answers.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.st.QueueStats(ctx); err != nil {
		s.log.Warn("not ready: the store does not answer", "err", err)
		http.Error(w, "the store does not answer", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ok")
}

// Serve answers on l and runs the workers until ctx ends; then it stops
// taking events and jobs, lets the jobs in hand finish for up to grace,
// gives back those that did not, and returns.
func (s *Server) Serve(ctx context.Context, l net.Listener, grace time.Duration) error {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: time.Minute, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	// Work goes on for a grace period after ctx ends, so that what is in
	// hand finishes instead of waiting for its lease to expire.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	workers := s.startWorkers(ctx, work)
	s.log.Info("serving", "listen", l.Addr().String(), "gitlab", s.o.Host, "store", s.st.String(), "workers", s.o.Workers, "owner", s.owner)

	var err error
	select {
	case <-ctx.Done():
	case err = <-served:
	}
	s.log.Info("stopping: no new events or jobs", "grace", grace.String())
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	srv.Shutdown(shut)
	done := make(chan struct{})
	go func() { workers.Wait(); close(done) }()
	select {
	case <-done:
	case <-shut.Done():
		stopWork()
		<-done
	}
	if n, rerr := s.st.ReleaseAll(context.WithoutCancel(ctx), s.owner); rerr != nil {
		s.log.Error("could not give back the jobs in hand; their leases will expire", "err", rerr)
	} else if n > 0 {
		s.log.Info("gave back jobs in hand", "jobs", n)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
