package rewrite

import (
	"reflect"
	"strings"
	"testing"
)

func TestRewrite(t *testing.T) {
	built := Context{Built: []string{"$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"}, BuildKit: true}
	tests := []struct {
		name string
		line string
		ctx  Context
		// want: Action, Lines (joined by "\n"), Image, Command, Tool; and
		// a piece of the note ("" for no note).
		want     Result
		note     string
		replaced string // the text of the line the result covers, when not the command's
	}{
		{name: "build not pushed", line: "docker build -t app .",
			want: Result{Action: Replace, Tool: ToolBuildKit, Lines: []string{"buildctl-daemonless.sh build", "--frontend dockerfile.v0",
				"--local context=.", "--local dockerfile=.", "--output type=image,name=app"}},
			note: "not pushed"},
		{name: "build pushed later", line: "docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA .", ctx: Context{Pushed: []string{`"$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"`}},
			want: Result{Action: Replace, Tool: ToolBuildKit, Lines: []string{"buildctl-daemonless.sh build", "--frontend dockerfile.v0",
				"--local context=.", "--local dockerfile=.", "--output type=image,name=$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA,push=true"}}},
		{name: "build with a pushed tag alias", line: "docker build -t app .",
			ctx: Context{Aliases: []Alias{{"app", "$CI_REGISTRY_IMAGE:latest"}, {"app", "unpushed"}}, Pushed: []string{"${CI_REGISTRY_IMAGE}:latest"}},
			want: Result{Action: Replace, Tool: ToolBuildKit, Lines: []string{"buildctl-daemonless.sh build", "--frontend dockerfile.v0",
				"--local context=.", "--local dockerfile=.", "--output type=image,name=$CI_REGISTRY_IMAGE:latest,push=true"}}},
		{name: "build with unknown flags", line: "docker build --network host --squash -t x --push .",
			want: Result{Action: Replace, Tool: ToolBuildKit, Lines: []string{"buildctl-daemonless.sh build", "--frontend dockerfile.v0",
				"--local context=.", "--local dockerfile=.", "--output type=image,name=x,push=true"}},
			note: "left out, no buildctl translation: --network host, --squash"},
		{name: "build that cannot be translated", line: "docker build - < Dockerfile", want: Result{Action: Manual}, note: "standard input"},

		{name: "push of a built tag", line: "docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA", ctx: built,
			want: Result{Action: Delete}, note: "the build pushes $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA itself"},
		{name: "push of a tag", line: "docker push $PROD/app:1", ctx: Context{Aliases: []Alias{{`"$SRC"`, "$PROD/app:1"}}},
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{"crane copy $SRC $PROD/app:1"}}},
		{name: "push of a tag of a tag", line: "docker push c", ctx: Context{Aliases: []Alias{{"a", "b"}, {"b", "c"}}},
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{"crane copy a c"}}},
		{name: "push of a cycle of tags ends", line: "docker push a", ctx: Context{Aliases: []Alias{{"a", "b"}, {"b", "a"}}},
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{"crane copy b a"}}},
		{name: "push of a tag in a BuildKit job", line: "docker push b", ctx: Context{Aliases: []Alias{{"a", "b"}}, BuildKit: true},
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{"crane copy a b"}}, note: "has no crane"},
		{name: "push of something unknown", line: "docker push x", want: Result{Action: Manual}, note: "nothing in this job builds or tags x"},
		{name: "push --all-tags", line: "docker push --all-tags x", want: Result{Action: Manual}, note: "--all-tags"},

		{name: "tag of a local name", line: "docker tag a b", want: Result{Action: Delete}, note: "local daemon only"},
		{name: "tag pushed by crane", line: "docker tag a b", ctx: Context{Aliases: []Alias{{"a", "b"}}, Pushed: []string{"b"}},
			want: Result{Action: Delete}, note: "becomes crane copy a b"},
		{name: "pull", line: "docker pull node:20", want: Result{Action: Delete}, note: "registry"},

		{name: "login", line: "docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY",
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{"crane auth login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY"}}},
		{name: "login long flags", line: `docker login --username=$U --password="$P" "$CI_REGISTRY"`,
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{`crane auth login -u $U -p "$P" $CI_REGISTRY`}}},
		{name: "login to Docker Hub", line: "docker login -u $HUB_USER -p $HUB_TOKEN",
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{"crane auth login -u $HUB_USER -p $HUB_TOKEN index.docker.io"}}},
		{name: "login with echo on stdin", line: `echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin $CI_REGISTRY`,
			want:     Result{Action: Replace, Tool: ToolCrane, Lines: []string{`crane auth login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" $CI_REGISTRY`}},
			replaced: `echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin $CI_REGISTRY`},
		{name: "login with echo -n", line: `echo -n $P | docker login -u u --password-stdin r`,
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{`crane auth login -u u -p $P r`}}, replaced: "echo -n $P | docker login -u u --password-stdin r"},
		{name: "login with printf", line: `printf '%s' "$P" | docker login -u u --password-stdin r`,
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{`crane auth login -u u -p "$P" r`}}, replaced: `printf '%s' "$P" | docker login -u u --password-stdin r`},
		{name: "login with cat on stdin", line: `cat token.txt | docker login -u u --password-stdin r`,
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{`crane auth login -u u -p "$(cat token.txt)" r`}}, replaced: "cat token.txt | docker login -u u --password-stdin r"},
		{name: "login with a file", line: `docker login -u u --password-stdin r < token.txt`,
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{`crane auth login -u u -p "$(cat token.txt)" r`}}},
		{name: "login with a here-string", line: `docker login -u u --password-stdin r <<< "$P"`,
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{`crane auth login -u u -p "$P" r`}}},
		{name: "login in a BuildKit job", line: "docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY", ctx: Context{BuildKit: true},
			// The guide's section 2, on one line.
			want: Result{Action: Replace, Lines: []string{`mkdir -p ~/.docker && echo "{\"auths\":{\"$CI_REGISTRY\":{\"auth\":\"$(echo -n $CI_REGISTRY_USER:$CI_REGISTRY_PASSWORD | base64 | tr -d '\n')\"}}}" > ~/.docker/config.json`}},
			note: "section 2"},
		{name: "login to Docker Hub in a BuildKit job", line: "docker login -u $U -p $P", ctx: Context{BuildKit: true},
			want: Result{Action: Replace, Lines: []string{`mkdir -p ~/.docker && echo "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"$(echo -n $U:$P | base64 | tr -d '\n')\"}}}" > ~/.docker/config.json`}},
			note: "section 2"},
		{name: "interactive login", line: "docker login registry.example.com", want: Result{Action: Manual}, note: "interactive"},

		{name: "cp of a created container", line: "docker cp $CID:/usr/src/app/dist ./dist", ctx: Context{Containers: []Container{{"$CID", "$IMG"}}},
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{"mkdir -p ./dist && crane export $IMG - | tar -xf - -C ./dist --strip-components=4 usr/src/app/dist"}},
			note: "assumed usr/src/app/dist is a directory"},
		{name: "cp into the current directory", line: "docker cp app:/usr/src/app/dist .", ctx: Context{Containers: []Container{{"app", "$IMG"}}},
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{"crane export $IMG - | tar -xf - -C . --strip-components=3 usr/src/app/dist"}}},
		{name: "cp of a top-level directory into a directory", line: "docker cp app:/dist out/", ctx: Context{Containers: []Container{{"app", "$IMG"}}},
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{"crane export $IMG - | tar -xf - -C out/ dist"}}},
		{name: "cp of contents", line: "docker cp app:/usr/src/app/. ./app", ctx: Context{Containers: []Container{{"app", "$IMG"}}},
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{"mkdir -p ./app && crane export $IMG - | tar -xf - -C ./app --strip-components=3 usr/src/app"}}},
		{name: "cp of a file to a new name", line: "docker cp $CID:/app/coverage/junit.xml report.xml", ctx: Context{Containers: []Container{{"$CID", "$IMG"}}},
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{"crane export $IMG - | tar -xOf - app/coverage/junit.xml > report.xml"}},
			note: "assumed app/coverage/junit.xml is a file"},
		{name: "cp to the same path: the guide's form", line: "docker cp ${CID}:/usr/src/app /usr/src/app", ctx: Context{Containers: []Container{{"$CID", "$IMG"}}},
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{"crane export $IMG - | tar -xf - -C / usr/src/app"}}},
		{name: "cp of an image built by a BuildKit job", line: "docker cp $CID:/app .",
			ctx:  Context{Containers: []Container{{"$CID", "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"}}, Built: []string{"$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"}, BuildKit: true},
			want: Result{Action: Replace, Tool: ToolCrane, Lines: []string{"crane export $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA - | tar -xf - -C . app"}},
			note: "has no crane: do this in a job of its own"},
		{name: "cp from an unknown container", line: "docker cp tests:/app/coverage .", want: Result{Action: Manual}, note: "cannot tell which image container tests comes from"},
		{name: "cp into a container", line: "docker cp ./config.json $CID:/app/", want: Result{Action: Manual}, note: "into a container"},
		{name: "create", line: "docker create --name app $IMG", want: Result{Action: Delete}, note: "crane export reads $IMG"},

		{name: "run", line: "docker run --rm node:20 npm test", want: Result{Action: UseImage, Image: "node:20", Command: "npm test"}},
		{name: "run with the project mounted", line: `docker run --rm -it -v "$(pwd)":/app -w /app node:20 npm ci`,
			want: Result{Action: UseImage, Image: "node:20", Command: "npm ci"}},
		{name: "run in a subfolder of the project", line: `docker run -v $CI_PROJECT_DIR:/src -w /src/web node:20 npm test`,
			want: Result{Action: UseImage, Image: "node:20", Command: "cd web && npm test"}},
		{name: "run with env and a workdir", line: `docker run -e NODE_ENV=test -e CI --workdir=/usr/src/app $IMG npm test -- --ci`,
			want: Result{Action: UseImage, Image: "$IMG", Command: "cd /usr/src/app && NODE_ENV=test npm test -- --ci"}},
		{name: "run with quoted env", line: `docker run -e "GREETING=hello world" --env=A='$x' node:20 node x.js`,
			want: Result{Action: UseImage, Image: "node:20", Command: `GREETING="hello world" A='$x' node x.js`}},
		{name: "run with an entrypoint", line: `docker run --entrypoint sh alpine -c "echo hi"`,
			want: Result{Action: UseImage, Image: "alpine", Command: `sh -c "echo hi"`}},
		// goreleaser in gitlab-org/cli's .gitlab-ci.yml: an empty entrypoint runs the command as given
		{name: "run with an empty entrypoint", line: `docker run --rm --entrypoint "" goreleaser/goreleaser:nightly bash -c "goreleaser release"`,
			want: Result{Action: UseImage, Image: "goreleaser/goreleaser:nightly", Command: `bash -c "goreleaser release"`}},
		{name: "run whose quoted command goes on over lines", line: `docker run --rm --entrypoint "" goreleaser/goreleaser:nightly bash -c "`,
			want: Result{Action: Manual}, note: "goes on over several lines"},
		{name: "run with a mount of another folder", line: `docker run --mount type=bind,source=/cache,target=/root/.npm node:20 npm ci`,
			want: Result{Action: UseImage, Image: "node:20", Command: "npm ci"}, note: "volume /cache:/root/.npm"},
		{name: "run with a network", line: `docker run --network ci node:20 npm test`,
			want: Result{Action: UseImage, Image: "node:20", Command: "npm test"}, note: "services:"},
		{name: "run without a command", line: `docker run aquasec/trivy:0.56.2`,
			want: Result{Action: UseImage, Image: "aquasec/trivy:0.56.2"}, note: "no command"},
		{name: "run of a built image", line: `docker run "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" npm test`, ctx: built,
			want: Result{Action: UseImage, Image: "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA", Command: "npm test"}, note: "built by this job: run this in a later job"},
		{name: "run of a tag", line: `docker run app npm test`, ctx: Context{Aliases: []Alias{{"node:20", "app"}}},
			want: Result{Action: UseImage, Image: "node:20", Command: "npm test"}},
		{name: "run detached", line: `docker run -d --name db postgres:16`, want: Result{Action: Manual}, note: "services:"},

		{name: "rmi", line: "docker rmi $IMG", want: Result{Action: Delete}, note: "no local images"},
		{name: "images", line: "docker images", want: Result{Action: Delete}, note: "no daemon"},
		{name: "info", line: "docker info", want: Result{Action: Delete}, note: "no daemon"},
		{name: "version", line: "docker version", want: Result{Action: Delete}, note: "no daemon"},
		{name: "buildx create", line: "docker buildx create --use", want: Result{Action: Delete}, note: "starts its own BuildKit"},
		{name: "rm", line: "docker rm -f $CID", want: Result{Action: Delete}, note: "no containers"},
		{name: "compose", line: "docker compose up -d", want: Result{Action: Manual}, note: "services:"},
		{name: "exec", line: "docker exec db psql", want: Result{Action: Manual}, note: "running container"},
		{name: "save", line: "docker save -o app.tar app", want: Result{Action: Manual}, note: "crane pull"},
		{name: "anything else", line: "docker swarm init", want: Result{Action: Manual}, note: "no known translation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmds := DockerCommands(tt.line)
			if len(cmds) != 1 {
				t.Fatalf("DockerCommands(%q) found %d commands, want 1", tt.line, len(cmds))
			}
			got := Rewrite(cmds[0], tt.ctx)
			note := got.Note
			if tt.note == "" && note != "" || !strings.Contains(note, tt.note) {
				t.Errorf("note = %q, want one with %q", note, tt.note)
			}
			replaced := tt.line[got.Start:got.End]
			if want := tt.replaced; want == "" && replaced != tt.line[cmds[0].Start:cmds[0].End] || want != "" && replaced != want {
				t.Errorf("the result covers %q", replaced)
			}
			// The registry entry a login keeps for the job's others is
			// checked by TestRewriteScript, which merges them.
			got.Note, got.Start, got.End, got.auth = "", 0, 0, nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Rewrite(%s)\n got %+v\nwant %+v", tt.line, got, tt.want)
			}
		})
	}
}
