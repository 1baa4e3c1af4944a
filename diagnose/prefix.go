package diagnose

import (
	"bytes"
	"slices"
)

// maxPrefixes bounds how many prefixes are peeled off one line: pasted logs
// stack them (Cloud Build's step name, then BuildKit's step number, then a
// logrus record), but never many.
const maxPrefixes = 4

// stripPrefixes removes what other tools and people put in front of a
// tool's message when a log reaches ci-doctor by another road than the
// trace API: BuildKit's progress numbers, timestamps of CI systems and
// terminals, Cloud Build's step names, logrus records (kaniko, buildkitd,
// the runner itself), docker compose's service column and a Markdown
// quote. What is left is the message as the tool wrote it, which is what
// the signatures are written against. text is modified in place (a logrus
// message is unescaped), so it must be the normaliser's own buffer.
func stripPrefixes(text []byte) []byte {
	// A pasted log is often indented as a whole (a Markdown code block):
	// the prefixes come after the indentation. Without a prefix, the
	// indentation stays (Line.forSignatures drops it for the signatures only).
	if trimmed := bytes.TrimLeft(text, " \t"); len(trimmed) < len(text) {
		if rest := stripPrefixes(trimmed); len(rest) < len(trimmed) {
			return rest
		}
		return text
	}
	for range maxPrefixes {
		rest := stripBuildKitPrefix(text)
		for _, strip := range prefixStrippers {
			if len(rest) == len(text) {
				rest = strip(text)
			}
		}
		if len(rest) == len(text) {
			return text
		}
		text = bytes.TrimLeft(rest, " \t")
	}
	return text
}

// prefixStrippers are tried in order; each returns text unchanged when its
// prefix is not there. Each returns a suffix of text, except stripMarkdownSpan,
// which drops the span's closing mark too.
var prefixStrippers = [...]func([]byte) []byte{
	stripTimestamp, stripRunLog, stripCloudBuildStep, stripLogrus, stripLogrusTTY, stripKlog, stripComposeService, stripPodLogSource, stripLifecyclePhase, stripChangesets, stripAnsibleLog, stripCIMarker, stripQuote, stripAlert, stripMarkdownSpan, stripLineNumber, stripBuildKitSeconds,
}

// stripTimestamp removes a timestamp that a CI system or a terminal wrote
// before the line: GitHub Actions' "2024-03-01T10:20:30.1234567Z ",
// Jenkins' "[2024-03-01T10:20:30.123Z] ", "2024-03-01 10:20:30,123 " and a
// bare "10:20:30 " or "[10:20:30.123] ".
func stripTimestamp(text []byte) []byte {
	rest := text
	bracket := len(rest) > 0 && rest[0] == '['
	if bracket {
		rest = rest[1:]
	}
	if n := dateLen(rest); n > 0 {
		rest = rest[n:]
		if len(rest) == 0 || (rest[0] != 'T' && rest[0] != ' ') {
			return text
		}
		rest = rest[1:]
	}
	n := clockLen(rest)
	if n == 0 {
		return text
	}
	rest = rest[n:]
	// A zone: Z, or +hh:mm / -hhmm.
	if len(rest) > 0 && rest[0] == 'Z' {
		rest = rest[1:]
	} else if len(rest) >= 5 && (rest[0] == '+' || rest[0] == '-') && isDigit(rest[1]) && isDigit(rest[2]) {
		k := 3
		if rest[k] == ':' {
			k++
		}
		if k+2 <= len(rest) && isDigit(rest[k]) && isDigit(rest[k+1]) {
			rest = rest[k+2:]
		}
	}
	if bracket {
		if len(rest) == 0 || rest[0] != ']' {
			return text
		}
		rest = rest[1:]
	}
	if len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t' {
		return text
	}
	return rest
}

// stripRunLog removes the job and step names that `gh run view --log`
// writes before each line of a GitHub Actions run, tab after each, when a
// timestamp follows them, and the timestamp with them: "build\tRun
// tests\t2024-03-01T10:20:30.1234567Z ". The first line of a step may carry
// a byte order mark before its timestamp.
func stripRunLog(text []byte) []byte {
	job, rest, ok := bytes.Cut(text, []byte("\t"))
	if !ok || len(job) == 0 {
		return text
	}
	step, rest, ok := bytes.Cut(rest, []byte("\t"))
	if !ok || len(step) == 0 {
		return text
	}
	rest = bytes.TrimPrefix(rest, []byte("\ufeff"))
	if dateLen(rest) == 0 {
		return text
	}
	if after := stripTimestamp(rest); len(after) < len(rest) {
		return after
	}
	return text
}

// dateLen returns the length of a "YYYY-MM-DD" or "YYYY-Mon-DD" at the start
// of b, or 0.
func dateLen(b []byte) int {
	if len(b) >= 11 && b[4] == '-' && b[8] == '-' && isDigit(b[9]) && isDigit(b[10]) &&
		b[5] >= 'A' && b[5] <= 'Z' && bytes.Contains(monthAbbrevs, b[5:8]) && digitRun(b, 4) == 4 {
		return 11
	}
	if len(b) < 10 || b[4] != '-' || b[7] != '-' {
		return 0
	}
	for _, i := range [...]int{0, 1, 2, 3, 5, 6, 8, 9} {
		if !isDigit(b[i]) {
			return 0
		}
	}
	return 10
}

// monthAbbrevs are the months as Coolify's deployment log writes them in
// its dates, "2024-Sep-26 10:41:41.948479" (round 224); a capital first
// keeps "n F" and the like out.
var monthAbbrevs = []byte("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec")

// clockLen returns the length of "hh:mm:ss" with an optional fraction
// ("." or "," and digits) at the start of b, or 0.
func clockLen(b []byte) int {
	if len(b) < 8 || b[2] != ':' || b[5] != ':' {
		return 0
	}
	for _, i := range [...]int{0, 1, 3, 4, 6, 7} {
		if !isDigit(b[i]) {
			return 0
		}
	}
	n := 8
	if n+1 < len(b) && (b[n] == '.' || b[n] == ',') && isDigit(b[n+1]) {
		n += 1 + digitRun(b[n+1:], len(b))
	}
	return n
}

// stripCloudBuildStep removes Google Cloud Build's `Step #1 - "build": `
// (or `Step #1: `) before each line of a step's output.
func stripCloudBuildStep(text []byte) []byte {
	rest, ok := bytes.CutPrefix(text, []byte("Step #"))
	if !ok {
		return text
	}
	i := digitRun(rest, len(rest))
	if i == 0 {
		return text
	}
	rest = rest[i:]
	if after, ok := bytes.CutPrefix(rest, []byte(` - "`)); ok {
		end := bytes.IndexByte(after, '"')
		if end < 0 {
			return text
		}
		rest = after[end+1:]
	}
	if after, ok := bytes.CutPrefix(rest, []byte(": ")); ok {
		return after
	}
	return text
}

// stripLogrus turns a logrus text record of an error, `time="..."
// level=error msg="failed to push: \"x\""`, into its message with the
// quoting undone, so that the message reads as the tool meant it. kaniko,
// buildkitd, containerd and gitlab-runner itself log this way. A warning or
// an information keeps its record: kaniko warns with the same words as a
// failure (a mirror without the image, a cache it could not push to) and
// goes on, and a signature can tell the two apart by the level.
func stripLogrus(text []byte) []byte {
	i := bytes.Index(text, []byte("level="))
	if i < 0 || (i > 0 && !bytes.HasPrefix(text, []byte("time="))) || !errorLevel(text[i+len("level="):]) {
		return text
	}
	j := bytes.Index(text[i:], []byte(" msg="))
	if j < 0 {
		return text
	}
	msg := text[i+j+len(" msg="):]
	if quoted, ok := bytes.CutPrefix(msg, []byte(`\"`)); ok {
		// A record quoted again as a whole (inside JSON or another
		// program's %q): its message ends at the next \" that is not
		// one of its own quotes, which are \\\".
		for k := 0; k+1 < len(quoted); k++ {
			if quoted[k] == '\\' && quoted[k+1] == '"' && (k == 0 || quoted[k-1] != '\\') {
				return quoted[:k]
			}
		}
		return quoted
	}
	if len(msg) == 0 || msg[0] != '"' {
		// An unquoted message is one word and ends at the next space.
		if k := bytes.IndexByte(msg, ' '); k >= 0 {
			return msg[:k]
		}
		return msg
	}
	return unquoteInPlace(msg[1:])
}

// unquoteInPlace undoes Go's %q quoting of a message up to its closing
// quote, writing over b: \" and \\ become the character, \n, \r and \t a
// space (the message stays one line). The fields that follow the message
// (` error="..."`) are kept after it as they are. It returns the result.
func unquoteInPlace(b []byte) []byte {
	w, r := 0, 0
	for ; r < len(b) && b[r] != '"'; r++ {
		c := b[r]
		if c == '\\' && r+1 < len(b) {
			r++
			switch c = b[r]; c {
			case 'n', 'r', 't':
				c = ' '
			case '"', '\\':
			default:
				b[w] = '\\'
				w++
			}
		}
		b[w] = c
		w++
	}
	if r+1 < len(b) {
		w += copy(b[w:], b[r+1:])
	}
	return b[:w]
}

// errorLevel reports whether a logrus level (the text after "level=")
// is an error or worse.
func errorLevel(level []byte) bool {
	return levelIs(level, "error", "fatal", "panic")
}

// levelIs reports whether a logrus level (the text after "level=") is one
// of names, bare or quoted as logrus quotes it in JSON-like output.
func levelIs(level []byte, names ...string) bool {
	for _, n := range names {
		if after, ok := bytes.CutPrefix(bytes.TrimPrefix(level, []byte(`"`)), []byte(n)); ok {
			after = bytes.TrimPrefix(after, []byte(`"`))
			if len(after) == 0 || after[0] == ' ' {
				return true
			}
		}
	}
	return false
}

// logrusLevels are the four-letter levels of errors that logrus's text
// formatter writes on a terminal: "ERRO[0003] error building image: ...".
// INFO and WARN stay, as in stripLogrus.
var logrusLevels = [...]string{"ERRO", "FATA", "PANI"}

// stripLogrusTTY removes the level and seconds that logrus writes before an
// error on a terminal ("ERRO[0003] "), as kaniko and podman do.
func stripLogrusTTY(text []byte) []byte {
	level, n := ttyLevel(text)
	for _, l := range logrusLevels {
		if string(level) == l {
			return text[n:]
		}
	}
	return text
}

// ttyLevel reads the prefix that logrus's text formatter writes on a
// terminal, a four-letter level and the seconds since start ("ERRO[0003] "),
// and returns the level and the prefix's length; nil and 0 for a line
// without one. The level stays a slice of text: every candidate line
// comes here, and a string would be allocated for each.
func ttyLevel(text []byte) ([]byte, int) {
	if len(text) < 7 || text[4] != '[' {
		return nil, 0
	}
	i := 5 + digitRun(text[5:], len(text))
	if i == 5 || i+1 >= len(text) || text[i] != ']' || text[i+1] != ' ' {
		return nil, 0
	}
	return text[:4], i + 2
}

// stripComposeService removes docker compose's service column,
// "dind_1  | " or "docker-1  | ", before a service container's output.
func stripComposeService(text []byte) []byte {
	i := 0
	for i < len(text) && (isLowerAlnum(text[i]) || (i > 0 && (text[i] == '_' || text[i] == '-' || text[i] == '.'))) {
		i++
	}
	if i == 0 {
		return text
	}
	j := i
	for j < len(text) && text[j] == ' ' {
		j++
	}
	if j == i || j+1 >= len(text) || text[j] != '|' || text[j+1] != ' ' {
		return text
	}
	return text[j+2:]
}

// stripCIMarker removes the marker that GitHub Actions and Azure Pipelines
// write before a line in their raw logs: "##[error]", "##[command]",
// "##[group]" and the like, but not "##[warning]" (see below). GitHub's web
// page shows "##[error]" as "Error: ", which a log copied from it keeps;
// that word is taken off only before a message that has its own lowercase
// "error: " or "fatal: " (git's, under actions/checkout), since "Error: "
// alone is how many programs begin their own messages.
func stripCIMarker(text []byte) []byte {
	if rest, ok := bytes.CutPrefix(text, []byte("Error: ")); ok && (bytes.HasPrefix(rest, []byte("error: ")) || bytes.HasPrefix(rest, []byte("fatal: "))) {
		return rest
	}
	name, rest, ok := bracketed(text, "##[")
	if !ok || len(name) < 1 || len(name) > 12 || string(name) == "warning" {
		// A warning keeps its marker, as logrus's and klog's keep their
		// level, so that its words are not read as the step's failure.
		return text
	}
	for _, c := range name {
		if c < 'a' || c > 'z' {
			return text
		}
	}
	return rest
}

// stripKlog removes the header that klog (the Kubernetes components'
// logger: the kubelet, kubectl -v, client-go, OpenShift's builder) writes
// before an error or a fatal record, "E0103 14:29:55.588612   45570
// remote_image.go:238] ", and undoes the quoting of a structured record's
// message ("PullImage from image service failed" err="..."). As with
// logrus, an information or a warning keeps its header, so that its words
// are not read as a failure.
func stripKlog(text []byte) []byte {
	if len(text) < 6 || (text[0] != 'E' && text[0] != 'F') || !isDigit(text[1]) || !isDigit(text[2]) || !isDigit(text[3]) || !isDigit(text[4]) || text[5] != ' ' {
		return text
	}
	rest := text[6:]
	n := clockLen(rest)
	if n == 0 {
		return text
	}
	rest = bytes.TrimLeft(rest[n:], " ")
	// the thread id, then the source file and line before "] "
	k := digitRun(rest, len(rest))
	if k == 0 || k == len(rest) || rest[k] != ' ' {
		return text
	}
	source, msg, ok := bytes.Cut(rest[k+1:], []byte("] "))
	if !ok || bytes.ContainsRune(source, ' ') || !bytes.ContainsRune(source, ':') {
		return text
	}
	if len(msg) > 0 && msg[0] == '"' {
		return unquoteInPlace(msg[1:])
	}
	return msg
}

// stripAnsibleLog removes what Ansible's log file (its log_path) writes
// before each line after the time, which stripTimestamp takes: the process,
// user and logger, "p=6062 u=root n=ansible | " (the formatter of
// lib/ansible/utils/display.py), so that a task's "fatal: [host]: FAILED!"
// reads as on the console.
func stripAnsibleLog(text []byte) []byte {
	rest, ok := bytes.CutPrefix(text, []byte("p="))
	if !ok {
		return text
	}
	_, rest, ok = bytes.Cut(rest, []byte(" n="))
	if !ok || !bytes.Contains(text[:len(text)-len(rest)], []byte(" u=")) {
		return text
	}
	if _, msg, ok := bytes.Cut(rest, []byte(" | ")); ok && bytes.IndexByte(rest[:len(rest)-len(msg)-3], ' ') < 0 {
		return msg
	}
	return text
}

// stripPodLogSource removes the source that a pod's log names before each
// line: `kubectl logs --prefix` (and `--all-containers`) writes the pod and
// its container, "[pod/runner-x-project-1-concurrent-0/build] ", and
// Tekton's `tkn pipelinerun logs` the task and its step, "[build-trusted :
// create] ".
func stripPodLogSource(text []byte) []byte {
	if source, rest, ok := bracketed(text, "[pod/"); ok && bytes.Count(source, []byte("/")) == 1 && bytes.IndexByte(source, ' ') < 0 && bytes.HasPrefix(rest, []byte(" ")) {
		return rest[1:]
	}
	if source, rest, ok := bracketed(text, "["); ok && bytes.HasPrefix(rest, []byte(" ")) {
		task, step, ok := bytes.Cut(source, []byte(" : "))
		if ok && k8sName(task) && k8sName(step) {
			return rest[1:]
		}
	}
	return text
}

// lifecyclePhases are the phases of the Cloud Native Buildpacks lifecycle,
// which pack, Spring Boot's bootBuildImage and kpack write before each line
// that a phase prints ("[builder] failed to build: ...", "    [creator]
// ERROR: failed to export: ...").
var lifecyclePhases = []string{"analyzer", "detector", "restorer", "builder", "exporter", "creator", "extender", "rebaser"}

// stripLifecyclePhase removes the lifecycle's phase before a line of its
// output, so that the phase's message reads as the buildpack or the
// lifecycle wrote it.
func stripLifecyclePhase(text []byte) []byte {
	if phase, rest, ok := bracketed(text, "["); ok && bytes.HasPrefix(rest, []byte(" ")) && slices.Contains(lifecyclePhases, string(phase)) {
		return rest[1:]
	}
	return text
}

// changesetsLevels are the levels that changesets' logger names after its
// butterfly.
var changesetsLevels = [...]string{"error", "warn", "info", "success"}

// stripChangesets removes the butterfly and the level that changesets, the
// release tool of many JavaScript monorepos, writes before each line it
// relays from npm ("🦋  error npm error 404 Not Found - PUT ..."), so that
// npm's own line reads as npm wrote it. A relayed blank line is the level
// alone.
func stripChangesets(text []byte) []byte {
	rest, ok := bytes.CutPrefix(text, []byte("🦋  "))
	if !ok {
		return text
	}
	for _, level := range changesetsLevels {
		if r, ok := bytes.CutPrefix(rest, []byte(level)); ok && (len(r) == 0 || r[0] == ' ') {
			return bytes.TrimPrefix(r, []byte(" "))
		}
	}
	return rest
}

// k8sName reports whether b can be the name of a Kubernetes object or a
// container: lower-case letters, digits, '-' and '.'.
func k8sName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !isLowerAlnum(c) && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// bracketed splits text that starts with open and has a ']' after it into
// what stands between them and what follows the ']'.
func bracketed(text []byte, open string) (inside, rest []byte, ok bool) {
	after, ok := bytes.CutPrefix(text, []byte(open))
	if !ok {
		return nil, nil, false
	}
	end := bytes.IndexByte(after, ']')
	if end < 0 {
		return nil, nil, false
	}
	return after[:end], after[end+1:], true
}

func isLowerAlnum(c byte) bool { return isDigit(c) || (c >= 'a' && c <= 'z') }

// stripQuote removes a Markdown quote ("> ") that a log pasted in an issue
// or a chat keeps, a reporter's quote bar ("| ", unless the line goes on as
// a table row), and the frame that Terraform draws around an error ("│ ").
// npm's "> pkg@1.0.0 build" header loses its marker too, which no
// signature relies on.
func stripQuote(text []byte) []byte {
	// ">> " is a quote of a quote in mail and some forums.
	i := 0
	for i < len(text) && i < 3 && text[i] == '>' {
		i++
	}
	if i > 0 && i < len(text) && text[i] == ' ' {
		return text[i+1:]
	}
	if rest, ok := bytes.CutPrefix(text, []byte("│ ")); ok {
		return rest
	}
	if rest, ok := bytes.CutPrefix(text, []byte("| ")); ok && !bytes.Contains(rest, []byte(" | ")) {
		return rest
	}
	return text
}

// stripAlert removes the "!" and the blanks that Heroku's buildpacks and
// CLI, dokku and firebase put before each line of an error or a warning
// (" !     gzip: stdin: unexpected end of file", " !    container:release is
// not a heroku command."), which the tool's own words follow. git's "!
// [rejected]" has one blank, and stays. A build that a git push started
// prints them through git's "remote: " channel ("remote:  !     Failure
// extracting app code", dokku/dokku#5196), which goes with them.
func stripAlert(text []byte) []byte {
	rest := text
	if after, ok := bytes.CutPrefix(rest, []byte("remote:")); ok {
		rest = bytes.TrimLeft(after, " ")
	}
	rest, ok := bytes.CutPrefix(rest, []byte("!"))
	if !ok {
		return text
	}
	if trimmed := bytes.TrimLeft(rest, " \t"); len(rest)-len(trimmed) >= 2 && len(trimmed) > 0 {
		return trimmed
	}
	return text
}

// stripMarkdownSpan removes the marks of a Markdown code span or strong
// emphasis that holds the whole line, as a reporter quotes a single log line
// in running text ("`failed to solve: openjdk:17-alpine: ... not found`") or
// makes the failing one stand out ("**go build ...: link: signal: killed**"):
// patterns anchored at the line's end would not see its last words. A line
// with the same mark inside is left alone: the span is not the whole line.
func stripMarkdownSpan(text []byte) []byte {
	for _, mark := range markdownSpans {
		n, m := len(text), len(mark)
		if n > 2*m && bytes.HasPrefix(text, mark) && bytes.HasSuffix(text, mark) && spanBody(text[m:n-m], mark) {
			return text[m : n-m]
		}
	}
	return text
}

// spanBody reports whether body can be the whole of a Markdown span marked
// with mark: it holds no other mark, and neither starts nor ends with the
// mark's character or a blank, as a banner of stars does ("*** FATAL CONFIG
// FILE ERROR (Redis 7.4.1) ***").
func spanBody(body, mark []byte) bool {
	edge := func(c byte) bool { return c == mark[0] || c == ' ' || c == '\t' }
	return !bytes.Contains(body, mark) && !edge(body[0]) && !edge(body[len(body)-1])
}

// markdownSpans are the marks that stripMarkdownSpan takes off.
var markdownSpans = [...][]byte{[]byte("`"), []byte("**")}

// markdownSpanAt returns where in line the Markdown span opens whose words
// stripPrefixes returned as msg (see stripMarkdownSpan), or -1 when msg is
// not the words of such a span at line's end.
func markdownSpanAt(line, msg []byte) int {
	for _, mark := range markdownSpans {
		start := len(line) - len(msg) - 2*len(mark)
		if start >= 0 && bytes.Equal(stripMarkdownSpan(line[start:]), msg) {
			return start
		}
	}
	return -1
}

// stripLineNumber removes the line number that GitLab's job page glues to
// each line when its log is copied from the browser: "118ERROR: Job
// failed: exit code 1", "1Running with gitlab-runner 17.0.0", as GitHub's
// does to BuildKit's plain progress ("93#14 1.999 npm ERR! code
// ERESOLVE"). Only digits directly followed by a capital letter, "$ " or
// "#" and a digit are taken, so that "3 tests failed" keeps its number.
func stripLineNumber(text []byte) []byte {
	i := digitRun(text, 7)
	if i == 0 || i == len(text) {
		return text
	}
	next := i+1 < len(text)
	if c := text[i]; (c >= 'A' && c <= 'Z') || (c == '$' && next && text[i+1] == ' ') || (c == '#' && next && isDigit(text[i+1])) {
		return text[i:]
	}
	return text
}

// loggedAsDebug reports whether a line's text is a logrus record of the
// debug or trace level (`time="..." level=debug msg="..."`, or "DEBU[0000] "
// on a terminal). Such a record tells how the tool got where it is, and a
// tool that fails says so again at its error level: okteto's debug note
// that a context's certificate "has expired" before it goes on is no cause.
func loggedAsDebug(text []byte) bool {
	// Every candidate line comes here: the prefix is checked before the
	// level is searched for.
	if bytes.HasPrefix(text, []byte("time=")) {
		i := bytes.Index(text, []byte(" level="))
		return i >= 0 && levelIs(text[i+len(" level="):], "debug", "trace")
	}
	level, _ := ttyLevel(text)
	return string(level) == "DEBU" || string(level) == "TRAC"
}

// loggedAsError reports whether a raw line is a logrus record of an error
// (`level=error`, or "ERRO[0003] " on a terminal), whose words stripLogrus
// and stripLogrusTTY keep without the level: a bare `operation not
// permitted` is still what the tool called an error.
func loggedAsError(raw []byte) bool {
	if i := bytes.Index(raw, []byte("level=")); i >= 0 && errorLevel(raw[i+len("level="):]) {
		return true
	}
	for _, l := range logrusLevels {
		if bytes.Contains(raw, []byte(l+"[")) {
			return true
		}
	}
	return false
}
