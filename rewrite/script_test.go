package rewrite

import (
	"reflect"
	"strings"
	"testing"
)

// deleted stands for a deleted line in the tables.
const deleted = "<deleted>"

// guideBuild is the guide's section 1 command, as its YAML lays it out.
var guideBuild = []string{
	"buildctl-daemonless.sh build",
	"--frontend dockerfile.v0",
	"--local context=.",
	"--local dockerfile=.",
	"--output type=image,name=$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA,push=true",
}

func TestRewriteScript(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  []string // each line's New, or deleted
		// notes has a piece of the note expected on each line's changes,
		// for the lines that matter.
		notes map[int]string
	}{
		{
			name: "login, build, push: the guide's sections 2 and 1",
			lines: []string{
				"docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY",
				"docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA .",
				"docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA",
			},
			want: []string{
				`mkdir -p ~/.docker && echo "{\"auths\":{\"$CI_REGISTRY\":{\"auth\":\"$(echo -n $CI_REGISTRY_USER:$CI_REGISTRY_PASSWORD | base64 | tr -d '\n')\"}}}" > ~/.docker/config.json`,
				strings.Join(guideBuild, " "),
				deleted,
			},
		},
		{
			name: "build, tag, login, echo, push: the build moves to the push, after the login (BuildKit pushes with config.json)",
			lines: []string{
				"docker build -t app .",
				"docker tag app $CI_REGISTRY_IMAGE:latest",
				"echo $CI_JOB_TOKEN | docker login -u gitlab-ci-token --password-stdin registry.gitlab.com",
				`echo "--- built ---"`,
				"docker push $CI_REGISTRY_IMAGE:latest",
			},
			want: []string{
				deleted,
				deleted,
				`mkdir -p ~/.docker && echo "{\"auths\":{\"registry.gitlab.com\":{\"auth\":\"$(echo -n gitlab-ci-token:$CI_JOB_TOKEN | base64 | tr -d '\n')\"}}}" > ~/.docker/config.json`,
				`echo "--- built ---"`,
				"buildctl-daemonless.sh build --frontend dockerfile.v0 --local context=. --local dockerfile=. --output type=image,name=$CI_REGISTRY_IMAGE:latest,push=true",
			},
			notes: map[int]string{4: "the build pushes where the script pushed, after its login"},
		},
		{
			// fdroid/fdroidserver's docker job (00932d0a): the build checks
			// every pipeline, the push only happens when a variable asks.
			name: "build, login, a check that may exit, push: a check build stays, the push builds again from its cache",
			lines: []string{
				"docker build -t $TEST_IMAGE .",
				"docker tag $TEST_IMAGE $RELEASE_IMAGE",
				"echo $CI_JOB_TOKEN | docker login -u gitlab-ci-token --password-stdin registry.gitlab.com",
				`if test -z "$PUSH"; then echo "Skipping docker push"; exit 0; fi`,
				"docker push $RELEASE_IMAGE",
			},
			want: []string{
				"buildctl-daemonless.sh build --frontend dockerfile.v0 --local context=. --local dockerfile=. --export-cache type=local,dest=/tmp/buildkit-cache,mode=max",
				deleted,
				`mkdir -p ~/.docker && echo "{\"auths\":{\"registry.gitlab.com\":{\"auth\":\"$(echo -n gitlab-ci-token:$CI_JOB_TOKEN | base64 | tr -d '\n')\"}}}" > ~/.docker/config.json`,
				`if test -z "$PUSH"; then echo "Skipping docker push"; exit 0; fi`,
				"buildctl-daemonless.sh build --frontend dockerfile.v0 --local context=. --local dockerfile=. --import-cache type=local,src=/tmp/buildkit-cache --output type=image,name=$RELEASE_IMAGE,push=true",
			},
			notes: map[int]string{0: "the build stays here as a check", 4: "from the cache of the build above"},
		},
		{
			name: "two builds, a login between them: each build keeps the order of its own push",
			lines: []string{
				"docker build -t $CI_REGISTRY_IMAGE/api ./api",
				"docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY",
				"docker build -t $CI_REGISTRY_IMAGE/web ./web",
				"docker push $CI_REGISTRY_IMAGE/api",
				"docker push $CI_REGISTRY_IMAGE/web",
			},
			want: []string{
				"buildctl-daemonless.sh build --frontend dockerfile.v0 --local context=./api --local dockerfile=./api --export-cache type=local,dest=/tmp/buildkit-cache,mode=max",
				`mkdir -p ~/.docker && echo "{\"auths\":{\"$CI_REGISTRY\":{\"auth\":\"$(echo -n $CI_REGISTRY_USER:$CI_REGISTRY_PASSWORD | base64 | tr -d '\n')\"}}}" > ~/.docker/config.json`,
				"buildctl-daemonless.sh build --frontend dockerfile.v0 --local context=./web --local dockerfile=./web --output type=image,name=$CI_REGISTRY_IMAGE/web,push=true",
				"buildctl-daemonless.sh build --frontend dockerfile.v0 --local context=./api --local dockerfile=./api --import-cache type=local,src=/tmp/buildkit-cache --output type=image,name=$CI_REGISTRY_IMAGE/api,push=true",
				deleted,
			},
		},
		{
			name: "build, cd, exit check, push: the build is left to a person",
			lines: []string{
				"docker build -t $CI_REGISTRY_IMAGE .",
				`cd dist && if [ -z "$PUSH" ]; then exit 0; fi`,
				"docker push $CI_REGISTRY_IMAGE",
			},
			want: []string{
				"docker build -t $CI_REGISTRY_IMAGE .",
				`cd dist && if [ -z "$PUSH" ]; then exit 0; fi`,
				deleted,
			},
			notes: map[int]string{0: "the script changes directory between the build and its push"},
		},
		{
			name: "password on stdin, Dockerfile elsewhere, build args, cache, two tags",
			lines: []string{
				`echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"`,
				"docker pull $CI_REGISTRY_IMAGE:latest || true",
				// A command over several lines, joined by the caller.
				"docker build --pull --cache-from $CI_REGISTRY_IMAGE:latest   -f docker/Dockerfile.prod   --build-arg NODE_ENV=production   --build-arg BUILDKIT_INLINE_CACHE=1   -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA   -t $CI_REGISTRY_IMAGE:latest   .",
				"docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA",
				`docker push "$CI_REGISTRY_IMAGE:latest"`,
			},
			want: []string{
				`mkdir -p ~/.docker && echo "{\"auths\":{\"$CI_REGISTRY\":{\"auth\":\"$(echo -n "$CI_REGISTRY_USER":"$CI_REGISTRY_PASSWORD" | base64 | tr -d '\n')\"}}}" > ~/.docker/config.json`,
				deleted,
				"buildctl-daemonless.sh build --frontend dockerfile.v0 --local context=. --local dockerfile=docker --opt filename=Dockerfile.prod" +
					" --opt build-arg:NODE_ENV=production --import-cache type=registry,ref=$CI_REGISTRY_IMAGE:latest --export-cache type=inline" +
					` --output type=image,\"name=$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA,$CI_REGISTRY_IMAGE:latest\",push=true`,
				deleted,
				deleted,
			},
		},
		{
			name: "tag and push to another registry: crane copy",
			lines: []string{
				"docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY",
				"docker login -u $PROD_REGISTRY_USER -p $PROD_REGISTRY_PASSWORD $PROD_REGISTRY",
				"docker pull $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA",
				"docker tag $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA $PROD_REGISTRY/$PROJECT:$CI_COMMIT_SHA",
				"docker push $PROD_REGISTRY/$PROJECT:$CI_COMMIT_SHA",
				"kubectl apply -f deploy.yaml",
			},
			want: []string{
				"crane auth login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY",
				"crane auth login -u $PROD_REGISTRY_USER -p $PROD_REGISTRY_PASSWORD $PROD_REGISTRY",
				deleted,
				deleted,
				"crane copy $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA $PROD_REGISTRY/$PROJECT:$CI_COMMIT_SHA",
				"kubectl apply -f deploy.yaml",
			},
			notes: map[int]string{3: "becomes crane copy"},
		},
		{
			name: "docker run node:20 npm test",
			lines: []string{
				"docker info",
				"docker pull node:20",
				`docker run --rm -v "$PWD":/app -w /app node:20 npm test`,
			},
			want: []string{deleted, deleted, "npm test"},
		},
		{
			name: "docker create and cp: the guide's section 4",
			lines: []string{
				"docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY",
				`export CID=$(docker create "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA")`,
				"docker cp $CID:/usr/src/app /usr/src/app",
				"docker cp $CID:/usr/src/app/package-lock.json .",
				"docker rm $CID",
				"cd /usr/src/app",
				"npm test",
			},
			want: []string{
				"crane auth login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY",
				deleted,
				"crane export $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA - | tar -xf - -C / usr/src/app",
				"crane export $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA - | tar -xf - -C . --strip-components=3 usr/src/app/package-lock.json",
				deleted,
				"cd /usr/src/app",
				"npm test",
			},
		},
		{
			name: "commands inside lists, pipelines and keywords",
			lines: []string{
				"docker build -t app . && docker tag app $CI_REGISTRY_IMAGE:1 && docker push $CI_REGISTRY_IMAGE:1",
				"docker images | grep app",
				"if docker info; then echo ok; fi",
				"docker rmi app; echo done",
				"echo start && docker rmi app # clean up",
				"docker ps -aq | xargs -r docker rm -f || true",
				"docker compose up -d",
				"(docker pull app || true); make",
				"until docker info; do sleep 1; done",
				"while ! docker info >/dev/null 2>&1; do echo waiting; sleep 1; done",
				"until docker info; do docker pull app; done",
				"make test",
			},
			want: []string{
				"buildctl-daemonless.sh build --frontend dockerfile.v0 --local context=. --local dockerfile=. --output type=image,name=$CI_REGISTRY_IMAGE:1,push=true",
				deleted,
				"if true; then echo ok; fi",
				"echo done",
				"echo start",
				deleted,
				"docker compose up -d",
				"(true || true); make",
				deleted,
				deleted,
				deleted,
				"make test",
			},
			notes: map[int]string{6: "services:"},
		},
		{
			name: "what only the whole job shows",
			lines: []string{
				"docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY",
				"docker login -u $HUB_USER -p $HUB_TOKEN",
				"docker build -t $CI_REGISTRY_IMAGE .",
				"docker run --rm node:20 npm test",
				"docker run --rm python:3.12 pytest",
			},
			want: []string{
				deleted,
				`mkdir -p ~/.docker && echo "{\"auths\":{\"$CI_REGISTRY\":{\"auth\":\"$(echo -n $CI_REGISTRY_USER:$CI_REGISTRY_PASSWORD | base64 | tr -d '\n')\"},\"https://index.docker.io/v1/\":{\"auth\":\"$(echo -n $HUB_USER:$HUB_TOKEN | base64 | tr -d '\n')\"}}}" > ~/.docker/config.json`,
				"buildctl-daemonless.sh build --frontend dockerfile.v0 --local context=. --local dockerfile=. --output type=image,name=$CI_REGISTRY_IMAGE",
				"npm test",
				"pytest",
			},
			notes: map[int]string{1: "written as one ~/.docker/config.json", 2: "not pushed", 3: "several images (node:20, python:3.12)", 4: "job of its own"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RewriteScript(tt.lines, nil, nil)
			if len(got) != len(tt.lines) {
				t.Fatalf("%d results for %d lines", len(got), len(tt.lines))
			}
			for i, lr := range got {
				n := lr.New
				if lr.Deleted {
					n = deleted
				}
				if lr.Line != i || lr.Old != tt.lines[i] || n != tt.want[i] || lr.Deleted != (lr.New == "") {
					t.Errorf("line %d: %s\n got %s (deleted %v)\nwant %s", i, tt.lines[i], lr.New, lr.Deleted, tt.want[i])
				}
				if want, ok := tt.notes[i]; ok {
					var notes []string
					for _, c := range lr.Changes {
						notes = append(notes, c.Result.Note)
					}
					if !strings.Contains(strings.Join(notes, "; "), want) {
						t.Errorf("line %d: notes %q, want one with %q", i, notes, want)
					}
				}
			}
			if tt.name == "what only the whole job shows" && !got[0].Changes[0].Result.JoinsLogin() {
				t.Errorf("line 0: the first login does not join the last one's config.json")
			}
		})
	}
}

// TestRewriteScriptLayout checks that a line that becomes one buildctl
// command comes laid out as the guide's section 1, and others do not.
func TestRewriteScriptLayout(t *testing.T) {
	got := RewriteScript([]string{
		"docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA .",
		"docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA",
		"docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA . > build.log",
	}, nil, nil)
	if !reflect.DeepEqual(got[0].Layout, guideBuild) {
		t.Errorf("layout\n got %q\nwant %q", got[0].Layout, guideBuild)
	}
	if got[1].Layout != nil || got[2].Layout != nil {
		t.Errorf("layouts for lines that are not one buildctl command: %q, %q", got[1].Layout, got[2].Layout)
	}
	if want := strings.Join(guideBuild, " ") + " > build.log"; got[2].New != want {
		t.Errorf("redirection: got %s, want %s", got[2].New, want)
	}
}

func TestJobContext(t *testing.T) {
	var cmds []DockerCmd
	for _, l := range []string{
		"docker build -t a -t b .",
		"docker build - < Dockerfile", // not translatable: builds nothing known
		"docker tag a c",
		"docker push c",
		"ID=$(docker create --name x a)",
	} {
		cmds = append(cmds, DockerCommands(l)...)
	}
	want := Context{
		Built:      []string{"a", "b"},
		Aliases:    []Alias{{"a", "c"}},
		Pushed:     []string{"c"},
		Containers: []Container{{"x", "a"}, {"$ID", "a"}},
		BuildKit:   true,
	}
	if got := JobContext(cmds); !reflect.DeepEqual(got, want) {
		t.Errorf("JobContext\n got %+v\nwant %+v", got, want)
	}
}

// A build whose image another job of the pipeline runs pushes it: that
// job has no daemon to share the image with and pulls it from the
// registry (Otus-DevOps-2021-08/asm-n_microservices builds in one job and
// runs the image with docker run in the next).
func TestRewriteScriptElsewhere(t *testing.T) {
	lines := []string{"docker build -f reddit/docker/Dockerfile --tag $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA ./reddit"}
	for _, tt := range []struct {
		elsewhere []string
		push      bool
	}{
		{nil, false},
		{[]string{"${CI_REGISTRY_IMAGE}:${CI_COMMIT_SHORT_SHA}"}, true},
		{[]string{"$CI_REGISTRY_IMAGE:latest"}, false},
	} {
		got := RewriteScript(lines, tt.elsewhere, nil)
		if push := strings.Contains(got[0].New, "push=true"); push != tt.push {
			t.Errorf("elsewhere %q: push=true is %v in %q, want %v", tt.elsewhere, push, got[0].New, tt.push)
		}
	}
	// A local name would be pushed to Docker Hub's library: it stays local,
	// with the note (LightmareVII/growBot runs growbot_lighttimer:1.0).
	got := RewriteScript([]string{"docker build -t growbot_lighttimer:1.0 ."}, []string{"growbot_lighttimer:1.0"}, nil)
	if strings.Contains(got[0].New, "push=true") {
		t.Errorf("a local name is pushed: %q", got[0].New)
	}
}

// TestRewriteScriptPushOfAnotherJobsBuild checks a push job whose image a
// build job left in a shell runner's daemon: its push goes, with its
// login, since the build pushes now (the build's side is Elsewhere).
func TestRewriteScriptPushOfAnotherJobsBuild(t *testing.T) {
	got := RewriteScript([]string{
		"docker login -u gitlab-ci-token -p $CI_BUILD_TOKEN $CI_REGISTRY",
		"docker push $CI_REGISTRY_IMAGE/rabbit:$CI_COMMIT_TAG",
	}, nil, []string{"${CI_REGISTRY_IMAGE}/rabbit:${CI_COMMIT_TAG}"})
	for _, lr := range got {
		if !lr.Deleted {
			t.Errorf("line %q is kept as %q, want it deleted", lr.Old, lr.New)
		}
	}
	ctx := JobContext(DockerCommands("docker push $CI_REGISTRY_IMAGE/rabbit:$CI_COMMIT_TAG"))
	if got := ctx.PushedUnbuilt(); !reflect.DeepEqual(got, []string{"$CI_REGISTRY_IMAGE/rabbit:$CI_COMMIT_TAG"}) {
		t.Errorf("PushedUnbuilt() = %q", got)
	}
}

// TestRewriteScriptUnderCondition checks the pushes that run only under a
// condition: on a line of their own the build stays a check and the push's
// place builds again under the same condition; in the build's own script
// block the build is left to a person. A push that goes takes with it what
// ran only when it failed, and a compound command keeps a body.
func TestRewriteScriptUnderCondition(t *testing.T) {
	got := RewriteScript([]string{
		"docker build -t $IMAGE .",
		`if [ "$CI_COMMIT_BRANCH" = main ]; then docker push $IMAGE; fi`,
	}, nil, nil)
	if !strings.Contains(got[0].New, "--export-cache type=local,dest=/tmp/buildkit-cache") || strings.Contains(got[0].New, "push=true") {
		t.Errorf("the build should stay a check that pushes nothing:\n%s", got[0].New)
	}
	if !strings.HasPrefix(got[1].New, `if [ "$CI_COMMIT_BRANCH" = main ]; then buildctl-daemonless.sh build`) || !strings.HasSuffix(got[1].New, "push=true; fi") {
		t.Errorf("the push should build again under its condition:\n%s", got[1].New)
	}

	// Pushes in two places under their own conditions, a tag made only for a
	// release (firecow/gitlab-ci-local's docker-swarm-php example): one build
	// cannot push at both, and the variable of the second is set only there.
	two := RewriteScript([]string{
		"docker build . -q -t ${IMAGE}",
		"if [ \"${GITLAB_CI}\" == 'true' ]; then\n  docker push -q ${IMAGE}\nfi",
		"if [ -n \"${CI_COMMIT_TAG}\" ]; then\n  TAG=${NAME}:${CI_COMMIT_TAG}\n  docker tag ${IMAGE} ${TAG}\n  docker push -q ${TAG}\nfi",
	}, nil, nil)
	if c := two[0].Changes[0]; c.Result.Action != Manual || !strings.Contains(c.Result.Note, "pushed in several places") {
		t.Errorf("a build pushed in two places under their own conditions: %v %q, want Manual", c.Result.Action, c.Result.Note)
	}
	// Two pushes of one branch, each with its own || echo, are one place.
	one := RewriteScript([]string{
		"docker build -t $IMAGE .",
		"docker tag $IMAGE $NAME:latest",
		"if [ -n \"$USER\" ]; then\n  docker push $IMAGE || echo failed\n  docker push $NAME:latest || echo failed\nfi",
	}, nil, nil)
	if c := one[0].Changes[0]; c.Result.Action == Manual {
		t.Errorf("two pushes of one branch are left to a person: %q", c.Result.Note)
	}

	block := RewriteScript([]string{"docker build -t $IMAGE .\nif [ -n \"$USER\" ]; then\n  docker push $IMAGE || echo failed\nfi"}, nil, nil)
	if c := block[0].Changes[0]; c.Cmd.Sub != "build" || c.Result.Action != Manual {
		t.Errorf("a build whose push is under a condition in its own block: %v, want Manual", c.Result.Action)
	}

	for line, want := range map[string]string{
		"docker build -t $IMAGE .\ndocker push $IMAGE || echo failed":                     "buildctl-daemonless.sh build --frontend dockerfile.v0 --local context=. --local dockerfile=. --output type=image,name=$IMAGE,push=true",
		"docker build -t $IMAGE .\n[ -n \"$V\" ] && docker tag $IMAGE $IMAGE:x || true":   "buildctl-daemonless.sh build --frontend dockerfile.v0 --local context=. --local dockerfile=. --output type=image,name=$IMAGE\n[ -n \"$V\" ] && true",
		"if [ -n \"$U\" ]; then\n  docker rmi $IMAGE || echo gone\nelse\n  echo skip\nfi": "if [ -n \"$U\" ]; then\n  true\nelse\n  echo skip\nfi",
	} {
		if got := RewriteScript([]string{line}, nil, nil)[0].New; got != want {
			t.Errorf("RewriteScript(%q) =\n%s\nwant\n%s", line, got, want)
		}
	}
}

// TestRewriteScriptLoginAfterKeyword checks that the shell's keyword before
// the command piping a password into docker login stays the shell's.
func TestRewriteScriptLoginAfterKeyword(t *testing.T) {
	got := RewriteScript([]string{
		`if [ -n "$U" ]; then echo "$T" | docker login -u "$U" --password-stdin; fi`,
		"docker build -t $CI_REGISTRY_IMAGE .",
	}, nil, nil)[0].New
	if !strings.HasPrefix(got, `if [ -n "$U" ]; then mkdir -p ~/.docker && echo `) || !strings.Contains(got, `$(echo -n "$U":"$T" | base64`) {
		t.Errorf("the login under then:\n%s", got)
	}
}
