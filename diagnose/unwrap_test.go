package diagnose

import (
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestUnwrap joins a real excerpt that a terminal wrapped (kaniko, pasted in
// GoogleContainerTools/kaniko#1209; testdata/logs/real) and keeps lines that
// begin a message of their own.
func TestUnwrap(t *testing.T) {
	log, err := os.ReadFile("../testdata/logs/real/registry-unauthorized--kaniko-dockerhub-wrapped-scopes.log")
	if err != nil {
		t.Fatal(err)
	}
	u := unwrap(log)
	if u == nil {
		t.Fatal("nothing was joined")
	}
	lines := strings.Split(strings.TrimSuffix(string(u.text), "\n"), "\n")
	var starts []int
	for _, jl := range u.lines {
		starts = append(starts, jl.pieces[0].line)
	}
	if len(lines) != 2 || !slices.Equal(starts, []int{1, 4}) {
		t.Fatalf("unwrap gave %d lines starting at %v:\n%s", len(lines), starts, u.text)
	}
	if want := `error checking push permissions -- make sure you entered the correct tag name, and that you are authenticated correctly`; !strings.HasPrefix(lines[0], want) {
		t.Errorf("first line = %q", lines[0])
	}
	// An editor broke buildah's error at its spaces, one line before each
	// image reference too long to fit (a Konflux build, round 57): the
	// joined line gets its spaces back.
	edited := "Error: creating build container: internal error: unable to copy from\nsource\n" +
		"docker://registry.example.com/group/app-with-a-long-name:v1.2.3-202508260738:\n" +
		"initializing source\n"
	if u := unwrap([]byte(edited)); u == nil || !strings.HasPrefix(string(u.text), "Error: creating build container: internal error: unable to copy from source docker://registry.example.com/group/app-with-a-long-name:v1.2.3-202508260738: initializing source\n") {
		t.Errorf("a line an editor broke at its spaces was not joined with them: %v", u)
	}
	if u := unwrap([]byte("short line\nand another\n")); u != nil {
		t.Errorf("short lines were joined: %q", u.text)
	}
	if u := unwrap([]byte("a line that is long enough to have been wrapped by a terminal\n$ make test\n")); u != nil {
		t.Errorf("a command was joined to the line before it: %q", u.text)
	}
	// The widest row of an event table that no terminal cut goes on with
	// the next row, which starts with a capital: it is not joined.
	table := "  Warning  Failed     12s   kubelet  Failed to pull image \"registry.example.com/group/app:1.0\": not found\n" +
		"  Warning  Failed     12s   kubelet  Error: ErrImagePull\n"
	if u := unwrap([]byte(table)); u != nil {
		t.Errorf("a table's next row was joined to its widest one: %q", u.text)
	}
	// skaffold's progress line, then its logrus record: the record's level
	// and time begin a line of their own (round 101's wrapped corpus).
	record := "Building [gcr.io/example/app]...\nFATA[0007] exiting dev mode because first build failed: build failed: error during connect\n"
	if u := unwrap([]byte(record)); u != nil {
		t.Errorf("a logrus record was joined to the unprefixed line before it: %q", u.text)
	}
	// Ansible's "...ignoring" after a task's error is a line of its own.
	ignored := "fatal: [control-01]: FAILED! => {\"msg\": \"non-zero return code\", \"rc\": 1}\n...ignoring\n"
	if u := unwrap([]byte(ignored)); u != nil {
		t.Errorf("an ellipsis line was joined to the line before it: %q", u.text)
	}
	// The runner's section marker after a script's last line is not its
	// continuation, though it starts with a lower-case word.
	marked := "error: failed to solve: failed to fetch anonymous token: Get https://auth.docker.io/token: Bad Request\n" +
		"section_end:1733000020:step_script\r\x1b[0K\n"
	if u := unwrap([]byte(marked)); u != nil {
		t.Errorf("a section marker was joined to the line before it: %q", u.text)
	}
}

// TestDiagnoseUnwrapped checks that a failure whose message a wrap cut in
// two is recognised, at the input's line numbers.
func TestDiagnoseUnwrapped(t *testing.T) {
	m := builtinMatcher(t)
	// kubelet's event (pkg/kubelet/images), as a terminal wraps it.
	log := "  Warning  Failed     12s   kubelet            Failed to pull im\n" +
		"age \"node:20-bookwork\": rpc error: code = NotFound desc = failed to pull and unpack image\n"
	r, err := m.Diagnose(strings.NewReader(log), "wrapped")
	if err != nil {
		t.Fatal(err)
	}
	root := r.RootCause()
	if root == nil || root.ID != "image-pull-failed" || root.Line != 1 {
		t.Fatalf("root cause = %v, want image-pull-failed at line 1", root)
	}
}

// TestDiagnoseRewrapped checks that a cause read on one piece of a line a
// terminal cut is read again whole: the runner's refused pull of a job's
// image (a real excerpt, testdata/logs/real) is image-pull-failed, not the
// registry's refusal that its second piece holds, and the finding points at
// the same words of the input as it does unwrapped.
func TestDiagnoseRewrapped(t *testing.T) {
	m := builtinMatcher(t)
	log, err := os.ReadFile("../testdata/logs/real/image-pull-failed--docker-machine-pull-access-denied-policies.log")
	if err != nil {
		t.Fatal(err)
	}
	whole := diagnoseString(t, m, string(log)).RootCause()
	wrapped := wrapAt(string(log), 80)
	got := diagnoseString(t, m, wrapped).RootCause()
	if whole == nil || got == nil || got.ID != whole.ID {
		t.Fatalf("root cause wrapped = %v, want %v", got, whole)
	}
	wholeLine := []rune(strings.Split(string(log), "\n")[whole.Line-1])
	gotLine := []rune(strings.Split(wrapped, "\n")[got.Line-1])
	want := string(wholeLine[whole.Column-1:])
	if at := string(gotLine[got.Column-1:]); !strings.HasPrefix(want, at) || at == "" {
		t.Errorf("wrapped finding at %d:%d reads %q, want the start of %q", got.Line, got.Column, at, want)
	}
}

// TestDiagnoseRewrappedVetoed checks that words a terminal cut onto the
// next line still veto a cause: act's pull that "failed with credentials"
// and goes on "retrying without them" (a real excerpt) gets no cause
// wrapped at 80 columns, as it gets none whole, and its fallback points at
// the input's lines.
func TestDiagnoseRewrappedVetoed(t *testing.T) {
	m := builtinMatcher(t)
	log, err := os.ReadFile("../testdata/logs/holdout/none--act-stale-creds-pull-retried.log")
	if err != nil {
		t.Fatal(err)
	}
	wrapped := wrapAt(string(log), 80)
	r := diagnoseString(t, m, wrapped)
	if root := r.RootCause(); root != nil {
		t.Fatalf("root cause wrapped = %s at line %d, want none", root.ID, root.Line)
	}
	if n := len(strings.Split(wrapped, "\n")); r.Unmatched == nil || r.Unmatched.Key == nil || r.Unmatched.Key.Line >= n {
		t.Fatalf("fallback = %+v, want a key line among the input's %d lines", r.Unmatched, n)
	}
}

// TestUnwrapPasted joins the pieces of a message that a paste wrapped with
// its prefix on every piece, and one that a terminal cut in the middle of a
// word at its width.
func TestUnwrapPasted(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{
			"quoted, wrapped at a space",
			"> Failed to execute goal: perhaps you should make sure your credentials are set \n> up correctly\n",
			"> Failed to execute goal: perhaps you should make sure your credentials are set up correctly\n",
		},
		{
			"indented, wrapped at a space",
			"    Failed to execute goal: perhaps you should make sure your credentials are set\n    up correctly\n",
			"    Failed to execute goal: perhaps you should make sure your credentials are set up correctly\n",
		},
		{
			"wrapped at a space after a capital, the prefix gone",
			"Error reading manifest v1 in registry.example.com/group/app: received unexpected HTTP\nstatus: 500 Internal Server Error\n",
			"Error reading manifest v1 in registry.example.com/group/app: received unexpected HTTP status: 500 Internal Server Error\n",
		},
		{
			// github.com/pelotech/drone-helm3/issues/103
			"wrapped after a quoted name",
			"Error: query: failed to query with labels: secrets is forbidden: User \"system:serviceaccount:order66-staging:default\"\ncannot list resource \"secrets\" in API group \"\" in the namespace \"order66-staging\"\n",
			"Error: query: failed to query with labels: secrets is forbidden: User \"system:serviceaccount:order66-staging:default\" cannot list resource \"secrets\" in API group \"\" in the namespace \"order66-staging\"\n",
		},
		{
			// github.com/bitovi/github-actions-deploy-eks-helm/issues/50
			"a status code's reason phrase on the next line",
			"Error: unexpected status from HEAD request to https://***.dkr.ecr.***.amazonaws.com/v2/cloud-services/manifests/0.1.0: 401 \nUnauthorized\n",
			"Error: unexpected status from HEAD request to https://***.dkr.ecr.***.amazonaws.com/v2/cloud-services/manifests/0.1.0: 401 Unauthorized\n",
		},
		{
			// testdata/logs/holdout/registry-unreachable--kaniko-base-image-connection-reset.log,
			// wrapped at 120 columns: the log's only line as wide
			"cut at the width of the log's one widest line, before a digit",
			"error building image: error building stage: failed to get filesystem from image: read tcp 10.128.0.69:49898->104.18.121.\n25:443: read: connection reset by peer\n",
			"error building image: error building stage: failed to get filesystem from image: read tcp 10.128.0.69:49898->104.18.121.25:443: read: connection reset by peer\n",
		},
		{
			"cut at the terminal's width",
			strings.Repeat("x", 50) + "error: failed to fetch oauth to\n" + strings.Repeat("y", 55) + "ken: unexpected status: 40\n1 Unauthorized\n",
			strings.Repeat("x", 50) + "error: failed to fetch oauth to" + strings.Repeat("y", 55) + "ken: unexpected status: 401 Unauthorized\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := unwrap([]byte(tt.in))
			if u == nil {
				t.Fatalf("nothing was joined in %q", tt.in)
			}
			if string(u.text) != tt.want {
				t.Errorf("unwrap =\n%q\nwant\n%q", u.text, tt.want)
			}
		})
	}
}

// TestContinues checks which lines go on the one before, with and without
// a paste's prefix: the blanks that both lines begin with are not a
// continuation's indent, and a word that only begins like a line's own
// start ("information", not "info:") does not stop one.
func TestContinues(t *testing.T) {
	tests := []struct {
		prev, next string
		want       bool
	}{
		{"error: configured Kubernetes cluster is unreachable: unable to load schema", "information from the API server", true},
		{" error: configured Kubernetes cluster is unreachable: unable to load schema", " information from the API server", true},
		{"$ helm push --debug chart.tgz oci://quay.example.com/team-a/helm --registry-config auth.json", "level=DEBUG msg=Request id=0", false},
		{" $ helm push --debug chart.tgz oci://quay.example.com/team-a/helm --registry-config auth.json", " level=DEBUG msg=Request id=0", false},
		{" error pushing image: failed to push to destination registry.example.com/group/app:", " Patch \"http://registry.example.com/v2/\"", false},
		{" error pushing image: failed to push to destination registry.example.com/group/app:", "   Patch \"http://registry.example.com/v2/\"", true},
		{"job 'Build' result=canceled duration=60.6 min and some more words to be long", "info: the next line", false},
		// an error chain an editor broke after a separator, its blank left at the end (round 80)
		{"ERROR: failed to solve: node:18.13-alpine: failed to authorize: failed to fetch anonymous token: ", `Get "https://auth.ipv6.docker.com/token?scope=repository": `, true},
		// the same label's next record: talosctl's health check that then held (round 212) ...
		{`waiting for all k8s nodes to report: Get "https://10.5.0.2:6443/api/v1/nodes": dial tcp 10.5.0.2:6443: connect: connection refused`, "waiting for all k8s nodes to report: OK", false},
		// ... but a quoted reference that an error chain repeats is no label (round 194)
		{`"registry.example.com/group/app:1.0": failed to resolve reference `, `"registry.example.com/group/app:1.0": failed to do request: Head `, true},
	}
	for _, tt := range tests {
		if got, _ := continues([]byte(tt.prev), []byte(tt.next), inside); got != tt.want {
			t.Errorf("continues(%q, %q) = %v, want %v", tt.prev, tt.next, got, tt.want)
		}
	}
	// Go's request error broken after its URL and indented, on a short line
	// (llm-d's GitHub Actions run, round 98); a YAML key before an indented
	// block is not one.
	if got, _ := continues([]byte(`Get "https://registry-1.docker.io/v2/":`), []byte("  net/http: request canceled while waiting for connection"), ends); !got {
		t.Error("a request error broken after its URL was not joined")
	}
	// ... or left unindented after the blank that followed its colon, on a
	// line shorter than a wrap would leave (kpack's lifecycle, round 196);
	// without that blank, an unindented line starts a message of its own.
	if got, _ := continues([]byte(`Get "https://registry.local:5000/v2/": `), []byte("dial tcp 127.0.0.1:5000: connect: connection refused; "), inside); !got {
		t.Error("a request error broken after its URL's colon and blank was not joined")
	}
	if got, _ := continues([]byte(`Get "https://registry.local:5000/v2/":`), []byte("dial tcp 127.0.0.1:5000: connect: connection refused"), inside); got {
		t.Error("a short request line without its blank was joined to the next")
	}
	if got, _ := continues([]byte("env:"), []byte("  GOFLAGS: -mod=mod"), ends); got {
		t.Error("a YAML key was joined to its block")
	}
}

// TestColumns checks that columns counts characters as utf8 does, for
// lines of any length around its eight-byte steps.
func TestColumns(t *testing.T) {
	for _, s := range []string{"", "abc", "12345678", "1234567é", "héllo wörld ✓✓✓ 日本語テキスト and more text", strings.Repeat("é", 17)} {
		if got, want := columns([]byte(s)), utf8.RuneCountInString(s); got != want {
			t.Errorf("columns(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestMayBeCut checks the cheap test that decides whether a short log is
// joined again: the widest line, alone or as wide as another, different
// one, or the line after it, may be a piece; a line printed twice is no
// terminal's width.
func TestMayBeCut(t *testing.T) {
	long := strings.Repeat("a", 70)
	other := strings.Repeat("b", 70)
	log := []byte(long + "\nrest of it\n" + other + "\nshort\n")
	for n, want := range map[int]bool{1: true, 2: true, 3: true, 4: true} {
		if got := mayBeCut(log, n); got != want {
			t.Errorf("line %d: mayBeCut = %v, want %v", n, got, want)
		}
	}
	// One message cut at the terminal's width is the log's only line that
	// wide: a short excerpt has no other.
	alone := []byte(long + "\nrest of it\nshort\n")
	if !mayBeCut(alone, 2) {
		t.Error("the one line as wide as the terminal was not taken as cut")
	}
	twice := []byte(long + "\nrest\n" + long + "\nshort\n")
	if mayBeCut(twice, 2) {
		t.Error("a line printed twice was taken for a terminal's width")
	}
	if mayBeCut([]byte("short\nlines\n"), 1) {
		t.Error("short lines were taken for a terminal's width")
	}
}

// TestSpaceDropped checks where a join puts back the blank that a paste's
// line break took: after an error chain's colon before a message, not
// inside a reference that a colon splits.
func TestSpaceDropped(t *testing.T) {
	tests := []struct {
		line, body string
		want       bool
	}{
		{`Get "https://auth.ipv6.docker.com/token?scope=x":`, "dial tcp [2600::1]:443: connect: network is unreachable", true},
		{"failed to pull docker.io/library/node:", "lts", false},
		{"failed to pull docker.io/library/node:", "lts-alpine: not found", false},
		{"an error, and", "more words", false},
		{"an error.", "more words", true},
		// the runner's error broken after a bracket (gitlab-runner#38706, round 99)
		{"pull_policy ([if-not-present])", "defined in GitLab pipeline config", true},
		// PowerShell broke docker's error before its URL (aspirate, round 89).
		{"ERROR: error during connect: this error may indicate that the docker daemon is not running: Get", `"http://%2F%2F.%2Fpipe%2Fdocker_engine/_ping": open`, true},
		{`the name "abc`, `def" is taken`, false},
		// V8's chain broken after its " -" (loopback-next's Travis log, round 91).
		{"FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed -", "JavaScript heap out of memory", true},
	}
	for _, tt := range tests {
		if got := spaceDropped([]byte(tt.line), []byte(tt.body)); got != tt.want {
			t.Errorf("spaceDropped(%q, %q) = %v, want %v", tt.line, tt.body, got, tt.want)
		}
	}
}

// TestUnwrapBoxed joins the lines that a text user interface's box cut at
// its width (k9s' describe view of a Tekton pod, tektoncd/operator#2442,
// round 88) and keeps the box's short lines, which end where their text
// ends.
func TestUnwrapBoxed(t *testing.T) {
	log := "│   Normal   Scheduled  63s                default-scheduler  Successfully assigned tekton-pipelines/t │\n" +
		"│ ekton-resource-pruner-77bgh-manual-5nm-g26rm to k3s-01                                               │\n" +
		"│   Warning  Failed     18s (x3 over 62s)  kubelet            Failed to pull image \"gcr.io/tekton-rele │\n" +
		"│ ases/dogfooding/tkn:8d43\": rpc error: code = NotFound desc = failed to pull and unpack image         │\n"
	u := unwrap([]byte(log))
	if u == nil {
		t.Fatal("nothing was joined")
	}
	lines := strings.Split(strings.TrimSuffix(string(u.text), "\n"), "\n")
	want := []string{
		"  Normal   Scheduled  63s                default-scheduler  Successfully assigned tekton-pipelines/tekton-resource-pruner-77bgh-manual-5nm-g26rm to k3s-01",
		"  Warning  Failed     18s (x3 over 62s)  kubelet            Failed to pull image \"gcr.io/tekton-releases/dogfooding/tkn:8d43\": rpc error: code = NotFound desc = failed to pull and unpack image",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("unwrap gave\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	// The same box pasted indented, from inside its first line (no left
	// border there): the paste's blanks go with the second line's.
	indented := "    " + strings.TrimPrefix(strings.ReplaceAll(log, "\n", "\n    "), "│ ")
	u = unwrap([]byte(strings.TrimSuffix(indented, "    ")))
	if u == nil || strings.TrimSuffix(string(u.text), "\n") != strings.Join(want, "\n") {
		t.Errorf("an indented box: unwrap gave %v", u)
	}
	// Pulumi's box wraps at a space, padding the line (testdata/logs/holdout,
	// kubernetes-api-forbidden--pulumi-gke-kinetic-provide-credentials).
	pulumi, err := os.ReadFile("../testdata/logs/holdout/kubernetes-api-forbidden--pulumi-gke-kinetic-provide-credentials.log")
	if err != nil {
		t.Fatal(err)
	}
	u = unwrap(pulumi)
	if u == nil || !strings.HasPrefix(string(u.text), "**creating failed** error: configured Kubernetes cluster is unreachable: unable to load schema information from the API server: the server has asked for the client to provide credentials\n") {
		t.Errorf("a box wrapped at a space: unwrap gave %v", u)
	}
}

// TestUnwrapConsole joins a native command's error that a narrow PowerShell
// console wrapped in its error record, at its width (the padded record
// line's) and at its last blank that fits, which it keeps
// (docker-daemon-unreachable--windows-docker-info-desktop-linux-engine-pipe-missing,
// round 224's twin of it).
func TestUnwrapConsole(t *testing.T) {
	log := "docker : failed to connect to \r\n" +
		"the docker API at npipe:////./p\r\n" +
		"ipe/dockerDesktopLinuxEngine; \r\n" +
		"check if the path is correct \r\n" +
		"and if the daemon is running: \r\n" +
		"open //./pipe/dockerDesktopLinu\r\n" +
		"xEngine: The system cannot \r\n" +
		"find the file specified.\r\n" +
		"At line:1 char:26\r\n" +
		"    + CategoryInfo          :  \r\n" +
		"   NotSpecified: (failed to c  \r\n"
	u := unwrap([]byte(log))
	if u == nil {
		t.Fatal("nothing was joined")
	}
	first, _, _ := strings.Cut(string(u.text), "\n")
	want := "docker : failed to connect to the docker API at npipe:////./pipe/dockerDesktopLinuxEngine; check if the path is correct and if the daemon is running: open //./pipe/dockerDesktopLinuxEngine: The system cannot find the file specified."
	if first != want {
		t.Errorf("unwrap gave %q\nwant %q", first, want)
	}
	// Without the record, lines this narrow are a person's own.
	if u := unwrap([]byte(strings.Split(log, "At line")[0])); u != nil {
		t.Errorf("unwrap joined lines of 30 columns without a console's record: %q", u.text)
	}
}
