package logtemplate

import "testing"

// TestMask masks real error lines, from testdata/logs/real and holdout (the
// file each comes from is named), and a few made-up lines for the edges of
// the rules.
func TestMask(t *testing.T) {
	tests := []struct {
		name, line, want string
	}{
		// <TIME>
		{"holdout/none--podman-gitlab-bootc-crun-pids-controller",
			"2025/04/01 19:44:59 error: cannot build manifest: running quay.io/centos-bootc/centos-bootc:stream9 container failed: exit status 126",
			"<TIME> error: cannot build manifest: running <IMAGE> container failed: exit status <NUM>"},
		{"holdout/dind-service-failed--ubuntu-dind-not-privileged",
			"[Thu Apr  1 21:09:17 UTC 2021] [ERROR]  dockerd is not running after max time",
			"[<TIME>] [ERROR] dockerd is not running after max time"},
		{"real/none--gitlab-kaniko-pushed-1-destination",
			"INFO[2021-09-20T21:40:45Z] Pushing image to mtr.external.otc.telekomcloud.com/eumel8/test:e280436ecd7a21f1919bcb44e00ed936561e80f4",
			"INFO[<TIME>] Pushing image to <IMAGE>"},
		{"holdout/none--gitlab-semrel-runner-preamble-npm-ci",
			"[1:45:22 PM] [semantic-release] › ℹ  Running semantic-release version 17.2.2",
			"[<TIME>] [semantic-release] › ℹ Running semantic-release version <NUM>"},
		// <DUR>
		{"holdout/none--buildx-0-10-k8s-driver-booting",
			" => ERROR [internal] booting buildkit                                         0.0s",
			"=> ERROR [internal] booting buildkit <DUR>"},
		{"holdout/none--gha-cache-save-failed-job-green",
			`Attempt 1 of 5 failed with error: Unexpected token '<', "<!DOCTYPE "... is not valid JSON. Retrying request in 3000 ms...`,
			"Attempt <NUM> of <NUM> failed with error: Unexpected token <QUOTED>, <QUOTED>... is not valid JSON. Retrying request in <DUR>..."},
		// <HEX>
		{"holdout/none--docker-pull-stalled-jenkins-trigger-jobs",
			"a62a42e77c9c: Download complete",
			"<HEX>: Download complete"},
		{"holdout/none--buildx-push-gitlab-registry-blob-unknown",
			"ERROR: failed to push registry.gitlab.com/test1716/test:gh-runid-30906625924: unknown: blob unknown to registry - sha256:63adb36080a3ab14b9f318345734e94f75d748cb415475e941473177d541f726",
			"ERROR: failed to push <IMAGE>: unknown: blob unknown to registry - <HEX>"},
		// <UUID> (inside a path, the path wins)
		{"made up", "job 0b9e5a4c-d72a-11ee-8141-5bd0b7d29442 lost", "job <UUID> lost"},
		{"holdout/none--arc-k8s-mode-script-exit-1",
			"Error: Error: failed to run script step: command terminated with non-zero exit code: error executing command [sh -e /__w/_temp/ccaaadc0-d72a-11ee-8141-5bd0b7d29442.sh], exit code 1",
			"Error: Error: failed to run script step: command terminated with non-zero exit code: error executing command [sh -e <PATH>], exit code <NUM>"},
		// <IP>, <URL>, <HOST>
		{"holdout/registry-unreachable--podman-helper-pull-timeout",
			`WARNING: Failed to pull image with policy "always": initializing source docker://registry.gitlab.com/gitlab-org/gitlab-runner/gitlab-runner-helper:x86_64-12335144: pinging container registry registry.gitlab.com: Get "https://registry.gitlab.com/v2/": dial tcp 35.227.35.254:443: i/o timeout (manager.go:237:243s)`,
			`WARNING: Failed to pull image with policy "always": initializing source <URL>: pinging container registry <HOST>: Get "<URL>": dial tcp <IP>: i/o timeout (manager.go:<NUM>:<DUR>)`},
		{"made up", "dial tcp [::1]:2376: connect: connection refused", "dial tcp <IP>: connect: connection refused"},
		{"made up", "listen tcp fe80::1:8080", "listen tcp <IP>"},
		{"made up", "see https://docs.gitlab.com/ee/ci/.", "see <URL>."},
		{"made up", "ERROR: Repository not found. fatal: cannot clone git@gitlab.com:group/app.git", "ERROR: Repository not found. fatal: cannot clone <URL>"},
		// <PATH>
		{"holdout/none--kaniko-run-script-not-found", "/bin/sh: ./hack/build_prod.sh: not found", "<PATH>: <PATH>: not found"},
		{"real/none--buildkit-go-build-undefined", "./handlers.go:2130:18: undefined: lastMessageCache", "<PATH>:<NUM>:<NUM>: undefined: lastMessageCache"},
		{"holdout/none--conan-ci-pytest-failed-summary",
			"FAILED conans/test/functional/toolchains/cmake/cmakedeps/test_build_context_protobuf.py::test_build_modules_from_build_context - Exception:",
			"FAILED <PATH>::test_build_modules_from_build_context - Exception:"},
		{"made up", `C:\GitLab-Runner\builds\0\app\build.ps1 failed`, "<PATH> failed"},
		// <QUOTED>, and the short words it keeps
		{"holdout/none--helm-upgrade-no-deployed-releases",
			`Error: UPGRADE FAILED: "xxx-service-develop" has no deployed releases`,
			"Error: UPGRADE FAILED: <QUOTED> has no deployed releases"},
		{"holdout/none--gcb-kaniko-unknown-command", `Error: unknown command "true" for "executor"`, `Error: unknown command "true" for "executor"`},
		{"holdout/none--gha-docker-cgo-gcc-not-found",
			`cgo: C compiler "gcc" not found: exec: "gcc": executable file not found in $PATH`,
			`cgo: C compiler "gcc" not found: exec: "gcc": executable file not found in $PATH`},
		{"holdout/none--buildkit-cargo-toml-not-found-101",
			"0.322 error: could not find `Cargo.toml` in `/root/project` or any parent directory",
			"<NUM> error: could not find `Cargo.toml` in `<PATH>` or any parent directory"},
		{"holdout/build-dir-owned-by-another-user--builds-dir-permission-docker-executor-centos",
			"mkdir: cannot create directory ‘/builds/pdidev’: Permission denied",
			"mkdir: cannot create directory ‘<PATH>’: Permission denied"},
		{"real/none--atlantis-terraform-plan-too-many-args",
			`running "/atlantis-data/bin/terraform1.1.1 plan -out \"/x/ec2-default.tfplan\" -lock false" in "/atlantis-data/repos/x/16/default/ec2": exit status 1`,
			`running <QUOTED> in "<PATH>": exit status <NUM>`},
		{"made up", "Service probably didn't start properly, can't connect", "Service probably didn't start properly, can't connect"},
		// <NUM>, and the numbers that belong to a word or are an HTTP status
		{"holdout/none--shell-executor-git-missing", "bash: line 34: git: command not found", "bash: line <NUM>: git: command not found"},
		{"real/none--docker-rustc-e0433-make-error-101",
			"error[E0433]: failed to resolve: could not find `addr_of` in `ptr`",
			"error[E0433]: failed to resolve: could not find `addr_of` in `ptr`"},
		{"holdout/none--action-kaniko-github-packages-404",
			"unexpected status code 404 Not Found: 404 page not found",
			"unexpected status code 404 Not Found: <NUM> page not found"},
		{"holdout/none--helm3-push-ghcr-405",
			`Error: failed commit on ref "manifest-sha256:eff0b56aec1f5d45c7c65607f4311f435145ebb9a872568ee3c3023e23c8ee87": unexpected status: 405 Method Not Allowed`,
			"Error: failed commit on ref <QUOTED>: unexpected status: 405 Method Not Allowed"},
		{"holdout/none--gitlab-npm-script-failed-surgio", "npm ERR! Failed at the my-surgio@0.1.0 update script.", "npm ERR! Failed at the my-surgio@<NUM> update script."},
		{"made up", "FROM ubuntu16.04 with python3 on x86_64 v1.2.3", "FROM ubuntu16.04 with python3 on x86_64 v<NUM>"},
		// <IMAGE>, and what only looks like one
		{"holdout/none--gitlab-push-ok-then-no-such-image", "Error response from daemon: No such image: secretless-broker:0.5.1", "Error response from daemon: No such image: <IMAGE>"},
		{"holdout/none--gitlab-autodevops-heroku-buildpacks-20-sunset",
			"[builder] ERROR: This builder image (heroku/buildpacks:20) has been sunset,",
			"[builder] ERROR: This builder image (<IMAGE>) has been sunset,"},
		{"made up", "pull registry.example.com:5000/group/app@sha256:4a2bc86056a8dfff6153b98fa9ff55b5 and localhost:5000", "pull <IMAGE> and localhost:<NUM>"},
		// <ID>, <EMAIL>
		{"holdout/none--buildx-add-deployment-not-found-gha",
			`ERROR: failed to calculate checksum of ref 7rwf5y97vt3qxjefart17zyuq::46riyywj6v8fif7dfjs5vd0es: "/deployment": not found`,
			`ERROR: failed to calculate checksum of ref <ID>::<ID>: "<PATH>": not found`},
		{"made up", "Author identity unknown for jane.doe+ci@example.org, fatal", "Author identity unknown for <EMAIL>, fatal"},
		// words that carry the meaning stay
		{"holdout/none--docker-build-npm-cb-never-called", "npm ERR! cb() never called!", "npm ERR! cb() never called!"},
		{"made up", "npm ERR! code ELIFECYCLE", "npm ERR! code ELIFECYCLE"},
		{"real/none--helm-upgrade-another-operation-in-progress", "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress",
			"Error: UPGRADE FAILED: another operation (<PATH>) is in progress"},
		{"made up", "read: i/o timeout, N/A and/or TCP/IP", "read: i/o timeout, N/A and/or TCP/IP"},
	}
	for _, tt := range tests {
		if got := Mask(tt.line); got != tt.want {
			t.Errorf("%s:\nMask(%q)\n = %q\nwant %q", tt.name, tt.line, got, tt.want)
		}
	}
}

// TestMaskSameError checks that lines of two different jobs that failed
// with the same error get the same template, and that unrelated errors do
// not.
func TestMaskSameError(t *testing.T) {
	same := [][2]string{
		{ // holdout/none--docker-build-npm-bundle-exit-2, holdout/none--gha-docker-build-npm-run-build-nonzero
			"The command '/bin/sh -c npm run bundle:standalone' returned a non-zero code: 2",
			"The command '/bin/sh -c npm run build' returned a non-zero code: 1",
		},
		{ // holdout/none--docker-library-gcc15-run-make, real/none--buildx-devcontainer-go-build-exit-2
			`ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2`,
			`ERROR: failed to solve: process "/bin/sh -c CGO_ENABLED=0 GOOS=linux go build -o /dicedb/dice-server" did not complete successfully: exit code: 2`,
		},
		{ // holdout/none--jenkins-kaniko-run-step-exit1 (kaniko in Jenkins), holdout/none--gitlab-kaniko-run-exit-status-21 (GitLab)
			"error building image: error building stage: failed to execute command: waiting for process to exit: exit status 1",
			"error building image: error building stage: failed to execute command: waiting for process to exit: exit status 21",
		},
		{ // holdout/none--kaniko-gitlab-k8s-whiteout-not-permitted and the same error for another image
			"error building image: error building stage: removing whiteout usr/bin/cmake/.wh..wh..opq: lstat /usr/bin/cmake/.wh..opq: operation not permitted",
			"error building image: error building stage: removing whiteout usr/share/doc/.wh..wh..opq: lstat /usr/share/doc/.wh..opq: operation not permitted",
		},
	}
	for _, p := range same {
		if a, b := Mask(p[0]), Mask(p[1]); a != b {
			t.Errorf("same error, different templates:\n%q\n%q", a, b)
		}
	}
	different := [][2]string{
		{ // real/none--ci-docker-apt-npm-not-found, holdout/none--gitlab-shell-apt-get-permission
			"E: Unable to locate package npm",
			"E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)",
		},
		{ // holdout/none--kaniko-docker-init-sbin, holdout/none--kaniko-sysbox-readonly-lib
			"error building image: error building stage: failed to get filesystem from image: error removing sbin to make way for new symlink: unlinkat //sbin/docker-init: device or resource busy",
			"error building image: error building stage: failed to get filesystem from image: error removing lib to make way for new symlink: unlinkat //lib/modules/5.4.0-104-generic/initrd: read-only file system",
		},
		{ // holdout/none--action-kaniko-github-packages-404 and the same call refused with 401
			"unexpected status code 404 Not Found: 404 page not found",
			"unexpected status code 401 Unauthorized: authentication required",
		},
	}
	for _, p := range different {
		if a, b := Mask(p[0]), Mask(p[1]); a == b {
			t.Errorf("unrelated errors, same template %q", a)
		}
	}
}

func BenchmarkMask(b *testing.B) {
	lines := []string{
		`WARNING: Failed to pull image with policy "always": initializing source docker://registry.gitlab.com/gitlab-org/gitlab-runner/gitlab-runner-helper:x86_64-12335144: pinging container registry registry.gitlab.com: Get "https://registry.gitlab.com/v2/": dial tcp 35.227.35.254:443: i/o timeout (manager.go:237:243s)`,
		"E: Unable to locate package python-pip",
		"./handlers.go:2130:18: undefined: lastMessageCache",
	}
	for b.Loop() {
		for _, l := range lines {
			Mask(l)
		}
	}
}
