package lint

import (
	"testing"
	"testing/fstest"
)

// TestScriptDockerCommands checks that the docker commands of a script the
// job runs are reported where they are, with no fix, and that comments, a
// client's version and scripts outside the repository are not
// (DragonTang/qr-mini-service's push-daocloud.sh).
func TestScriptDockerCommands(t *testing.T) {
	_, p := tempProject(t, fstest.MapFS{
		".gitlab-ci.yml":   {Data: []byte("build:\n  script:\n    - bash push-daocloud.sh\n    - sh /opt/tools/other.sh\n")},
		"push-daocloud.sh": {Data: []byte("#!/bin/bash\n# docker build runs below\ndocker --version\ndocker build -t app .\n  docker push daocloud.io/baidao/app:latest\n")},
	})
	var got []string
	for _, f := range p.Lint() {
		got = append(got, f.Path+":"+itoa(f.Line)+":"+itoa(f.Column)+" "+f.Message)
		if len(f.Edits) != 0 || f.Note == "" {
			t.Errorf("%s:%d has edits or no note: %+v", f.Path, f.Line, f)
		}
	}
	want := []string{
		"push-daocloud.sh:4:1 docker build needs a Docker daemon, which these runners do not have (job build runs push-daocloud.sh)",
		"push-daocloud.sh:5:3 docker push needs a Docker daemon, which these runners do not have (job build runs push-daocloud.sh)",
	}
	if len(got) != len(want) {
		t.Fatalf("findings:\n%q\nwant:\n%q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("finding %d: %q, want %q", i, got[i], want[i])
		}
	}
}

// TestScriptPath checks which commands name a script of the repository,
// and that one outside it or named by a variable is not read.
func TestScriptPath(t *testing.T) {
	for text, want := range map[string]string{
		"bash push-daocloud.sh":         "push-daocloud.sh",
		"./ci/build.sh --release":       "ci/build.sh",
		"sh $CI_PROJECT_DIR/ci/push.sh": "ci/push.sh",
		"source ci/env.bash":            "ci/env.bash",
		`source "build/functions.sh"`:   "build/functions.sh",
		"sh /opt/tools/other.sh":        "",
		"bash ../outside.sh":            "",
		"bash $SCRIPT_DIR/x.sh":         "",
		"make image":                    "",
		"bash -c 'docker build .'":      "",
	} {
		if got := scriptPath(text); got != want {
			t.Errorf("scriptPath(%q) = %q, want %q", text, got, want)
		}
	}
}

// TestDaemonToolsReported checks that Compose 1 and the other clients of
// the daemon that no fix replaces are reported where the job runs them,
// with no fix (the two bulk checks' repositories ran docker-compose
// unreported).
func TestDaemonToolsReported(t *testing.T) {
	_, p := tempProject(t, ciFile("e2e:\n  image: docker:27\n  script:\n    - echo docker-compose is not run here\n    - docker-compose up -d\n    - kind create cluster\n"))
	var got []string
	for _, f := range p.Lint() {
		if f.Rule != "docker-command" {
			continue
		}
		got = append(got, itoa(f.Line)+":"+itoa(f.Column))
		if len(f.Edits) != 0 {
			t.Errorf("line %d has edits: %+v", f.Line, f.Edits)
		}
	}
	if want := []string{"5:7", "6:7"}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("docker-command findings at %q, want %q", got, want)
	}
}

// TestScriptDockerCommandsNested checks that a script the job's script
// sources is read too, once, however often it is named
// (boilingfrog/gitlab-cicd-test's bazel-build.sh sources functions.sh).
func TestScriptDockerCommandsNested(t *testing.T) {
	_, p := tempProject(t, fstest.MapFS{
		".gitlab-ci.yml":       {Data: []byte("build:\n  script:\n    - bash build/bazel-build.sh\n")},
		"build/bazel-build.sh": {Data: []byte("source \"build/functions.sh\"\n. build/functions.sh\nbuild_docker_images\n")},
		"build/functions.sh":   {Data: []byte("build_docker_images() {\n  docker build -q -t app .\n}\n")},
	})
	var got []string
	for _, f := range p.Lint() {
		got = append(got, f.Path+":"+itoa(f.Line)+" "+f.Message)
	}
	want := "build/functions.sh:2 docker build needs a Docker daemon, which these runners do not have (job build runs build/bazel-build.sh, then build/functions.sh)"
	if len(got) != 1 || got[0] != want {
		t.Errorf("findings %q, want [%q]", got, want)
	}
}
