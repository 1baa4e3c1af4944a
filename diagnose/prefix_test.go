package diagnose

import "testing"

func TestStripPrefixes(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"github actions timestamp", "2024-03-01T10:20:30.1234567Z ERROR: failed to solve", "ERROR: failed to solve"},
		// gh run view --log (link-foundation/start's case studies keep such runs)
		{"gh run view --log", "Release\tUNKNOWN STEP\t2026-05-02T22:48:46.0007571Z Error: ENOENT: no such file or directory, scandir '.changeset'", "Error: ENOENT: no such file or directory, scandir '.changeset'"},
		{"gh run view --log, byte order mark", "Test (macos-latest)\tComplete job\t\ufeff2026-05-03T18:48:09.3693340Z Cleaning up orphan processes", "Cleaning up orphan processes"},
		{"tabs without a timestamp", "name\tvalue\tother", "name\tvalue\tother"},
		{"jenkins bracketed timestamp", "[2024-03-01T10:20:30.123Z] Cannot connect to the Docker daemon", "Cannot connect to the Docker daemon"},
		{"date and clock with comma", "2024-03-01 10:20:30,123 error: x", "error: x"},
		{"Coolify's date with the month's name", "2024-Sep-26 10:41:41.948479 fatal: x", "fatal: x"},
		{"a Dokku alert through git's remote channel", "remote:  !     Failure extracting app code", "Failure extracting app code"},
		{"clock only", "10:20:30 denied: requested access", "denied: requested access"},
		{"bracketed clock", "[10:20:30.123] fatal error: runtime: out of memory", "fatal error: runtime: out of memory"},
		{"zone offset", "2024-03-01T10:20:30+02:00 Killed", "Killed"},
		{"not a clock", "12:34 is not a time", "12:34 is not a time"},
		{"clock glued to text", "10:20:30abc", "10:20:30abc"},
		{"cloud build step", `Step #1 - "build": error checking push permissions`, "error checking push permissions"},
		// a reporter's Markdown code span around one line (testdata/logs/holdout, round 115)
		{"inline code span", "`failed to solve with frontend dockerfile.v0: failed to create LLB definition: docker.io/library/java:8: not found`", "failed to solve with frontend dockerfile.v0: failed to create LLB definition: docker.io/library/java:8: not found"},
		{"quoted inline code span", "> `exec /usr/local/bin/webhook: exec format error`", "exec /usr/local/bin/webhook: exec format error"},
		{"code span inside the line", "run `make` again", "run `make` again"},
		{"two code spans", "`a` and `b`", "`a` and `b`"},
		// a reporter's strong emphasis on the failing line (testdata/logs/holdout, round 181)
		{"emphasised line", "**go build github.com/openshift/origin/cmd/oc: /home/travis/.gimme/versions/go1.7.linux.amd64/pkg/tool/linux_amd64/link: signal: killed**", "go build github.com/openshift/origin/cmd/oc: /home/travis/.gimme/versions/go1.7.linux.amd64/pkg/tool/linux_amd64/link: signal: killed"},
		{"two emphases", "**a** and **b**", "**a** and **b**"},
		// Ansible's log file (testdata/logs/holdout, round 183)
		{"ansible log file", "2020-07-13 18:06:06,263 p=6062 u=root n=ansible | fatal: [master-2]: FAILED! => {}", "fatal: [master-2]: FAILED! => {}"},
		{"not ansible's", "p=6062 u=root n=a b | x", "p=6062 u=root n=a b | x"},
		{"a banner of stars", "*** FATAL CONFIG FILE ERROR (Redis 7.4.1) ***", "*** FATAL CONFIG FILE ERROR (Redis 7.4.1) ***"},
		{"cloud build bare step", "Step #0: Killed", "Killed"},
		{"cloud build then buildkit", `Step #2 - "docker": #8 0.512 npm ERR! code ENOSPC`, "npm ERR! code ENOSPC"},
		{
			"logrus record",
			`time="2018-06-20T14:42:27Z" level=error msg="UNAUTHORIZED: \"authentication required\""`,
			`UNAUTHORIZED: "authentication required"`,
		},
		{
			"logrus fields after the message",
			`time="2024-01-01T00:00:00Z" level=error msg="failed to push" error="denied: requested access"`,
			`failed to push error="denied: requested access"`,
		},
		{
			"logrus record quoted again",
			`time=\"2023-05-26T14:52:12Z\" level=error msg=\"Unmounting /var/lib/containers/storage/overlay/x/merged: invalid argument\"`,
			"Unmounting /var/lib/containers/storage/overlay/x/merged: invalid argument",
		},
		{"logrus escaped newline", `level=fatal msg="line one\nline two"`, "line one line two"},
		{"logrus unquoted message", `time=now level=error msg=failed extra=1`, "failed"},
		{"logrus tty", "ERRO[0003] error building image: x", "error building image: x"},
		{"logrus tty info keeps its level", "INFO[0000] Retrieving image manifest alpine", "INFO[0000] Retrieving image manifest alpine"},
		{"logrus warning keeps its level", `time="2024-01-01T00:00:00Z" level=warning msg="x"`, `time="2024-01-01T00:00:00Z" level=warning msg="x"`},
		{"gitlab page line number", "118ERROR: Job failed: exit code 1", "ERROR: Job failed: exit code 1"},
		{"gitlab page line number before a command", "42$ docker build .", "$ docker build ."},
		{"github page line number before buildkit's step", "93#14 1.999 npm ERR! code ERESOLVE", "npm ERR! code ERESOLVE"},
		{"a count is not a line number", "3 tests failed", "3 tests failed"},
		{"an issue number is not a line number", "12#x", "12#x"},
		{"a version is not a line number", "1.2.3 released", "1.2.3 released"},
		{"buildkit error summary seconds", "649.5   signal: 'SIGKILL',", "signal: 'SIGKILL',"},
		{"buildkit error summary seconds, three decimals", "15.92   thread 'main' panicked at build.rs:426:10:", "thread 'main' panicked at build.rs:426:10:"},
		{"a size is not seconds", "12.5MB downloaded", "12.5MB downloaded"},
		{"compose service", "dind_1  | mount: permission denied", "mount: permission denied"},
		{"markdown quote", "> Killed", "Killed"},
		{"mail quote of a quote", ">> Killed", "Killed"},
		{"heroku's alert mark", " !     gzip: stdin: unexpected end of file", "gzip: stdin: unexpected end of file"},
		{"git's rejected ref keeps its mark", " ! [rejected]        main -> main (fetch first)", " ! [rejected]        main -> main (fetch first)"},
		{"indented timestamp", "    19:20:54  > GitLab: The project you were looking for could not be found.", "GitLab: The project you were looking for could not be found."},
		{"indentation alone stays", "    at Object.<anonymous> (test.js:1:1)", "    at Object.<anonymous> (test.js:1:1)"},
		{"github actions error marker", "##[error]Process completed with exit code 137.", "Process completed with exit code 137."},
		{"github actions error marker as its web page shows it", "  Error: error: RPC failed; HTTP 429 curl 22 The requested URL returned error: 429", "error: RPC failed; HTTP 429 curl 22 The requested URL returned error: 429"},
		{"a program's own Error: is kept", "Error: unable to copy from source", "Error: unable to copy from source"},
		{"tekton's task and step", "[build-trusted : create] ERROR: failed to build: exit status 1", "ERROR: failed to build: exit status 1"},
		// the buildpacks lifecycle's phase, as pack and Cloud Build print it (testdata/logs/holdout, round 200)
		{"buildpacks lifecycle phase", `[builder] failed to build: invalid composer installer found at "https://getcomposer.org/installer"`, `failed to build: invalid composer installer found at "https://getcomposer.org/installer"`},
		{"spring boot's padded phase", "    [creator]     ERROR: failed to export: failed to write image to the following tags", "ERROR: failed to export: failed to write image to the following tags"},
		{"a bracket that is no phase", "[building] 3 of 4", "[building] 3 of 4"},
		// changesets relaying npm's publish (testdata/logs/holdout, round 205)
		{"changesets' butterfly and level", "🦋  error npm error 404 Not Found - PUT https://registry.npmjs.org/my-package - Not found", "npm error 404 Not Found - PUT https://registry.npmjs.org/my-package - Not found"},
		{"changesets' butterfly alone", "🦋  my-package@0.7.1", "my-package@0.7.1"},
		{"changesets' relayed blank line", "🦋  error", ""},
		{"brackets with spaces that are no tekton step", "[ FAILED ] cannot create kind cluster", "[ FAILED ] cannot create kind cluster"},
		{"github actions marker after a timestamp", "2024-05-01T10:00:00.1234567Z ##[error]denied: requested access to the resource is denied", "denied: requested access to the resource is denied"},
		// a warning keeps its marker, as a logrus warning keeps its level (round 106)
		{"github actions warning marker", "2021-06-29T10:52:23.0610726Z ##[warning]docker: invalid reference format.", "##[warning]docker: invalid reference format."},
		{"not a marker", "##[Not A Marker] x", "##[Not A Marker] x"},
		{"klog error", "F0707 01:13:07.674656       1 builder.go:204] Error: build error: fatal: x", "Error: build error: fatal: x"},
		{"klog structured error", `E0103 14:29:55.588612   45570 remote_image.go:238] "PullImage from image service failed" err="rpc error"`, `PullImage from image service failed err="rpc error"`},
		{"klog warning keeps its header", "W1021 10:02:01.532600      10 loader.go:223] Config not found: /x", "W1021 10:02:01.532600      10 loader.go:223] Config not found: /x"},
		{"not a klog header", "E1234 is an error code", "E1234 is an error code"},
		{"kubectl logs prefix", "[pod/runner-abc-project-1-concurrent-0/build] Killed", "Killed"},
		{"not a kubectl prefix", "[pod/a b/c] x", "[pod/a b/c] x"},
		{"terraform frame", "│ Error: Kubernetes cluster unreachable", "Error: Kubernetes cluster unreachable"},
		{"echoed command keeps its dollar", `$ echo level=error msg="x"`, `$ echo level=error msg="x"`},
		{"markdown table row", "| a | b |", "| a | b |"},
		{"plain", "npm ERR! code 1", "npm ERR! code 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(stripPrefixes([]byte(tt.in))); got != tt.want {
				t.Errorf("stripPrefixes(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLoggedAsDebug(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		// okteto's note that it goes on past the certificate (round 166)
		{`time="2023-08-28T11:35:40+08:00" level=debug msg="context certificate not trusted by system roots: x509: certificate has expired or is not yet valid: "`, true},
		{`time="2024-11-18T14:38:28Z" level=trace msg="x"`, true},
		{`time="2024-11-18T14:38:28Z" level="debug" msg="x"`, true},
		{"DEBU[0000] Using run root /run/user/1000/containers", true},
		{`time="2024-11-18T14:38:28Z" level=error msg="x"`, false},
		{`time="2024-11-18T14:38:28Z" level=debugging msg="x"`, false},
		{"ERRO[0003] error building image", false},
		{`$ echo level=debug msg="x"`, false},
	}
	for _, tt := range tests {
		if got := loggedAsDebug([]byte(tt.in)); got != tt.want {
			t.Errorf("loggedAsDebug(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
