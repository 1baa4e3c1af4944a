package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ci-doctor/ci-doctor/internal/gitlabtest"
	"github.com/ci-doctor/ci-doctor/internal/iostreams"
)

// fixture reads a log of testdata/logs.
func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "logs", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func projectFile(t *testing.T, project, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "projects", project, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const (
	apiToken = "glpat-test-token-0123456789"
	sha      = "3b7e0a1c9f2d4e5f6a7b8c9d0e1f2a3b4c5d6e7f"
)

// gitlab starts a fake GitLab with project group/sub/app (id 7) holding
// the dind-build project's configuration at sha and a failed job 42 whose
// log is the docker-daemon fixture.
func gitlab(t *testing.T, opts gitlabtest.Options) *gitlabtest.Server {
	s := gitlabtest.New(t, opts)
	s.AddToken(apiToken, gitlabtest.PersonalToken, "api")
	s.AddToken("glpat-read-only", gitlabtest.PersonalToken, "read_api")
	s.AddProject(gitlabtest.Project{ID: 7, Path: "group/sub/app", Private: true})
	s.AddPipeline(gitlabtest.Pipeline{ID: 3, ProjectID: 7, SHA: sha, Ref: "main", Status: "failed"})
	s.AddFile(7, sha, ".gitlab-ci.yml", projectFile(t, "dind-build", ".gitlab-ci.yml"))
	s.AddJob(gitlabtest.Job{ID: 42, ProjectID: 7, PipelineID: 3, Name: "build", Stage: "build", Status: "failed",
		FailureReason: "script_failure", Ref: "main", SHA: sha, Trace: gitlabtest.FixedTrace(fixture(t, "docker-daemon-unreachable--k8s-dind-tcp.log"))})
	return s
}

// runWith runs ci-doctor with an environment.
func runWith(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	ios.Getenv = func(k string) string { return env[k] }
	code := run(ios, args)
	return code, out.String(), errOut.String()
}

func TestJobURL(t *testing.T) {
	for _, root := range []string{"", "/gitlab"} {
		s := gitlab(t, gitlabtest.Options{RelativeRoot: root})
		url := s.JobWebURL(42)
		// Without a configured host the URL's splits are tried against the API.
		code, out, errOut := runWith(t, map[string]string{"GITLAB_TOKEN": apiToken}, "diagnose", url)
		if code != 0 {
			t.Fatalf("root %q: exit %d: %s", root, code, errOut)
		}
		for _, want := range []string{"[docker-daemon-unreachable]", "job build in .gitlab-ci.yml", "+    - buildctl-daemonless.sh build"} {
			if !strings.Contains(out, want) {
				t.Errorf("root %q: output lacks %q:\n%s", root, want, out)
			}
		}
		for _, r := range s.Requests() {
			if r.TokenInURL {
				t.Errorf("token in URL: %s %s", r.Method, r.Path)
			}
		}
		if strings.Contains(out+errOut, apiToken) {
			t.Error("the token appears in the output")
		}
	}
}

func TestJobFlagsInsideAJob(t *testing.T) {
	s := gitlab(t, gitlabtest.Options{})
	env := map[string]string{"GITLAB_TOKEN": apiToken, "CI_SERVER_URL": s.URL, "CI_PROJECT_ID": "7", "GITLAB_CI": "true"}
	code, out, errOut := runWith(t, env, "diagnose", "--job", "42", "--format", "text")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "section_start:") || !strings.Contains(out, ":ci_doctor[collapsed=false]\r\x1b[0K") || !strings.Contains(out, "section_end:") {
		t.Errorf("the diagnosis is not in a job-log section:\n%q", out)
	}
	// The job succeeded: one line, no API call.
	before := len(s.Requests())
	env["CI_JOB_STATUS"], env["CI_JOB_ID"], env["CI_JOB_NAME"] = "success", "42", "build"
	code, out, _ = runWith(t, env, "diagnose", "--job", "42")
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, "succeeded") || len(s.Requests()) != before {
		t.Errorf("success: exit %d, %q, %d requests", code, out, len(s.Requests())-before)
	}
}

func TestAfterScriptWaitsForTheLog(t *testing.T) {
	s := gitlab(t, gitlabtest.Options{})
	log := fixture(t, "docker-daemon-unreachable--k8s-dind-tcp.log")
	i := strings.Index(log, "Cannot connect")
	// The first reads lack the failing lines; the third has everything up
	// to after_script, as the runner uploads in chunks.
	s.AddJob(gitlabtest.Job{ID: 43, ProjectID: 7, PipelineID: 3, Name: "build", Stage: "build", Status: "running", Ref: "main", SHA: sha,
		Trace: func(call int) string {
			switch {
			case call < 2:
				return log[:i]
			default:
				return log + "section_start:1764248200:after_script\r\x1b[0K\n"
			}
		}})
	env := map[string]string{"GITLAB_TOKEN": apiToken, "CI_SERVER_URL": s.URL, "CI_PROJECT_ID": "7", "CI_JOB_ID": "43", "CI_JOB_STATUS": "failed"}
	ios, _, out, errOut := iostreams.Test()
	ios.Getenv = func(k string) string { return env[k] }
	start := time.Now()
	code := run(ios, []string{"diagnose", "--job", "43", "--wait", "30s", "--poll", "10ms"})
	if code != 0 || !strings.Contains(out.String(), "[docker-daemon-unreachable]") {
		t.Fatalf("exit %d after %s:\n%s%s", code, time.Since(start), out, errOut)
	}
	if strings.Contains(out.String(), "incomplete") {
		t.Error("says incomplete although the marker arrived")
	}
	// A log that never reaches after_script: diagnosed as it is, and said so.
	s.AddJob(gitlabtest.Job{ID: 44, ProjectID: 7, PipelineID: 3, Name: "build", Status: "running", SHA: sha, Trace: gitlabtest.FixedTrace(log[:i])})
	env["CI_JOB_ID"] = "44"
	code, outs, _ := runWith(t, env, "diagnose", "--job", "44", "--wait", "50ms", "--poll", "10ms")
	if code != 0 || !strings.Contains(outs, "the log was incomplete") {
		t.Errorf("exit %d:\n%s", code, outs)
	}
}

func TestJobTokenOnly(t *testing.T) {
	s := gitlab(t, gitlabtest.Options{})
	env := map[string]string{"CI_JOB_TOKEN": "job-token", "CI_SERVER_URL": s.URL, "CI_PROJECT_ID": "7", "CI_JOB_ID": "42", "CI_JOB_STATUS": "failed"}
	code, _, errOut := runWith(t, env, "diagnose", "--job", "42")
	if code != exitInput || !strings.Contains(errOut, "CI_JOB_TOKEN") || !strings.Contains(errOut, "GITLAB_TOKEN") || !strings.Contains(errOut, "ci-doctor run --") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if len(s.Requests()) != 0 {
		t.Errorf("%d requests made without a usable token", len(s.Requests()))
	}
}

func TestAPIErrors(t *testing.T) {
	s := gitlab(t, gitlabtest.Options{})
	env := map[string]string{"GITLAB_TOKEN": apiToken, "GITLAB_HOST": s.URL}
	tests := []struct {
		name, want string
		env        map[string]string
		args       []string
		fault      *gitlabtest.Fault
	}{
		{name: "unknown token", env: map[string]string{"GITLAB_TOKEN": "glpat-nope"}, args: []string{"diagnose", s.JobWebURL(42)}, want: "401 Unauthorized"},
		{name: "missing job", args: []string{"diagnose", strings.Replace(s.JobWebURL(42), "/42", "/4242", 1)}, want: "GitLab answers 404 for both"},
		{name: "hidden project", args: []string{"diagnose", "--project", "other/app", "--job", "1"}, want: "404 Not Found"},
		{name: "server down", args: []string{"diagnose", s.JobWebURL(42)}, fault: &gitlabtest.Fault{Status: 503, Times: 4}, want: "503: GitLab failed to answer"},
		{name: "dns", env: map[string]string{"GITLAB_HOST": "https://gitlab.invalid"}, args: []string{"diagnose", "https://gitlab.invalid/group/app/-/jobs/1"}, want: "cannot resolve host gitlab.invalid"},
		// Last: its fault stays.
		{name: "slow", args: []string{"diagnose", "--timeout", "50ms", s.JobWebURL(42)}, fault: &gitlabtest.Fault{Status: 200, Delay: 500 * time.Millisecond}, want: "timed out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := map[string]string{}
			for k, v := range env {
				e[k] = v
			}
			for k, v := range tt.env {
				e[k] = v
			}
			if tt.fault != nil {
				s.Fail("GET /projects/:id/jobs/:job_id", *tt.fault)
			}
			code, _, errOut := runWith(t, e, append(tt.args, "--retry-wait", "1ms")...)
			if code != exitInput || !strings.Contains(errOut, tt.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("exit %d, stderr %q; want exit 3 and one line with %q", code, errOut, tt.want)
			}
		})
	}
}

func TestRetriesReadsNotWrites(t *testing.T) {
	s := gitlab(t, gitlabtest.Options{})
	s.Fail("GET /projects/:id/jobs/:job_id/trace", gitlabtest.Fault{Status: 429, RetryAfter: "0", Times: 1})
	s.Fail("GET /projects/:id/jobs/:job_id/trace", gitlabtest.Fault{Status: 500, Times: 1})
	env := map[string]string{"GITLAB_TOKEN": apiToken, "GITLAB_HOST": s.URL}
	code, out, errOut := runWith(t, env, "diagnose", "--retry-wait", "1ms", s.JobWebURL(42))
	if code != 0 || !strings.Contains(out, "[docker-daemon-unreachable]") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	s.AddMergeRequest(gitlabtest.MergeRequest{IID: 5, ProjectID: 7, HeadPipelineID: 3, SHA: sha, State: "opened", SourceBranch: "main"})
	s.Fail("POST /projects/:id/merge_requests/:iid/notes", gitlabtest.Fault{Status: 502, Times: 1})
	env["CI_MERGE_REQUEST_IID"] = "5"
	code, _, errOut = runWith(t, env, "diagnose", "--retry-wait", "1ms", "--comment", s.JobWebURL(42))
	posts := 0
	for _, r := range s.Requests() {
		if r.Method == "POST" {
			posts++
		}
	}
	if code != exitInput || posts != 1 || len(s.Notes(7, 5)) != 0 {
		t.Errorf("exit %d, %d POSTs, %d notes: %s", code, posts, len(s.Notes(7, 5)), errOut)
	}
}

func TestCommentIsUpdatedNotDuplicated(t *testing.T) {
	s := gitlab(t, gitlabtest.Options{})
	s.AddMergeRequest(gitlabtest.MergeRequest{IID: 5, ProjectID: 7, HeadPipelineID: 3, SHA: sha, State: "opened", SourceBranch: "main"})
	s.AddNote(7, 5, "LGTM", "someone")
	env := map[string]string{"GITLAB_TOKEN": apiToken, "GITLAB_HOST": s.URL}
	url := s.MergeRequestWebURL(7, 5)
	for i := 0; i < 3; i++ {
		code, _, errOut := runWith(t, env, "diagnose", "--comment", url)
		if code != 0 {
			t.Fatalf("run %d: exit %d: %s", i, code, errOut)
		}
	}
	notes := s.Notes(7, 5)
	if len(notes) != 2 || !strings.Contains(notes[1].Body, "docker-daemon-unreachable") {
		t.Fatalf("notes = %+v", notes)
	}
	// A token without the api scope cannot post: a clear 403.
	env["GITLAB_TOKEN"] = "glpat-read-only"
	code, _, errOut := runWith(t, env, "diagnose", "--comment", url)
	if code != exitInput || !strings.Contains(errOut, "403 Forbidden") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func TestPipeline(t *testing.T) {
	s := gitlab(t, gitlabtest.Options{})
	for i := int64(0); i < 25; i++ { // more than one page of failed jobs
		s.AddJob(gitlabtest.Job{ID: 100 + i, ProjectID: 7, PipelineID: 3, Name: "node-test-" + string(rune('a'+i)), Stage: "test", Status: "failed", SHA: sha,
			Trace: gitlabtest.FixedTrace(fixture(t, "node-module-version-mismatch--crane-export-k8s.log"))})
	}
	s.AddJob(gitlabtest.Job{ID: 200, ProjectID: 7, PipelineID: 3, Name: "lint", Stage: "test", Status: "success", SHA: sha, Trace: gitlabtest.FixedTrace("Job succeeded\n")})
	env := map[string]string{"GITLAB_TOKEN": apiToken, "GITLAB_HOST": s.URL}
	code, out, errOut := runWith(t, env, "diagnose", s.URL+"/group/sub/app/-/pipelines/3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.HasPrefix(out, "JOB") || strings.Count(out, "[node-module-version-mismatch]") < 26 || !strings.Contains(out, "build  ") || strings.Contains(out, "lint ") {
		t.Errorf("summary and diagnoses:\n%s", out[:min(len(out), 3000)])
	}
	code, out, _ = runWith(t, env, "diagnose", "--format", "json", "--pipeline", "3", "--project", "group/sub/app")
	if code != 0 || !strings.HasPrefix(out, "[") || strings.Count(out, `"source": "`) != 26 {
		t.Errorf("json: exit %d, %d documents", code, strings.Count(out, `"source": "`))
	}
}

func TestRunWrapsACommand(t *testing.T) {
	code, out, errOut := runWith(t, map[string]string{}, "run", "--", "sh", "-c",
		`echo building; echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 3`)
	if code != 3 || !strings.HasPrefix(out, "building\n") || !strings.Contains(errOut, "Cannot connect") || !strings.Contains(out, "[docker-daemon-unreachable]") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	code, out, _ = runWith(t, map[string]string{}, "run", "--", "sh", "-c", "echo fine")
	if code != 0 || out != "fine\n" {
		t.Errorf("success: exit %d, %q", code, out)
	}
	if code, _, _ = runWith(t, map[string]string{}, "run", "--", "/nonexistent/tool"); code != 127 {
		t.Errorf("missing command: exit %d, want 127", code)
	}
}

func TestCodeQualityReport(t *testing.T) {
	s := gitlab(t, gitlabtest.Options{})
	report := filepath.Join(t.TempDir(), "gl-code-quality-report.json")
	env := map[string]string{"GITLAB_TOKEN": apiToken, "GITLAB_HOST": s.URL}
	code, _, errOut := runWith(t, env, "diagnose", "--codequality", report, s.JobWebURL(42))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"check_name": "docker-daemon-unreachable"`, `"path": ".gitlab-ci.yml"`, `"begin": 1`, `"severity": "critical"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("report lacks %s:\n%s", want, b)
		}
	}
}

func TestCustomCA(t *testing.T) {
	s := gitlab(t, gitlabtest.Options{TLS: true})
	env := map[string]string{"GITLAB_TOKEN": apiToken, "GITLAB_HOST": s.URL}
	code, _, errOut := runWith(t, env, "diagnose", s.JobWebURL(42))
	if code != exitInput || !strings.Contains(errOut, "TLS certificate not trusted") || !strings.Contains(errOut, "CI_SERVER_TLS_CA_FILE") {
		t.Errorf("without the CA: exit %d: %s", code, errOut)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, s.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	env["CI_SERVER_TLS_CA_FILE"] = ca
	if code, out, errOut := runWith(t, env, "diagnose", s.JobWebURL(42)); code != 0 || !strings.Contains(out, "[docker-daemon-unreachable]") {
		t.Errorf("with the CA: exit %d: %s", code, errOut)
	}
}

// TestIncludeOfAnotherProject: a pull_policy set by another project's
// template is read through the API, named as the origin, and the edit
// replaces the project's own include, as the guide says; also when the
// template has it from a file it includes in turn, of its own project or
// of a third one.
func TestIncludeOfAnotherProject(t *testing.T) {
	const job = "build:\n  image:\n    name: my-image:latest\n    pull_policy: [always]\n  script:\n    - make\n"
	for _, tt := range []struct {
		name   string
		files  map[string]string // of some-org/some-template (8), or "base:" of other-org/base (9)
		origin string
	}{
		{"template", map[string]string{"template.gitlab-ci.yml": job}, "some-org/some-template:template.gitlab-ci.yml:4"},
		{"local include of the template", map[string]string{
			"template.gitlab-ci.yml": "include:\n  - local: jobs/build.yml\n",
			"jobs/build.yml":         job,
		}, "some-org/some-template:jobs/build.yml:4"},
		{"project include of the template", map[string]string{
			"template.gitlab-ci.yml": "include:\n  - project: other-org/base\n    file: base.yml\n",
			"base:base.yml":          job,
		}, "other-org/base:base.yml:4"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := gitlab(t, gitlabtest.Options{})
			s.AddProject(gitlabtest.Project{ID: 8, Path: "some-org/some-template"})
			s.AddProject(gitlabtest.Project{ID: 9, Path: "other-org/base"})
			for path, data := range tt.files {
				if rest, ok := strings.CutPrefix(path, "base:"); ok {
					s.AddFile(9, "HEAD", rest, []byte(data))
				} else {
					s.AddFile(8, "HEAD", path, []byte(data))
				}
			}
			// The project's own file of the same name must not be read.
			s.AddFile(7, "feedface", "jobs/build.yml", []byte("unrelated:\n  script: [true]\n"))
			s.AddFile(7, "feedface", ".gitlab-ci.yml", projectFile(t, "pull-policy-include", ".gitlab-ci.yml"))
			s.AddPipeline(gitlabtest.Pipeline{ID: 4, ProjectID: 7, SHA: "feedface", Ref: "main", Status: "failed"})
			s.AddJob(gitlabtest.Job{ID: 60, ProjectID: 7, PipelineID: 4, Name: "build", Status: "failed", SHA: "feedface",
				Trace: gitlabtest.FixedTrace(fixture(t, "pull-policy-not-allowed--k8s-included-template.log"))})
			env := map[string]string{"GITLAB_TOKEN": apiToken, "GITLAB_HOST": s.URL}
			code, out, errOut := runWith(t, env, "diagnose", "--format", "json", s.JobWebURL(60))
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, want := range []string{`"config_status": "confirmed"`, tt.origin, `"path": ".gitlab-ci.yml"`, `ci-doctor: the include of project some-org/some-template`} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %s:\n%s", want, out)
				}
			}
		})
	}
}
