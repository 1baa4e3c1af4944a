package lint

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// tempProject copies fsys into a new temporary folder and loads the
// project of its .gitlab-ci.yml, for tests that write to it.
func tempProject(t *testing.T, fsys fs.FS) (string, *Project) {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, fsys); err != nil {
		t.Fatal(err)
	}
	p, err := LoadProject(dir, ".gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	return dir, p
}

// ciFile is a file system holding only a .gitlab-ci.yml with src.
func ciFile(src string) fs.FS {
	return fstest.MapFS{".gitlab-ci.yml": {Data: []byte(src)}}
}

// fixedText plans the fix of a one-file project and returns the file's
// new text; the plan must change that file and leave no finding.
func fixedText(t *testing.T, ci string) string {
	t.Helper()
	_, p := tempProject(t, ciFile(ci))
	plan, err := Plan(p, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Changes) != 1 || len(plan.Left) != 0 {
		t.Fatalf("got %d changed files and %d findings left, want 1 and 0: %v", len(plan.Changes), len(plan.Left), plan.Left)
	}
	return string(plan.Changes[0].New)
}

// TestWriteAllOrNothing checks that a plan is not written at all when one
// of its files changed after it was planned.
func TestWriteAllOrNothing(t *testing.T) {
	dir, p := tempProject(t, os.DirFS("testdata/cases/templates"))
	plan, err := Plan(p, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Changes) < 2 {
		t.Fatalf("the plan changes %d files, want 2 or more", len(plan.Changes))
	}
	before := map[string][]byte{}
	for _, c := range plan.Changes {
		before[c.Path] = c.Old
	}
	last := plan.Changes[len(plan.Changes)-1].Path
	edited := append([]byte("# edited meanwhile\n"), before[last]...)
	if err := os.WriteFile(filepath.Join(dir, last), edited, 0o644); err != nil {
		t.Fatal(err)
	}
	err = plan.Write(dir)
	if err == nil || !strings.Contains(err.Error(), "nothing written") {
		t.Fatalf("Write = %v, want an error saying nothing was written", err)
	}
	for _, c := range plan.Changes {
		got, _ := os.ReadFile(filepath.Join(dir, c.Path))
		want := before[c.Path]
		if c.Path == last {
			want = edited
		}
		if string(got) != string(want) {
			t.Errorf("%s was written", c.Path)
		}
	}
}

// TestPlanRefusesDuplicateKey checks that a fix that would write a second
// key into a mapping is not made, and says why.
func TestPlanRefusesDuplicateKey(t *testing.T) {
	// Two docker run of different images in one job would each set the
	// job's image: the plan must leave the job alone.
	_, p := tempProject(t, ciFile("two:\n  image: docker:27\n  script:\n    - docker run --rm alpine:3.20 echo one\n    - docker run --rm busybox:1.36 echo two\n"))
	plan, err := Plan(p, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range plan.Changes {
		if strings.Count(string(c.New), "image:") > 1 {
			t.Errorf("the plan writes two image: keys:\n%s", c.New)
		}
	}
	found := false
	for _, f := range plan.Left {
		found = found || (f.Rule == "docker-command" && strings.Contains(f.Note, "2 images"))
	}
	if !found {
		t.Errorf("no docker-command finding left saying the job needs 2 images: %+v", plan.Left)
	}
}

// TestCheckFixDuplicateKey checks the check that every fix passes: a file
// that would hold a key twice is refused, with the key and both lines.
func TestCheckFixDuplicateKey(t *testing.T) {
	_, p := tempProject(t, ciFile("build:\n  image: alpine:3.20\n  script:\n    - make\n"))
	next := newOverlay(p.Config.FS).with(map[string][]byte{".gitlab-ci.yml": []byte("build:\n  image: alpine:3.20\n  image: node:20\n  script:\n    - make\n")})
	if _, reason := checkFix(p.Config, next); !strings.Contains(reason, `second "image" key at .gitlab-ci.yml:3 (the first is at line 2)`) {
		t.Errorf("checkFix reason = %q", reason)
	}
	// A key the user's file already holds twice (a job with two
	// variables: blocks, as kyn07c0/sausage-store's fork sti11wind has it)
	// does not stop a fix elsewhere in the file; a new one does.
	_, twice := tempProject(t, ciFile("sast:\n  variables:\n    A: 1\n  variables:\n    B: 2\nbuild:\n  image: alpine:3.20\n  script:\n    - make\n"))
	fixed := newOverlay(twice.Config.FS).with(map[string][]byte{".gitlab-ci.yml": []byte("sast:\n  variables:\n    A: 1\n  variables:\n    B: 2\nbuild:\n  image: node:20\n  script:\n    - make\n")})
	if _, reason := checkFix(twice.Config, fixed); reason != "" {
		t.Errorf("a fix beside the user's own duplicate key was refused: %q", reason)
	}
	again := newOverlay(twice.Config.FS).with(map[string][]byte{".gitlab-ci.yml": []byte("sast:\n  variables:\n    A: 1\n  variables:\n    B: 2\nbuild:\n  image: alpine:3.20\n  image: node:20\n  script:\n    - make\n")})
	if _, reason := checkFix(twice.Config, again); !strings.Contains(reason, `second "image" key`) {
		t.Errorf("checkFix reason = %q, want the new image key", reason)
	}
	broken := newOverlay(p.Config.FS).with(map[string][]byte{".gitlab-ci.yml": []byte("build:\n  image: [alpine\n")})
	if _, reason := checkFix(p.Config, broken); !strings.Contains(reason, "not be valid YAML") {
		t.Errorf("checkFix reason = %q", reason)
	}
}

// TestPlanKeepsEmptiedListValid checks that a list whose every command
// the fix deletes keeps a no-op item: an after_script without a value is
// not a valid job (a real case: globalcosmos/neptoon's buildx clean-up).
func TestPlanKeepsEmptiedListValid(t *testing.T) {
	got := fixedText(t, `build:
  image: docker:24.0.5
  services:
    - docker:24.0.5-dind
  script:
    - docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA --push .
  after_script:
    - docker buildx rm multiarch-builder || true
    - docker context rm tls-environment || true
`)
	if !strings.Contains(got, "  after_script:\n    - 'true'\n") {
		t.Errorf("after_script is not kept with a no-op:\n%s", got)
	}
}

// TestPlanLeavesJob checks the jobs that a fix must leave as they are,
// with a note that says why: each would break another way once changed.
func TestPlanLeavesJob(t *testing.T) {
	tests := []struct {
		name, ci string
		// note is a piece of the note a finding left must have.
		note string
	}{
		{
			// gitlab-shell's code_quality job, which extends GitLab's
			// Code-Quality template: its docker commands cannot be seen,
			// and would fail another way without the service.
			name: "a docker:dind service of a job whose script comes with an include not read locally",
			ci: `include:
  - template: Code-Quality.gitlab-ci.yml

.use-docker-in-docker:
  image: docker:20.10.15
  services:
    - docker:20.10.15-dind

code_quality:
  extends: .use-docker-in-docker
`,
			note: "not read locally",
		},
		{
			// 0000sai/gitlab-cicd-project: mvn and trivy on a shell
			// runner's host, which BuildKit's image does not have.
			name: "a job naming no image whose script runs other tools beside docker build",
			ci: `image_build_and_scan:
  script:
    - mvn clean package
    - docker build -t $CI_REGISTRY_IMAGE:$CI_PIPELINE_ID .
    - trivy image $CI_REGISTRY_IMAGE:$CI_PIPELINE_ID --format table -o image.html
`,
			note: "the runner's default image",
		},
		{
			// 0DevGuru0/UiKit: the login's password comes from the aws
			// CLI, which BuildKit's image does not have.
			name: "a job logging in to ECR with the aws CLI",
			ci: `build:
  image: docker:27
  script:
    - docker build -t $AWS_ECR_REGISTRY/app:$CI_COMMIT_SHORT_SHA .
    - aws ecr get-login-password | docker login --username AWS --password-stdin $AWS_ECR_REGISTRY
    - docker push $AWS_ECR_REGISTRY/app:$CI_COMMIT_SHORT_SHA
`,
			note: "would run aws in moby/buildkit:rootless",
		},
		{
			// Shkirmantsev/kbot: the Makefile's image and push targets run
			// docker build and docker push, which no rule here reads.
			name: "a job whose make targets need the Docker-in-Docker service",
			ci: `build:
  image: docker:24.0.2-alpine3.18
  services:
    - docker:24.0.2-dind-alpine3.18
  variables:
    DOCKER_TLS_CERTDIR: ""
  before_script:
    - apk update && apk add git && apk add make
    - docker login -u $DOCKERHUB_USERNAME -p $DOCKERHUB_PASSWORD
  script:
    - make image TARGETOS=linux TARGETARCH=amd64
    - make push TARGETOS=linux TARGETARCH=amd64
`,
			note: "would run make image without a Docker daemon",
		},
		{
			// gitlabhq/omnibus-gitlab's child pipeline: the service's image
			// is a variable that only the parent sets, so nothing says it is
			// not the daemon that the job's script reaches with DOCKER_HOST.
			name: "a job whose service's image the file does not name keeps the daemon's variables",
			ci: `.dind:
  variables:
    DOCKER_DRIVER: overlay2
    DOCKER_HOST: tcp://docker:2375
  services:
    - name: ${DOCKER_DIND_IMAGE}
      alias: docker

Docker:
  extends: .dind
  image: registry.example.com/ci-tools:1
  script:
    - bash scripts/ci/deploy_docker.sh
`,
			note: "without DOCKER_HOST",
		},
		{
			// firecow/gitlab-ci-local's docker-in-docker-build example:
			// the script lists the client certificates that the dind
			// service writes, which are not there without it.
			name: "a job that reads the dind service's client certificates",
			ci: `alpine-image:
  services:
    - docker:dind
  image: docker:cli
  script:
    - ls -all /certs/client
    - docker build .
`,
			note: "would run ls -all without a Docker daemon",
		},
		{
			// firecow/gitlab-ci-local's docker-in-docker-build-with-local-registry
			// example: its local registry speaks plain HTTP, which dind was
			// told to trust and BuildKit would not be.
			name: "a job whose dind service trusts a registry over plain HTTP",
			ci: `alpine-image:
  services:
    - name: docker:dind
      command:
        - --insecure-registry=gitlab-ci-local-registry:5000
  image: docker:cli
  script:
    - docker build --tag $CI_REGISTRY_IMAGE:latest .
    - docker push $CI_REGISTRY_IMAGE:latest
`,
			note: "trusts gitlab-ci-local-registry:5000 over plain HTTP",
		},
		{
			// MxNxPx/gitlab-cicd-demo: the flag reaches dockerd through an
			// entrypoint that starts it, by a variable.
			name: "a job whose dind entrypoint trusts a registry over plain HTTP",
			ci: `variables:
  DOCKER_DAEMON_OPTIONS: "--insecure-registry=${CI_REGISTRY}"
services:
  - name: docker:19.03.1-dind
    entrypoint: [ "sh", "-c", "dockerd-entrypoint.sh ${DOCKER_DAEMON_OPTIONS}" ]
build:
  image: docker:latest
  script:
    - docker build -t $CI_REGISTRY_IMAGE .
    - docker push $CI_REGISTRY_IMAGE
`,
			note: "trusts ${CI_REGISTRY} over plain HTTP",
		},
		{
			// 0000sai/gitlab-cicd-project and Ragadeep's push.yml: the push
			// job's push went on the promise that the build would push
			// (push=true), and the build is left to a person.
			name: "a push job whose build is not fixed",
			ci: `stages: [build, push]
build:
  stage: build
  script:
    - mvn clean package
    - docker build -t $IMG .
    - trivy image $IMG
push:
  stage: push
  image: docker:27
  script:
    - docker push $IMG
`,
			note: "job push would no longer push ${IMG}, and no other job would push it",
		},
		{
			// Ragadeep's push.yml: one template's fix serves several push
			// jobs; its note names the first of them, on every run.
			name: "a template's push whose builds are not fixed",
			ci: `stages: [build, push]
.build:
  stage: build
  script:
    - docker build -t $NAME .
    - trivy image $NAME
.push:
  stage: push
  image: docker:27
  script:
    - docker push $NAME
build_a:
  extends: .build
  variables: {NAME: a}
build_b:
  extends: .build
  variables: {NAME: b}
push_a:
  extends: .push
  variables: {NAME: a}
push_b:
  extends: .push
  variables: {NAME: b}
`,
			note: "job push_a would no longer push ${NAME}, and no other job would push it",
		},
		{
			// DragonString/Bell-Smart-Home: Spring Boot's buildpacks reach
			// the dind service through the address and certificates its
			// template sets; no docker command names the daemon.
			name: "a job that hands the daemon's address to another client",
			ci: `.in_docker:
  services:
    - name: docker:dind
      alias: docker
  variables:
    DOCKER_HOST: tcp://docker:2376
    DOCKER_TLS_CERTDIR: "/certs"
    DOCKER_CERT_PATH: "${DOCKER_TLS_CERTDIR}/client"
build_boot_image:
  extends: .in_docker
  image: gradle:8
  script:
    - gradle bootBuildImage -PdockerHost=${DOCKER_HOST} -PdockerCertPath=${DOCKER_CERT_PATH}
`,
			note: "would run gradle bootBuildImage without a Docker daemon",
		},
		{
			// DrDeLaBill/stm_builder: a shell runner's host runs the
			// script, whatever image: says, and has no BuildKit.
			name: "a job sent to a shell runner by its tags",
			ci: `build:
  tags:
    - shell
  script:
    - docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_REF_NAME .
    - docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_REF_NAME
`,
			note: "goes to a shell runner (tag shell)",
		},
		{
			// A Testcontainers suite: no docker command, the library
			// reaches the service through DOCKER_HOST
			// (detecttechnologies' push_ecr.py does the same with an SDK).
			name: "a job whose own dind service serves a library",
			ci: `test:
  image: maven:3-eclipse-temurin-21
  services:
    - name: docker:dind
      alias: docker
  variables:
    DOCKER_HOST: tcp://docker:2375
    DOCKER_TLS_CERTDIR: ""
  script:
    - mvn verify
`,
			note: "mvn verify may use it",
		},
		{
			// donaldrich80/modular-gitlab-ci: the pull fills the daemon's
			// store for dgoss, which runs the image with docker.
			name: "a job whose docker pull serves another client of the daemon",
			ci: `goss:
  image: docker:27
  script:
    - docker pull donaldrich/kali-linux:latest
    - dgoss run donaldrich/kali-linux:latest
`,
			note: "dgoss run needs the Docker daemon as well",
		},
		{
			// detecttechnologies/Gitlab-CI-CD-Templates: the build is in a
			// script downloaded at run time, which no rule reads.
			name: "a job that runs a downloaded script beside its dind service",
			ci: `build:
  image: docker:23
  services:
    - docker:dind
  variables:
    DOCKER_HOST: tcp://docker:2375
    DOCKER_TLS_CERTDIR: ""
  before_script:
    - docker login registry.gitlab.com -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD"
  script:
    - bash -c "$(curl -fsSL $SCRIPT_URL_PREFIX/build.sh)"
`,
			note: "would run bash -c without a Docker daemon",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, p := tempProject(t, ciFile(tt.ci))
			plan, err := Plan(p, Selection{})
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Changes) != 0 {
				t.Errorf("the plan changes %s, want nothing:\n%s", plan.Changes[0].Path, plan.Changes[0].New)
			}
			if !slices.ContainsFunc(plan.Left, func(f Finding) bool { return strings.Contains(f.Note, tt.note) }) {
				t.Errorf("no finding left has a note with %q: %+v", tt.note, plan.Left)
			}
		})
	}
}

// TestFixKeepsSharedImage checks that a build job given BuildKit's image
// gets it in its own entry: the global image stays for a deploy job that
// only uses it as an Alpine shell, and whose docker commands run on the
// host it reaches with ssh (Shipra-SG/Project-3-Node.js-App-GitLabCI-CD).
func TestFixKeepsSharedImage(t *testing.T) {
	got := fixedText(t, `image: docker:latest

services:
  - name: docker:dind
    command: ["--tls=false"]

build_and_push:
  script:
    - docker build -t $IMAGE_NAME:latest .
    - echo "$DOCKER_PASSWORD" | docker login -u "$DOCKER_USERNAME" --password-stdin
    - docker push $IMAGE_NAME:latest

deploy:
  before_script:
    - apk add --no-cache openssh
  script:
    - ssh -o StrictHostKeyChecking=no ubuntu@$EC2_HOST "
        docker pull $IMAGE_NAME:latest &&
        docker stop node-app || true &&
        docker run -d --name node-app $IMAGE_NAME:latest
      "
`)
	if !strings.HasPrefix(got, "image: docker:latest\n") || !strings.Contains(got, "\n  image:\n    name: moby/buildkit:rootless") {
		t.Errorf("the build job should get BuildKit's image and the global image stay:\n%s", got)
	}
}

// TestFixMovesRootDockerConfig checks that a build job moved to BuildKit's
// rootless image writes and removes its login in the home of the user that
// image runs as, not in /root, which that user may not enter.
func TestFixMovesRootDockerConfig(t *testing.T) {
	got := fixedText(t, `build:
  image: docker:24
  services:
    - docker:24-dind
  script:
    - mkdir -p /root/.docker && echo "$DOCKER_AUTH_JSON" > /root/.docker/config.json
    - docker build -t $CI_REGISTRY_IMAGE:latest .
    - docker push $CI_REGISTRY_IMAGE:latest
    - rm -f /root/.docker/config.json
`)
	for _, want := range []string{
		`    - mkdir -p $HOME/.docker && echo "$DOCKER_AUTH_JSON" > $HOME/.docker/config.json` + "\n",
		"    - rm -f $HOME/.docker/config.json\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the fixed job lacks %q:\n%s", want, got)
		}
	}
}

// TestRefusals checks that lint without --fix shows a refused fix as --fix
// leaves it: no edits, and the reason in the note.
func TestRefusals(t *testing.T) {
	_, p := tempProject(t, ciFile(`build:
  image: docker:24
  services:
    - docker:24-dind
  script:
    - make image
`))
	findings, err := Refusals(p)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(findings, func(f Finding) bool { return f.Rule == "dind-service" })
	if i < 0 {
		t.Fatalf("no dind-service finding: %v", findings)
	}
	if f := findings[i]; len(f.Edits) != 0 || !strings.Contains(f.Note, "needs a manual change: job build would run make image without a Docker daemon") {
		t.Errorf("the service's finding keeps %d edits, note %q", len(f.Edits), f.Note)
	}
}

// TestFixKeepsServiceVariables checks that a job that keeps its dind
// service, since a command of it has no replacement, keeps the variables
// that reach the service too (tinyland-inc/GloriousFlywheel's smoke test).
func TestFixKeepsServiceVariables(t *testing.T) {
	_, p := tempProject(t, ciFile(`smoke-dind:
  image: docker:27
  services:
    - docker:27-dind
  variables:
    DOCKER_HOST: tcp://localhost:2375
    DOCKER_TLS_CERTDIR: ""
  script:
    - docker info
    - docker run --rm hello-world
`))
	plan, err := Plan(p, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Changes) != 0 {
		t.Errorf("the plan changes %s:\n%s", plan.Changes[0].Path, plan.Changes[0].New)
	}
}

// TestRemoteDaemonAndDindTags checks two readings of real configurations:
// a job whose client reaches a daemon over ssh (krzysieqq/gitlab-cicd's
// deploy) keeps its docker commands and DOCKER_HOST, and a dind service
// named by its tag on another registry (dimMaryanto93's
// $CI_REGISTRY_PULL/docker:18.09-dind) is a dind service.
func TestRemoteDaemonAndDindTags(t *testing.T) {
	_, p := tempProject(t, ciFile(`deploy:
  image: docker:latest
  variables:
    DOCKER_HOST: ssh://root@$SSH_SERVER:$SSH_PORT
  script:
    - docker compose pull
    - docker compose up -d
build:
  image: $CI_REGISTRY_PULL/docker:18.09
  services:
    - name: $CI_REGISTRY_PULL/docker:18.09-dind
      alias: dockerd
  variables:
    DOCKER_HOST: tcp://dockerd:2375
  script:
    - docker build -t $CI_REGISTRY_IMAGE .
`))
	var rules []string
	for _, f := range p.Lint() {
		if slices.Contains(f.Jobs, "deploy") {
			t.Errorf("deploy, whose daemon is reached over ssh, has a finding: %s %s", f.Rule, f.Message)
		}
		rules = append(rules, f.Rule)
	}
	if !slices.Contains(rules, "dind-service") {
		t.Errorf("the registry copy's dind tag is not a dind service: %q", rules)
	}
}

// TestPlanFollowsWhatItsFixBrings checks a plan limited to a root cause's
// rules, as diagnose makes it: the fix turns the job's docker build into
// a BuildKit push, which needs the registry's credentials, and the plan
// writes them too, so that the job lints clean. A finding the job had
// before, of a rule not selected, is left to lint.
func TestPlanFollowsWhatItsFixBrings(t *testing.T) {
	_, p := tempProject(t, ciFile(`build:
  image: docker:27
  variables:
    DOCKER_DRIVER: overlay2
  script:
    - docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA .
    - docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA
`))
	plan, err := Plan(p, Selection{Rules: []string{"docker-command", "docker-image"}, Job: "build"})
	if err != nil {
		t.Fatal(err)
	}
	var fixed []string
	for _, f := range plan.Fixed {
		fixed = append(fixed, f.Rule)
	}
	if !slices.Contains(fixed, "buildkit-push-without-auth") || len(plan.Left) != 0 {
		t.Errorf("fixed %v, left %v; want buildkit-push-without-auth fixed and nothing left", fixed, plan.Left)
	}
	if len(plan.Changes) != 1 || !strings.Contains(string(plan.Changes[0].New), "DOCKER_DRIVER: overlay2") {
		t.Errorf("the plan changed %d files or dropped DOCKER_DRIVER, which the root cause's rules do not cover", len(plan.Changes))
	}
}
