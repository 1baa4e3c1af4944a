package rewrite

import "strings"

// Action is what becomes of a docker command.
type Action int

const (
	// Replace: Result.Lines replace the command.
	Replace Action = iota + 1
	// Delete: the command goes; nothing replaces it.
	Delete
	// UseImage: the job runs Result.Command itself, with Result.Image as
	// its image: (docker run IMAGE CMD).
	UseImage
	// Manual: no translation; Result.Note says why.
	Manual
)

// String names the action for messages and tests.
func (a Action) String() string {
	switch a {
	case Replace:
		return "replace"
	case Delete:
		return "delete"
	case UseImage:
		return "use-image"
	case Manual:
		return "manual"
	}
	return "?"
}

// The tools that a rewritten command needs in its job.
const (
	// ToolBuildKit: the job's image becomes moby/buildkit:rootless with
	// entrypoint ['sh', '-c'] and BUILDKITD_FLAGS:
	// --oci-worker-no-process-sandbox (the guide's section 1).
	ToolBuildKit = "buildkit"
	// ToolCrane: the job installs crane first, with CraneInstall.
	ToolCrane = "crane"
)

// craneRelease is the crane release the guide installs.
const craneRelease = `"https://github.com/google/go-containerregistry/releases/download/v0.20.2/go-containerregistry_Linux_x86_64.tar.gz"`

// CraneInstall is the guide's command that installs crane in a job.
const CraneInstall = `curl -sL ` + craneRelease + ` | tar -xzf - -C /usr/local/bin crane`

// CraneInstallWget is the guide's command for an Alpine image (Docker's
// own is one), whose busybox has wget and tar but no curl.
const CraneInstallWget = `wget -qO- ` + craneRelease + ` | tar -xzf - -C /usr/local/bin crane`

// Result is what becomes of one docker command.
type Result struct {
	Action Action
	// Start and End are the byte range of the line that the action
	// covers: the command's, or more (echo "$P" | docker login ... is
	// replaced whole).
	Start, End int
	// Lines is the new command for Replace: one line, or for buildctl the
	// command and then one option per line, as the guide lays it out.
	// Joined with spaces they make one shell line.
	Lines []string
	// Image and Command are for UseImage: the job's new image: and the
	// command it runs in place of docker run ("" when docker run gave
	// none: the image's own command, which a job's script does not run).
	Image, Command string
	// Tool is what the new command needs in the job: ToolBuildKit,
	// ToolCrane or "".
	Tool string
	// Note says what to check, what was left out, or why nothing could
	// be done.
	Note string
	// auth is the registry entry of a docker login that became the
	// guide's config.json, for the job's other logins to join.
	auth *configAuth
}

// JoinsLogin reports whether the result deletes a docker login whose
// registry is written, with the job's other logins, in the config.json of
// its last one.
func (r Result) JoinsLogin() bool { return r.Action == Delete && r.auth != nil }

// Alias is a docker tag SRC DST, both as shell text.
type Alias struct{ Src, Dst string }

// Container is a container made by docker create: its name (--name N, or
// "$ID" for ID=$(docker create ...)) and its image, as shell text.
type Container struct{ Name, Image string }

// Context is what the rest of the job does, which decides what becomes of
// a command: a docker push of a tag that the job builds disappears into
// the build (push=true), a docker cp reads the image its container was
// created from. References are compared unquoted, with $X and ${X} alike.
type Context struct {
	// Built are the tags of the job's docker builds.
	Built []string
	// Aliases are the job's docker tag commands.
	Aliases []Alias
	// Pushed are the images of the job's docker push commands.
	Pushed []string
	// Containers are the containers of the job's docker create commands.
	Containers []Container
	// BuildKit is set when the job builds images, so that its image
	// becomes moby/buildkit:rootless, which has no crane: registry logins
	// then write ~/.docker/config.json, as the guide's section 2 does.
	BuildKit bool
	// Elsewhere are the images that the pipeline's other jobs run (their
	// image:, their docker run) or push without building them: a build of
	// one of them pushes it, since without a shared daemon those jobs can
	// only get it from a registry.
	Elsewhere []string
	// BuiltElsewhere are the tags that the pipeline's other jobs build. A
	// push of one of them that this job neither builds nor tags relied on a
	// daemon shared with the building job (a shell runner's); that build
	// pushes it now.
	BuiltElsewhere []string
}

// PushedUnbuilt returns the images the job pushes but neither builds nor
// tags: on a shell runner, another job's build left them in the daemon
// they shared.
func (c Context) PushedUnbuilt() []string {
	var out []string
	for _, ref := range c.Pushed {
		if _, aliased := c.origin(ref); !c.built(ref) && !aliased {
			out = append(out, ref)
		}
	}
	return out
}

// pushesOnlyOthersBuilds reports whether the job's registry work is only
// pushes of images that other jobs build, which those builds now push:
// nothing is left here that a login serves.
func (c Context) pushesOnlyOthersBuilds() bool {
	if len(c.Built) > 0 || len(c.Aliases) > 0 || len(c.Pushed) == 0 {
		return false
	}
	for _, ref := range c.Pushed {
		if !contains(c.BuiltElsewhere, ref) {
			return false
		}
	}
	return true
}

// Rewrite says what becomes of one docker command, following the guide's
// table: docker build → buildctl-daemonless.sh; docker push of a built
// tag → push=true on the build; docker tag + push → crane copy (or one
// more name of the build's output); docker login → crane auth login (or
// the guide's config.json in a BuildKit job); docker pull, rmi, images,
// info, version and the like → deleted; docker cp → crane export | tar;
// docker run → the job's own image and command; docker create → deleted,
// its image serving docker cp. Anything else is Manual, with the reason.
func Rewrite(cmd DockerCmd, ctx Context) Result {
	var r Result
	switch cmd.Sub {
	case "build":
		r = rewriteBuild(cmd, ctx)
	case "push":
		r = rewritePush(cmd, ctx)
	case "tag":
		r = rewriteTag(cmd, ctx)
	case "pull":
		r = Result{Action: Delete, Note: "BuildKit and crane read images from the registry themselves: there is no local image store to fill"}
	case "login":
		r = rewriteLogin(cmd, ctx)
	case "cp":
		r = rewriteCp(cmd, ctx)
	case "create":
		r = rewriteCreate(cmd)
	case "run":
		r = rewriteRun(cmd, ctx)
	default:
		if why, ok := unneeded[cmd.Sub]; ok {
			r = Result{Action: Delete, Note: why}
		} else {
			r = Result{Action: Manual, Note: manual(cmd.Sub)}
		}
	}
	if r.Start == 0 && r.End == 0 {
		r.Start, r.End = cmd.Start, cmd.End
	}
	if r.Tool == ToolCrane && ctx.BuildKit {
		addNote(&r, "moby/buildkit:rootless has no crane: do this in a job of its own, after the build (the guide's sections 4 and 5)")
	}
	return r
}

// Why the commands that only make sense with a daemon can simply go.
const (
	noState     = "it shows the Docker daemon's state, and there is no daemon"
	noLocal     = "there are no local images or containers to clean up without a daemon"
	noContainer = "there are no containers without a daemon"
	noBuilder   = "buildctl-daemonless.sh starts its own BuildKit: there is no builder or context to set up"
)

// unneeded are the subcommands that a rewritten job does not need.
var unneeded = map[string]string{
	"images": noState, "ps": noState, "info": noState, "version": noState, "system df": noState,
	"buildx ls": noState, "buildx inspect": noState, "buildx version": noState, "buildx du": noState,
	"context ls": noState, "context inspect": noState,
	"rmi": noLocal, "image prune": noLocal, "system prune": noLocal, "builder prune": noLocal,
	"container prune": noLocal, "volume prune": noLocal, "network prune": noLocal, "buildx prune": noLocal,
	"rm": noContainer, "stop": noContainer, "kill": noContainer, "wait": noContainer,
	"buildx create": noBuilder, "buildx use": noBuilder, "buildx rm": noBuilder, "buildx stop": noBuilder,
	"context create": noBuilder, "context use": noBuilder, "context rm": noBuilder,
	"logout":    "the credentials go away with the job",
	"--version": "it shows the version of the Docker client, which goes with the job's other docker commands",
}

// manual explains why a docker subcommand has no translation, with the
// nearest thing to do.
func manual(sub string) string {
	if h, ok := manualHints[sub]; ok {
		return h
	}
	if strings.HasPrefix(sub, "manifest") {
		return "build all platforms at once with --opt platform=linux/amd64,linux/arm64 (the guide's section 6), or use crane index append"
	}
	switch sub {
	case "exec", "logs", "start", "restart", "attach", "commit", "export":
		return "docker " + sub + " needs a running container, and there is no Docker daemon"
	case "":
		return "docker without a subcommand"
	}
	return "docker " + sub + " needs a Docker daemon, which these runners do not have, and has no known translation"
}

// manualHints say what to do instead of the commands that have a near
// equivalent but no translation.
var manualHints = map[string]string{
	"compose":                  "docker compose needs a Docker daemon: run its services under the job's services: and its commands in the job",
	"bake":                     "buildctl has no bake: build each target with buildctl-daemonless.sh build",
	"inspect":                  "read the image from the registry with crane (crane digest, crane config, crane manifest)",
	"save":                     "crane pull IMAGE FILE.tar writes an image from the registry to a tarball; an image the job builds goes to one from the build itself (buildctl-daemonless.sh build ... --output type=docker,name=IMAGE,dest=FILE.tar)",
	"load":                     "there is no local image store: crane push FILE.tar IMAGE pushes a tarball to the registry, and a scanner reads it where it is (trivy image --input FILE.tar)",
	"buildx imagetools create": "crane copy SRC DST copies an image; crane index append builds a multi-platform index",
}

// same reports whether two references (shell text) are the same.
func same(a, b string) bool { return key(a) == key(b) }

// contains reports whether refs holds ref.
func contains(refs []string, ref string) bool {
	for _, r := range refs {
		if same(r, ref) {
			return true
		}
	}
	return false
}

// origin follows docker tag aliases back from ref to the image it names
// first, and reports whether it went through any.
func (c Context) origin(ref string) (string, bool) {
	aliased := false
	for range len(c.Aliases) + 1 { // bounded: a cycle of tags must not loop
		next := ""
		for _, a := range c.Aliases {
			if same(a.Dst, ref) {
				next = a.Src
			}
		}
		if next == "" {
			break
		}
		ref, aliased = next, true
	}
	return ref, aliased
}

// pushed reports whether the job pushes ref.
func (c Context) pushed(ref string) bool { return contains(c.Pushed, ref) }

// built reports whether ref, or the image it is a tag of, is built by the job.
func (c Context) built(ref string) bool {
	o, _ := c.origin(ref)
	return contains(c.Built, o)
}
