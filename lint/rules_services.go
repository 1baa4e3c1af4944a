package lint

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/ci-doctor/ci-doctor/ciconfig"
	"github.com/ci-doctor/ci-doctor/edit"
	"go.yaml.in/yaml/v3"
)

func init() {
	ruleByID["dind-service"].check = checkDindService
	ruleByID["docker-image"].check = checkDockerImage
	for rule, name := range daemonVariableRules {
		ruleByID[rule].check = dockerVariable(name, rule)
	}
	ruleByID["pull-policy"].check = checkPullPolicy
}

// dockerImage matches the Docker CLI images, docker:27, docker.io/library/docker:dind, and their
// copies that keep Docker Hub's path: a mirror or pull-through cache's .../library/docker
// (registry.hub.docker.com/library/docker:stable, mirror.gcr.io/library/docker) and GitLab's
// dependency proxy (${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/docker:24). Another registry's
// .../docker/docker:dind may be a copy or an image of the project's own with more tools: not
// taken.
var dockerImage = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)/|\S+/library/|library/|\$\{?CI_DEPENDENCY_PROXY_\w+\}?/|\S+/dependency_proxy/containers/)?docker(?:[:@].*)?$`)
})

// dindImage reports whether a service image is Docker-in-Docker: the
// official docker image's dind tags, any image whose name says dind
// (registry.gitlab.com/libvirt/libvirt-ci/docker-dind, a mirror's copy),
// or a dind tag of another registry's copy or image
// ($CI_REGISTRY_PULL/docker:18.09-dind, donaldrich/docker-runner:dind).
func dindImage(name string) bool {
	if dockerImage().MatchString(name) {
		return strings.Contains(name, "dind")
	}
	repo, tag, _ := strings.Cut(path.Base(name), ":")
	return strings.Contains(repo, "dind") || strings.Contains(tag, "dind")
}

// services lists the job's services: the entry and, per item, its node and name.
func services(v *jobView) (*ciconfig.Entry, []*yaml.Node) {
	e := v.job.Get("services")
	if e == nil || e.Value.Kind != yaml.SequenceNode {
		return e, nil
	}
	return e, e.Value.Content
}

// serviceName returns a service's image name and its node: the item
// itself, or its name: entry.
func serviceName(n *yaml.Node) (string, *yaml.Node) {
	if n.Kind == yaml.ScalarNode {
		return n.Value, n
	}
	if v := serviceKey(n, "name"); v != nil {
		return v.Value, v
	}
	return "", n
}

// serviceKey returns the value of a service item's key (name, command), or
// nil when the item is a bare image name or has no such key.
func serviceKey(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func checkDindService(c *checker, v *jobView) {
	seq, items := services(v)
	for _, item := range items {
		name, at := serviceName(item)
		name = v.expand(name)
		if !dindImage(name) {
			continue
		}
		itemLine := seq.File.ItemLine(item)
		fix := func() ([]edit.Edit, string) { return deleteItem(seq, itemLine) }
		if v.scriptUnread() {
			// Without the service the script's docker commands, which no
			// rule here can see or rewrite, would fail another way.
			fix = noteOnly("this job's script comes with an include that is not read locally: remove the service when the script no longer needs a Docker daemon")
		}
		if note := insecureRegistry(v); note != "" {
			fix = noteOnly(note)
		}
		if cmd := v.daemonLibrary(); cmd != "" {
			// Testcontainers and the Docker SDKs reach the daemon with no
			// docker command: the job needs one, which these runners do
			// not give it.
			fix = noteOnly("no command of this job calls docker, so the service serves another of the daemon's clients: " + cmd + " may use it (Testcontainers, a Docker SDK); run the job on a runner that allows privileged mode (privileged_tags in .ci-doctor.yml) or give it a daemon elsewhere")
		}
		c.report(v, "dind-service", seq.File, at.Line, at.Column,
			fmt.Sprintf("service %s needs privileged mode, which these runners forbid: remove it and build with BuildKit rootless", name), fix)
	}
}

// checkDockerImage reports a job that runs in Docker's image. A job that
// calls no docker command and runs none of the repository's scripts (an
// ssh deploy in docker:latest) only uses it as an Alpine shell, which these
// runners run as well: nothing is reported.
func checkDockerImage(c *checker, v *jobView) {
	if v.image == nil || !dockerImage().MatchString(v.imageName) || v.remoteDaemon() {
		return
	}
	if !v.mayCallDocker() && !v.scriptUnread() {
		return
	}
	usesDocker := len(v.uses("docker")) > 0
	at := v.image.Value
	if v.image.Map != nil {
		at = v.image.Map.Get("name").Value
	}
	builds := usesDocker && v.buildsImage()
	fix := noteOnly("use an image with the tools this job needs (crane: " + craneImage.name + ")")
	msg := fmt.Sprintf("image %s is useless without a Docker daemon", v.imageName)
	switch {
	case v.onlyCrane():
		msg += ": the job only runs crane, use " + craneImage.name
		fix = func() ([]edit.Edit, string) { return useCraneImage(v) }
	case builds:
		msg += ": build with moby/buildkit:rootless"
		fix = func() ([]edit.Edit, string) { return setImage(v, buildkitImage) }
		if note := oneImage(v, v.rewritten()); note != "" {
			// The build stays a docker build until the job is split:
			// BuildKit's image alone would not run it.
			fix = noteOnly(note)
		}
		if note := insecureRegistry(v); note != "" {
			fix = noteOnly(note)
		}
	}
	c.report(v, "docker-image", v.image.File, at.Line, at.Column, msg, fix)
}

func dockerVariable(name, rule string) func(*checker, *jobView) {
	return func(c *checker, v *jobView) {
		_, e := v.variable(name)
		if e == nil || name == "DOCKER_HOST" && v.remoteDaemon() {
			return
		}
		c.report(v, rule, e.File, e.Line(), e.KeyNode.Column,
			fmt.Sprintf("variable %s only serves a Docker daemon, which these runners do not have: remove it", name),
			func() ([]edit.Edit, string) {
				if edits := deleteAllDockerVariables(e); edits != nil {
					return edits, ""
				}
				return deleteEntry(e)
			})
	}
}

func checkPullPolicy(c *checker, v *jobView) {
	var maps []*ciconfig.Entry
	if v.image != nil && v.image.Map != nil {
		maps = append(maps, v.image)
	}
	seq, items := services(v)
	for _, item := range items {
		if item.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(item.Content); i += 2 {
				if item.Content[i].Value == "pull_policy" {
					e := &ciconfig.Entry{Key: "pull_policy", KeyNode: item.Content[i], Value: item.Content[i+1], File: seq.File}
					reportPullPolicy(c, v, e)
				}
			}
		}
	}
	for _, m := range maps {
		if e := m.Map.Get("pull_policy"); e != nil {
			reportPullPolicy(c, v, e)
		}
	}
}

func reportPullPolicy(c *checker, v *jobView, e *ciconfig.Entry) {
	c.report(v, "pull-policy", e.File, e.Line(), e.KeyNode.Column,
		"pull_policy is not allowed by the runner: remove it (the runner uses its default policy)",
		func() ([]edit.Edit, string) { return deleteEntry(e) })
}

// daemonVariableRules are the rules that remove a variable of the Docker
// daemon, each with its variable.
var daemonVariableRules = map[string]string{
	"docker-host-variable":        "DOCKER_HOST",
	"docker-tls-certdir-variable": "DOCKER_TLS_CERTDIR",
	"docker-driver-variable":      "DOCKER_DRIVER",
}

// dockerVariables are the variables that only serve a Docker daemon.
var dockerVariables = map[string]bool{"DOCKER_HOST": true, "DOCKER_TLS_CERTDIR": true, "DOCKER_DRIVER": true,
	"DOCKER_TLS_VERIFY": true, "DOCKER_CERT_PATH": true}

// deleteAllDockerVariables handles a variables: block that holds nothing
// but Docker's variables: deleting them one by one would leave
// "variables:" with nothing under it, which GitLab rejects, so the block
// becomes "variables: {}" at once. It returns nil in any other case.
func deleteAllDockerVariables(e *ciconfig.Entry) []edit.Edit {
	f := e.File
	if !blockEntry(e) || itemStart(e) {
		return nil
	}
	ind := ciconfig.IndentOf(f.Line(e.Line()))
	parent := e.Line() - 1
	for parent > 0 && (strings.TrimSpace(stripComment(f.Line(parent))) == "" || ciconfig.IndentOf(f.Line(parent)) >= ind) {
		parent--
	}
	head := strings.TrimSpace(stripComment(f.Line(parent)))
	if parent == 0 || head != "variables:" {
		return nil
	}
	_, end := f.Span(parent)
	for l := parent + 1; l <= end; l++ {
		text := f.Line(l)
		if strings.TrimSpace(stripComment(text)) == "" || ciconfig.IndentOf(text) != ind {
			continue
		}
		key, _, _ := strings.Cut(strings.TrimSpace(text), ":")
		if !dockerVariables[strings.Trim(key, `"'`)] {
			return nil
		}
	}
	return []edit.Edit{edit.Replace(f.Path, parent, end, f.Text(parent, end), strings.TrimRight(stripComment(f.Line(parent)), " ")+" {}")}
}

// insecureRegistry says why the fixes of a job that may call docker and
// whose Docker-in-Docker service trusts a registry over plain HTTP
// (command: --insecure-registry=HOST) are left to a person, or "": BuildKit
// and crane reach that registry only when told (registry.insecure=true in a
// build's --output, crane --insecure), and nothing in the file says which
// of the job's images are on that host ($CI_REGISTRY_IMAGE on
// gitlab-ci-local's local registry).
func insecureRegistry(v *jobView) string {
	if !v.mayCallDocker() {
		return ""
	}
	_, items := services(v)
	for _, item := range items {
		// The flag comes as the service's command, or inside an entrypoint
		// that starts dockerd itself, often through a variable
		// (entrypoint: [sh, -c, "dockerd-entrypoint.sh ${DOCKER_DAEMON_OPTIONS}"]).
		for _, key := range []string{"command", "entrypoint"} {
			args := serviceKey(item, key)
			if args == nil {
				continue
			}
			for _, arg := range append([]*yaml.Node{args}, args.Content...) {
				if m := insecureFlag().FindStringSubmatch(v.expand(arg.Value)); m != nil {
					return "the Docker-in-Docker service trusts " + m[1] + " over plain HTTP (--insecure-registry): BuildKit and crane reach it only when told (registry.insecure=true in the build's --output, crane --insecure); change the job by hand"
				}
			}
		}
	}
	return ""
}

// insecureFlag matches dockerd's --insecure-registry flag and its host.
var insecureFlag = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`--insecure-registry[= ]+["']?([^\s"']+)`)
})
