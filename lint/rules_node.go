package lint

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/ci-doctor/ci-doctor/edit"
	"github.com/ci-doctor/ci-doctor/rewrite"
)

func init() {
	ruleByID["node-version-mismatch"].check = checkNodeVersion
}

var (
	localDockerfile = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`--local\s+dockerfile=(\S+)`) })
	optFilename     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`--opt\s+filename=(\S+)`) })
	dockerFileFlag  = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\bdocker\s+(?:buildx\s+|image\s+)?build\b.*?(?:-f|--file)[= ](\S+)`)
	})
)

// dockerfile finds the Dockerfile the configuration builds: the first
// build command's --local dockerfile= and --opt filename= (BuildKit) or
// -f (docker), else "Dockerfile" at the root.
func (c *checker) dockerfile() string {
	for _, j := range c.cfg.Jobs {
		for _, cmd := range j.Commands() {
			t := cmd.Text
			if m := localDockerfile().FindStringSubmatch(t); m != nil {
				name := "Dockerfile"
				if f := optFilename().FindStringSubmatch(t); f != nil {
					name = f[1]
				}
				return path.Clean(path.Join(m[1], name))
			}
			if m := dockerFileFlag().FindStringSubmatch(t); m != nil {
				return path.Clean(strings.Trim(m[1], `"'`))
			}
		}
	}
	return "Dockerfile"
}

func checkNodeVersion(c *checker, v *jobView) {
	major := rewrite.NodeMajor(v.imageName)
	if major == "" || len(v.uses("crane")) == 0 || !strings.Contains(commandsText(v), "crane export") || c.opts.ReadFile == nil {
		return
	}
	name := c.dockerfile()
	src, err := c.opts.ReadFile(name)
	if err != nil {
		return
	}
	var from *rewrite.From
	for _, f := range rewrite.ParseDockerfile(src) {
		if rewrite.NodeMajor(f.Image) != "" {
			f := f
			from = &f
		}
	}
	if from == nil {
		return
	}
	want := rewrite.NodeMajor(from.Image)
	if want == major {
		return
	}
	at := v.image.Value
	if v.image.Map != nil {
		at = v.image.Map.Get("name").Value
	}
	// The Dockerfile's own image is the best match: same version and same
	// C library (a module built on alpine's musl does not load on glibc).
	newImage := from.Image
	if strings.Contains(newImage, "$") {
		newImage = nodeImage(v.imageName, major, want)
	}
	c.report(v, "node-version-mismatch", v.image.File, at.Line, at.Column,
		fmt.Sprintf("image %s runs the app that %s:%d builds FROM %s: native modules built for Node.js %s do not load in Node.js %s (NODE_MODULE_VERSION); use %s",
			v.imageName, name, from.Line, from.Image, want, major, newImage),
		func() ([]edit.Edit, string) { return setNodeImage(v, at.Line, newImage) })
}

// setNodeImage writes the new image over the old one. An Alpine image has
// no curl: the guide's crane install line then downloads with wget.
func setNodeImage(v *jobView, line int, newImage string) ([]edit.Edit, string) {
	edits, note := replaceOnLine(v.image.File, line, v.imageName, newImage)
	if edits == nil || !alpineImage(newImage) {
		return edits, note
	}
	for _, cmd := range v.cmds {
		if cmd.Text == rewrite.CraneInstall && cmd.Start == cmd.End {
			e, note := replaceOnLine(cmd.File, cmd.Start, rewrite.CraneInstall, rewrite.CraneInstallWget)
			if e == nil {
				return nil, note
			}
			edits = append(edits, e...)
		}
	}
	return edits, ""
}

// nodeImage changes the major version in a node image's tag, keeping the
// rest: node:22-bookworm becomes node:20-bookworm.
func nodeImage(image, from, to string) string {
	i := strings.LastIndexByte(image, ':')
	if i < 0 {
		return image
	}
	tag := image[i+1:]
	if strings.HasPrefix(tag, from) {
		return image[:i+1] + to + tag[len(from):]
	}
	return image[:i+1] + to
}

func commandsText(v *jobView) string {
	var b strings.Builder
	for _, c := range v.cmds {
		b.WriteString(c.Text + "\n")
	}
	return b.String()
}
