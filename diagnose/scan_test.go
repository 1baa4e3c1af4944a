package diagnose

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/ci-doctor/ci-doctor/bench/loggen"
	"github.com/ci-doctor/ci-doctor/signatures"
)

// sig builds a signature from the YAML body of a test; the examples are
// filled in so that the loader accepts it.
func sig(t testing.TB, body string) *signatures.Signature {
	t.Helper()
	s, err := signatures.Parse("test.yaml", []byte(body+"\ncause: c\nexamples: {match: [x], no_match: [y]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func matcher(t testing.TB, bodies ...string) *Matcher {
	t.Helper()
	var sigs []*signatures.Signature
	for _, b := range bodies {
		sigs = append(sigs, sig(t, b))
	}
	m, err := Compile(sigs)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func diagnoseString(t testing.TB, m *Matcher, log string) *Report {
	t.Helper()
	r, err := m.Diagnose(strings.NewReader(log), "test.log")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

const daemonSig = `id: daemon
title: Daemon
priority: 80
patterns: ['Cannot connect to the Docker daemon at (?P<host>\S+?)\.? Is']
fix: 'host {{.host}}'`

// bigLog returns a log of n filler lines with the trigger on the given lines.
func bigLog(n int, triggers map[int]bool) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if triggers[i] {
			fmt.Fprintf(&b, "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n")
		} else {
			fmt.Fprintf(&b, "2026-11-27T12:54:19.022043Z 01O #5 0.%03d added %d packages, and audited %d packages in 3s\n", i%1000, i, i*2)
		}
	}
	return b.String()
}

func TestLineNumbersAcrossChunks(t *testing.T) {
	m := matcher(t, daemonSig)
	// ~95 bytes a line: 40,000 lines span several 1 MiB chunks.
	log := bigLog(40000, map[int]bool{11034: true, 39999: true})
	for name, r := range map[string]io.Reader{
		"whole":    strings.NewReader(log),
		"one byte": iotest.OneByteReader(strings.NewReader(log)),
		"half":     iotest.HalfReader(strings.NewReader(log)),
	} {
		t.Run(name, func(t *testing.T) {
			rep, err := m.Diagnose(r, "x")
			if err != nil {
				t.Fatal(err)
			}
			if rep.Lines != 40000 {
				t.Errorf("Lines = %d, want 40000", rep.Lines)
			}
			if len(rep.Findings) != 1 || rep.Findings[0].Line != 11034 || rep.Findings[0].Occurrences != 2 {
				t.Fatalf("findings = %+v, want one at line 11034 seen twice", rep.Findings)
			}
			if got := rep.Findings[0].Fix; got != "host unix:///var/run/docker.sock" {
				t.Errorf("fix = %q", got)
			}
		})
	}
}

func TestOverLongLines(t *testing.T) {
	m := matcher(t, daemonSig)
	trigger := "Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?"
	log := "first\n" +
		trigger + strings.Repeat("x", 3<<20) + "\n" + // found: at the start of a 3 MiB line
		strings.Repeat("y", 100<<10) + trigger + "\n" + // not looked at: past MaxLineBytes
		"last " + trigger // no final newline
	rep := diagnoseString(t, m, log)
	if rep.Lines != 4 {
		t.Errorf("Lines = %d, want 4", rep.Lines)
	}
	f := rep.Findings
	if len(f) != 1 || f[0].Line != 2 || f[0].Occurrences != 2 {
		t.Fatalf("findings = %+v, want line 2 and line 4", f)
	}
	if rep.Job.LongLines != 2 {
		t.Errorf("LongLines = %d, want 2", rep.Job.LongLines)
	}
	if len(f[0].Text) > maxText+len("…") {
		t.Errorf("evidence text is %d bytes, want it clipped", len(f[0].Text))
	}
}

// TestClipEnds checks that a long line the fallback shows keeps its first
// maxText and last maxTail bytes, cut on characters' first bytes, and that a
// shorter one is kept whole.
func TestClipEnds(t *testing.T) {
	short := strings.Repeat("a", maxText+maxTail)
	if got := clipEnds([]byte(short)); got != short {
		t.Errorf("a line of %d bytes was cut", len(short))
	}
	// "é" is two bytes; with an odd offset both cuts would fall inside one.
	long := "x" + strings.Repeat("é", maxText) + "connection refused"
	got := clipEnds([]byte(long))
	head, tail, ok := strings.Cut(got, " … ")
	if !ok || !utf8.ValidString(head) || !utf8.ValidString(tail) {
		t.Fatalf("clipEnds = %q, want a valid head and tail around \" … \"", got)
	}
	if !strings.HasPrefix(long, head) || !strings.HasSuffix(long, tail) || !strings.HasSuffix(tail, "connection refused") {
		t.Errorf("clipEnds kept %d and %d bytes that are not the line's ends", len(head), len(tail))
	}
	if len(head) > maxText || len(tail) > maxTail {
		t.Errorf("clipEnds kept %d and %d bytes, want at most %d and %d", len(head), len(tail), maxText, maxTail)
	}
}

func TestEmptyAndBinaryInput(t *testing.T) {
	m := matcher(t, daemonSig)
	for name, log := range map[string]string{
		"empty":   "",
		"binary":  string(bytes.Repeat([]byte{0, 0xff, 0x1b, '\r', 0x7f, 'E', 'R'}, 50000)),
		"newline": "\n\n\n",
	} {
		rep := diagnoseString(t, m, log)
		if len(rep.Findings) != 0 || rep.Job.Status != "unknown" {
			t.Errorf("%s: %+v", name, rep)
		}
	}
}

func TestWindows(t *testing.T) {
	m := matcher(t, `id: node
title: Node
priority: 80
patterns: ['NODE_MODULE_VERSION (?P<compiled>\d+)\. This version of Node\.js requires']
captures: ['^NODE_MODULE_VERSION (?P<required>\d+)\. Please']
window: 2
fix: '{{node .compiled}} -> {{node .required}}'`, `id: both
title: Both
priority: 50
patterns: ['first-thing']
requires: ['second-thing']
unless: ['third-thing']
window: 3
fix: f`)
	nodeLog := "was compiled against a different Node.js version using\n" +
		"NODE_MODULE_VERSION 108. This version of Node.js requires\n" +
		"NODE_MODULE_VERSION 115. Please try re-compiling or re-installing\n"
	rep := diagnoseString(t, m, nodeLog)
	if len(rep.Findings) != 1 || rep.Findings[0].Fix != "18 -> 20" {
		t.Fatalf("node: %+v", rep.Findings)
	}
	if ev := rep.Findings[0].Evidence; len(ev) != 3 || ev[2].Line != 3 || !ev[2].Match {
		t.Errorf("node evidence = %+v, want the context line, the trigger and the captured line", ev)
	}
	tests := map[string]bool{
		"first-thing\nsecond-thing\n":                     true,
		"second-thing\nfirst-thing\n":                     true,
		"first-thing\na\nb\nc\nsecond-thing\n":            false, // 4 lines apart
		"first-thing\n":                                   false,
		"first-thing\nsecond-thing\nthird-thing\n":        false,
		"third-thing\na\nb\nc\nfirst-thing\nsecond-thing": true, // unless is out of the window
	}
	for log, want := range tests {
		rep := diagnoseString(t, m, log)
		if got := hasFinding(rep, "both"); got != want {
			t.Errorf("%q: found = %v, want %v", log, got, want)
		}
	}
}

// TestNear checks a trigger that counts only beside its near pattern, within
// its own distance, while the signature's other trigger needs nothing and
// its window (0) still bounds the unless pattern.
func TestNear(t *testing.T) {
	m := matcher(t, `id: near
title: Near
priority: 50
patterns:
  - pattern: '^Error: Unauthorized$'
    near: 'with kubernetes_'
    within: 2
  - 'plain-trigger'
unless: ['veto-word']
window: 0
fix: f`)
	tests := map[string]bool{
		"Error: Unauthorized\n  with kubernetes_secret.x,\n":  true,
		"  with kubernetes_secret.x,\nError: Unauthorized\n":  true,
		"Error: Unauthorized\n":                               false,
		"Error: Unauthorized\na\nb\nwith kubernetes_x\n":      false, // 3 lines apart
		"Error: Unauthorized\nveto-word\nwith kubernetes_x\n": true,  // the window stays 0
		"plain-trigger\n":           true,
		"plain-trigger veto-word\n": false,
	}
	for log, want := range tests {
		rep := diagnoseString(t, m, log)
		if got := hasFinding(rep, "near"); got != want {
			t.Errorf("%q: found = %v, want %v", log, got, want)
		}
	}
	rep := diagnoseString(t, m, "Error: Unauthorized\n  with kubernetes_secret.x,\n")
	if len(rep.Findings) != 1 {
		t.Fatalf("findings = %+v", rep.Findings)
	}
	if ev := rep.Findings[0].Evidence; len(ev) != 2 || ev[1].Line != 2 || !ev[1].Match {
		t.Errorf("evidence = %+v, want the trigger and its near line", ev)
	}
}

// TestTwoNears checks a line that matches two triggers, each counting only
// beside its own near line: whichever near line the log has confirms it,
// and the line is still one occurrence when both have theirs.
func TestTwoNears(t *testing.T) {
	m := matcher(t, `id: crash
title: Crash
priority: 50
patterns:
  - pattern: 'Illegal instruction'
    near: 'step for arm64'
    within: 3
  - pattern: 'Illegal instruction \(core dumped\)'
    near: 'platform does not match'
    within: 3
window: 0
fix: f`)
	tests := map[string]int{
		"step for arm64\nIllegal instruction (core dumped)\n":                          1,
		"platform does not match\nIllegal instruction (core dumped)\n":                 1,
		"platform does not match\nstep for arm64\nIllegal instruction (core dumped)\n": 1,
		"Illegal instruction (core dumped)\n":                                          0,
		"platform does not match\na\nb\nc\nd\nIllegal instruction (core dumped)\n":     0,
	}
	for log, want := range tests {
		rep := diagnoseString(t, m, log)
		got := 0
		for _, f := range rep.Findings {
			if f.ID == "crash" {
				got = f.Occurrences
			}
		}
		if got != want {
			t.Errorf("%q: occurrences = %d, want %d", log, got, want)
		}
	}
}

// TestUnlessWithin checks an unless pattern with its own reach: it vetoes
// a trigger further away than the window (before or after it), while the
// signature's other unless stays within the window.
func TestUnlessWithin(t *testing.T) {
	m := matcher(t, `id: reach
title: Reach
priority: 50
patterns: ['cannot connect']
unless:
  - {pattern: 'but will try anyway', within: 4}
  - 'veto-word'
window: 1
fix: f`)
	tests := map[string]bool{
		"cannot connect\n": true,
		"cannot connect\na\nb\nc\nbut will try anyway\n":    false,
		"but will try anyway\na\nb\nc\ncannot connect\n":    false,
		"cannot connect\na\nb\nc\nd\nbut will try anyway\n": true, // 5 lines on
		"cannot connect\nveto-word\n":                       false,
		"cannot connect\na\nveto-word\n":                    true, // past the window
	}
	for log, want := range tests {
		rep := diagnoseString(t, m, log)
		if got := hasFinding(rep, "reach"); got != want {
			t.Errorf("%q: found = %v, want %v", log, got, want)
		}
	}
	// With a window of 0 the scan looks for such an unless on other lines
	// too, where it looks for no other.
	m = matcher(t, `id: ignored
title: Ignored
priority: 50
patterns: ['was refused']
unless:
  - {pattern: '^\.\.\.ignoring$', within: 1}
window: 0
fix: f`)
	if rep := diagnoseString(t, m, "The connection to the server localhost:8080 was refused\n...ignoring\n"); hasFinding(rep, "ignored") {
		t.Errorf("an error the next line ignores was found: %+v", rep.Findings)
	}
}

// TestUnlessAfter checks an unless that speaks only of what came before it:
// it vetoes a trigger above it, within its reach, and never one on its own
// line or below it.
func TestUnlessAfter(t *testing.T) {
	checkOneSided(t, "placed", "patterns: ['FailedScheduling', 'FailedMount']\nunless:\n  - {pattern: 'Successfully assigned', within: 2, after: true}", map[string]bool{
		"FailedScheduling\nSuccessfully assigned\n":              false,
		"FailedScheduling\na\nSuccessfully assigned\n":           false,
		"FailedScheduling\na\nb\nSuccessfully assigned\n":        true, // past its reach
		"Successfully assigned\nFailedMount\n":                   true, // above the trigger
		"FailedMount after Successfully assigned\n":              true, // on its line
		"FailedScheduling\nSuccessfully assigned\nFailedMount\n": true,
	})
	// With same:, it vetoes a trigger about the same thing, or about nothing
	// it names, but not one about another thing.
	m := matcher(t, `id: pulled
title: Pulled
priority: 50
patterns: ['manifest for (?P<image>\S+) not found', 'manifest unknown$']
unless:
  - {pattern: 'Downloaded newer image for (?P<image>\S+)', within: 3, after: true, same: image}
window: 0
fix: f`)
	checkFound(t, m, "pulled", "", map[string]bool{
		"manifest for a:1 not found\nDownloaded newer image for a:1\n": false,
		"manifest unknown\nDownloaded newer image for a:1\n":           false,
		"manifest for a:1 not found\nDownloaded newer image for a:2\n": true,
	})
}

// TestUnlessBefore checks an unless that speaks only of what comes after
// it: it vetoes a trigger below it, within its reach, and never one on its
// own line or above it.
func TestUnlessBefore(t *testing.T) {
	checkOneSided(t, "killed", "patterns: ['exited with code 137']\nunless:\n  - {pattern: 'received fast shutdown request', within: 2, before: true}", map[string]bool{
		"received fast shutdown request\napp exited with code 137\n":       false,
		"received fast shutdown request\na\napp exited with code 137\n":    false,
		"received fast shutdown request\na\nb\napp exited with code 137\n": true, // past its reach
		"app exited with code 137\nreceived fast shutdown request\n":       true, // below the trigger
		"app exited with code 137 after received fast shutdown request\n":  true, // on its line
	})
}

// checkOneSided diagnoses each log of tests with a signature id made of
// body (its patterns and its one-sided unless), under a window of 0 and of
// 2 lines, and checks whether the signature is found.
func checkOneSided(t *testing.T, id, body string, tests map[string]bool) {
	t.Helper()
	for _, window := range []string{"0", "2"} {
		m := matcher(t, "id: "+id+"\ntitle: T\npriority: 50\n"+body+"\nwindow: "+window+"\nfix: f")
		checkFound(t, m, id, "window "+window+", ", tests)
	}
}

// checkFound diagnoses each log of tests with m and checks whether the
// signature id is found; what names the setting in a failure's message.
func checkFound(t *testing.T, m *Matcher, id, what string, tests map[string]bool) {
	t.Helper()
	for log, want := range tests {
		if got := hasFinding(diagnoseString(t, m, log), id); got != want {
			t.Errorf("%s%q: found = %v, want %v", what, log, got, want)
		}
	}
}

func TestRanking(t *testing.T) {
	m := matcher(t, daemonSig, `id: low
title: Low
priority: 10
patterns: ['exceeded limit of']
fix: f`, `id: high
title: High
priority: 95
patterns: ['very specific failure']
fix: f`)
	tests := []struct {
		name, log string
		root      string // "" for none
	}{
		{"priority wins", "Job's log exceeded limit of 4194304 bytes.\nCannot connect to the Docker daemon at x. Is\nERROR: Job failed: exit code 1\n", "daemon"},
		{"low alone is root", "Job's log exceeded limit of 4194304 bytes.\nERROR: Job failed: exit code 1\n", "low"},
		{
			"after_script ranks below the script",
			"section_start:1:step_script\r\x1b[0K\nCannot connect to the Docker daemon at x. Is\nsection_end:2:step_script\r\x1b[0K\n" +
				"section_start:3:after_script\r\x1b[0K\nvery specific failure\nsection_end:4:after_script\r\x1b[0K\nERROR: Job failed: exit code 1\n",
			"daemon",
		},
		{"succeeded job has no root cause", "Cannot connect to the Docker daemon at x. Is\nJob succeeded\n", ""},
		{"a Jenkins build that succeeded has none either", "Cannot connect to the Docker daemon at x. Is\nFinished: SUCCESS\n", ""},
		{"a Jenkins build that failed keeps its cause", "Cannot connect to the Docker daemon at x. Is\nFinished: FAILURE\n", "daemon"},
		{
			"a command the script went on after ranks below the last one",
			"$ ./push.sh\nvery specific failure\n$ ./check.sh\nCannot connect to the Docker daemon at x. Is\nERROR: Job failed: exit code 1\n",
			"daemon",
		},
		{
			"the runner's preparation is no command's output",
			"Using Docker executor with image alpine:3.19 ...\nvery specific failure\n$ ./push.sh\nCannot connect to the Docker daemon at x. Is\nERROR: Job failed: exit code 1\n",
			"high",
		},
		{
			"an excerpt that shows nothing of the runner begins in a command's output",
			"very specific failure\n$ ./push.sh\nCannot connect to the Docker daemon at x. Is\nERROR: Job failed: exit code 1\n",
			"daemon",
		},
	}
	for _, tt := range tests {
		rep := diagnoseString(t, m, tt.log)
		got := ""
		if rc := rep.RootCause(); rc != nil {
			got = rc.ID
		}
		if got != tt.root {
			t.Errorf("%s: root cause = %q, want %q (findings %+v)", tt.name, got, tt.root, rep.Findings)
		}
	}
}

func TestFallback(t *testing.T) {
	m := matcher(t, daemonSig)
	log := "section_start:1:step_script\r\x1b[0K\n" +
		"\x1b[32;1m$ npm test\x1b[0;m\n" +
		"> jest\n" +
		"FAIL src/app.test.js\n" +
		"Error: expected 2 to be 3\n" +
		"section_end:2:step_script\r\x1b[0K\n" +
		"section_start:3:after_script\r\x1b[0K\n" +
		"error in after script\n" +
		"section_end:4:after_script\r\x1b[0K\n" +
		"\x1b[31;1mERROR: Job failed: command terminated with exit code 1\x1b[0;m\n"
	rep := diagnoseString(t, m, log)
	u := rep.Unmatched
	if u == nil || u.LastCommand == nil || u.LastCommand.Line != 2 || u.LastCommand.Text != "$ npm test" {
		t.Fatalf("unmatched = %+v", u)
	}
	if len(u.Lines) != 2 || u.Lines[0].Line != 4 || u.Lines[1].Line != 5 {
		t.Errorf("likely lines = %+v, want lines 4 and 5 (not the after_script error)", u.Lines)
	}
	// Without error words, the last lines of the last command's output,
	// and the runner's failure line.
	quiet := diagnoseString(t, m, "$ make\nbuilding a\nbuilding b\n$ ./check.sh\nchecked 3 files\nERROR: Job failed: exit code 1\n")
	if l := quiet.Unmatched.Lines; len(l) != 2 || l[0].Text != "checked 3 files" || l[1].Line != 6 {
		t.Errorf("quiet likely lines = %+v", l)
	}
	// A pasted log without section markers: the runner's heading of the
	// uploads ends what explains the failure.
	pasted := diagnoseString(t, m, "$ bash run-tests.sh\nMissing Robot Browser library. Install it with:\n  rfbrowser init\n"+
		"Uploading artifacts for failed job\nWARNING: results/xunit.xml: no matching files\nERROR: No files to upload\nERROR: Job failed: exit code 1\n")
	if l := pasted.Unmatched.Lines; len(l) == 0 || l[0].Line != 2 || slices.ContainsFunc(l, func(e Evidence) bool { return e.Line == 6 }) {
		t.Errorf("pasted likely lines = %+v, want line 2 and not the uploads' error", l)
	}
	// When the uploads are all the excerpt holds, their lines are shown.
	upload := diagnoseString(t, m, "Uploading artifacts for successful job\nMissing gitlab-runner. Uploading artifacts is disabled.\n")
	if l := upload.Unmatched.Lines; len(l) == 0 || l[len(l)-1].Line != 2 {
		t.Errorf("upload-only likely lines = %+v, want line 2", l)
	}
	if rep.Job.Status != "failed" || rep.Job.FailureLine != 10 || rep.Job.FailedSection != "step_script" {
		t.Errorf("job = %+v", rep.Job)
	}
}

// TestFallbackCompanions checks the plain lines that the fallback shows
// beside an error line: a message before a bare exit status, the rest of a
// message that goes on in the next line, and what neither may take.
func TestFallbackCompanions(t *testing.T) {
	m := matcher(t, daemonSig)
	tests := []struct {
		name, log string
		want      []int
	}{
		{"message before an exit status", "$ push\nPushing\nunknown blob\nError: exit status 1\n", []int{3, 4}},
		{"message before a logrus exit status", "$ build\nno FROM statement found\ntime=\"x\" level=error msg=\"exit status 125\"\n", []int{2, 3}},
		{"a separator is no message", "$ build\n------\nERROR: process did not complete successfully: exit code: 2\n", []int{3}},
		{"an information record is no message", "$ start\nINFO [run.sh:56] Waiting for Docker\nexit status 1\n", []int{3}},
		{"a long wrapper carries its own message", "$ podman build .\nSTEP 2/2: RUN exit 5\nError: building at STEP \"RUN exit 5\": while running runtime: exit status 5\n", []int{3}},
		{"a message goes on after a colon", "$ test\nHealth check error:\nservice \"x-wait-for-service\" timeout\n", []int{2, 3}},
		{"a sentence goes on after a comma", "$ pull\nCould not pull image - could be due to repo/image not existing,\n   or registry needing authorization\n", []int{2, 3}},
		{"only one line goes on", "$ pull\nError occurred:\nfirst part\nsecond part\n", []int{2, 3}},
		{"a traceback's frames are not its message", "$ run\nTraceback (most recent call last):\n  File \"a.py\", line 1, in <module>\nValueError: bad\n", []int{2, 4}},
		{"a field of an error object does not go on", "$ upload\n  code: 'ECONNRESET',\n  syscall: 'read'\n", []int{2}},
		{"an error record keeps its level", "$ drone\ntime=\"x\" level=fatal msg=\"operation not permitted\"\n[info] done\n", []int{2}},
		{"an error class anywhere in the line", "$ lint\n> Message: Metaspace\n> Stack: OutOfMemoryError\n", []int{3}},
		{"a Go function named for an error is no error", "$ helm\nhelm.sh/helm/v3/pkg/kube.scrubValidationError\nError: UPGRADE FAILED\n", []int{3}},
		{"a resource that ran out", "$ gradle\nExpiring Daemon because JVM heap space is exhausted\n> IDLE\n", []int{2}},
		{"Node.js names its error's code", "$ test\nAssertionError [ERR_ASSERTION]: Expected values to be strictly deep-equal:\n+ actual - expected\n", []int{2, 3}},
		{"Gradle's deepest cause, not the hint under it", "$ gradle lint\nFAILURE: Build failed with an exception.\n\n* What went wrong:\nExecution failed for task ':app:lint'.\n> Lint found errors in the project; aborting build.\n  \n  Fix the issues identified by lint, or add the following to your build script to proceed with errors:\n  ...\n  android {\n      lintOptions {\n          abortOnError false\n      }\n  }\n  ...\n\n* Try:\n", []int{2, 5, 6, 8}},
		{"the deepest of Gradle's causes, in the first of its branches", "$ gradle\nFAILURE: Build failed with an exception.\n\n* What went wrong:\nA problem occurred configuring root project 'x'.\n> Could not resolve all dependencies for configuration ':classpath'.\n   > Could not resolve a:b:1.\n     Required by:\n         :x:unspecified\n      > Could not HEAD 'https://plugins.gradle.org/m2/a/b/1/b-1.pom'.\n         > peer not authenticated\n   > Could not resolve c:d:2.\n     Required by:\n         :x:unspecified\n      > Could not HEAD 'https://plugins.gradle.org/m2/c/d/2/d-2.pom'.\n         > peer not authenticated\n\n* Try:\n", []int{2, 5, 11, 12, 13, 15}},
		{"a Rust thread's panic", "$ cargo test\n---- a stdout ----\nthread 'a' panicked at src/a.rs:9:5:\nassertion failed: x\n", []int{3, 4}},
		{"Gomega's message before its occurred", "$ ginkgo\nUnexpected error:\n    <*meta.NoKindMatchError | 0xc0010bb400>: {\n    }\n    no matches for kind \"X\" in version \"y/v1\"\noccurred\n", []int{2, 3, 5}},
		{"Playwright's heading of a failed test", "$ npx playwright test\n  1) [chromium] › tests/a.spec.ts:3:5 › has title ───\n\n    Error: expect(received).toBe(expected)\n", []int{2, 4}},
		{"Ansible's failed loop item", "$ molecule test\nfailed: [localhost] (item=centos7) => {\"msg\": \"Unsupported parameters\"}\nPLAY RECAP ***\nlocalhost : ok=2 failed=1\n", []int{2, 4}},
		{"a compiler's crash behind a build system's prefix", "$ pip install .\n  build: cc: internal compiler error: Segmentation fault signal terminated program cc1\n  make: *** [Makefile:149: a.o] Error 1\n", []int{2, 3}},
		{"Python's warnings and Ansible's tasks that went well are no errors", "$ molecule test\n/usr/lib/python3.6/site-packages/ansible/parsing/vault/__init__.py:44: CryptographyDeprecationWarning: Python 3.6 is no longer supported\n  from cryptography.exceptions import InvalidSignature\nfatal: [localhost]: FAILED! => {\"msg\": \"x\"}\nchanged: [localhost] => (item={'failed': False})\nlocalhost : ok=2 changed=2 unreachable=0 failed=0 skipped=0\n", []int{4}},
		{"a program's error in its own name", "$ apt-get install -y docker-ce\ndpkg: error: dpkg frontend is locked by another process\nE: Sub-process /usr/bin/dpkg returned an error code (2)\n", []int{2, 3}},
		{"Next.js's failed build names its first error", "$ npm run build\nFailed to compile.\n\n./src/app/page.tsx\nModule not found: Can't resolve '@/lib/utils'\n\n> Build failed because of webpack errors\n", []int{2, 5, 7}},
		{"npm 3's header is no error", "$ npm install\nnpm ERR! Linux 4.15.0-1050-gcp\nnpm ERR! argv \"/usr/local/bin/node\" \"install\"\nnpm ERR! code EACCES\nnpm ERR! Error: EACCES: permission denied, mkdir '/.npm'\n", []int{4, 5}},
	}
	for _, tt := range tests {
		rep := diagnoseString(t, m, tt.log)
		var got []int
		for _, e := range rep.Unmatched.Lines {
			got = append(got, e.Line)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: lines %v, want %v (%+v)", tt.name, got, tt.want, rep.Unmatched.Lines)
		}
	}
}

// TestSameLineOrder checks that what happens on one line does not depend on
// where the patterns' literals stand in it: the finding takes the leftmost
// trigger's column and groups, and a window-0 signature counts the requires
// and unless patterns of its trigger's own line, wherever they are.
func TestSameLineOrder(t *testing.T) {
	m := matcher(t, `id: tag
title: Tag
priority: 80
patterns:
  - '(?i)\bmanifest unknown\b'
  - 'MANIFEST_UNKNOWN: manifest unknown; map\[Tag:(?P<tag>[^\]]*)\]'
window: 0
fix: 'tag {{.tag}}'`, `id: veto
title: Veto
priority: 50
patterns: ['zz-trigger']
requires: ['aa-required']
unless: ['yy-unless']
window: 0
fix: f`)
	// The literal of the first pattern ("manifest") comes first in the
	// line, inside the URL, but the second pattern's match starts first.
	line := "GET https://r.example.com/v2/app/manifests/v1: MANIFEST_UNKNOWN: manifest unknown; map[Tag:v1]\n"
	rep := diagnoseString(t, m, line)
	if len(rep.Findings) != 1 {
		t.Fatalf("findings: %+v", rep.Findings)
	}
	f := rep.Findings[0]
	if want := strings.Index(line, "MANIFEST_UNKNOWN") + 1; f.Column != want || f.Fix != "tag v1" {
		t.Errorf("column %d, fix %q; want column %d, fix %q", f.Column, f.Fix, want, "tag v1")
	}
	checkFound(t, m, "veto", "", map[string]bool{
		"zz-trigger aa-required\n":           true,
		"aa-required zz-trigger\n":           true,
		"zz-trigger aa-required yy-unless\n": false,
		"yy-unless zz-trigger aa-required\n": false,
		"zz-trigger\n":                       false,
	})
}

// TestBuiltinLiteralsRare checks that no literal the built-in database
// makes the scan look for is common in the log of a job that passes (the
// benchmarks' generated log, with its npm downloads, BuildKit steps and
// URLs): each line holding one goes to the regular expressions. A pattern
// whose optional quote took the quote out of its literals left them as
// "http://" and "https://", and the scan ran at less than half its speed.
func TestBuiltinLiteralsRare(t *testing.T) {
	m := builtinMatcher(t)
	log := writeLog(t, loggen.Options{Size: 1 << 20, Timestamps: true})
	lines := bytes.Split(bytes.ToLower(log), []byte("\n"))
	for _, l := range m.Literals() {
		n := 0
		for _, line := range lines {
			if bytes.Contains(line, []byte(l)) {
				n++
			}
		}
		if n*200 > len(lines) {
			t.Errorf("literal %q is in %d of the %d lines of a job that passes: a pattern needs a longer literal", l, n, len(lines))
		}
	}
}

// TestBuiltinStride checks that the literals the built-in database makes
// the scan look for keep the gram filter's stride at 3 or more: a literal
// of four bytes ("dind") makes the scan test every position of every log,
// and run at a third of the speed. The shortest literal today is "killed",
// the kernel's whole message when it kills a process for memory.
func TestBuiltinStride(t *testing.T) {
	m := builtinMatcher(t)
	if m.lits.stride < maxStride-1 {
		for _, l := range m.Literals() {
			if len(l) < gramLen+maxStride-2 {
				t.Errorf("literal %q is shorter than %d bytes", l, gramLen+maxStride-2)
			}
		}
		t.Errorf("the built-in database's stride is %d, want at least %d", m.lits.stride, maxStride-1)
	}
}
