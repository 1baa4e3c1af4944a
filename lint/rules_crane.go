package lint

import (
	"slices"
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
		if installsCrane(c.Text) {
			return false
		}
	}
	return true
}

// checkCraneInstalled reports crane called in an image without it. The fix
// is the guide's install line, unless the image is Docker's own, which is
// useless here anyway (and has no curl): a job that only runs crane then
// runs in crane's image.
func checkCraneInstalled(c *checker, v *jobView) {
	if !v.lacksCrane() {
		return
	}
	cmd := v.uses("crane")[0]
	line, col := lineOf(cmd, "crane")
	image := v.shownImage()
	msg := "crane is not in " + image + " and the job does not install it: add the platform guide's install line before it"
	install := rewrite.CraneInstall
	if v.alpine() {
		msg += ", with wget for curl, which " + image + " does not have"
		install = rewrite.CraneInstallWget
	}
	fix := func() ([]edit.Edit, string) { return insertCommand(cmd, install) }
	if dockerImage().MatchString(v.imageName) && v.onlyCrane() {
		msg = "crane is not in " + image + ": the job only runs crane, use " + craneImage.name
		fix = func() ([]edit.Edit, string) { return useCraneImage(v) }
	}
	c.report(v, "crane-not-installed", cmd.File, line, col, msg, fix)
}

// alpine reports whether the job's image is Alpine's or built on it
// (alpineImage).
func (v *jobView) alpine() bool { return alpineImage(v.imageName) }

// alpineImage reports whether an image is Alpine's or built on it, as
// Docker's own image is: busybox gives it wget, and it has no curl.
func alpineImage(name string) bool {
	return dockerImage().MatchString(name) || strings.Contains(name, "alpine")
}

// lacksCurl reports whether the job calls curl in an Alpine image and
// installs it nowhere (apk add curl).
func (v *jobView) lacksCurl() bool {
	if !v.alpine() || len(v.uses("curl")) == 0 {
		return false
	}
	for _, c := range v.cmds {
		if strings.Contains(c.Text, "apk add") && slices.Contains(strings.Fields(c.Text), "curl") {
			return false
		}
	}
	return true
}

// lacksCloudCLI returns the cloud CLI (aws, gcloud, az) that the job calls
// in BuildKit's or crane's image, which have none and cannot install one
// (BuildKit's runs as a user without root, crane's has no package
// manager); "" otherwise.
func (v *jobView) lacksCloudCLI() string {
	if !strings.Contains(v.imageName, buildkitImageName) && !strings.Contains(v.imageName, "go-containerregistry/crane") {
		return ""
	}
	for _, tool := range []string{"aws", "gcloud", "az"} {
		if len(v.uses(tool)) > 0 {
			return tool
		}
	}
	return ""
}

// installsCrane reports whether a command downloads crane's release.
func installsCrane(text string) bool { return strings.Contains(text, "go-containerregistry") }

// onlyCrane reports whether the job's commands are crane's, its
// installation, or what any shell does (echo, cd...): the job can run in
// crane's image, whose busybox shell has little else.
func (v *jobView) onlyCrane() bool {
	if len(v.uses("crane")) == 0 {
		return false
	}
	for _, cmd := range v.cmds {
		if !trivialCommand(cmd.Text) && commandWord(cmd.Text, "crane") != 0 && !installsCrane(cmd.Text) {
			return false
		}
	}
	return true
}

// useCraneImage gives the job crane's image and takes out the lines that
// installed crane, which that image has (and which need curl, which it
// has not).
func useCraneImage(v *jobView) ([]edit.Edit, string) {
	edits, note := setImage(v, craneImage)
	if edits == nil {
		return nil, note
	}
	for _, cmd := range v.cmds {
		if !installsCrane(cmd.Text) {
			continue
		}
		e, note := replaceCommand(cmd, rewrite.LineResult{Old: cmd.Text, Deleted: true}, false)
		if e == nil {
			return nil, note
		}
		edits = append(edits, e...)
	}
	return edits, ""
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
