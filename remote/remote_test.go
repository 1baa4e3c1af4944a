package remote

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/gitlabapi"
	"github.com/ci-doctor/ci-doctor/internal/gitlabtest"
	"github.com/ci-doctor/ci-doctor/signatures"
)

const log = "section_start:1:step_script\r\x1b[0K\n$ docker build -t app .\n" +
	"Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n" +
	"section_end:2:step_script\r\x1b[0K\nERROR: Job failed: command terminated with exit code 1\n"

func setup(t *testing.T) (*gitlabtest.Server, *gitlabapi.Client, *diagnose.Matcher) {
	s := gitlabtest.New(t, gitlabtest.Options{})
	s.AddToken("glpat-remote-test-0000", gitlabtest.PersonalToken, "read_api")
	s.AddProject(gitlabtest.Project{ID: 1, Path: "g/app"})
	s.AddPipeline(gitlabtest.Pipeline{ID: 9, ProjectID: 1, SHA: "abc", Ref: "main", Status: "failed"})
	s.AddFile(1, "abc", ".gitlab-ci.yml", []byte("build:\n  image: docker:27\n  script:\n    - docker build -t app .\n"))
	for _, id := range []int64{1, 2, 3} {
		s.AddJob(gitlabtest.Job{ID: id, ProjectID: 1, PipelineID: 9, Name: "build", Stage: "build", Status: "failed", SHA: "abc", Trace: gitlabtest.FixedTrace(log)})
	}
	c, err := gitlabapi.New(gitlabapi.Options{Base: s.URL, Auth: gitlabapi.Auth{Token: "glpat-remote-test-0000"}, RetryWait: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	sigs := signatures.Builtin()
	m, err := diagnose.Compile(sigs)
	if err != nil {
		t.Fatal(err)
	}
	return s, c, m
}

// The library works without the command line: a job from the API gets
// the same diagnosis and edits as a local checkout.
func TestJob(t *testing.T) {
	_, c, m := setup(t)
	r, err := Job(context.Background(), c, m, "g/app", 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rc := r.RootCause()
	if rc == nil || rc.ID != "docker-daemon-unreachable" || rc.ConfigStatus != "confirmed" || len(rc.Edits) == 0 {
		t.Fatalf("root cause = %+v", rc)
	}
	if r.Job.Name != "build" || r.Config == nil || r.Config.Job != "build" || !strings.HasSuffix(r.Source, "/-/jobs/1") {
		t.Errorf("report = %+v, config %+v", r.Job, r.Config)
	}
}

func TestPipeline(t *testing.T) {
	_, c, m := setup(t)
	var calls int
	results, err := Pipeline(context.Background(), c, m, "g/app", 9, Options{}, func(done, total int) {
		calls++
		if total != 3 || done > total {
			t.Errorf("progress %d/%d", done, total)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 3 || calls != 3 {
		t.Fatalf("%d results, %d progress calls", len(results), calls)
	}
	// GitLab lists a pipeline's jobs newest first; the results keep its order.
	for i, res := range results {
		if res.Err != nil || res.Job.ID != int64(3-i) || res.Report.RootCause() == nil {
			t.Errorf("result %d = %+v", i, res)
		}
	}
}
