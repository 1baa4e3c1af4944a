package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ci-doctor/ci-doctor/internal/gitlabtest"
)

// secrets are what real logs leak; the test log and configuration hold
// them where ci-doctor quotes lines: the evidence, its context, the fix's
// captured values, the fallback's lines, the configuration's lines.
var secrets = []string{"glpat-AbCdEf0123456789xyzW", "Sup3rS3cret", "hunter2secret", "dXNlcjpwYXNzd29yZA==", "topsecret42"}

const leakyLog = "$ export CI_REGISTRY_PASSWORD=topsecret42\n" +
	"$ docker login -u deploy -p Sup3rS3cret registry.example.com\n" +
	"$ git clone https://gitlab-ci-token:hunter2secret@gitlab.example.com/group/app.git\n" +
	"$ curl --header 'PRIVATE-TOKEN: glpat-AbCdEf0123456789xyzW' https://gitlab.example.com/api/v4/projects\n" +
	"$ echo '{\"auths\":{\"registry.example.com\":{\"auth\":\"dXNlcjpwYXNzd29yZA==\"}}}' > ~/.docker/config.json\n" +
	"$ docker build -t registry.example.com/group/app:1.0 .\n" +
	"Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?\n" +
	"ERROR: Job failed: exit code 1\n"

const leakyConfig = `build:
  image: docker:27
  services: [docker:27-dind]
  script:
    - docker login -u deploy -p Sup3rS3cret registry.example.com
    - docker build -t registry.example.com/group/app:1.0 .
    - docker push registry.example.com/group/app:1.0
`

func checkNoSecret(t *testing.T, what, out string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("%s leaks %q", what, s)
		}
	}
}

// TestRedactionEveryFormat runs every output of ci-doctor over a log and a
// configuration full of secrets: none may come out, and what the diagnosis
// needs (the registry host, the image) must stay.
func TestRedactionEveryFormat(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "job.log")
	cfg := filepath.Join(dir, ".gitlab-ci.yml")
	for p, body := range map[string]string{log: leakyLog, cfg: leakyConfig} {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	unknown := filepath.Join(dir, "unknown.log")
	os.WriteFile(unknown, []byte(strings.Replace(leakyLog, "Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?", "error: glpat-AbCdEf0123456789xyzW rejected", 1)), 0o644)
	for _, args := range [][]string{
		{"diagnose", "--format", "text", log},
		{"diagnose", "--format", "json", log},
		{"diagnose", "--format", "markdown", log},
		{"diagnose", "--format", "line", log},
		{"diagnose", "--format", "json", unknown},
		{"diagnose", "--format", "text", "--ci-config", cfg, "--root", dir, log},
		{"diagnose", "--patch", "--ci-config", cfg, "--root", dir, log},
		{"lint", "--root", dir, "--format", "text", cfg},
		{"lint", "--root", dir, "--format", "json", cfg},
		{"lint", "--root", dir, "--format", "codequality", cfg},
		{"lint", "--root", dir, "--format", "sarif", cfg},
	} {
		_, out, errOut := runWith(t, map[string]string{}, args...)
		checkNoSecret(t, strings.Join(args[:3], " "), out+errOut)
		// The one-line format quotes no log line, so it has no host to keep.
		if args[2] != "line" && !strings.Contains(out, "registry.example.com") {
			t.Errorf("%s: the registry host is gone:\n%s", strings.Join(args, " "), out)
		}
	}
	report := filepath.Join(dir, "cq.json")
	runWith(t, map[string]string{}, "diagnose", "--codequality", report, "--ci-config", cfg, "--root", dir, log)
	b, _ := os.ReadFile(report)
	checkNoSecret(t, "the Code Quality report", string(b))
}

// TestRedactionInNotes checks the merge-request note.
func TestRedactionInNotes(t *testing.T) {
	s := gitlab(t, gitlabtest.Options{})
	s.AddJob(gitlabtest.Job{ID: 50, ProjectID: 7, PipelineID: 3, Name: "leaky", Status: "failed", SHA: sha, Trace: gitlabtest.FixedTrace(leakyLog)})
	s.AddMergeRequest(gitlabtest.MergeRequest{IID: 5, ProjectID: 7, HeadPipelineID: 3, SHA: sha, State: "opened"})
	env := map[string]string{"GITLAB_TOKEN": apiToken, "GITLAB_HOST": s.URL, "CI_MERGE_REQUEST_IID": "5"}
	if code, _, errOut := runWith(t, env, "diagnose", "--comment", s.JobWebURL(50)); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	notes := s.Notes(7, 5)
	if len(notes) != 1 {
		t.Fatalf("%d notes", len(notes))
	}
	checkNoSecret(t, "the note", notes[0].Body)
	if !strings.Contains(notes[0].Body, "registry.example.com") {
		t.Error("the note lost the registry host")
	}
}
