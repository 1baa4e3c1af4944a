package rewrite

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseBuild(t *testing.T) {
	tests := []struct {
		name string
		args string
		want Build
		err  string
	}{
		{name: "context only", args: ".", want: Build{Context: "."}},
		{name: "tags in order, both spellings", args: `-t a:1 --tag "$IMAGE:2" --tag=b -tc .`,
			want: Build{Context: ".", Tags: []string{"a:1", `"$IMAGE:2"`, "b", "c"}}},
		{name: "flags after the context", args: ". -t x", want: Build{Context: ".", Tags: []string{"x"}}},
		{name: "file, args, target", args: `-f docker/Dockerfile.prod --build-arg NODE_ENV=production --build-arg "GREETING=hello world" --build-arg VERSION --target runtime app/`,
			want: Build{Context: "app/", Dockerfile: "docker/Dockerfile.prod", Target: "runtime",
				BuildArgs: []string{"NODE_ENV=production", `"GREETING=hello world"`, "VERSION"}}},
		{name: "platforms split", args: "--platform linux/amd64,linux/arm64 --platform=linux/arm/v7 .",
			want: Build{Context: ".", Platforms: []string{"linux/amd64", "linux/arm64", "linux/arm/v7"}}},
		{name: "buildx push", args: "--push -t x .", want: Build{Context: ".", Tags: []string{"x"}, Push: true}},
		{name: "output registry", args: "--output type=registry -t x .", want: Build{Context: ".", Tags: []string{"x"}, Push: true}},
		{name: "output image with name", args: "-o type=image,name=r/x:1,push=true .", want: Build{Context: ".", Tags: []string{"r/x:1"}, Push: true}},
		{name: "output local is unknown", args: "-o type=local,dest=out .", want: Build{Context: ".", Unknown: []string{"-o type=local,dest=out"}}},
		{name: "load and pull dropped", args: "--load --pull -q --progress=plain --rm .", want: Build{Context: "."}},
		{name: "cache", args: "--cache-from $IMAGE:latest --cache-to type=registry,ref=$IMAGE:cache,mode=max .",
			want: Build{Context: ".", CacheFrom: []string{"$IMAGE:latest"}, CacheTo: []string{"type=registry,ref=$IMAGE:cache,mode=max"}}},
		{name: "inline cache build arg", args: "--build-arg BUILDKIT_INLINE_CACHE=1 --cache-from x .",
			want: Build{Context: ".", CacheFrom: []string{"x"}, CacheTo: []string{"type=inline"}}},
		{name: "labels, secrets, no-cache", args: `--label org.opencontainers.image.revision=$CI_COMMIT_SHA --secret id=npmrc,src=.npmrc --no-cache .`,
			want: Build{Context: ".", Labels: []string{"org.opencontainers.image.revision=$CI_COMMIT_SHA"}, Secrets: []string{"id=npmrc,src=.npmrc"}, NoCache: true}},
		{name: "unknown flags kept for the note", args: "--network host --add-host=a:1.2.3.4 --squash .",
			want: Build{Context: ".", Unknown: []string{"--network host", "--add-host=a:1.2.3.4", "--squash"}}},
		{name: "no context", args: "-t x", err: "without a build context"},
		{name: "two contexts", args: "a b", err: "several build contexts: a b"},
		{name: "stdin context", args: "-t x -", err: "standard input"},
		{name: "stdin Dockerfile", args: "-f - .", err: "standard input"},
		{name: "remote context", args: "https://github.com/a/b.git", err: "remote build context"},
		{name: "flag without value", args: ". -t", err: "flag -t needs a value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseBuild(Words(tt.args))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseBuild(%s) error = %v, want one with %q", tt.args, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseBuild(%s)\n got %+v\nwant %+v", tt.args, got, tt.want)
			}
		})
	}
}

func TestBuildctl(t *testing.T) {
	tests := []struct {
		name string
		args string
		push bool
		want []string
	}{
		{
			// The guide's section 1, word for word.
			name: "guide section 1", args: "-t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA .", push: true,
			want: []string{
				"buildctl-daemonless.sh build",
				"--frontend dockerfile.v0",
				"--local context=.",
				"--local dockerfile=.",
				"--output type=image,name=$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA,push=true",
			},
		},
		{
			// The guide's section 3.
			name: "guide section 3", args: "--cache-from $CI_REGISTRY_IMAGE:cache -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA .", push: true,
			want: []string{
				"buildctl-daemonless.sh build",
				"--frontend dockerfile.v0",
				"--local context=.",
				"--local dockerfile=.",
				"--import-cache type=registry,ref=$CI_REGISTRY_IMAGE:cache",
				"--export-cache type=inline",
				"--output type=image,name=$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA,push=true",
			},
		},
		{
			// The guide's section 6, from buildx with --push.
			name: "guide section 6", args: "--platform linux/amd64,linux/arm64 -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA --push .",
			want: []string{
				"buildctl-daemonless.sh build",
				"--frontend dockerfile.v0",
				"--local context=.",
				"--local dockerfile=.",
				"--opt platform=linux/amd64,linux/arm64",
				"--output type=image,name=$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA,push=true",
			},
		},
		{
			name: "several tags: one quoted CSV field", args: `-t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" -t $CI_REGISTRY_IMAGE:latest .`, push: true,
			want: []string{
				"buildctl-daemonless.sh build", "--frontend dockerfile.v0", "--local context=.", "--local dockerfile=.",
				`--output type=image,\"name=$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA,$CI_REGISTRY_IMAGE:latest\",push=true`,
			},
		},
		{
			name: "several tags, one needing its quotes", args: `-t "$IMAGE:$(git rev-parse --short HEAD)" -t $IMAGE:latest .`, push: true,
			want: []string{
				"buildctl-daemonless.sh build", "--frontend dockerfile.v0", "--local context=.", "--local dockerfile=.",
				`--output type=image,\"name="$IMAGE:$(git rev-parse --short HEAD)",$IMAGE:latest\",push=true`,
			},
		},
		{
			name: "Dockerfile elsewhere, build args, target, labels", push: true,
			args: `-f docker/Dockerfile.prod --build-arg NODE_ENV=production --build-arg "GREETING=hello world" --build-arg VERSION --target runtime --label a=b --no-cache -t $IMAGE .`,
			want: []string{
				"buildctl-daemonless.sh build", "--frontend dockerfile.v0", "--local context=.",
				"--local dockerfile=docker",
				"--opt filename=Dockerfile.prod",
				"--opt target=runtime",
				"--opt build-arg:NODE_ENV=production",
				`--opt build-arg:"GREETING=hello world"`,
				`--opt build-arg:VERSION="$VERSION"`,
				"--opt label:a=b",
				"--opt no-cache=",
				"--output type=image,name=$IMAGE,push=true",
			},
		},
		{
			name: "Dockerfile named Dockerfile in a folder", args: "-f app/Dockerfile app",
			want: []string{"buildctl-daemonless.sh build", "--frontend dockerfile.v0", "--local context=app", "--local dockerfile=app"},
		},
		{
			name: "default Dockerfile is in the context", args: "-t x services/api",
			want: []string{"buildctl-daemonless.sh build", "--frontend dockerfile.v0", "--local context=services/api", "--local dockerfile=services/api",
				"--output type=image,name=x"},
		},
		{
			name: "Dockerfile in a variable", args: `-f "$DOCKERFILE" .`,
			want: []string{"buildctl-daemonless.sh build", "--frontend dockerfile.v0", "--local context=.",
				`--local dockerfile=$(dirname "$DOCKERFILE")`, `--opt filename=$(basename "$DOCKERFILE")`},
		},
		{
			name: "variable in the file name only", args: "-f docker/Dockerfile.$ENV .",
			want: []string{"buildctl-daemonless.sh build", "--frontend dockerfile.v0", "--local context=.",
				"--local dockerfile=docker", "--opt filename=Dockerfile.$ENV"},
		},
		{
			name: "cache specs pass through", args: "--cache-from type=registry,ref=$IMAGE:cache --cache-to type=registry,ref=$IMAGE:cache,mode=max --secret id=npmrc,src=.npmrc -t $IMAGE .", push: true,
			want: []string{"buildctl-daemonless.sh build", "--frontend dockerfile.v0", "--local context=.", "--local dockerfile=.",
				"--secret id=npmrc,src=.npmrc",
				"--import-cache type=registry,ref=$IMAGE:cache", "--export-cache type=registry,ref=$IMAGE:cache,mode=max",
				"--output type=image,name=$IMAGE,push=true"},
		},
		{
			name: "no tags: no output", args: ".", push: true,
			want: []string{"buildctl-daemonless.sh build", "--frontend dockerfile.v0", "--local context=.", "--local dockerfile=."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ParseBuild(Words(tt.args))
			if err != nil {
				t.Fatal(err)
			}
			if got := b.Buildctl(tt.push); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Buildctl of %s\n got %s\nwant %s", tt.args, strings.Join(got, "\n     "), strings.Join(tt.want, "\n     "))
			}
		})
	}
}

// TestBuildctlShellQuoting checks that the several-tags output reaches
// BuildKit as one quoted CSV field: the shell turns \" into ".
func TestBuildctlShellQuoting(t *testing.T) {
	b, _ := ParseBuild(Words(`-t "$A:1" -t $A:latest .`))
	lines := b.Buildctl(true)
	ws := Words(strings.Join(lines, " "))
	got := ws[len(ws)-1].Value
	if want := `type=image,"name=$A:1,$A:latest",push=true`; got != want {
		t.Errorf("the shell gives buildctl %s, want %s", got, want)
	}
}

// TestBuildctlPushes checks the names read back from buildctl command
// lines: those of image outputs that push, in both ways Buildctl writes
// them, and none from a build that does not push or from another tool.
func TestBuildctlPushes(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{"buildctl-daemonless.sh build --frontend dockerfile.v0 --local context=. --local dockerfile=. --output type=image,name=$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA,push=true", []string{"$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"}},
		{`buildctl build --output=type=image,\"name=$IMAGE:1,$IMAGE:latest\",push=true`, []string{"$IMAGE:1", "$IMAGE:latest"}},
		{"buildctl-daemonless.sh build --output type=image,name=app:1", nil},
		{"echo --output type=image,name=app:1,push=true", nil},
		// ascovale/greedys-api's retry loop around the build
		{`for i in 1 2 3; do buildctl-daemonless.sh build --output type=image,\"name=$A,$B\",push=true && break; done`, []string{"$A", "$B"}},
	}
	for _, tt := range tests {
		if got := BuildctlPushes(tt.line); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("BuildctlPushes(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}
