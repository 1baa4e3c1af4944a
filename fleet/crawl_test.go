package fleet_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ci-doctor/ci-doctor/fleet"
	"github.com/ci-doctor/ci-doctor/gitlabapi"
	"github.com/ci-doctor/ci-doctor/internal/gitlabtest"
	"github.com/ci-doctor/ci-doctor/store"
)

const traceRoute = "GET /projects/:id/jobs/:job_id/trace"

// window is the fixture's report window: the 14 days before now.
func options(group string) fleet.Options {
	return fleet.Options{Group: group, Since: now.Add(-14 * 24 * time.Hour), Failures: true, Readiness: true,
		Workers: 4, ToolVersion: "test", SignaturesVersion: "sigs-1"}
}

func summarise(t *testing.T, st *store.Store, cr *fleet.Crawled) *fleet.Summary {
	t.Helper()
	s, err := fleet.Summarise(context.Background(), st, cr.Scope(), fleet.SummaryOptions{Since: now.Add(-14 * 24 * time.Hour), Until: now, Failures: true, Readiness: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestReportOnAGroup(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, gitlabtest.Options{}, 4)
			st := b.open(t)
			cr, err := fleet.Crawl(context.Background(), e.client, e.matcher, st, options("acme"))
			if err != nil {
				t.Fatal(err)
			}
			if got := len(cr.Projects); got != 3 {
				t.Errorf("crawled %d projects, want 3 (the archived one left out)", got)
			}
			s := summarise(t, st, cr)
			if s.Scope != "group acme" || s.Jobs != 6 || s.Diagnosed != 3 || s.Unmatched != 3 {
				t.Errorf("scope %q, jobs %d, diagnosed %d, unmatched %d; want group acme, 6, 3, 3", s.Scope, s.Jobs, s.Diagnosed, s.Unmatched)
			}
			if len(s.Causes) != 1 || s.Causes[0].ID != "docker-daemon-unreachable" || s.Causes[0].Jobs != 3 || s.Causes[0].Projects != 2 {
				t.Fatalf("causes = %+v, want docker-daemon-unreachable with 3 jobs in 2 projects", s.Causes)
			}
			c := s.Causes[0]
			if !strings.HasSuffix(c.Examples[0], "/-/jobs/101") || len(c.Examples) != 3 {
				t.Errorf("examples = %v, want the 3 jobs, newest (101) first", c.Examples)
			}
			if !c.FirstSeen.Equal(now.Add(-3*24*time.Hour + time.Minute)) {
				t.Errorf("first seen %v, want when job 102 finished", c.FirstSeen)
			}
			if len(s.Unrecognised) != 1 || s.Unrecognised[0].Jobs != 2 || s.Unrecognised[0].Projects != 2 ||
				!strings.Contains(s.Unrecognised[0].Template, "Unable to locate package") {
				t.Errorf("unrecognised = %+v, want one template of apt's error, 2 jobs in 2 projects", s.Unrecognised)
			}
			want := map[string]string{"acme/shop": "findings", "acme/team/api": "ready", "acme/team/docs": "no .gitlab-ci.yml on main"}
			if len(s.Readiness) != 3 {
				t.Fatalf("readiness = %+v, want 3 projects", s.Readiness)
			}
			for _, r := range s.Readiness {
				switch w := want[r.Project]; {
				case w == "findings" && (r.Findings["dind-service"] == 0 || r.Error != ""):
					t.Errorf("%s: %+v, want dind-service findings", r.Project, r)
				case w == "ready" && (len(r.Findings) != 0 || r.Error != ""):
					t.Errorf("%s: %+v, want ready", r.Project, r)
				case strings.HasPrefix(w, "no ") && r.Error != w:
					t.Errorf("%s: error %q, want %q", r.Project, r.Error, w)
				}
			}
			if !strings.Contains(strings.Join(s.Notes, "\n"), "erased") {
				t.Errorf("notes = %q, want one about the erased log", s.Notes)
			}
		})
	}
}

func TestSecondRunReadsOnlyTheLists(t *testing.T) {
	e := newEnv(t, gitlabtest.Options{}, 4)
	st := openSQLite(t)
	ctx := context.Background()
	if _, err := fleet.Crawl(ctx, e.client, e.matcher, st, options("acme")); err != nil {
		t.Fatal(err)
	}
	traces := e.server.RouteCount(traceRoute)
	if traces != 5 {
		t.Errorf("first run read %d logs, want 5 (not the erased job's)", traces)
	}
	o := options("acme")
	o.Readiness = false
	cr, err := fleet.Crawl(ctx, e.client, e.matcher, st, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.server.RouteCount(traceRoute); got != traces {
		t.Errorf("second run read %d more logs, want none", got-traces)
	}
	if cr.Counts.Stored != 6 || cr.Counts.New != 0 {
		t.Errorf("second run counts %+v, want 6 stored, 0 new", cr.Counts)
	}
	o.Rediagnose, o.SignaturesVersion = true, "sigs-2"
	if _, err := fleet.Crawl(ctx, e.client, e.matcher, st, o); err != nil {
		t.Fatal(err)
	}
	if got := e.server.RouteCount(traceRoute); got != 2*traces {
		t.Errorf("--rediagnose with new signatures read %d logs, want all %d again", got-traces, traces)
	}
}

func TestOneProject(t *testing.T) {
	e := newEnv(t, gitlabtest.Options{}, 4)
	st := openSQLite(t)
	o := options("")
	o.Project = "acme/team/api"
	cr, err := fleet.Crawl(context.Background(), e.client, e.matcher, st, o)
	if err != nil {
		t.Fatal(err)
	}
	s := summarise(t, st, cr)
	if s.Scope != "project acme/team/api" || s.Jobs != 2 || len(s.Readiness) != 1 {
		t.Errorf("scope %q, %d jobs, %d readiness rows; want project acme/team/api, 2, 1", s.Scope, s.Jobs, len(s.Readiness))
	}
}

func TestScopeErrors(t *testing.T) {
	e := newEnv(t, gitlabtest.Options{}, 4)
	st := openSQLite(t)
	_, err := fleet.Crawl(context.Background(), e.client, e.matcher, st, options("nope"))
	var ge *gitlabapi.Error
	if !errors.As(err, &ge) || ge.Status != 404 || !strings.Contains(err.Error(), "group nope") {
		t.Errorf("unknown group: %v, want a 404 naming the group", err)
	}
	c, err := gitlabapi.New(gitlabapi.Options{Base: e.server.URL, Auth: gitlabapi.Auth{Token: "glpat-no-scope"}, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = fleet.Crawl(context.Background(), c, e.matcher, st, options("acme"))
	if !errors.As(err, &ge) || ge.Status != 403 || !strings.Contains(err.Error(), "read_api") {
		t.Errorf("token without read_api: %v, want a 403 that names read_api", err)
	}
}

func TestRequestsInFlightAreBounded(t *testing.T) {
	e := newEnv(t, gitlabtest.Options{Latency: 20 * time.Millisecond}, 3)
	o := options("acme")
	o.Workers = 8
	if _, err := fleet.Crawl(context.Background(), e.client, e.matcher, openSQLite(t), o); err != nil {
		t.Fatal(err)
	}
	if got := e.server.InFlightMax(); got > 3 || got < 2 {
		t.Errorf("at most %d requests at once, want 2 or 3 (the bound is 3)", got)
	}
}

func TestInterruptedRunKeepsWhatItDid(t *testing.T) {
	e := newEnv(t, gitlabtest.Options{Latency: 30 * time.Millisecond}, 2)
	st := openSQLite(t)
	ctx, cancel := context.WithCancel(context.Background())
	o := options("acme")
	o.Readiness = false
	o.Progress = func(c fleet.Counts) {
		if c.Diagnosed == 2 {
			cancel()
		}
	}
	cr, err := fleet.Crawl(ctx, e.client, e.matcher, st, o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	stored := 0
	st.Diagnoses(context.Background(), store.Filter{Host: e.server.URL}, func(store.Diagnosis) error { stored++; return nil })
	if stored == 0 || stored > cr.Counts.Diagnosed {
		t.Errorf("%d stored after the interruption, %d diagnosed; want the diagnosed ones kept", stored, cr.Counts.Diagnosed)
	}
	o.Progress = nil
	cr, err = fleet.Crawl(context.Background(), e.client, e.matcher, st, o)
	if err != nil {
		t.Fatal(err)
	}
	if cr.Counts.Stored != stored || cr.Counts.Stored+cr.Counts.New != 6 {
		t.Errorf("the next run found %+v, want the %d stored ones skipped and the rest diagnosed", cr.Counts, stored)
	}
}

func TestLongLogsAreCut(t *testing.T) {
	e := newEnv(t, gitlabtest.Options{}, 4)
	long := strings.Repeat("compiling ...\n", 80_000) + realLog(t, "docker-daemon-unreachable--compose-v1-gitlab-docker-2375.log")
	failedJob(e.server, 200, 11, time.Hour, long)
	st := openSQLite(t)
	o := options("")
	o.Project, o.Readiness, o.MaxLogBytes = "acme/team/api", false, 1<<20
	cr, err := fleet.Crawl(context.Background(), e.client, e.matcher, st, o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(cr.Notes, "\n"), "only the first 1 MiB of each were read") {
		t.Errorf("notes %q, want one about the log cut at 1 MiB", cr.Notes)
	}
	var got store.Diagnosis
	st.Diagnoses(context.Background(), store.Filter{Host: e.server.URL, ProjectIDs: []int64{11}}, func(d store.Diagnosis) error {
		if d.JobID == 200 {
			got = d
		}
		return nil
	})
	if !strings.HasPrefix(got.Note, "log over 1 MiB") || got.CauseID != "" {
		t.Errorf("job 200 stored as %+v, want the note and no cause (its error is past the cut)", got)
	}
}

func TestRateLimitedListsAreRetried(t *testing.T) {
	e := newEnv(t, gitlabtest.Options{}, 4)
	e.server.Fail("GET /projects/:id/jobs", gitlabtest.Fault{Status: 429, RetryAfter: "1", Times: 2})
	c, err := gitlabapi.New(gitlabapi.Options{Base: e.server.URL, Auth: gitlabapi.Auth{Token: token}, RetryWait: 10 * time.Millisecond, MaxInFlight: 4})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cr, err := fleet.Crawl(context.Background(), c, e.matcher, openSQLite(t), options("acme"))
	if err != nil {
		t.Fatal(err)
	}
	if cr.Counts.Jobs != 6 || len(cr.Notes) != 1 { // the one note: the erased log
		t.Errorf("counts %+v, notes %q; want all 6 jobs listed despite two 429s", cr.Counts, cr.Notes)
	}
	if took := time.Since(start); took < time.Second {
		t.Errorf("took %s: Retry-After: 1 was not honoured", took)
	}
}
