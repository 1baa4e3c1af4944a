package lint

import (
	"regexp"
	"strings"
	"sync"

	"github.com/ci-doctor/ci-doctor/ciconfig"
	"github.com/ci-doctor/ci-doctor/edit"
)

func init() {
	ruleByID["buildctl-without-daemon"].check = checkBuildctl
	ruleByID["buildkit-missing-sandbox-flag"].check = checkSandboxFlag
	ruleByID["buildkit-missing-entrypoint"].check = checkEntrypoint
	ruleByID["buildkit-wrong-image"].check = checkBuildKitImage
}

// lacksBuildKit returns the BuildKit command the job calls in an image
// without BuildKit, or "". An image named through a variable the file
// does not set is given the benefit of the doubt.
func (v *jobView) lacksBuildKit() string {
	if strings.Contains(v.imageName, "buildkit") || strings.Contains(v.imageName, "$") {
		return ""
	}
	for _, tool := range []string{"buildctl-daemonless.sh", "buildctl"} {
		if len(v.uses(tool)) > 0 {
			return tool
		}
	}
	return ""
}

// checkBuildKitImage reports a BuildKit command in an image that has no
// BuildKit. The image is replaced only when it serves nothing else: a
// docker image, which is useless without a daemon anyway. Any other image
// runs the job's other commands, which the BuildKit image does not have:
// the build goes into a job of its own (one job, one image).
func checkBuildKitImage(c *checker, v *jobView) {
	tool := v.lacksBuildKit()
	if tool == "" || v.startsBuildkitd() {
		return
	}
	cmd := v.uses(tool)[0]
	line, col := lineOf(cmd, tool)
	image := v.shownImage()
	fix := noteOnly("move the build into a job of its own with image moby/buildkit:rootless (entrypoint ['sh', '-c']), which has BuildKit but not the tools of " + image + "'s other commands; pass files to it with artifacts and needs:")
	if dockerImage().MatchString(v.imageName) {
		fix = func() ([]edit.Edit, string) { return setImage(v, buildkitImage) }
	}
	c.report(v, "buildkit-wrong-image", cmd.File, line, col, tool+" runs in "+image+", which has no BuildKit", fix)
}

// The guide's settings for BuildKit rootless on these runners.
const (
	sandboxFlag       = "--oci-worker-no-process-sandbox"
	buildkitImageName = "moby/buildkit"
)

var dockerBuild = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bdocker\s+(?:buildx\s+|image\s+)?build\b`) })

// buildsImage reports whether the job builds an image, with docker or BuildKit.
func (v *jobView) buildsImage() bool {
	for _, cmd := range v.cmds {
		if dockerBuild().MatchString(cmd.Text) || commandWord(cmd.Text, "buildctl") >= 0 || commandWord(cmd.Text, "buildctl-daemonless.sh") >= 0 {
			return true
		}
	}
	return false
}

// startsBuildkitd reports whether the job runs its own daemon (or points
// buildctl at one), in which case plain buildctl is fine.
func (v *jobView) startsBuildkitd() bool {
	if val, _ := v.variable("BUILDKIT_HOST"); val != "" {
		return true
	}
	for _, cmd := range v.cmds {
		if commandWord(cmd.Text, "buildkitd") >= 0 || commandWord(cmd.Text, "rootlesskit") >= 0 || strings.Contains(cmd.Text, "--addr") {
			return true
		}
	}
	return false
}

func checkBuildctl(c *checker, v *jobView) {
	if v.startsBuildkitd() {
		return
	}
	for _, cmd := range v.uses("buildctl") {
		line, col := lineOf(cmd, "buildctl")
		cmd := cmd
		c.report(v, "buildctl-without-daemon", cmd.File, line, col,
			"buildctl needs a running buildkitd, and none runs here: use buildctl-daemonless.sh, which starts one for the build",
			func() ([]edit.Edit, string) {
				return replaceOnLine(cmd.File, line, "buildctl", "buildctl-daemonless.sh")
			})
	}
}

func checkSandboxFlag(c *checker, v *jobView) {
	cmds := v.uses("buildctl-daemonless.sh")
	if len(cmds) == 0 && !v.startsBuildkitd() {
		cmds = v.uses("buildctl") // it will become buildctl-daemonless.sh
	}
	if len(cmds) == 0 {
		return
	}
	flags, _ := v.variable("BUILDKITD_FLAGS")
	if strings.Contains(flags, sandboxFlag) {
		return
	}
	value := sandboxFlag
	if strings.TrimSpace(flags) != "" {
		value = strings.TrimSpace(flags) + " " + sandboxFlag
	}
	line, col := lineOf(cmds[0], "buildctl")
	c.report(v, "buildkit-missing-sandbox-flag", cmds[0].File, line, col,
		"rootless BuildKit cannot create its sandbox without privileges: set BUILDKITD_FLAGS: "+sandboxFlag,
		func() ([]edit.Edit, string) { return setVariable(v, "BUILDKITD_FLAGS", value) })
}

func checkEntrypoint(c *checker, v *jobView) {
	if v.image == nil || !strings.HasPrefix(strings.TrimPrefix(v.imageName, "docker.io/"), buildkitImageName) {
		return
	}
	if v.image.Map != nil && v.image.Map.Get("entrypoint") != nil {
		return
	}
	at := v.image.Value
	if v.image.Map != nil {
		at = v.image.Map.Get("name").Value
	}
	c.report(v, "buildkit-missing-entrypoint", v.image.File, at.Line, at.Column,
		"the BuildKit image's entrypoint is rootlesskit, not a shell: add entrypoint: ['sh', '-c'] so that the script runs",
		func() ([]edit.Edit, string) { return shellEntrypoint(v.image) })
}

// shellEntrypoint adds entrypoint: ['sh', '-c'] to an image: entry.
func shellEntrypoint(img *ciconfig.Entry) ([]edit.Edit, string) {
	if !blockEntry(img) || itemStart(img) {
		return nil, unsureFlow
	}
	f := img.File
	if img.Map == nil {
		line := img.Line()
		ind := indent(f, line)
		text := ind + "image:\n" + ind + "  name: " + img.Value.Value + "\n" + ind + "  entrypoint: ['sh', '-c']"
		if img.Value.Line != line {
			return nil, unsureFlow
		}
		return []edit.Edit{edit.Replace(f.Path, line, line, f.Line(line), text)}, ""
	}
	name := img.Map.Get("name")
	if name == nil || !blockEntry(name) || name.File != f {
		return nil, unsureFlow
	}
	return []edit.Edit{edit.Insert(f.Path, name.Line()+1, indent(f, name.Line())+"entrypoint: ['sh', '-c']")}, ""
}
