package rewrite

import (
	"reflect"
	"strings"
	"testing"
)

// found is a DockerCmd in a form that tables can spell: its subcommand,
// the text of its range, its arguments' values, and the extras.
type found struct {
	Sub, Text, Args string
	Input, Var      string
	Redirects       string
}

func summarize(line string, cmds []DockerCmd) []found {
	var out []found
	for _, c := range cmds {
		var args, redirs []string
		for _, a := range c.Args {
			args = append(args, a.Value)
		}
		for _, r := range c.Redirects {
			redirs = append(redirs, r.Raw)
		}
		f := found{Sub: c.Sub, Text: line[c.Start:c.End], Args: strings.Join(args, " "), Var: c.Var, Redirects: strings.Join(redirs, " ")}
		if c.Input != nil {
			f.Input = line[c.InputStart:c.Input[len(c.Input)-1].end()]
		}
		out = append(out, f)
	}
	return out
}

func TestDockerCommands(t *testing.T) {
	tests := []struct {
		name string
		line string
		want []found
	}{
		{"build", "docker build -t $IMAGE .", []found{{Sub: "build", Text: "docker build -t $IMAGE .", Args: "-t $IMAGE ."}}},
		{"buildx build", "docker buildx build --push -t x .", []found{{Sub: "build", Text: "docker buildx build --push -t x .", Args: "--push -t x ."}}},
		{"buildx with a builder flag", "docker buildx --builder b build .", []found{{Sub: "build", Text: "docker buildx --builder b build .", Args: "."}}},
		{"image build", "docker image build .", []found{{Sub: "build", Text: "docker image build .", Args: "."}}},
		{"builder build", "docker builder build .", []found{{Sub: "build", Text: "docker builder build .", Args: "."}}},
		{"classic subcommands", "docker push x; docker pull y && docker tag y z || docker login r",
			[]found{{Sub: "push", Text: "docker push x", Args: "x"}, {Sub: "pull", Text: "docker pull y", Args: "y"},
				{Sub: "tag", Text: "docker tag y z", Args: "y z"}, {Sub: "login", Text: "docker login r", Args: "r"}}},
		{"management commands made classic", "docker image rm a; docker image ls; docker container run b c; docker container ls; docker system info",
			[]found{{Sub: "rmi", Text: "docker image rm a", Args: "a"}, {Sub: "images", Text: "docker image ls"},
				{Sub: "run", Text: "docker container run b c", Args: "b c"}, {Sub: "ps", Text: "docker container ls"}, {Sub: "info", Text: "docker system info"}}},
		{"two-word subcommands", "docker buildx create --use; docker image prune -f; docker network create n",
			[]found{{Sub: "buildx create", Text: "docker buildx create --use", Args: "--use"},
				{Sub: "image prune", Text: "docker image prune -f", Args: "-f"}, {Sub: "network create", Text: "docker network create n", Args: "n"}}},
		{"global flags", "docker -H tcp://docker:2375 --tls info", []found{{Sub: "info", Text: "docker -H tcp://docker:2375 --tls info"}}},
		{"version flag", "docker --version", []found{{Sub: "--version", Text: "docker --version"}}},
		{"bare docker", "docker", []found{{Sub: "", Text: "docker"}}},
		{"compose", "docker compose up -d", []found{{Sub: "compose", Text: "docker compose up -d", Args: "up -d"}}},
		{"sudo is part of the command", "sudo -E docker build .", []found{{Sub: "build", Text: "sudo -E docker build .", Args: "."}}},
		{"sudo with a user", "sudo -u ci docker ps", []found{{Sub: "ps", Text: "sudo -u ci docker ps"}}},
		{"command", "command docker info", []found{{Sub: "info", Text: "command docker info"}}},
		{"assignments", "DOCKER_BUILDKIT=1 docker build .", []found{{Sub: "build", Text: "DOCKER_BUILDKIT=1 docker build .", Args: "."}}},
		{"env", "env DOCKER_BUILDKIT=1 docker build .", []found{{Sub: "build", Text: "env DOCKER_BUILDKIT=1 docker build .", Args: "."}}},
		{"timeout stays outside", "timeout 600 docker build .", []found{{Sub: "build", Text: "docker build .", Args: "."}}},
		{"time stays outside", "time docker push x", []found{{Sub: "push", Text: "docker push x", Args: "x"}}},
		{"xargs", "docker ps -aq | xargs -r docker rm -f", []found{{Sub: "ps", Text: "docker ps -aq", Args: "-aq"},
			{Sub: "rm", Text: "docker rm -f", Args: "-f", Input: "docker ps -aq"}}},
		{"absolute path", "/usr/bin/docker info", []found{{Sub: "info", Text: "/usr/bin/docker info"}}},
		{"quoted command word", `"docker" info`, []found{{Sub: "info", Text: `"docker" info`}}},
		{"keywords", "if docker info; then docker pull x; fi", []found{{Sub: "info", Text: "docker info"}, {Sub: "pull", Text: "docker pull x", Args: "x"}}},
		{"negation and braces", "! docker info || { docker pull x; }", []found{{Sub: "info", Text: "docker info"}, {Sub: "pull", Text: "docker pull x", Args: "x"}}},
		{"subshell", "(docker pull x || true)", []found{{Sub: "pull", Text: "docker pull x", Args: "x"}}},
		{"loop body", "for i in a b; do docker pull $i; done", []found{{Sub: "pull", Text: "docker pull $i", Args: "$i"}}},
		{"pipeline input", `echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin $CI_REGISTRY`,
			[]found{{Sub: "login", Text: `docker login -u "$CI_REGISTRY_USER" --password-stdin $CI_REGISTRY`,
				Args: "-u $CI_REGISTRY_USER --password-stdin $CI_REGISTRY", Input: `echo "$CI_REGISTRY_PASSWORD"`}}},
		{"redirections are not arguments", "docker build . > build.log 2>&1", []found{{Sub: "build", Text: "docker build .", Args: ".", Redirects: "> build.log 2>& 1"}}},
		{"here-string", `docker login -u u --password-stdin <<< "$P"`, []found{{Sub: "login", Text: "docker login -u u --password-stdin", Args: "-u u --password-stdin", Redirects: `<<< "$P"`}}},
		{"command substitution assigned", `CID=$(docker create "$IMAGE")`, []found{{Sub: "create", Text: `docker create "$IMAGE"`, Args: "$IMAGE", Var: "CID"}}},
		{"export with backquotes", "export CID=`docker create $IMAGE`", []found{{Sub: "create", Text: "docker create $IMAGE", Args: "$IMAGE", Var: "CID"}}},
		{"quoted substitution assigned", `CID="$(docker create x)"`, []found{{Sub: "create", Text: "docker create x", Args: "x", Var: "CID"}}},
		{"substitution not assigned", `docker rmi $(docker images -q)`, []found{{Sub: "rmi", Text: "docker rmi $(docker images -q)", Args: "$(docker images -q)"},
			{Sub: "images", Text: "docker images -q", Args: "-q"}}},
		{"substitution in a string", `echo "version: $(docker version)"`, []found{{Sub: "version", Text: "docker version"}}},
		{"continuation lines joined by the caller", "docker build --build-arg A=1   -t x   -f docker/Dockerfile.prod .",
			[]found{{Sub: "build", Text: "docker build --build-arg A=1   -t x   -f docker/Dockerfile.prod .", Args: "--build-arg A=1 -t x -f docker/Dockerfile.prod ."}}},
		{"backslash continuation kept", "docker build \\\n  -t x .", []found{{Sub: "build", Text: "docker build \\\n  -t x .", Args: "-t x ."}}},

		// Not invocations.
		{"echo of a quoted string", `echo "run docker build"`, nil},
		{"echo of words", `echo docker build .`, nil},
		{"docker-compose", "docker-compose up -d", nil},
		{"comment", "# docker build .", nil},
		{"comment after a command", "make # docker build .", nil},
		{"script in a docker folder", "./docker/build.sh", nil},
		{"relative docker", "./docker build .", nil},
		{"file argument", "kaniko --file docker/Dockerfile", nil},
		{"variable", "echo $DOCKER_HOST; unset DOCKER_HOST", nil},
		{"package", "apk add --no-cache docker", nil},
		{"which", "which docker", nil},
		{"command -v", "command -v docker", nil},
		{"command -v in a test", "if command -v docker >/dev/null; then echo yes; fi", nil},
		{"single-quoted substitution", `echo '$(docker info)'`, nil},
		{"here-document body", "cat <<EOF > x.sh\ndocker build .\nEOF", nil},
		{"sh -c string", `sh -c "docker build ."`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarize(tt.line, DockerCommands(tt.line))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DockerCommands(%q)\n got %+v\nwant %+v", tt.line, got, tt.want)
			}
		})
	}
}
