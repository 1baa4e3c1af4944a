package lint

import (
	"strings"

	"github.com/ci-doctor/ci-doctor/edit"
	"github.com/ci-doctor/ci-doctor/rewrite"
)

func init() {
	ruleByID["crane-without-auth"].check = checkCraneAuth
	ruleByID["crane-not-installed"].check = checkCraneInstalled
}

// CraneLogin is the guide's authentication step for the GitLab registry.
const CraneLogin = "crane auth login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY"

// lacksCrane reports whether the job calls crane in an image that does not
// have it (its name does not say crane) and installs it nowhere. An image
// named through a variable the file does not set is given the benefit of
// the doubt.
func (v *jobView) lacksCrane() bool {
	if len(v.uses("crane")) == 0 || strings.Contains(v.imageName, "crane") || strings.Contains(v.imageName, "$") {
		return false
	}
	for _, c := range v.cmds {
		if strings.Contains(c.Text, "go-containerregistry") {
			return false
		}
	}
	return true
}

func checkCraneInstalled(c *checker, v *jobView) {
	if !v.lacksCrane() {
		return
	}
	cmd := v.uses("crane")[0]
	line, col := lineOf(cmd, "crane")
	image := v.shownImage()
	c.report(v, "crane-not-installed", cmd.File, line, col,
		"crane is not in "+image+" and the job does not install it: add the platform guide's install line before it",
		func() ([]edit.Edit, string) { return insertCommand(cmd, rewrite.CraneInstall) })
}

// craneRegistryCommands are the crane subcommands that talk to a registry.
var craneRegistryCommands = []string{"copy", "cp", "export", "pull", "push", "append", "mutate",
	"manifest", "digest", "config", "blob", "ls", "catalog", "tag", "delete", "flatten", "rebase", "index", "validate"}

// authenticated reports whether the job logs in to a registry before
// command i: crane auth login, docker login, a written docker config, or
// DOCKER_AUTH_CONFIG.
func (v *jobView) authenticatedBefore(i int) bool {
	if val, _ := v.variable("DOCKER_AUTH_CONFIG"); val != "" {
		return true
	}
	for _, cmd := range v.cmds[:i] {
		t := cmd.Text
		if strings.Contains(t, "crane auth login") || strings.Contains(t, "docker login") || strings.Contains(t, ".docker/config.json") {
			return true
		}
	}
	return false
}

// privateRef reports whether a crane command names an image that is likely
// private: one from a variable ($CI_REGISTRY_IMAGE, $BUILD_IMAGE).
func privateRef(text string) bool { return strings.Contains(text, "$") }

// firstUnauthenticatedCrane returns the index of the first crane command
// that reaches a private registry with no login before it, or -1.
func (v *jobView) firstUnauthenticatedCrane() int {
	for i, cmd := range v.cmds {
		at := commandWord(cmd.Text, "crane")
		if at < 0 || cmd.Section == "after_script" {
			continue
		}
		words := strings.Fields(cmd.Text[at:])
		if len(words) < 2 || !contains(craneRegistryCommands, words[1]) || !privateRef(cmd.Text[at:]) {
			continue
		}
		if v.authenticatedBefore(i) {
			return -1
		}
		return i
	}
	return -1
}

func checkCraneAuth(c *checker, v *jobView) {
	i := v.firstUnauthenticatedCrane()
	if i < 0 {
		return
	}
	cmd := v.cmds[i]
	line, col := lineOf(cmd, "crane")
	c.report(v, "crane-without-auth", cmd.File, line, col,
		"crane reaches the registry without logging in: add `"+CraneLogin+"` before it",
		func() ([]edit.Edit, string) { return insertCommand(cmd, CraneLogin) })
}
