package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ci-doctor/ci-doctor/fleet"
	"github.com/ci-doctor/ci-doctor/internal/gitlabtest"
	"github.com/ci-doctor/ci-doctor/store/storetest"
)

// reportServer is gitlab's fake instance with group "group", the project's
// configuration on its default branch, and two failed jobs of the last
// hour: one a known cause, one an apt error no signature knows.
func reportServer(t *testing.T) (*gitlabtest.Server, map[string]string) {
	s := gitlab(t, gitlabtest.Options{})
	s.AddGroup(gitlabtest.Group{ID: 1, Path: "group"})
	s.AddGroup(gitlabtest.Group{ID: 2, Path: "group/sub"})
	s.AddFile(7, "main", ".gitlab-ci.yml", projectFile(t, "dind-build", ".gitlab-ci.yml"))
	recent := time.Now().Add(-time.Hour)
	s.AddJob(gitlabtest.Job{ID: 50, ProjectID: 7, PipelineID: 3, Name: "build", Stage: "build", Status: "failed",
		FailureReason: "script_failure", Ref: "main", SHA: sha, CreatedAt: recent,
		Trace: gitlabtest.FixedTrace(fixture(t, "docker-daemon-unreachable--k8s-dind-tcp.log"))})
	s.AddJob(gitlabtest.Job{ID: 51, ProjectID: 7, PipelineID: 3, Name: "image", Stage: "build", Status: "failed",
		FailureReason: "script_failure", Ref: "main", SHA: sha, CreatedAt: recent,
		Trace: gitlabtest.FixedTrace(fixture(t, "real/none--apt-python-pip-not-found.log"))})
	env := map[string]string{"GITLAB_HOST": s.URL, "GITLAB_TOKEN": "glpat-read-only",
		"CI_DOCTOR_DB": filepath.Join(t.TempDir(), "fleet.db")}
	return s, env
}

func TestReportEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s, env := reportServer(t)
		env["CI_DOCTOR_DB"] = dsn
		reportEndToEnd(t, s, env)
	})
}

func reportEndToEnd(t *testing.T, s *gitlabtest.Server, env map[string]string) {
	code, out, errOut := runWith(t, env, "report", "--group", "group", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var sum fleet.Summary
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if sum.Jobs != 2 || len(sum.Causes) != 1 || sum.Causes[0].ID != "docker-daemon-unreachable" || len(sum.Unrecognised) != 1 {
		t.Fatalf("summary = %+v, want 2 jobs: docker-daemon-unreachable and one unrecognised", sum)
	}
	if len(sum.Readiness) != 1 || sum.Readiness[0].Findings["dind-service"] == 0 {
		t.Errorf("readiness = %+v, want group/sub/app's dind-service finding", sum.Readiness)
	}
	if !strings.Contains(errOut, "2 diagnosed now, 0 already in") {
		t.Errorf("stderr = %q, want the counts", errOut)
	}

	traces := s.RouteCount("GET /projects/:id/jobs/:job_id/trace")
	htmlPath := filepath.Join(t.TempDir(), "index.html")
	code, out, errOut = runWith(t, env, "report", "--group", "group", "--failures-only", "--format", "html", "-o", htmlPath)
	if code != 0 || out != "" {
		t.Fatalf("exit %d, stdout %q: %s", code, out, errOut)
	}
	if got := s.RouteCount("GET /projects/:id/jobs/:job_id/trace"); got != traces {
		t.Errorf("the second run read %d logs again, want none", got-traces)
	}
	if page, err := os.ReadFile(htmlPath); err != nil || !strings.Contains(string(page), "docker-daemon-unreachable") {
		t.Errorf("--output: %v, page without the cause", err)
	}

	dir := t.TempDir()
	code, _, errOut = runWith(t, env, "signatures", "new", "--from-report", sum.Unrecognised[0].ID, "--id", "apt-package-missing", "--dir", dir)
	if code != 0 {
		t.Fatalf("signatures new: exit %d: %s", code, errOut)
	}
	draft, err := os.ReadFile(filepath.Join(dir, "apt-package-missing.yaml"))
	if err != nil || !strings.Contains(string(draft), "Unable to locate package") {
		t.Errorf("draft: %v\n%s", err, draft)
	}
}

func TestReportBadInput(t *testing.T) {
	_, env := reportServer(t)
	for _, tt := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"report"}, exitUsage, "give --group PATH or --project PATH"},
		{[]string{"report", "--group", "g", "--project", "p"}, exitUsage, "none of the others can be"},
		{[]string{"report", "--group", "group", "--since", "yesterday"}, exitUsage, "--since"},
		{[]string{"report", "--group", "group", "--format", "pdf"}, exitUsage, "unknown format"},
		{[]string{"report", "--group", "nope"}, exitInput, "404"},
		{[]string{"report", "--group", "group", "--db", "mysql://x"}, exitInput, "the store"},
		{[]string{"report", "--group", "group", "--db", filepath.Join(t.TempDir(), "missing", "dir", "x.db")}, exitInput, "the store"},
		{[]string{"signatures", "new", "--from-report", "t00000000"}, exitInput, "no unrecognised error"},
		{[]string{"signatures", "new", "--from-report", ""}, exitUsage, "want a template id"},
		{[]string{"signatures", "new", "--from-report", "T0000000G"}, exitUsage, "want a template id"},
		{[]string{"signatures", "new", "--from-report", "t00000000", "--id", "Bad Id"}, exitUsage, "--id"},
	} {
		code, _, errOut := runWith(t, env, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.msg) {
			t.Errorf("%v: exit %d, %q; want exit %d and %q", tt.args, code, errOut, tt.code, tt.msg)
		}
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"14d": now.Add(-14 * 24 * time.Hour), "2w": now.Add(-14 * 24 * time.Hour),
		"36h": now.Add(-36 * time.Hour), "2026-11-20": time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
	} {
		if got, err := parseSince(in, now); err != nil || !got.Equal(want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "d", "-3d", "0h", "2027-01-01", "soon"} {
		if _, err := parseSince(bad, now); err == nil {
			t.Errorf("parseSince(%q) accepted", bad)
		}
	}
}
