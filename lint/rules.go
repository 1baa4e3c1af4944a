package lint

// Rule describes one lint rule.
type Rule struct {
	ID      string
	Summary string
	// severity is the Code Quality severity: info, minor, major,
	// critical or blocker.
	severity string
	check    func(*checker, *jobView)
	// onDemand rules are not part of `ci-doctor lint`: diagnose runs them
	// when a failure in the log calls for them.
	onDemand bool
}

// Severity is the rule's Code Quality severity.
func (r *Rule) Severity() string { return r.severity }

// rules are all the rules, in the order the README lists them.
var rules = []*Rule{
	{ID: "dind-service", Summary: "a docker:dind service needs privileged mode, which these runners forbid", severity: "critical"},
	{ID: "docker-command", Summary: "a docker command needs a Docker daemon, which these runners do not have", severity: "critical"},
	{ID: "docker-image", Summary: "image: docker:* is useless without a Docker daemon", severity: "major"},
	{ID: "docker-host-variable", Summary: "DOCKER_HOST points at a daemon that does not exist", severity: "minor"},
	{ID: "docker-tls-certdir-variable", Summary: "DOCKER_TLS_CERTDIR only serves a dind service", severity: "minor"},
	{ID: "docker-driver-variable", Summary: "DOCKER_DRIVER only serves a dind service", severity: "minor"},
	{ID: "pull-policy", Summary: "pull_policy is not allowed by the runner", severity: "critical"},
	{ID: "buildctl-without-daemon", Summary: "buildctl needs a buildkitd daemon: use buildctl-daemonless.sh", severity: "critical"},
	{ID: "buildkit-missing-sandbox-flag", Summary: "rootless BuildKit needs BUILDKITD_FLAGS: --oci-worker-no-process-sandbox", severity: "critical"},
	{ID: "buildkit-missing-entrypoint", Summary: "the BuildKit image needs entrypoint: ['sh', '-c'] to run the script", severity: "critical"},
	{ID: "crane-without-auth", Summary: "crane talks to the registry without crane auth login", severity: "major"},
	{ID: "crane-not-installed", Summary: "crane runs in an image that does not have it, and the job does not install it", severity: "critical"},
	{ID: "buildkit-wrong-image", Summary: "buildctl-daemonless.sh runs in an image without BuildKit", severity: "critical"},
	{ID: "node-version-mismatch", Summary: "the job's node image differs from the Dockerfile's FROM node version", severity: "major"},
	{ID: "buildkit-missing-platform", Summary: "the image is built for the builder's architecture only", severity: "major", onDemand: true},
	{ID: "buildkit-push-without-auth", Summary: "BuildKit pushes to the project's registry without credentials in ~/.docker/config.json", severity: "major"},
	{ID: "docker-config-wrapped-auth", Summary: "base64 wraps the auth it writes into ~/.docker/config.json, which breaks the file for long tokens", severity: "major"},
}

var ruleByID = func() map[string]*Rule {
	m := map[string]*Rule{}
	for _, r := range rules {
		m[r.ID] = r
	}
	return m
}()

// Rules returns every rule, for documentation and report formats.
func Rules() []*Rule { return rules }

// Known reports whether id names a rule.
func Known(id string) bool { return ruleByID[id] != nil }
