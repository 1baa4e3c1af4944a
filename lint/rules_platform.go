package lint

import (
	"strings"

	"github.com/ci-doctor/ci-doctor/ciconfig"
	"github.com/ci-doctor/ci-doctor/edit"
	"github.com/ci-doctor/ci-doctor/rewrite"
)

func init() {
	ruleByID["buildkit-missing-platform"].check = checkPlatform
	ruleByID["buildkit-push-without-auth"].check = checkBuildkitPushAuth
}

// Platforms is what the guide builds for when the runner's architecture is
// not known: both, so that any runner can run the image.
const Platforms = "linux/amd64,linux/arm64"

// checkPlatform looks at every BuildKit build of the configuration, not
// only the job's: the job that fails with "exec format error" is usually
// the one that runs the image, not the one that built it.
func checkPlatform(c *checker, v *jobView) {
	for _, j := range c.cfg.Jobs {
		jv := v
		if j != v.job {
			jv = newJobView(c, j)
		}
		for _, cmd := range jv.uses("buildctl-daemonless.sh") {
			if strings.Contains(cmd.Text, "platform=") {
				continue
			}
			line, col := lineOf(cmd, "buildctl-daemonless.sh")
			cmd := cmd
			c.report(jv, "buildkit-missing-platform", cmd.File, line, col,
				"the image is built for the builder's architecture only: add --opt platform="+Platforms+" (or the platform of the runners that run it)",
				func() ([]edit.Edit, string) { return addOption(cmd, "--opt platform="+Platforms) })
		}
	}
}

// addOption adds an option to a buildctl command: on a line of its own
// when the command spans lines, as in the guide, else before --output.
func addOption(cmd ciconfig.Command, opt string) ([]edit.Edit, string) {
	f := cmd.File
	if cmd.End > cmd.Start && !cmd.Block {
		// Options one per line: insert after the last --local line.
		after := cmd.Start
		for l := cmd.Start + 1; l <= cmd.End; l++ {
			if strings.Contains(f.Line(l), "--local") || strings.Contains(f.Line(l), "--frontend") {
				after = l
			}
		}
		ind := indent(f, cmd.Start+1)
		return []edit.Edit{edit.Insert(f.Path, after+1, ind+opt)}, ""
	}
	for l := cmd.Start; l <= cmd.End; l++ {
		if strings.Contains(f.Line(l), " --output") {
			return replaceOnLine(f, l, " --output", " "+opt+" --output")
		}
	}
	return nil, "add " + opt + " to the build command by hand"
}

// pushesToProjectRegistry reports whether a build's output names an image
// of the project's own registry ($CI_REGISTRY_IMAGE, $CI_REGISTRY/...).
func pushesToProjectRegistry(text string) bool {
	return strings.Contains(text, "name=$CI_REGISTRY") || strings.Contains(text, "name=${CI_REGISTRY")
}

// Guide section 2: BuildKit reads the registry credentials from the
// Docker configuration file.
var dockerConfigSteps = []string{"mkdir -p ~/.docker", rewrite.ProjectRegistryConfig()}

// checkBuildkitPushAuth finds a BuildKit build that pushes to the
// project's registry with nothing before it writing the credentials
// BuildKit reads: the registry answers 401. The guide's config.json holds
// $CI_REGISTRY's job credentials, so a push elsewhere is left to the note
// of the fix that wrote the build (rewriteJob).
func checkBuildkitPushAuth(c *checker, v *jobView) {
	for i, cmd := range v.cmds {
		if commandWord(cmd.Text, "buildctl-daemonless.sh") < 0 || !strings.Contains(cmd.Text, "push=true") || !pushesToProjectRegistry(cmd.Text) {
			continue
		}
		if v.authenticatedBefore(i) {
			return
		}
		line, col := lineOf(cmd, "buildctl-daemonless.sh")
		cmd := cmd
		c.report(v, "buildkit-push-without-auth", cmd.File, line, col,
			"BuildKit pushes without registry credentials: write ~/.docker/config.json first (platform guide, Registry authentication)",
			func() ([]edit.Edit, string) {
				var out []edit.Edit
				for _, step := range dockerConfigSteps {
					e, note := insertCommand(cmd, step)
					if e == nil {
						return nil, note
					}
					out = append(out, e...)
				}
				return out, ""
			})
		return
	}
}
