package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ci-doctor/ci-doctor/internal/gitlabtest"
)

// secrets are what real logs leak; the test logs and configuration hold
// them where ci-doctor quotes lines: the evidence, its context, the fix's
// captured values, the fallback's lines, the configuration's lines.
var secrets = []string{"glpat-AbCdEf0123456789xyzW", "Sup3rS3cret", "hunter2secret", "dXNlcjpwYXNzd29yZA==", "topsecret42",
	"Pa55wordValue", "b64Secret99", "bearerSecret123"}

// variable is a login's password as a variable reference: no secret, and
// the quotes around it are what a line-based mask of JSON took for one.
const variable = "$CI_REGISTRY_PASSWORD"

const leakyLog = "$ export CI_REGISTRY_PASSWORD=topsecret42\n" +
	"$ docker login -u deploy -p Sup3rS3cret registry.example.com\n" +
	"$ git clone https://gitlab-ci-token:hunter2secret@gitlab.example.com/group/app.git\n" +
	"$ curl --header 'PRIVATE-TOKEN: glpat-AbCdEf0123456789xyzW' https://gitlab.example.com/api/v4/projects\n" +
	"$ echo '{\"auths\":{\"registry.example.com\":{\"auth\":\"dXNlcjpwYXNzd29yZA==\"}}}' > ~/.docker/config.json\n" +
	"$ docker build -t registry.example.com/group/app:1.0 .\n" +
	"$ docker login -u deploy -p \"$CI_REGISTRY_PASSWORD\" registry.example.com\n" +
	"Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?\n" +
	"ERROR: Job failed: exit code 1\n"

// unknownLog is a failure no signature knows: the fallback quotes the last
// command's output, a `set -x` trace of every secret's shape.
const unknownLog = "$ ./deploy.sh\n" +
	"+ docker login -u deploy -p Sup3rS3cret registry.example.com\n" +
	"+ docker login -u deploy -p \"$CI_REGISTRY_PASSWORD\" registry.example.com\n" +
	"+ docker login -u deploy --password=Pa55wordValue registry.example.com\n" +
	"+ echo -n deploy:b64Secret99 | base64\n" +
	"+ curl -H 'Authorization: Bearer bearerSecret123' https://registry.example.com/api\n" +
	"+ curl --header 'PRIVATE-TOKEN: glpat-AbCdEf0123456789xyzW' https://registry.example.com/api/v4/projects\n" +
	"ERROR: Job failed: exit code 1\n"

// issueLog is issue 12's: the runner's debug trace, already masked, in the
// context of a registry's refusal.
const issueLog = "$ docker login -u deploy -p \"$CI_REGISTRY_PASSWORD\" registry.gitlab.com\n" +
	" DEBUG [a35c8ad2] Command: docker login registry.gitlab.com -u [REDACTED] -p [REDACTED]\n" +
	" DEBUG [a35c8ad2]       Error response from daemon: Get \"https://registry.gitlab.com/v2/\": unauthorized: HTTP Basic: Access denied.\n"

const leakyConfig = `build:
  image: docker:27
  services: [docker:27-dind]
  script:
    - docker login -u deploy -p Sup3rS3cret registry.example.com
    - docker login -u deploy -p "$CI_REGISTRY_PASSWORD" registry.example.com
    - docker login -u deploy --password=Pa55wordValue other.example.com
    - echo -n deploy:b64Secret99 | base64
    - curl -H "Authorization: Bearer bearerSecret123" https://registry.example.com/api
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

// checkJSON checks that a structured output is still valid: masking a
// secret must not change its syntax.
func checkJSON(t *testing.T, what, format, out string) {
	t.Helper()
	if !json.Valid([]byte(out)) {
		t.Errorf("%s: invalid JSON:\n%s", what, out)
		return
	}
	if format != "sarif" {
		return
	}
	var log struct {
		Version string
		Runs    []json.RawMessage
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || log.Version != "2.1.0" || len(log.Runs) == 0 {
		t.Errorf("%s: not a SARIF 2.1.0 log (%v):\n%s", what, err, out)
	}
}

// TestRedactionEveryFormat runs every output of ci-doctor over logs and a
// configuration full of secrets: none may come out, what the diagnosis
// needs (the registry host, the image, a variable reference) must stay,
// and the JSON formats must stay valid.
func TestRedactionEveryFormat(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "job.log")
	unknown := filepath.Join(dir, "unknown.log")
	issue := filepath.Join(dir, "issue.log")
	cfg := filepath.Join(dir, ".gitlab-ci.yml")
	for p, body := range map[string]string{log: leakyLog, unknown: unknownLog, issue: issueLog, cfg: leakyConfig} {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"diagnose", "--format", "text", log},
		{"diagnose", "--format", "json", log},
		{"diagnose", "--format", "markdown", log},
		{"diagnose", "--format", "line", log},
		{"diagnose", "--format", "text", unknown},
		{"diagnose", "--format", "json", unknown},
		{"diagnose", "--format", "json", issue},
		{"diagnose", "--format", "text", "--ci-config", cfg, "--root", dir, log},
		{"diagnose", "--format", "json", "--ci-config", cfg, "--root", dir, log},
		{"diagnose", "--patch", "--ci-config", cfg, "--root", dir, log},
		{"lint", "--root", dir, "--format", "text", cfg},
		{"lint", "--root", dir, "--format", "json", cfg},
		{"lint", "--root", dir, "--format", "codequality", cfg},
		{"lint", "--root", dir, "--format", "sarif", cfg},
	} {
		what := strings.Join(args, " ")
		_, out, errOut := runWith(t, map[string]string{}, args...)
		checkNoSecret(t, what, out+errOut)
		format := ""
		if i := slices.Index(args, "--format"); i >= 0 {
			format = args[i+1]
		}
		if slices.Contains([]string{"json", "codequality", "sarif"}, format) {
			checkJSON(t, what, format, out)
		}
		// The one-line format quotes no log line, so it has no host to
		// keep; a patch only shows the lines it changes.
		if format == "line" || args[1] == "--patch" {
			continue
		}
		host := "registry.example.com"
		if args[len(args)-1] == issue {
			host = "registry.gitlab.com"
		}
		for _, keep := range []string{host, variable} {
			if !strings.Contains(out, keep) {
				t.Errorf("%s: %q is gone:\n%s", what, keep, out)
			}
		}
	}
	report := filepath.Join(dir, "cq.json")
	runWith(t, map[string]string{}, "diagnose", "--codequality", report, "--ci-config", cfg, "--root", dir, log)
	b, _ := os.ReadFile(report)
	checkNoSecret(t, "the Code Quality report", string(b))
	checkJSON(t, "the Code Quality report", "codequality", string(b))
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
