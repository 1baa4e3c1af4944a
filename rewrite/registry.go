package rewrite

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// rewriteBuild turns docker build into buildctl-daemonless.sh. The build
// pushes when the job pushes one of its tags; a docker tag of one of its
// tags that the job pushes becomes one more name of its output. Only the
// pushed names are kept then: pushing a local-only name such as "app"
// would go to Docker Hub.
func rewriteBuild(cmd DockerCmd, ctx Context) Result {
	b, err := ParseBuild(cmd.Args)
	if err != nil {
		return Result{Action: Manual, Note: err.Error()}
	}
	var names []string
	for _, t := range b.Tags {
		if b.Push || ctx.pushed(t) || contains(ctx.Elsewhere, t) && inRegistry(t) {
			names = append(names, t)
		}
	}
	for _, a := range ctx.Aliases {
		if o, _ := ctx.origin(a.Dst); contains(b.Tags, o) && ctx.pushed(a.Dst) && !contains(names, a.Dst) {
			names = append(names, a.Dst)
		}
	}
	push := len(names) > 0
	var notes []string
	if push {
		b.Tags = names
	} else if len(b.Tags) > 0 {
		notes = append(notes, "the image is not pushed, so it is gone when the job ends: later jobs get images from a registry (push=true)")
	}
	if len(b.Unknown) > 0 {
		notes = append(notes, "left out, no buildctl translation: "+strings.Join(b.Unknown, ", "))
	}
	return Result{Action: Replace, Lines: b.Buildctl(push), Tool: ToolBuildKit, Note: strings.Join(notes, "; ")}
}

// inRegistry reports whether an image reference names a registry's
// repository (registry.example.com/app, $CI_REGISTRY_IMAGE) rather than a
// local name (app:1.0), which a push would send to Docker Hub's library.
func inRegistry(ref string) bool {
	v := unquote(ref)
	return strings.Contains(v, "/") || strings.HasPrefix(v, "$")
}

var pushFlags = sync.OnceValue(func() flagSpec { return newSpec("a,all-tags", "q,quiet", "disable-content-trust", "platform=") })

// rewritePush: a push of a built tag goes into the build; a push of a
// docker tag's target copies the source with crane.
func rewritePush(cmd DockerCmd, ctx Context) Result {
	flags, ops, err := parseFlags(cmd.Args, pushFlags(), true)
	if err != nil || len(ops) != 1 {
		return Result{Action: Manual, Note: "docker push of one image was expected"}
	}
	for _, f := range flags {
		if f.Name == "all-tags" {
			return Result{Action: Manual, Note: "docker push --all-tags: name each tag in the build's output (name=A,B) instead"}
		}
	}
	ref := ops[0].Raw
	o, aliased := ctx.origin(ref)
	switch {
	case ctx.built(ref):
		return Result{Action: Delete, Note: "the build pushes " + tidy(ref) + " itself (push=true)"}
	case aliased:
		return Result{Action: Replace, Lines: []string{"crane copy " + tidy(o) + " " + tidy(ref)}, Tool: ToolCrane}
	case contains(ctx.BuiltElsewhere, ref):
		return Result{Action: Delete, Note: "the job that builds " + tidy(ref) + " pushes it itself now (push=true)"}
	}
	return Result{Action: Manual, Note: "nothing in this job builds or tags " + tidy(ref) +
		": push it from the job that builds it (push=true), or copy it with crane copy SRC " + tidy(ref)}
}

// rewriteTag: a name exists in a registry only once pushed, and the push
// says where it goes (the build's output or crane copy).
func rewriteTag(cmd DockerCmd, ctx Context) Result {
	_, ops, err := parseFlags(cmd.Args, nil, true)
	if err != nil || len(ops) != 2 {
		return Result{Action: Manual, Note: "docker tag SRC DST was expected"}
	}
	src, dst := tidy(ops[0].Raw), tidy(ops[1].Raw)
	switch {
	case !ctx.pushed(ops[1].Raw):
		return Result{Action: Delete, Note: dst + " is a name in the local daemon only, which is gone"}
	case ctx.built(ops[1].Raw):
		return Result{Action: Delete, Note: dst + " becomes one more name of the build's output"}
	}
	return Result{Action: Delete, Note: "the push of " + dst + " becomes crane copy " + src + " " + dst}
}

var loginFlags = sync.OnceValue(func() flagSpec { return newSpec("u,username=", "p,password=", "password-stdin") })

// rewriteLogin turns docker login into crane auth login, or, in a job that
// builds with BuildKit (whose image has no crane), into the guide's
// ~/.docker/config.json, which buildctl reads. A password on standard
// input (echo "$P" | docker login --password-stdin, < file, <<< "$P")
// becomes -p, as in the guide.
func rewriteLogin(cmd DockerCmd, ctx Context) Result {
	flags, ops, err := parseFlags(cmd.Args, loginFlags(), true)
	if err != nil || len(ops) > 1 {
		return Result{Action: Manual, Note: "docker login [-u USER -p PASSWORD] [REGISTRY] was expected"}
	}
	var user, pass string
	stdin := false
	for _, f := range flags {
		switch f.Name {
		case "username":
			user = f.Raw
		case "password":
			pass = f.Raw
		case "password-stdin":
			stdin = true
		}
	}
	if ctx.pushesOnlyOthersBuilds() {
		return Result{Action: Delete, Note: "nothing in this job uses a registry any more"}
	}
	start := cmd.Start
	if stdin {
		pass = stdinPassword(cmd)
		if pass != "" && cmd.Input != nil {
			start = cmd.InputStart
		}
	}
	if user == "" || pass == "" {
		return Result{Action: Manual, Note: "an interactive docker login: give the user and password (-u USER -p PASSWORD), from CI/CD variables"}
	}
	registry := ""
	if len(ops) == 1 {
		registry = ops[0].Raw
	}
	if ctx.BuildKit {
		if a, ok := configLogin(user, pass, registry); ok {
			return Result{Action: Replace, Start: start, End: cmd.End, Lines: []string{configJSON([]configAuth{a})}, auth: &a,
				Note: "moby/buildkit:rootless has no crane, and BuildKit reads ~/.docker/config.json (the guide's section 2)"}
		}
	}
	if registry == "" {
		registry = "index.docker.io" // docker login's default: Docker Hub
	}
	return Result{Action: Replace, Start: start, End: cmd.End, Tool: ToolCrane,
		Lines: []string{"crane auth login -u " + user + " -p " + pass + " " + tidy(registry)}}
}

// stdinPassword returns, as shell text, what docker login --password-stdin
// reads: the argument of an echo or printf '%s' piped in, the output of
// another command piped in, a file (<) or a here-string (<<<). It is ""
// when nothing feeds the command.
func stdinPassword(cmd DockerCmd) string {
	for i := 0; i+1 < len(cmd.Redirects); i += 2 {
		switch cmd.Redirects[i].Op {
		case "<":
			return `"$(cat ` + cmd.Redirects[i+1].Raw + `)"`
		case "<<<":
			return cmd.Redirects[i+1].Raw
		}
	}
	in := cmd.Input
	if len(in) == 0 {
		return ""
	}
	args := in[1:]
	switch in[0].Value {
	case "echo":
		for len(args) > 0 && (args[0].Value == "-n" || args[0].Value == "-e" || args[0].Value == "-ne" || args[0].Value == "-en") {
			args = args[1:]
		}
		if len(args) == 1 {
			return args[0].Raw
		}
	case "printf":
		if len(args) == 2 && (args[0].Value == "%s" || args[0].Value == `%s\n`) {
			return args[1].Raw
		}
	}
	// Any other command: $(...) drops the trailing newline, as docker login does.
	return `"$(` + joinRaw(in) + `)"`
}

// configAuth is one registry's entry in the guide's ~/.docker/config.json:
// the registry's key and the user and password, as shell text.
type configAuth struct{ registry, user, pass string }

// configLogin gives the guide's section 2 entry for a docker login. The
// registry goes inside a double-quoted string, so it must be plain text or
// variables.
func configLogin(user, pass, registry string) (configAuth, bool) {
	reg := tidy(registry)
	switch unquote(registry) {
	case "", "docker.io", "index.docker.io", "registry-1.docker.io":
		reg = "https://index.docker.io/v1/" // the key the docker CLI uses for Docker Hub
	default:
		if !safe(reg) {
			return configAuth{}, false
		}
	}
	return configAuth{reg, user, pass}, true
}

// configJSON writes the guide's ~/.docker/config.json with the auths of
// one or more registries: the file is written whole, so a job that logs
// in to several registries writes them all at once.
func configJSON(auths []configAuth) string {
	return "mkdir -p ~/.docker && " + configEcho(auths)
}

// configEcho is the echo that writes the config.json itself. The base64
// goes through tr: it wraps at 76 columns, and a long token (GitLab 19's
// job tokens are JWTs) would break the JSON.
func configEcho(auths []configAuth) string {
	var entries []string
	for _, a := range auths {
		entries = append(entries, fmt.Sprintf(`\"%s\":{\"auth\":\"$(echo -n %s:%s | base64 | tr -d '\n')\"}`, a.registry, a.user, a.pass))
	}
	return `echo "{\"auths\":{` + strings.Join(entries, ",") + `}}" > ~/.docker/config.json`
}

// ProjectRegistryConfig is the guide's section 2 step that writes the
// project registry's job credentials into ~/.docker/config.json, which
// BuildKit reads (after mkdir -p ~/.docker).
func ProjectRegistryConfig() string {
	return configEcho([]configAuth{{"$CI_REGISTRY", "$CI_REGISTRY_USER", "$CI_REGISTRY_PASSWORD"}})
}

// base64Command finds a base64 encoder in shell text: coreutils' or
// busybox's base64 (wraps at 76 columns) or openssl's (wraps at 64), with
// the options that follow it.
var base64Command = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[\s|(;&` + "`" + `])(?:openssl\s+)?base64((?:\s+-[-\w]+(?:=\S*)?)*)`)
})

// trAfter matches a pipe into tr -d right after a command.
var trAfter = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*\|\s*tr\s+-d\b`) })

// UnwrappedAuth returns cmd with | tr -d '\n' after each base64 that
// encodes a Docker config's auth and wraps its output, and whether it
// changed anything. Only a command that writes the config's JSON ("auths"
// or config.json) is looked at. A user:token pair longer than 57 bytes
// (GitLab 19's job tokens are JWTs) is wrapped onto two lines, and a
// newline inside a JSON string makes the whole file unreadable.
func UnwrappedAuth(cmd string) (string, bool) {
	if !strings.Contains(cmd, "auths") && !strings.Contains(cmd, "config.json") {
		return cmd, false
	}
	var b strings.Builder
	last := 0
	for _, m := range base64Command().FindAllStringSubmatchIndex(cmd, -1) {
		if !wraps(cmd[m[2]:m[3]]) || trAfter().MatchString(cmd[m[1]:]) {
			continue
		}
		b.WriteString(cmd[last:m[1]])
		b.WriteString(` | tr -d '\n'`)
		last = m[1]
	}
	if last == 0 {
		return cmd, false
	}
	b.WriteString(cmd[last:])
	return b.String(), true
}

// wraps reports whether a base64 command with these options encodes with
// line wrapping: it decodes with -d, and -w 0 or openssl's -A keep one line.
func wraps(opts string) bool {
	for _, o := range strings.Fields(opts) {
		switch {
		case o == "-d", o == "-D", o == "--decode", o == "-A",
			strings.HasPrefix(o, "-w"), strings.HasPrefix(o, "--wrap"):
			return false
		}
	}
	return true
}
