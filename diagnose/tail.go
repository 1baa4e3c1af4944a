package diagnose

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// tailSize is how much of the end of the log is kept for the fallback: the
// error of a failed script is almost always in its last lines.
const tailSize = 64 << 10

// tail keeps the last complete lines of the log.
type tail struct {
	buf []byte
	// first is the line number of buf's first line.
	first int
}

// keepTail appends the region just scanned (which ends on line s.line) to
// the tail and trims the tail to tailSize at a line boundary.
func (s *run) keepTail(b []byte) {
	t := &s.tail
	if len(t.buf) > 0 && t.buf[len(t.buf)-1] != '\n' {
		// The previous region ended inside an over-long line whose rest
		// was skipped: that line has ended now.
		t.buf = append(t.buf, '\n')
	}
	if len(b) >= tailSize {
		t.buf = t.buf[:0]
		b = b[len(b)-tailSize:]
	} else if len(t.buf)+len(b) > tailSize {
		drop := len(t.buf) + len(b) - tailSize
		t.buf = t.buf[:copy(t.buf, t.buf[drop:])]
	}
	t.buf = append(t.buf, b...)
	// Start at a line boundary, unless one line fills the whole tail.
	if i := bytes.IndexByte(t.buf, '\n'); i >= 0 && i < len(t.buf)-1 && len(t.buf) == tailSize {
		t.buf = t.buf[:copy(t.buf, t.buf[i+1:])]
	}
	t.first = s.line - bytes.Count(t.buf, []byte{'\n'}) + 1
}

// errorish finds the lines a person would look at first in a failure that
// no signature explains: error words, a Java or JavaScript error's class name
// anywhere in the line (Android lint's "> Stack: OutOfMemoryError"), the
// error codes of Node.js and its package managers ("ERR_PNPM_FETCH_403",
// "ERR_REQUIRE_ESM"), words for a resource that ran out (Gradle's "JVM heap
// space is exhausted", "the daemon has disappeared", "after running out of
// JVM memory") or a limit that was passed ("exceeded", JitPack's "Build took
// longer than 20 min."), a crash ("Segmentation fault", "core dumped"), the
// linker's "undefined reference to", a refused call's errno ("invalid
// argument", as "not permitted"), a value or an address that a program
// refuses ("Invalid value for env var named KURED_METRICS_PORT", "invalid
// address - http://0.0.0.0:tcp://...", Kubernetes' "Invalid value:"), a
// server's or proxy's 5xx in words ("504 Gateway Timeout"), what is not
// installed or allowed ("KVM is not
// installed", "doesn't have permissions to use KVM"), a command line its
// program does not take ("unknown flag: --use", "flag needs an argument",
// getopt's and argparse's "unrecognized option"), a
// program that exited with an error or was aborted ("rake aborted!"),
// `docker run -t` without a terminal ("the input device is not a TTY"), an
// image without the platform asked for ("no matching manifest for ..."),
// a connection that broke or never came ("connection reset by peer",
// "broken pipe", "i/o timeout", "no route to host", "unexpected EOF"), a
// refusal ("! [remote rejected] ... (shallow update not allowed)"), and
// the failure markers of common test runners (Jest's ✕ and ●, its
// "Timeout - ..." and the "Expected: ..." of an assertion, go test's FAIL,
// TAP's "not ok 3 ..." as bats prints it), a version that is not there
// (go's and git's "unknown revision"), a sum or a version that does not
// match (go's "checksum mismatch"), a name that is "not a valid" one or a
// file that is "not recognized" (the linker's "file not recognized: File
// format not recognized", cmd.exe's "is not recognized as ..."), a
// value that "was invalid" (a deploy action's "deployment_token provided was
// invalid."), an
// HTTP status of refusal or failure (gh's "Resource not accessible by
// integration (HTTP 403)"), a runner or an agent that lost its connection
// ("The self-hosted runner lost communication with the server.", Azure
// Pipelines' "We stopped hearing from agent ...", Buildkite's
// "agent lost", Jenkins' "Agent went offline during the build"), a
// registry's error code in words ("unknown blob", "manifest invalid"), what
// a program needs that the system lacks (Playwright's "Host system is
// missing dependencies to run browsers.", Cypress's "Your system is missing
// the dependency: Xvfb"), what does not fit together (pip's "..., but you
// have protobuf 4.25.6 which is incompatible."), a field that may not
// change (Kubernetes' "field is immutable", which an upgrade meets),
// Gradle's daemon "running out of JVM heap space", a Go toolchain too old
// for its module ("go.mod requires go >= 1.25.0", "module requires Go
// 1.13"), Go's flag package refusing a flag ("flag provided but not
// defined: -exit-code"), what is required or not available ("Option
// '--imagename' is required.", "the ssl module in Python is not
// available."), a file system that df shows full
// ("overlay 59G 59G 0 100% /", but not a snap's image, which always is), a
// refusal in the present tense ("Refusing to use a gid of 0", docker
// manifest's "refusing to amend"), a solver with no answer (opam's "No
// solution found, exiting", conda's "Package libxml2 conflicts for:",
// kubectl's field manager "conflicts with"), terraform's "An argument named
// "name" is not expected here.", Jenkins' "Multiple plugin prerequisites
// not met:" and MPI's "BAD TERMINATION OF ONE OF YOUR APPLICATION
// PROCESSES", a read-only file system ("open .../layers.lock: read-only
// file system"), cargo's "process didn't exit successfully: ... (signal:
// 11, SIGSEGV: invalid memory reference)" and the other signals of a crash,
// what "doesn't exist" as well as what "does not" (cibuildwheel's
// "'/opt/python/cp312-cp312/bin/python' executable doesn't exist in image
// ..."), a licence "not accepted" (the Android SDK's, which Gradle needs).
// The errno strings that only a refused call prints ("wait: no child
// processes", "Device or resource busy"), compose's "depends on undefined
// service", systemd's "(code=exited, status=203/EXEC)" and a command line
// with the wrong number of arguments (cobra's '"docker build" requires
// exactly 1 argument.') are errors too (round 218).
// Words that warnings share are left out: "no longer supported"
// is npm's deprecation notice, "not writeable" pip's note that it installs
// for the user, and neither is why a job failed. A bare
// "EOF" (Go's io.EOF) is not one: it is also how a shell's here-document
// ends. Orchestrators' words count too: Swarm's "task: non-zero exit
// (137)", a pod status's `"exitCode": 137`, kubectl's CrashLoopBackOff,
// Jenkins' "Sending interrupt signal to process" (its timeout or an
// abort), Go's "request canceled while waiting for connection", and so does
// curl's own "curl: (60) SSL certificate problem: ..." whatever its words.
var errorish = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(error|err!|failed|failure|fatal|denied|cannot|can't|can not|could not|couldn't|unable to|unbound variable|not found|no such|not permitted|invalid (?:argument|value|address)\b|exception|panic|traceback|refus(?:ed|ing)\b|timed out|exit (code|status) [1-9]|non-zero exit\b|exit ?code": [1-9]|crashloopbackoff|interrupt signal|request cancel(?:l)?ed|not supported|unsupported|not enough|out of (?:\w+ )?memory|exhausted|disappeared|segmentation fault|core dumped|signal: killed|undefined reference to|exceeded|took longer than|gateway time-?out|bad gateway|service unavailable|not installed|permissions? to|unknown (?:shorthand )?(?:flag|option|command)\b|unrecognized (?:option|arguments?|command)\b|flag needs an argument|exited with (?:code|status) [1-9]|aborted|not a tty|no match(?:ing manifest| for platform)|reset by peer|broken pipe|i/o timeout|no route to host|network is unreachable|unexpected EOF|rejected|exiting due to|(?:does not|doesn't) exist|not accepted\b|read-only file system|illegal instruction|forbidden|unauthorized|not allowed|unknown revision|mismatch(?:ed)?\b|not a valid|not recognized\b|(?:is|was|are|were) invalid\b|\(?HTTP [45]\d\d\b|lost (?:communication|connection|contact)\b|stopped hearing from\b|went offline\b|\bagent lost|(?:unknown|invalid) (?:blob|manifest)|missing (?:a few |the )?(?:dependenc(?:y|ies)|shared librar(?:y|ies))\b|incompatible\b|is immutable\b|running out of\b|requires go >= ?\d|module requires Go \d|\bnot available\b|flag provided but not defined|\bis (?:a )?required\b|(?:blob|manifest|name|blob upload) (?:unknown|invalid)\b|no solution found\b|didn't exit successfully\b|\bSIG(?:SEGV|BUS|ILL|ABRT)\b|is not expected here\b|prerequisites not met\b|bad termination\b|conflicts (?:for|with)\b|undefined (?:service|secret|network|volume|config)\b|\(code=(?:exited, status=[1-9]|killed|dumped)|requires (?:exactly|at least|at most) \d+ arguments?\b|no child processes|device or resource busy|too many open files|resource temporarily unavailable|text file busy|input/output error|bad file descriptor|directory not empty|argument list too long|(?:is|not) a directory\b|cross-device link|stale file handle| 100% /(?:[^s\s]\S*|s[^n]\S*)?$)|\b(?-i:[A-Z][A-Za-z]*[a-z](?:Error|Exception)|ERR_[A-Z][A-Z0-9_]{2,})\b|^(CRITICAL\b|FAIL\b|--- FAIL|not ok \d+ |curl: \(\d+\) |\s*[✕✖×●] |\s*Timeout - |\s*Expected(?: value)?: )`)
})

// keyLine finds the lines that state an error rather than report that
// something failed: a compiler's or linter's "file:line:col: message", an
// exception's first line, the first line of a test runner's failure, a
// build tool's own summary of what went wrong, the runner's system failure.
// The first of them is usually the cause; the lines after it repeat it.
// Each may come after opam's "# ", which it puts before every line of a
// failed package build's output ("# Error: Unbound value get_base_context",
// "# E: Cannot find findlib package io-page-unix").
var keyLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:# )?(?:` +
		// file.ext:12:5: message, file.ext(12,5): message (tsc, gcc, go, flake8, ...), and tsc's --pretty form
		// ("src/a.ts:180:11 - error TS2739: ..."), which nest build prints, also after a pnpm workspace's "apps/api build: "
		`(?:\S+ build: )?\S+?\.\w+(?::\d+(?::\d+)?:|\(\d+,\d+\):|:\d+:\d+ - error) \S` +
		// rustc, gcc, clang, git, Go, apt, npm (also a message that opens with a command: "npm error `npm ci` can only
		// install packages when ..."), yarn, terraform, helm, Bazel ("ERROR: Error computing the main
		// repository mapping: ..."); node-gyp's "gyp ERR! stack Error: not found: make" names what its build lacks
		`|error(?:\[E\d+\])?: |fatal(?: error)?: |panic: |E: |npm (?:ERR!|error) (?:code [A-Z]|[A-Z][a-z]|\x60|\d{3} |[A-Z]{3,}\w* [a-z])|(?:npm (?:ERR!|error) )?gyp ERR! stack Error: |Error: |ERROR: (?:\S+ )?(?:failed|Failed|[Ee]rror)` +
		// the cause under a report that miette draws (pnpm 10, Rust tools): "Error:   × initialize the state", then
		// "  ╰─▶ Invalid CA certificate (entry 0): ..."
		`|\s*[╰├]─▶ \S` +
		// a shell that did not find a command ("/bin/sh: 1: php: not found", "bash: line 3: helm: command not found") or
		// could not run a line of its script ("/bin/bash: line 13: conditional binary operator expected"), and
		// coreutils' and the other small tools' errors in their own names, which they print only when they fail ("mv:
		// '/out/index.js' and '/out/index.js' are the same file", "cp: cannot stat ...", "tar: ...: Cannot write: No space ...")
		`|(?:\S*/)?(?:ba|da|k|z)?sh: (?:line \d+: \S|(?:\d+: )?[^\s:]+: (?:command )?not found$)` +
		`|(?:cp|mv|rm|ln|mkdir|rmdir|chmod|chown|chgrp|touch|cat|ls|tar|sed|install|unzip|gzip|cd|sudo): \S` +
		// an OpenAPI-generated Python client's ApiException (the kubernetes client's): "(429)", "Reason: Too Many Requests",
		// the headers, then what the server said
		`|HTTP response body: \S` +
		// make's own errors (not its "*** [target] Error 2" echo), Docker's classic builder
		`|make(?:\[\d+\])?: \*\*\* [^\[]|.*returned a non-zero code: [1-9]` +
		// an exception: Python's last line, Java's and JavaScript's first, a Rust thread's panic
		// (Node.js names its own errors' code: "AssertionError [ERR_ASSERTION]: ...")
		`|\s*(?:[\w$]+\.)*[A-Z]\w*(?:Error|Exception)(?: \[[A-Z][A-Z0-9_]+\])?(?::|$)|Exception in thread |thread '[^']*' panicked at ` +
		// Ruby's namespaced exception, whatever its class is called, as rake prints it under "rake aborted!"
		// ("TZInfo::DataSourceNotFound: tzinfo-data is not present. ...")
		`|(?:[A-Z]\w*::)+[A-Z]\w*: \S` +
		// a Java cause, as Java prints it ("Caused by: ...") and as Jenkins' remoting does, the causes
		// in reverse ("Caused: java.io.IOException: Backing channel ... is disconnected.")
		`|\s*Caused(?: by)?: (?:[\w$]+\.)+[A-Z]\w*(?:Error|Exception)\b` +
		// Node.js's dump of an error object names its code (semantic-release, npm's libraries)
		`|\s*code: '[A-Z][A-Z_]+',$` +
		// make's note that a signal, not an error, ended its recipe
		`|make(?:\[\d+\])?: \*\*\* \[[^\]]*\] (?:Terminated|Killed|Aborted|Segmentation fault|Interrupt)` +
		// test runners: pytest, go test, Jest, automake, Maven, Gradle, eslint
		// (go test's t.Error and t.Fatal, indented under the test: "    container_test.go:1178: expected ...", and a
		// subtest's "    --- FAIL: TestSuite/TestRunTwice (0.39s)", indented under its parent)
		// (pytest's short summary names an error outside a test's assertions as "ERROR tests/a.py::test_x - sqlalchemy.exc...: ...",
		// a module it could not collect as "ERROR tests/a.py")
		// (Ginkgo's summary of a failed spec, "[Fail] Suite [It] does x" in v1 and "[FAIL] ..." in v2, and v2's "[FAILED] msg"
		// under the spec)
		`|\[(?:Fail|FAIL|FAILED)\] \S` +
		`|E +\S|FAILED |ERROR \S+\.py(?:::\S+)?(?: - \S|$)|FAIL\b|\s*--- FAIL|\s+\S+_test\.go:\d+: \S|\s*[✕✖×●] |# FAIL: +[1-9]|\[ERROR\] (?:Failed to execute goal|\S+\.java:\[\d+)|FAILURE: Build failed|\s*\d+:\d+ +error ` +
		// Playwright's heading of a failed test ("  1) [chromium] › tests/a.spec.ts:3:5 › title ───"), Ansible's failed
		// loop item ("failed: [localhost] (item=centos7) => {...}", its default callback; "fatal: " is above)
		`|\s*\d+\) (?:\[[^\]]+\] › )?\S+:\d+:\d+ › |failed: \[[^\]]+\] \(item=` +
		// a Go program's error chain printed bare, the cause after the last colon ("failed to build: invalid composer installer
		// found at ...", a buildpack's words under its lifecycle phase)
		`|failed to \w+(?: \w+)?: \S` +
		// Go's race detector, whose report opens with its own heading; the test that ran into it fails after it
		`|WARNING: DATA RACE$` +
		// gcc's and clang's crash, wherever a build system's log prefix puts it ("cc: internal compiler error: Segmentation fault")
		`|.*\binternal compiler error: ` +
		// Next.js's report of a failed build ("Type error: Parameter 'x' implicitly has an 'any' type.", also after a pnpm
		// workspace's "apps/web build: ") and webpack's of a missing import ("Module not found: Can't resolve '@/lib/utils'")
		`|(?:\S+ build: )?Type error: \S|Module not found: \S` +
		`)|Job failed \(system failure\)|Preparation failed: |did not complete successfully: exit code`)
})

// boilerplate finds the lines that only repeat that a command failed, or
// that come after the failure: make's "*** [target] Error 2" (or "* [target]
// Error 2", when Markdown took two of its stars for emphasis), npm's
// lifecycle footer, npm 3's header ("npm ERR! Linux 4.15.0", "npm ERR! argv
// ...") and its help under a 404 ("Note that you can also
// install from a"), node-gyp's (its stack frames, "gyp ERR! System ...",
// "gyp ERR! cwd ..."), pip's frame around a build's own output
// ("error: subprocess-exited-with-error", "╰─> [6 lines of output]", "[end
// of output]", its note), stack frames (a JavaScript one also
// when a BuildKit prefix took its indentation: "1.629     at viteLog
// (file:///app/node_modules/vite/dist/node/chunks/config.js:33635:57)" in the
// error summary, round 214), the runner's clean-up, Jenkins' stages
// skipped after the failure, a test that passed
// ("✓ returns 403 Forbidden for a read-only token"), the heading of node:test's
// summary ("✖ failing tests:", which then repeats each failure), and helm's note that
// `upgrade --install` installs ("Release "x" does not exist. Installing it
// now."), and a JSON field that holds no error ("error": ""). They are shown only
// when nothing else is there.
var boilerplate = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:make(?:\[\d+\])?: \*{1,3} \[[^\]]*\] Error|\S+:\d+: recipe for target |\s*npm (?:ERR!|error)(?: code ELIFECYCLE| errno| Exit status| This is probably| A complete log| (?:Linux|Darwin|Windows_NT) \S+$| argv | node v\d| npm  v\d| Please include the following file with any support request:|\s*$|\s+/)|\s+at |at (?:[\w$.<>\[\] ]+ \()?(?:file://)?/\S+:\d+:\d+\)?$|(?:npm (?:ERR!|error) )?gyp ERR! (?:stack\s+at |System |command |cwd |node -v |node-gyp -v |not ok\s*$)|\s*(?:error: subprocess-exited-with-error|note: This error originates from a subprocess, and is likely not a problem with pip\.|│ exit code: \d+|╰─> \[\d+ lines? of output\]|\[end of output\])\s*$|\s+File "[^"]+", line \d+|\[ERROR\]\s+at |\s+\.\.\. \d+ more|ERROR: Job failed|Cleaning up |Uploading artifacts|\[Pipeline\] |Stage "[^"]+" skipped due to (?:earlier failure|when conditional)|error Command failed with exit code|info Visit https://yarnpkg|warning: build failed, waiting|\S+\.py:\d+: in \S+$|Release "[^"]+" does not exist\. Installing it now\.$|\s*[✓✔] |\s*✖ failing tests:$` +
		// GitHub Actions' footer of a failed step, as its page and its raw log (after "##[error]") show it,
		// unless its code is a signal's (128+6 to 128+15: SIGABRT, SIGKILL, SIGSEGV, SIGTERM, ...) or the
		// shell's 126 (found but not executable) or 127 (not found), which say how the step ended when
		// nothing before it does
		`|(?:Error: )?Process completed with exit code (?:\d{1,2}|1[01]\d|12[0-58]|129|13[0-3]|14[4-9]|1[5-9]\d|[2-9]\d\d)\.$` +
		// Python's warnings ("/usr/lib/python3.6/site-packages/ansible/parsing/vault/__init__.py:44: CryptographyDeprecationWarning:
		// Python 3.6 is no longer supported ..."), whose file:line is no compiler's error, and the source line they quote
		// ("  from cryptography.exceptions import InvalidSignature")
		`|\S+\.py:\d+: [A-Z]\w*Warning: |\s+(?:from \S+ )?import [\w.]+(?:, [\w.]+)*$` +
		// Ansible's results of tasks that went well ("changed: [localhost] => (item={... 'failed': False ...})") and a play's
		// recap with nothing failed
		`|(?:ok|changed|skipping): \[[^\]]+\]|\S+\s+: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0\b` +
		// a JSON field that says there was no error ("error": "", "err": null), as in cosign's TUF status
		`|\s*"(?:error|err)":\s*(?:""|null),?$` +
		// Maven's and Gradle's footers
		`|\[ERROR\]\s*$|\[ERROR\] (?:Re-run Maven|For more information|\[Help \d+\]|To see the full stack trace|-> \[Help)|(?:> )?Run with --(?:stacktrace|info|debug|scan)|\* Try:|(?:[>*] )?Get more help at ` +
		// npm's help under every 404 (lib/utils/error-message.js): the "404 Not Found - GET ..." line
		// before it names what is missing
		`|\s*npm (?:ERR!|error) 404 (?:Note that you can also install from a|tarball, folder, http url, or git url\.|You should bug the author to publish it|\s*'[^']+' is not in (?:the npm|this) registry\.))`)
})

// infoLine finds a tool's own information: kaniko's "INFO[0001] Error while
// retrieving image from cache" is a cache miss, not an error. It is shown
// when it is a key line (an old daemon's "INFO[0000] The command [...]
// returned a non-zero code: 1").
var infoLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:(?:INFO|DEBU|TRAC)\[\d+\] |time=\S+ level=(?:info|debug|trace) )`)
})

// warningLine finds a line that a program printed as a warning, whose
// error words did not stop it ("Warning: Unable to load
// '/usr/share/zoneinfo/leapseconds' as time zone. Skipping it.", which the
// MySQL image prints as it starts, round 214): when the fallback has more
// error-looking lines than it shows, the warnings give way first.
var warningLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?i:warn(?:ing)?)(?::|\s|\[)`)
})

// errorRecord finds a record that a program logged at its error level,
// after the time its logger prints first (Go's log and slog, Python's
// logging: "2025/04/14 09:17:27 ERROR <job_1> Error during file fetching;
// aborting: ...", "12:00:01,503 [ERROR] ..."): the program's own word that
// this is the error. Logrus's "level=error" records are not: its tools log
// at that level what they go past (see loggedAsError).
var errorRecord = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?Z?\]?\s+\[?(?:ERROR|FATAL|CRITICAL)\]?\s`)
})

// postHeading finds the runner's heading of a stage that runs after the
// script's outcome is decided ("Running after_script", "Uploading artifacts
// for failed job", "Saving cache for failed job"), as a pasted log keeps it
// when it lost the section markers around it.
var postHeading = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:Running after_script$|(?:Uploading artifacts|Saving cache) for (?:failed|successful) job$)`)
})

// debugLine finds a tool's debugging output, which is never the error
// itself, whatever it looks like: helm's "upgrade.go:79: [debug] ..." is no
// compiler's file:line.
var debugLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\[(?:debug|DEBUG|trace|TRACE)\] `)
})

// ciErrorMarker is what GitHub Actions and Azure Pipelines write before an
// error line of their raw logs; the normaliser drops it (see stripCIMarker),
// but it still says that the line is an error.
var ciErrorMarker = []byte("##[error]")

// exitWrapper finds a line that only says that a program exited with an
// error, as a tool that runs another writes it after that program's own
// message ("unknown blob", then "Error: exit status 1"; buildah's words,
// then `level=error msg="exit status 125"`). The message is the plain line
// just before it, which no error word flags. A longer line ("Error:
// building at STEP ...: exit status 5") carries its own message.
var exitWrapper = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^.{0,32}\bexit(?:ed with)? (?:status|code):? ?[1-9]\d*\W{0,2}$`)
})

// notMessage finds plain lines that cannot be a program's message: a
// separator, a number, a prefix with nothing after it, a tool's
// information or debugging record.
var notMessage = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[^\pL]*(?:\pL+[^\pL]*)?$|\b(?:INFO|DEBUG|TRACE)\b`)
})

// traceHeading finds the line that opens a stack trace: what follows it is
// frames, not the rest of a message.
var traceHeading = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(?:stack ?trace|traceback \(most recent call last\)|goroutine \d+ \[[^\]]*\]):$`)
})

// goesOn reports whether a flagged line's message goes on in the next
// line of rest: the line ends in ":" ("Health check error:", then the
// service that timed out), unless it opens a stack trace, or it ends in ","
// and the next line is indented and starts with a lowercase word, a
// sentence that a tool wrapped. A key line that ends in "," is a field of
// an error object (Node.js's `code: 'ECONNRESET',`), not a sentence.
func goesOn(text, rest []byte, key bool) bool {
	end := bytes.TrimRight(text, " \t")
	switch {
	case len(end) == 0:
		return false
	case endsInColon(text):
		return !traceHeading().Match(end)
	case end[len(end)-1] == ',' && !key:
		next := bytes.TrimLeft(rest, " \t")
		return len(next) < len(rest) && len(next) > 0 && next[0] >= 'a' && next[0] <= 'z'
	}
	return false
}

// endsInColon reports whether a line ends in ":" (and perhaps blanks): a
// heading whose message is on the next lines.
func endsInColon(text []byte) bool {
	return bytes.HasSuffix(bytes.TrimRight(text, " \t"), []byte(":"))
}

// isRule reports whether a line is only a rule drawn with dashes, equals
// signs or underscores.
func isRule(text []byte) bool {
	t := bytes.TrimSpace(text)
	return len(t) >= 3 && len(bytes.Trim(t, "-=_")) == 0
}

// terraformFrame is how Terraform and OpenTofu open an error in the frame
// they draw around it: "│ Error: Failed to query available provider
// packages", a blank line of the frame, then the details, which say what
// to change and often have no error word of their own.
var terraformFrame = []byte("│ Error: ")

// gitRefusal reports whether a line is git's own failure ("fatal: unable
// to access ...", "error: failed to push some refs") right after a line in
// which the server gave its reason ("remote: You are not allowed to upload
// code."): that reason is the key line.
func gitRefusal(before string, text []byte) bool {
	return strings.HasPrefix(before, "remote: ") &&
		(bytes.HasPrefix(text, []byte("fatal: ")) || bytes.HasPrefix(text, []byte("error: ")))
}

// programError finds a program's error in its own name: "dpkg: error: dpkg
// frontend is locked by another process", "cc1: fatal error: ...".
var programError = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^([\w.-]+): (?:fatal )?error: \S`)
})

// ownError reports whether a line is a program's error in its own name (see
// programError), but not git's "remote: error: ...", the server's words that
// git relays, one line of them after another: the line that names the cause
// among them is found as any other.
func ownError(text []byte) bool {
	m := programError().FindSubmatch(text)
	return m != nil && string(m[1]) != "remote"
}

// gomegaEnd reports whether a line is the "occurred" that ends Gomega's
// report of an unexpected error (HaveOccurredMatcher's negated failure
// message in Ginkgo tests: "Unexpected error:", the error's Go value, then
// "occurred" alone; newer versions put the error's message before it): that
// message, the plain line before, is the key line.
func gomegaEnd(text []byte) bool {
	return string(bytes.TrimSpace(text)) == "occurred"
}

// detailOf reports whether text, the line right after record (a line shown
// for its words, or itself a detail), is indented under it as its detail:
// past the prefix both share (a timestamp, a worker's "[0-0] "), text is
// indented deeper. A tool that writes an error over several lines indents
// the rest under it: twine's and rich's "ERROR    HTTPError: 400 ..." then
// "         File already exists ...", WebdriverIO's "ERROR webdriver: ..."
// then "  (session not created: ...)", Karma's "Cannot start
// ChromeHeadless" then the browser's own stderr behind a tab.
func detailOf(record, text string) bool {
	if record == "" {
		return false
	}
	p := 0
	for p < len(record) && p < len(text) && record[p] == text[p] {
		p++
	}
	if strings.TrimSpace(record[p:]) == "" || blankColumns(text[p:]) <= blankColumns(record[p:]) {
		return false
	}
	// A dumped object's fields ("logContext": "...", "signal: null,") are
	// data, and a stack's frames ("at ...", "/go/pkg/mod/...:128") places,
	// not words.
	rest := strings.TrimSpace(text[p:])
	return rest != "" && !strings.ContainsRune(`"{}[]`, rune(rest[0])) && !strings.HasSuffix(rest, ",") &&
		!strings.HasPrefix(rest, "at ") && !frameLine().MatchString(rest)
}

// blankColumns is how many columns of blanks begin s, a tab taken as eight.
func blankColumns(s string) int {
	n := 0
	for _, c := range []byte(s) {
		switch c {
		case ' ':
			n++
		case '\t':
			n += 8
		default:
			return n
		}
	}
	return n
}

// frameLine finds a stack frame's file and line alone ("/go/pkg/mod/github.com/go-logr/zapr@v0.1.0/zapr.go:128").
var frameLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\S+:\d+(?::\d+)?$`)
})

// maxUnmatched is how many likely lines the fallback shows, and maxKey how
// many of them may be key lines: the first ones, where the error starts,
// and the last one, where a test runner sums up.
const (
	maxUnmatched = 6
	maxKey       = 3
)

// errorLines are the lines of one command's output that the fallback picked.
type errorLines struct {
	keys, likely []Evidence
	lastKey      *Evidence
}

// fallback picks the last command and the lines to read first from the
// tail: the first key lines of the last command's output, then its last
// other error-looking lines or, when there are none, its last lines.
func (s *run) fallback() *Unmatched {
	u := &Unmatched{LastCommand: s.lastCommand, Lines: []Evidence{}}
	var n normalizer
	// The tail may begin inside a stage; its first marker tells which.
	if i := bytes.Index(s.tail.buf, []byte("section_end:")); i >= 0 && !bytes.Contains(s.tail.buf[:i], []byte("section_start:")) {
		if _, name, _, ok := parseMarker(s.tail.buf[i:], onlyEscapes(s.tail.buf[bytes.LastIndexByte(s.tail.buf[:i], '\n')+1:i])); ok {
			n.open(string(name))
		}
	}
	var keys, likely, last []Evidence
	var lastKey *Evidence
	var before errorLines
	var run likelyRun
	// weak holds the likely lines shown only as details of the line above
	// them (see detailOf) and the warnings (see warningLine): when the list
	// is full, they go first.
	weak := map[int]bool{}
	addLikely := func(e Evidence) {
		run.add(e)
		likely = append(trim(likely, maxUnmatched-1, weak), e)
	}
	addKey := func(e Evidence) {
		if len(keys) < maxKey-1 {
			keys = append(keys, e)
		} else {
			lastKey = &e
		}
	}
	// plain is the line before this one when no error word flagged it: the
	// message of a program whose caller then reports only its exit status.
	// continued says that the flagged line before this one goes on here, on
	// a line with no error word of its own (see goesOn).
	var plain *Evidence
	continued := false
	// Gradle states the error in the block after "* What went wrong:": a
	// first line, then each cause nested under the one before on a line of
	// its own that begins with "> ", one step further in. The first line
	// and each cause deeper than all before it are key lines, so the first
	// and the deepest are shown: the deepest of the first branch when
	// several dependencies failed the same way (the branches after it go
	// no deeper), never a line under a cause (its hint, the locations it
	// searched). depth is how far in the deepest cause's text began, or
	// the first line's, -1 until that line is read.
	wentWrong, depth := false, -1
	// Gradle then repeats it as an exception and its stack after "*
	// Exception is:" (--stacktrace): the deepest cause above stays the
	// last key line.
	inException := false
	// record is the line before this one when it was shown for its own
	// words: an indented line right under it is its detail (see detailOf).
	var record string
	var summary stepSummary
	num := s.tail.first
	var l Line
	for rest := s.tail.buf; len(rest) > 0; num++ {
		var raw []byte
		raw, rest = nextLine(rest)
		if s.job.FailureLine > 0 && num >= s.job.FailureLine {
			break
		}
		n.normalize(raw, num, &l)
		phase := PhaseOf(l.Section)
		if l.Section == "" && postHeading().Match(l.Text) && len(last)+len(before.keys)+len(before.likely) > 0 {
			// A pasted job log without its section markers: what follows
			// is after_script and the uploads, after the outcome that the
			// lines above explain.
			break
		}
		if phase.post() || (s.job.Phase != PhaseUnknown && phase != s.job.Phase) || len(bytes.TrimSpace(l.Text)) == 0 {
			continue
		}
		if bytes.HasPrefix(l.Text, []byte("$ ")) {
			// A new command: what came before is not its output. It is kept
			// aside in case the new command prints no error of its own (an
			// `echo $?` or a clean-up pasted after the failure).
			if len(keys)+len(likely) > 0 {
				before = errorLines{keys: keys, likely: likely, lastKey: lastKey}
			}
			keys, likely, last, lastKey, plain, continued = nil, nil, last[:0], nil, nil, false
			record = ""
			run.reset()
			continue
		}
		e := Evidence{Line: num, Text: clipEnds(l.Text), Match: true}
		last = append(trim(last, maxUnmatched-1, nil), Evidence{Line: num, Text: e.Text})
		// wrapped: the plain line before is the message of this one, which
		// is then shown beside it even when it is boilerplate (GitHub's
		// "Process completed with exit code 1." after "Dependencies found.").
		wrapped := plain != nil && (exitWrapper().Match(l.Text) || gitRefusal(plain.Text, l.Text) || gomegaEnd(l.Text))
		if wrapped {
			addKey(*plain)
		}
		// flagged is false for a line shown for no word of its own; such a
		// line's message does not go on in the next (see goesOn).
		// opens says that the line was shown for its own words, so the
		// indented lines after it may be its details.
		flagged, shown, key, opens := true, true, false, false
		gradleKey := false
		if wentWrong {
			switch {
			case depth < 0:
				gradleKey, depth = true, l.Indent
			case l.Indent > depth && gradleCause(raw, l.Text):
				gradleKey, depth = true, l.Indent
			}
		}
		switch {
		case wrapped && boilerplate().Match(l.Text):
			addLikely(e)
		case boilerplate().Match(l.Text), debugLine().Match(l.Text), inException:
		case gradleKey || keyLine().Match(l.Text) || ownError(l.Text) || errorRecord().Match(l.Text):
			addKey(e)
			key, opens = true, true
		case infoLine().Match(l.Text):
		case string(bytes.TrimSpace(l.Text)) == "Caused by:":
			// The heading of the causes that Rust's anyhow, Nextflow and
			// rake print under an error: the cause is the next line, which
			// is shown in its place (see goesOn).
			shown = false
		case errorish().Match(l.Text), bytes.Contains(raw, ciErrorMarker), loggedAsError(raw):
			if warningLine().Match(l.Text) {
				weak[e.Line] = true
			}
			addLikely(e)
			opens = true
		case (continued || detailOf(record, e.Text)) && !notMessage().Match(l.Text):
			if !continued {
				weak[e.Line] = true
			}
			addLikely(e)
			flagged = false
		case summary.in && !notMessage().Match(l.Text):
			summary.plain = append(summary.plain, e)
			flagged = false
		default:
			flagged, shown = false, false
		}
		plain = nil
		if !shown && !notMessage().Match(l.Text) {
			plain = &e
		}
		record = ""
		if opens || shown && !flagged {
			record = e.Text
		}
		// A rule under the heading ("ERROR: YOUR SITE COULD NOT BE BUILT:", then
		// dashes, then the reason) does not end it, and a heading under it
		// goes on too (helm's "... in the following chart(s):", then the
		// chart's name and a colon, then the schema that failed).
		continued = flagged && goesOn(l.Text, rest, key) || key && bytes.Contains(raw, terraformFrame) ||
			continued && (!shown && isRule(l.Text) || shown && endsInColon(l.Text))
		switch {
		case bytes.HasPrefix(l.Text, []byte("* What went wrong:")):
			wentWrong, depth = true, -1
		case bytes.HasPrefix(l.Text, []byte("* Try:")):
			wentWrong = false
		case bytes.HasPrefix(l.Text, []byte("* Exception is:")):
			inException = true
		case bytes.HasPrefix(l.Text, []byte("* Get more help")), bytes.HasPrefix(l.Text, []byte("BUILD FAILED")):
			inException = false
		}
		if summary.in && flagged && shown {
			summary.flagged = true
		}
		for _, e := range summary.next(l.Text) {
			addLikely(e)
		}
	}
	// An excerpt may stop inside the summary.
	for _, e := range summary.close() {
		addLikely(e)
	}
	if len(keys)+len(likely) == 0 {
		keys, likely, lastKey = before.keys, before.likely, before.lastKey
		run.reset()
	}
	if lastKey != nil {
		keys = append(keys, *lastKey)
	}
	switch {
	case len(keys) > 0:
		u.Key = &keys[0]
	case len(likely) > 0:
		u.Key = &likely[len(likely)-1]
	}
	u.Lines = append(u.Lines, keys...)
	// The latest other error lines fill the rest, in the log's order.
	u.Lines = append(u.Lines, run.fill(likely, maxUnmatched-len(keys), weak)...)
	if len(u.Lines) == 0 {
		// Nothing looks like an error: the last lines, and the runner's
		// own failure line, which then says the most (a shell executor
		// whose profile ended the job says only "exit status 1").
		u.Lines = append(u.Lines, last...)
		if s.job.FailureLine > 0 {
			u.Lines = append(u.Lines, Evidence{Line: s.job.FailureLine, Text: s.job.FailureText, Match: true})
		}
	}
	slices.SortFunc(u.Lines, func(a, b Evidence) int { return a.Line - b.Line })
	return u
}

// stepSummary follows BuildKit's error summary, which repeats the last lines
// that the failed step printed, between " > [build 4/5] RUN useradd ...:"
// and "------". They are the step's own words ("useradd: UID 1000 is not
// unique"): when none of them has an error word, they are still the lines
// to read, and are shown when the block ends.
type stepSummary struct {
	// in is true inside the block, after its heading; afterDashes on the
	// line after a "------"; flagged once a line of the block was flagged.
	in, afterDashes, flagged bool
	// plain are the block's lines that nothing flagged.
	plain []Evidence
}

// next follows the block past one line and returns the lines to show when
// that line ends it.
func (b *stepSummary) next(text []byte) []Evidence {
	dashes := bytes.HasPrefix(bytes.TrimLeft(text, " "), []byte("------"))
	var shown []Evidence
	switch {
	case dashes && b.in:
		shown = b.close()
	case !b.in && b.afterDashes && bytes.Contains(text, []byte("] ")) && bytes.HasSuffix(text, []byte(":")):
		// The heading comes right after the block's first "------" (its
		// "> " may have been taken for a Markdown quote and stripped).
		b.in = true
	}
	b.afterDashes = dashes
	return shown
}

// close ends the block and returns its plain lines when none of its lines
// was flagged.
func (b *stepSummary) close() []Evidence {
	shown := b.plain
	if b.flagged {
		shown = nil
	}
	*b = stepSummary{}
	return shown
}

// likelyRun follows the run of likely lines that ends at the latest one (a
// line or two apart at most): a message that a tool writes over many lines
// (npm's, Cypress's, node-gyp's) starts at the run's first line, which the
// latest lines alone would lose.
type likelyRun struct {
	// first holds the run's first lines, n its length and end its last
	// line's number.
	first  []Evidence
	n, end int
}

// add follows the run past one more likely line.
func (r *likelyRun) add(e Evidence) {
	if r.n == 0 || e.Line > r.end+2 {
		r.first, r.n = r.first[:0], 0
	}
	if len(r.first) < maxUnmatched {
		r.first = append(r.first, e)
	}
	r.n++
	r.end = e.Line
}

// reset forgets the run: a new command's output starts.
func (r *likelyRun) reset() { r.n = 0 }

// fill returns the likely lines to show in slots places: the latest, or,
// when the run that ends them is longer than the room, its first lines and
// its last. Lines in weak go before the others (see trim).
func (r *likelyRun) fill(likely []Evidence, slots int, weak map[int]bool) []Evidence {
	if r.n > slots && slots > 1 {
		return append(r.first[:slots-1:slots-1], likely[len(likely)-1])
	}
	return trim(likely, slots, weak)
}

// trim leaves at most n of lines: it drops those in weak first, the
// oldest first, then the oldest others.
func trim(lines []Evidence, n int, weak map[int]bool) []Evidence {
	for len(lines) > max(n, 0) {
		i := slices.IndexFunc(lines, func(e Evidence) bool { return weak[e.Line] })
		if i < 0 {
			return lines[len(lines)-max(n, 0):]
		}
		lines = slices.Delete(lines, i, i+1)
	}
	return lines
}

// gradleCause reports whether a line of Gradle's "* What went wrong:" block
// is one of its causes, which Gradle writes after a "> " ("> Could not
// resolve all files for configuration ':classpath'.", then "   > Could not
// find com.android.tools.build:gradle:3.0.1."). The normaliser reads that
// "> " off as a pasted quote and counts it in the line's Indent, so it is
// looked for in the raw line, right before the text.
func gradleCause(raw, text []byte) bool {
	i := bytes.LastIndex(raw, text)
	return i > 0 && bytes.HasSuffix(bytes.TrimRight(raw[:i], " "), []byte(">"))
}
