package rewrite

import (
	"encoding/csv"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"
)

// Build is what a docker build (or buildx build) command asks for. Every
// field is shell text as the user wrote it, quotes kept, so that it can go
// back into a script unchanged; only the pieces cut out of a longer value
// (a platform of a list, a name in --output) are quoted anew.
type Build struct {
	// Context is the build context directory.
	Context string
	// Dockerfile is the -f/--file path, "" for CONTEXT/Dockerfile.
	Dockerfile string
	// Tags are the -t/--tag names, in order (and the names of an
	// --output type=image,name=...).
	Tags []string
	// BuildArgs are the --build-arg values, K=V or K, in order.
	BuildArgs []string
	// Target is the --target stage.
	Target string
	// Platforms are the --platform values, split at their commas.
	Platforms []string
	// Push is set by buildx's --push and by --output type=registry (or
	// type=image,push=true).
	Push bool
	// CacheFrom and CacheTo are the --cache-from and --cache-to values: an
	// image reference or a BuildKit cache spec (type=registry,ref=...).
	// --build-arg BUILDKIT_INLINE_CACHE=1 is the cache-to type=inline.
	CacheFrom []string
	CacheTo   []string
	// Labels are the --label values, K=V.
	Labels []string
	// Secrets are the --secret values (id=x,src=path), which buildctl
	// takes as they are.
	Secrets []string
	// NoCache is --no-cache.
	NoCache bool
	// Unknown are the flags (with their values) that have no buildctl
	// translation here, as written; the rewrite leaves them out and says so.
	Unknown []string
}

// buildFlags are docker build's and buildx build's flags. The ones that
// ParseBuild neither translates nor drops end in Build.Unknown.
var buildFlags = sync.OnceValue(func() flagSpec {
	return newSpec(
		"t,tag=", "f,file=", "build-arg=", "target=", "platform=", "push", "o,output=",
		"cache-from=", "cache-to=", "label=", "secret=", "no-cache",
		// Dropped: they are about the local daemon, or BuildKit's default.
		"load", "pull", "q,quiet", "rm", "force-rm", "progress=", "builder=", "disable-content-trust",
		// Untranslated, listed so that their values are not taken for the
		// build context.
		"add-host=", "allow=", "annotation=", "attest=", "build-context=", "call=", "cgroup-parent=",
		"cpu-period=", "cpu-quota=", "c,cpu-shares=", "cpuset-cpus=", "cpuset-mems=", "iidfile=",
		"isolation=", "m,memory=", "memory-swap=", "metadata-file=", "network=", "no-cache-filter=",
		"provenance=", "sbom=", "security-opt=", "shm-size=", "ssh=", "ulimit=", "squash", "compress", "check")
})

// droppedBuildFlags change nothing once the build runs in BuildKit without
// a daemon: there is no local image store to load into, and every job
// starts with an empty cache, so base images are always pulled.
var droppedBuildFlags = map[string]bool{"load": true, "pull": true, "quiet": true, "rm": true,
	"force-rm": true, "progress": true, "builder": true, "disable-content-trust": true}

// ParseBuild reads the arguments of a docker build (the words after
// "build"). It fails on what cannot become a buildctl command at all: no
// context, several, a context or Dockerfile read from standard input, a
// remote context, a flag without its value.
func ParseBuild(args []Word) (Build, error) {
	flags, operands, err := parseFlags(args, buildFlags(), true)
	if err != nil {
		return Build{}, fmt.Errorf("reading docker build: %w", err)
	}
	var b Build
	for _, f := range flags {
		switch {
		case !f.Known:
			b.Unknown = append(b.Unknown, f.Text)
		case f.Name == "tag":
			b.Tags = append(b.Tags, f.Raw)
		case f.Name == "file":
			if f.Value == "-" {
				return Build{}, errors.New("a Dockerfile read from standard input (-f -) cannot be translated")
			}
			b.Dockerfile = f.Raw
		case f.Name == "build-arg":
			if name, v, _ := strings.Cut(f.Value, "="); name == "BUILDKIT_INLINE_CACHE" && v != "0" && v != "" {
				b.addCacheTo("type=inline")
				continue
			}
			b.BuildArgs = append(b.BuildArgs, f.Raw)
		case f.Name == "target":
			b.Target = f.Raw
		case f.Name == "platform":
			for _, p := range strings.Split(f.Value, ",") {
				if p != "" {
					b.Platforms = append(b.Platforms, shellQuote(p))
				}
			}
		case f.Name == "push":
			b.Push = true
		case f.Name == "output":
			if !b.output(f.Value) {
				b.Unknown = append(b.Unknown, f.Text)
			}
		case f.Name == "cache-from":
			b.CacheFrom = append(b.CacheFrom, f.Raw)
		case f.Name == "cache-to":
			b.addCacheTo(f.Raw)
		case f.Name == "label":
			b.Labels = append(b.Labels, f.Raw)
		case f.Name == "secret":
			b.Secrets = append(b.Secrets, f.Raw)
		case f.Name == "no-cache":
			b.NoCache = true
		case !droppedBuildFlags[f.Name]:
			b.Unknown = append(b.Unknown, f.Text)
		}
	}
	switch {
	case len(operands) == 0:
		return Build{}, errors.New("docker build without a build context")
	case len(operands) > 1:
		return Build{}, fmt.Errorf("docker build with several build contexts: %s", joinRaw(operands))
	case operands[0].Value == "-":
		return Build{}, errors.New("a build context read from standard input (-) cannot be translated")
	case remoteContext(operands[0].Value):
		return Build{}, fmt.Errorf("a remote build context (%s) is not translated: clone it, then build the directory", operands[0].Raw)
	}
	b.Context = operands[0].Raw
	return b, nil
}

// addCacheTo adds a cache export once.
func (b *Build) addCacheTo(spec string) {
	for _, c := range b.CacheTo {
		if c == spec {
			return
		}
	}
	b.CacheTo = append(b.CacheTo, spec)
}

// output reads an --output value and reports whether it is one that
// buildctl's image output covers: type=registry, type=image (with its
// name and push), type=docker (the local daemon: dropped).
func (b *Build) output(v string) bool {
	attrs := map[string]string{}
	for _, kv := range strings.Split(v, ",") {
		k, val, _ := strings.Cut(kv, "=")
		attrs[k] = val
	}
	switch attrs["type"] {
	case "registry":
		b.Push = true
	case "image":
		b.Push = b.Push || attrs["push"] == "true"
	case "docker":
		return true
	default:
		return false
	}
	if n := attrs["name"]; n != "" {
		b.Tags = append(b.Tags, shellQuote(n))
	}
	return true
}

// remoteContext reports whether a build context is a URL or a Git remote.
func remoteContext(v string) bool {
	for _, p := range []string{"http://", "https://", "git://", "git@", "github.com/"} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

// joinRaw writes words back as shell text.
func joinRaw(words []Word) string {
	s := make([]string, len(words))
	for i, w := range words {
		s[i] = w.Raw
	}
	return strings.Join(s, " ")
}

// Buildctl renders the build as the guide's command (its sections 1, 3
// and 6), as lines: "buildctl-daemonless.sh build", then one option per
// line, for the caller to lay out in YAML (a plain scalar over several
// lines, which YAML folds into one shell line) or to join with spaces.
//
// The image is pushed when push (the job pushes it later) or b.Push is
// set. Several tags become one output with several names, which BuildKit
// reads as a CSV field, so the field is quoted inside the option and the
// quotes escaped for the shell: type=image,\"name=A,B\",push=true (as in
// BuildKit's README). A build without tags gets no output: it only checks
// that the image builds. A registry cache import comes with an inline
// cache export, as in the guide's section 3, so that the pushed image
// feeds the next build's cache.
func (b Build) Buildctl(push bool) []string {
	lines := []string{"buildctl-daemonless.sh build", "--frontend dockerfile.v0", "--local context=" + b.Context}
	dir, file := b.dockerfile()
	lines = append(lines, "--local dockerfile="+dir)
	if file != "" {
		lines = append(lines, "--opt filename="+file)
	}
	if b.Target != "" {
		lines = append(lines, "--opt target="+b.Target)
	}
	for _, a := range b.BuildArgs {
		if !strings.Contains(unquote(a), "=") {
			// --build-arg K passes K from the environment.
			a += `="$` + unquote(a) + `"`
		}
		lines = append(lines, "--opt build-arg:"+a)
	}
	if len(b.Platforms) > 0 {
		lines = append(lines, "--opt platform="+strings.Join(b.Platforms, ","))
	}
	for _, l := range b.Labels {
		lines = append(lines, "--opt label:"+l)
	}
	if b.NoCache {
		lines = append(lines, "--opt no-cache=")
	}
	for _, s := range b.Secrets {
		lines = append(lines, "--secret "+s)
	}
	registryCache := false
	for _, c := range b.CacheFrom {
		if !strings.Contains(unquote(c), "type=") {
			c, registryCache = "type=registry,ref="+tidy(c), true
		} else if strings.Contains(unquote(c), "type=registry") {
			registryCache = true
		}
		lines = append(lines, "--import-cache "+c)
	}
	cacheTo := b.CacheTo
	if registryCache && len(cacheTo) == 0 {
		cacheTo = []string{"type=inline"}
	}
	for _, c := range cacheTo {
		if !strings.Contains(unquote(c), "type=") {
			c = "type=registry,ref=" + tidy(c)
		}
		lines = append(lines, "--export-cache "+c)
	}
	if len(b.Tags) > 0 {
		out := "--output type=image," + outputNames(b.Tags)
		if push || b.Push {
			out += ",push=true"
		}
		lines = append(lines, out)
	}
	return lines
}

// outputNames writes the name attribute of an image output.
func outputNames(tags []string) string {
	if len(tags) == 1 {
		return "name=" + tidy(tags[0])
	}
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i] = tidy(t)
	}
	return `\"name=` + strings.Join(names, ",") + `\"`
}

// dockerfile returns the directory of the Dockerfile (the "dockerfile"
// local) and its file name when that is not "Dockerfile". Without -f,
// Docker reads CONTEXT/Dockerfile; a -f path is relative to the current
// directory, as buildctl's --local is. A path held in a variable is split
// by the shell, with dirname and basename.
func (b Build) dockerfile() (dir, file string) {
	if b.Dockerfile == "" {
		return b.Context, ""
	}
	v := unquote(b.Dockerfile)
	d, f := ".", v
	if i := strings.LastIndexByte(v, '/'); i >= 0 {
		d, f = path.Clean(v[:i+1]), v[i+1:]
	}
	if strings.ContainsAny(d, "$`") || isVarRef(f) {
		return "$(dirname " + b.Dockerfile + ")", "$(basename " + b.Dockerfile + ")"
	}
	if f == "Dockerfile" {
		f = ""
	}
	if f != "" {
		f = shellQuote(f)
	}
	return shellQuote(d), f
}

// isVarRef reports whether v is exactly one variable reference: $X or ${X}.
func isVarRef(v string) bool {
	switch {
	case strings.HasPrefix(v, "${") && strings.HasSuffix(v, "}"):
		return isName(v[2 : len(v)-1])
	case strings.HasPrefix(v, "$"):
		return isName(v[1:])
	}
	return false
}

// BuildctlPushes returns the names that a buildctl command line (buildctl
// or buildctl-daemonless.sh build) pushes: those of its image outputs with
// push=true. The output is a CSV field list, as Buildctl writes it. The
// build may come after other words of the line (a retry loop's for ... do).
func BuildctlPushes(line string) []string {
	words := Words(line)
	start := slices.IndexFunc(words, func(w Word) bool { return strings.HasPrefix(path.Base(w.Value), "buildctl") })
	if start < 0 {
		return nil
	}
	var out []string
	for i := start; i < len(words); i++ {
		w := words[i]
		spec, ok := strings.CutPrefix(w.Value, "--output=")
		if w.Value == "--output" && i+1 < len(words) {
			spec, ok = words[i+1].Value, true
		}
		if !ok {
			continue
		}
		fields, err := csv.NewReader(strings.NewReader(spec)).Read()
		if err != nil || !slices.Contains(fields, "push=true") {
			continue
		}
		for _, f := range fields {
			if names, ok := strings.CutPrefix(f, "name="); ok {
				out = append(out, strings.Split(names, ",")...)
			}
		}
	}
	return out
}
