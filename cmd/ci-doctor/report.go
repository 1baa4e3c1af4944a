package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ci-doctor/ci-doctor/fleet"
	"github.com/ci-doctor/ci-doctor/internal/iostreams"
	"github.com/ci-doctor/ci-doctor/signatures"
)

// reportOptions are the flags of ci-doctor report.
type reportOptions struct {
	group, project string
	since          string
	db             string
	format         string
	output         string
	readinessOnly  bool
	failuresOnly   bool
	rediagnose     bool
	concurrency    int
	quiet          bool
	timeout        time.Duration
	retryWait      time.Duration
}

func newReportCmd(ios *iostreams.IOStreams, g *globalOptions) *cobra.Command {
	opts := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "report (--group PATH | --project PATH)",
		Short: "Report what fails most across a group's projects, and which are not ready",
		Long: `Read the failed jobs of a group's projects (subgroups included, archived
projects left out) or of one project through the GitLab API, diagnose each job
not already in the store, lint each project's configuration on its default
branch, and report:
  - the root causes that cost most: jobs, projects, first and last seen, trend,
    example jobs;
  - the failures no signature explains, grouped by their error line with the
    varying parts masked (turn one into a signature with
    'ci-doctor signatures new --from-report ID');
  - which projects' configurations will fail on runners without privileged mode.

Diagnoses are kept in a store (SQLite in the user's cache folder, or the
PostgreSQL database of --db postgres://...), so the next run reads only the
new jobs. Logs are not stored, and stored text is redacted.`,
		Example: `  ci-doctor report --group acme/platform
  ci-doctor report --group acme --since 30d --format html --output public/index.html
  ci-doctor report --project acme/shop --failures-only --format json
  ci-doctor report --group acme --db postgres://ci-doctor@db.internal/ci_doctor`,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return &usageError{fmt.Errorf("report takes no arguments (got %q): give --group or --project", args[0])}
			}
			return runReport(ios, g, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.group, "group", "", "report on every project of this group and its subgroups (full `PATH` or id)")
	f.StringVar(&opts.project, "project", "", "report on this one project (full `PATH` or id)")
	f.StringVar(&opts.since, "since", "14d", "failed jobs created since this long ago (14d, 2w, 36h) or this date (2026-11-20)")
	f.StringVar(&opts.db, "db", "", "the store: a SQLite file, or postgres://user@host/db (default: fleet.db in the user's cache folder; also $CI_DOCTOR_DB)")
	f.StringVarP(&opts.format, "format", "f", "text", "output `format`: "+strings.Join(fleet.Formats, ", "))
	f.StringVarP(&opts.output, "output", "o", "", "write the report to `FILE` (whole or not at all) instead of standard output")
	f.BoolVar(&opts.readinessOnly, "readiness-only", false, "only lint the projects' configurations; read no job")
	f.BoolVar(&opts.failuresOnly, "failures-only", false, "only read and diagnose failed jobs; lint no configuration")
	f.BoolVar(&opts.rediagnose, "rediagnose", false, "diagnose again the stored jobs that older signatures diagnosed (reads their logs again)")
	f.IntVar(&opts.concurrency, "concurrency", 8, "requests to GitLab at once")
	f.BoolVarP(&opts.quiet, "quiet", "q", false, "no progress on standard error")
	f.DurationVar(&opts.timeout, "timeout", 30*time.Second, "timeout of each request to GitLab")
	f.DurationVar(&opts.retryWait, "retry-wait", 500*time.Millisecond, "first wait before retrying a read that GitLab refused with 429 or 5xx (doubled each time, Retry-After wins)")
	cmd.MarkFlagsMutuallyExclusive("group", "project")
	cmd.MarkFlagsMutuallyExclusive("readiness-only", "failures-only")
	return cmd
}

func runReport(ios *iostreams.IOStreams, g *globalOptions, opts *reportOptions) error {
	if opts.group == "" && opts.project == "" {
		return &usageError{errors.New("give --group PATH or --project PATH")}
	}
	if err := checkFormat(opts.format, fleet.Formats); err != nil {
		return err
	}
	if opts.concurrency < 1 || opts.concurrency > 64 {
		return &usageError{fmt.Errorf("--concurrency %d: want 1 to 64", opts.concurrency)}
	}
	now := time.Now().UTC()
	since, err := parseSince(opts.since, now)
	if err != nil {
		return &usageError{fmt.Errorf("--since: %w", err)}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	f, err := openFleet(ctx, ios, g, opts.db, &remoteOptions{timeout: opts.timeout, retryWait: opts.retryWait}, opts.concurrency)
	if err != nil {
		return err
	}
	st := f.st
	defer st.Close()

	bar := newProgressBar(ios, opts.quiet)
	crawled, err := fleet.Crawl(ctx, f.client, f.m, st, fleet.Options{
		Group: opts.group, Project: opts.project, Since: since,
		Failures: !opts.readinessOnly, Readiness: !opts.failuresOnly, Rediagnose: opts.rediagnose,
		Workers: opts.concurrency, ToolVersion: toolVersion(), SignaturesVersion: signatures.Digest(f.m.Signatures()),
		Progress: bar.update,
	})
	bar.done()
	switch {
	case ctx.Err() != nil:
		c := fleet.Counts{}
		if crawled != nil {
			c = crawled.Counts
		}
		fmt.Fprintf(ios.ErrOut, "ci-doctor: interrupted: %d of %d new jobs diagnosed and stored in %s; run the same command again to go on\n", c.Diagnosed, c.New, st)
		return &silentError{exitInterrupted}
	case err != nil:
		return &inputError{err}
	}
	summary, err := fleet.Summarise(ctx, st, crawled.Scope(), fleet.SummaryOptions{Since: since, Until: now.Add(time.Second),
		Failures: !opts.readinessOnly, Readiness: !opts.failuresOnly})
	if err != nil {
		return &inputError{fmt.Errorf("the store: %w", err)}
	}
	if !opts.quiet {
		c := crawled.Counts
		fmt.Fprintf(ios.ErrOut, "ci-doctor: %s, %s listed: %d diagnosed now, %d already in %s\n",
			fleet.Plural(c.Projects, "project"), fleet.Plural(c.Jobs, "failed job"), c.Diagnosed, c.Stored, st)
	}
	if opts.output != "" {
		if err := writeFileAtomic(opts.output, func(w io.Writer) error { return fleet.Render(w, opts.format, summary) }); err != nil {
			return &inputError{fmt.Errorf("--output: %w", err)}
		}
		return nil
	}
	return fleet.Render(ios.Out, opts.format, summary)
}

// parseSince reads --since: a duration with d (days) and w (weeks) allowed,
// or a date.
func parseSince(v string, now time.Time) (time.Time, error) {
	bad := fmt.Errorf("%q: want a positive duration (14d, 2w, 36h) or a date (2026-11-20)", v)
	if v == "" {
		return time.Time{}, bad
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		if !t.Before(now) {
			return time.Time{}, fmt.Errorf("%s is not in the past", v)
		}
		return t, nil
	}
	unit := map[byte]time.Duration{'d': 24 * time.Hour, 'w': 7 * 24 * time.Hour}
	var d time.Duration
	var err error
	if u, ok := unit[v[len(v)-1]]; ok {
		var n int
		n, err = strconv.Atoi(v[:len(v)-1])
		d = time.Duration(n) * u
	} else {
		d, err = time.ParseDuration(v)
	}
	if err != nil || d <= 0 {
		return time.Time{}, bad
	}
	return now.Add(-d), nil
}

// toolVersion is this binary's version, stored with each diagnosis.
func toolVersion() string {
	bi, _ := debug.ReadBuildInfo()
	return readVersion(bi).Version
}
