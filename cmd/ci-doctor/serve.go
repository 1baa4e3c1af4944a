package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ci-doctor/ci-doctor/fleet"
	"github.com/ci-doctor/ci-doctor/internal/iostreams"
	"github.com/ci-doctor/ci-doctor/serve"
	"github.com/ci-doctor/ci-doctor/signatures"
)

// serveOptions are the flags of ci-doctor serve. Secrets come from files
// or the environment, never from flags, which other users can read in the
// process list.
type serveOptions struct {
	listen             string
	db                 string
	secretFile         string
	dashboardTokenFile string
	workers            int
	comment            bool
	logFormat          string
	maxBody            int64
	grace              time.Duration
	logWait            time.Duration
	lease              time.Duration
	timeout            time.Duration
}

func newServeCmd(ios *iostreams.IOStreams, g *globalOptions) *cobra.Command {
	opts := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Diagnose every failed job of a group or instance as it happens (GitLab webhooks)",
		Long: `Receive GitLab's job and pipeline webhook events at POST /hooks/gitlab, queue
each failed job in the store, diagnose it (reading its log through the API)
and store the diagnosis in the same store 'ci-doctor report' uses; with
--comment, post it on the merge request. GET / is the report's page, live
over the store; GET /api/causes and /api/jobs give JSON; GET /metrics is
for Prometheus; GET /healthz and /readyz are probes.

With PostgreSQL (--db postgres://...) any number of serve processes share
the queue; with SQLite, run one.

Secrets come from the environment or files, never flags:
  GITLAB_HOST, GITLAB_TOKEN (or GITLAB_TOKEN_FILE): the instance and a token
    with read_api (api with --comment);
  CI_DOCTOR_WEBHOOK_SECRET or --secret-file: the webhook's secret token;
  CI_DOCTOR_DASHBOARD_TOKEN or --dashboard-token-file: the bearer token of
    the dashboard, the API and the metrics, required unless --listen is a
    loopback address.`,
		Example: `  CI_DOCTOR_WEBHOOK_SECRET=... GITLAB_HOST=https://gitlab.example.com GITLAB_TOKEN=... ci-doctor serve
  ci-doctor serve --listen :8080 --db postgres://ci-doctor@db/ci_doctor --secret-file /run/secrets/webhook \
    --dashboard-token-file /run/secrets/dashboard --log-format json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runServe(ios, g, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.listen, "listen", "127.0.0.1:8080", "`ADDRESS` to listen on; a non-loopback address needs a dashboard token")
	f.StringVar(&opts.db, "db", "", "the store, as report's --db (default: fleet.db in the user's cache folder; also $CI_DOCTOR_DB)")
	f.StringVar(&opts.secretFile, "secret-file", "", "read the webhook's secret token from `FILE` (default: $CI_DOCTOR_WEBHOOK_SECRET)")
	f.StringVar(&opts.dashboardTokenFile, "dashboard-token-file", "", "read the dashboard's bearer token from `FILE` (default: $CI_DOCTOR_DASHBOARD_TOKEN)")
	f.IntVar(&opts.workers, "workers", 4, "jobs diagnosed at once by this process")
	f.BoolVar(&opts.comment, "comment", false, "post each diagnosis on the job's merge request (the token needs the api scope)")
	f.StringVar(&opts.logFormat, "log-format", "text", "log `format` on standard error: text or json")
	f.Int64Var(&opts.maxBody, "max-body", 1<<20, "largest event body accepted, in bytes")
	f.DurationVar(&opts.grace, "grace", 30*time.Second, "on SIGTERM, how long jobs in hand may take to finish before they are given back")
	f.DurationVar(&opts.logWait, "log-wait", 10*time.Minute, "how long a failed job's log may take to arrive before the job is stored without a diagnosis")
	f.DurationVar(&opts.lease, "lease", 5*time.Minute, "how long a job taken by a process that died stays out of the queue before another process takes it")
	f.DurationVar(&opts.timeout, "timeout", 30*time.Second, "timeout of each request to GitLab")
	return cmd
}

func runServe(ios *iostreams.IOStreams, g *globalOptions, opts *serveOptions) error {
	if err := checkFormat(opts.logFormat, []string{"text", "json"}); err != nil {
		return &usageError{fmt.Errorf("--log-format: %w", errors.Unwrap(err))}
	}
	if opts.workers < 1 || opts.workers > 64 {
		return &usageError{fmt.Errorf("--workers %d: want 1 to 64", opts.workers)}
	}
	secret, err := secretFrom(ios, opts.secretFile, "CI_DOCTOR_WEBHOOK_SECRET")
	if err != nil {
		return err
	}
	if secret == "" {
		return &usageError{errors.New("no webhook secret: set CI_DOCTOR_WEBHOOK_SECRET or --secret-file (the Secret token of the GitLab webhook)")}
	}
	dashboardToken, err := secretFrom(ios, opts.dashboardTokenFile, "CI_DOCTOR_DASHBOARD_TOKEN")
	if err != nil {
		return err
	}
	if dashboardToken == "" && !loopback(opts.listen) {
		return &usageError{fmt.Errorf("--listen %s is reachable from other hosts: set CI_DOCTOR_DASHBOARD_TOKEN or --dashboard-token-file, the bearer token the dashboard and API will require", opts.listen)}
	}
	env := ios.Getenv
	if ios.Getenv("GITLAB_TOKEN") == "" && ios.Getenv("GITLAB_TOKEN_FILE") != "" {
		token, err := secretFrom(ios, ios.Getenv("GITLAB_TOKEN_FILE"), "")
		if err != nil {
			return err
		}
		env = func(k string) string {
			if k == "GITLAB_TOKEN" {
				return token
			}
			return ios.Getenv(k)
		}
	}
	withToken := *ios
	withToken.Getenv = env
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	f, err := openFleet(ctx, &withToken, g, opts.db, &remoteOptions{timeout: opts.timeout}, 0)
	if err != nil {
		return err
	}
	defer f.st.Close()
	l, err := net.Listen("tcp", opts.listen)
	if err != nil {
		return &inputError{fmt.Errorf("--listen: %w", err)}
	}
	var handler slog.Handler = slog.NewTextHandler(ios.ErrOut, nil)
	if opts.logFormat == "json" {
		handler = slog.NewJSONHandler(ios.ErrOut, nil)
	}
	srv := serve.New(f.st, f.client, f.m, serve.Options{
		Host: f.base, Secret: secret, DashboardToken: dashboardToken, Workers: opts.workers, Comment: opts.comment,
		MaxBody: opts.maxBody, LogWait: opts.logWait, Lease: opts.lease, Log: slog.New(handler),
		Versions: fleet.Versions{Tool: toolVersion(), Signatures: signatures.Digest(f.m.Signatures())},
	})
	if err := srv.Serve(ctx, l, opts.grace); err != nil {
		return &inputError{err}
	}
	return nil
}

// secretFrom reads a secret from a file (trimmed of its final newline) or,
// without one, from an environment variable.
func secretFrom(ios *iostreams.IOStreams, file, env string) (string, error) {
	if file == "" {
		if env == "" {
			return "", nil
		}
		return ios.Getenv(env), nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", &inputError{fmt.Errorf("reading a secret: %w", err)}
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// loopback says whether a listen address is reachable from this host
// only.
func loopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
