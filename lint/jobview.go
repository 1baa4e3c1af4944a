package lint

import (
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/ci-doctor/ci-doctor/ciconfig"
	"github.com/ci-doctor/ci-doctor/rewrite"
	"go.yaml.in/yaml/v3"
)

// jobView is one job as the rules see it, computed once.
type jobView struct {
	c    *checker
	job  *ciconfig.Job
	cmds []ciconfig.Command
	vars *ciconfig.Map
	// image is the job's image: entry, imageName its name.
	image     *ciconfig.Entry
	imageName string
	// rewrite is the script with its docker commands rewritten, made on
	// first use (rewritten).
	rewrite []rewrite.LineResult
	// shellTag is the job's runner tag that names a shell runner, or "".
	shellTag string
}

func newJobView(c *checker, j *ciconfig.Job) *jobView {
	v := &jobView{c: c, job: j, cmds: j.Commands(), vars: j.Variables(), image: j.Get("image")}
	v.shellTag = shellTag(j)
	if v.shellTag == "" {
		// A shell runner ignores image: its host runs the script.
		v.imageName = v.expand(imageName(v.image))
	}
	return v
}

// shellTag returns the job's first runner tag that names a shell runner
// ("shell", "shell-runner", "linux_shell"), or "".
func shellTag(j *ciconfig.Job) string {
	tags := j.Get("tags")
	if tags == nil {
		return ""
	}
	for _, n := range tags.Value.Content {
		if n.Kind != yaml.ScalarNode {
			continue
		}
		words := strings.FieldsFunc(strings.ToLower(n.Value), func(r rune) bool { return strings.ContainsRune("-_.:/ ", r) })
		if slices.Contains(words, "shell") {
			return n.Value
		}
	}
	return ""
}

// shownImage names the job's image for a message: its name, or what runs
// a job that has none or whose runner ignores it.
func (v *jobView) shownImage() string {
	switch {
	case v.shellTag != "":
		return "the host of its shell runner (tag " + v.shellTag + ", where image: is ignored)"
	case v.imageName == "":
		return "the runner's default image"
	}
	return v.imageName
}

// maxExpand bounds the rounds of expansion of a variable whose value names
// others, and a variable that names itself.
const maxExpand = 8

// expand replaces $NAME and ${NAME} in s by the values the file gives those
// variables for this job (its own, its templates' and the global ones), as
// GitLab does for image: and services:. A variable the file does not set
// (a predefined one, one set in the project's settings) stays as written.
func (v *jobView) expand(s string) string {
	for range maxExpand {
		if !strings.Contains(s, "$") {
			return s
		}
		next := os.Expand(s, func(name string) string {
			if val, e := v.variable(name); e != nil {
				return val
			}
			return "${" + name + "}"
		})
		if next == s {
			break
		}
		s = next
	}
	return s
}

// imageName reads "image: x" and "image: {name: x}".
func imageName(e *ciconfig.Entry) string {
	if e == nil {
		return ""
	}
	if e.Map != nil {
		return e.Map.Get("name").Scalar()
	}
	return e.Scalar()
}

// elsewhere reports whether the job does not run a script on these
// runners: a trigger job, or one sent to a privileged runner by its tags.
func (v *jobView) elsewhere() bool {
	if v.job.Get("trigger") != nil {
		return true
	}
	if tags := v.job.Get("tags"); tags != nil {
		for _, n := range tags.Value.Content {
			if n.Kind == yaml.ScalarNode && contains(v.c.opts.PrivilegedTags, n.Value) {
				return true
			}
		}
	}
	return false
}

// scriptUnread reports whether the job's script is in none of the files
// read: neither the job nor its templates here have one, so it comes with
// an include that is not read locally (GitLab's Code-Quality template, a
// component). A fix that needs to know what the script runs cannot hold.
func (v *jobView) scriptUnread() bool {
	return v.job.Get("script") == nil
}

// runsOwnScript reports whether the job runs a script or a makefile of the
// repository (./build.sh, .industrial_ci/gitlab.sh, sh ci/build.sh, source
// ci/env.sh, make image), whose commands are not read here: they may call
// docker.
func (v *jobView) runsOwnScript() bool {
	_, ok := v.ownScript()
	return ok
}

// mayCallDocker reports whether the job calls docker or docker-compose,
// runs a script of the repository, which may, or hands the daemon's
// address or certificates to another client (gradle bootBuildImage
// -PdockerHost=$DOCKER_HOST, a wait for $DOCKER_CERT_PATH/ca.pem).
func (v *jobView) mayCallDocker() bool {
	return len(v.uses("docker")) > 0 || v.daemonTool() != "" || v.runsOwnScript() || v.readsDaemon() != ""
}

// daemonTools are the programs other than docker that are clients of the
// Docker daemon and that no fix rewrites: Compose 1, goss's wrappers that
// run the image under test with docker (dgoss, dcgoss), and the local
// Kubernetes clusters made of containers (kind, k3d).
var daemonTools = []string{"docker-compose", "dgoss", "dcgoss", "kind", "k3d"}

// daemonTool returns the first of the job's commands that runs one of
// daemonTools, as its first two words; "".
func (v *jobView) daemonTool() string {
	for _, cmd := range v.cmds {
		for _, tool := range daemonTools {
			if at := commandWord(cmd.Text, tool); at >= 0 {
				return firstWords(cmd.Text[at:])
			}
		}
	}
	return ""
}

// daemonLibrary returns, for a job that chose a Docker-in-Docker service
// itself (in its own entry or a template it extends, not in default: or
// the global services:) and calls no docker command, the first of its
// other commands, as its first two words: the service serves a program
// that talks to the daemon through a library (Testcontainers under mvn
// verify, a Docker SDK in python3 push_ecr.py). "" for other jobs.
func (v *jobView) daemonLibrary() string {
	if v.mayCallDocker() {
		return ""
	}
	e, items := services(v)
	if e == nil || e.From != "" && !strings.HasPrefix(e.From, "extends") {
		return ""
	}
	if !slices.ContainsFunc(items, func(item *yaml.Node) bool {
		name, _ := serviceName(item)
		return dindImage(v.expand(name))
	}) {
		return ""
	}
	for _, cmd := range v.cmds {
		// The platform guide's tools, which the fixes write, need no
		// daemon.
		word, _, _ := strings.Cut(cmd.Text, " ")
		if trivialCommand(cmd.Text) || installsCrane(cmd.Text) || slices.Contains([]string{"buildctl-daemonless.sh", "buildctl", "crane"}, path.Base(word)) {
			continue
		}
		return firstWords(cmd.Text)
	}
	return ""
}

// remoteDaemon reports whether the job's Docker client talks to a daemon on
// another host over ssh (DOCKER_HOST: ssh://user@host), which a runner
// without privileged mode reaches as well as any: its docker commands and
// the variable are not the platform's to change.
func (v *jobView) remoteDaemon() bool {
	host, e := v.variable("DOCKER_HOST")
	return e != nil && strings.HasPrefix(v.expand(host), "ssh://")
}

// readsDaemon returns the first of the job's commands that reads where the
// Docker daemon is (DOCKER_HOST) or where docker:dind leaves its TLS
// certificates for the client, as its first two words; "".
func (v *jobView) readsDaemon() string {
	for _, cmd := range v.cmds {
		if daemonRefs().MatchString(cmd.Text) {
			return firstWords(cmd.Text)
		}
	}
	return ""
}

// ownScript returns the first command that runsOwnScript counts, as its
// first two words ("make image", "./build.sh").
func (v *jobView) ownScript() (string, bool) {
	for _, c := range v.cmds {
		w := strings.Fields(c.Text)
		if len(w) == 0 || path.Base(w[0]) == "buildctl-daemonless.sh" {
			// BuildKit's own script, which the fixes write.
			continue
		}
		own := false
		switch w[0] {
		case "make":
			own = len(w) == 1 || w[1] != "-v" && w[1] != "--version"
		case "sh", "bash", "ash", "source", ".":
			own = len(w) > 1 && !strings.HasPrefix(w[1], "-")
		}
		// A path of the repository (./build.sh, .industrial_ci/gitlab.sh,
		// $CI_PROJECT_DIR/ci/build), any shell script by its name, or one
		// downloaded and run at once (bash -c "$(curl -fsSL $URL/build.sh)",
		// curl ... | sh), whose commands are read nowhere.
		if own || strings.Contains(w[0], "/") && !strings.HasPrefix(w[0], "/") || strings.HasSuffix(w[0], ".sh") || strings.HasSuffix(w[0], ".bash") || downloadedScript().MatchString(c.Text) {
			return firstWords(c.Text), true
		}
	}
	return "", false
}

// downloadedScript matches a command that runs a script it downloads:
// a shell given curl's or wget's output, as an argument or through a pipe.
var downloadedScript = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\b(?:ba|da|z)?sh\s+-c\s+["']?\$\((?:curl|wget)\b|\b(?:curl|wget)\b[^|]*\|\s*(?:sudo\s+)?(?:ba|da|z)?sh\b`)
})

// daemonLess returns, for a job without a Docker-in-Docker service, the
// first of its commands that may need a Docker daemon: a docker or
// docker-compose command (one the rewrite leaves to a person first), or a
// script of the repository (runsOwnScript), as its first two words
// ("docker run", "make image"); "" when the job has such a service or no
// such command.
func (v *jobView) daemonLess() string {
	_, items := services(v)
	for _, item := range items {
		if name, _ := serviceName(item); dindImage(v.expand(name)) {
			return ""
		}
	}
	// The command that kept the job's rewrite from being made says most.
	for _, lr := range v.rewritten() {
		for _, ch := range lr.Changes {
			if ch.Result.Action == rewrite.Manual {
				return "docker " + ch.Cmd.Sub
			}
		}
	}
	for _, cmd := range v.cmds {
		if at := commandWord(cmd.Text, "docker"); at >= 0 {
			return firstWords(cmd.Text[at:])
		}
	}
	if cmd := v.daemonTool(); cmd != "" {
		return cmd
	}
	// A command that reads the dind service's address or client
	// certificates (ls /certs/client, cat $DOCKER_CERT_PATH/ca.pem, gradle
	// -PdockerHost=$DOCKER_HOST) finds nothing without the service.
	if cmd := v.readsDaemon(); cmd != "" {
		return cmd
	}
	if cmd, ok := v.ownScript(); ok {
		return cmd
	}
	return ""
}

// firstWords names a command by its first two words ("make image",
// "docker run"), as the notes do.
func firstWords(text string) string {
	w := strings.Fields(text)
	return strings.Join(w[:min(2, len(w))], " ")
}

// daemonRefs matches the Docker daemon's address and where docker:dind
// leaves its TLS certificates for the job's client: /certs/client, or the
// variables that name them.
var daemonRefs = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`/certs/client\b|\$\{?DOCKER_(?:HOST|CERT_PATH|TLS_CERTDIR)\b`)
})

// unreachedDaemon names, for a job that calls docker or its own scripts
// and keeps a service that may be its Docker daemon (docker:dind, or an
// image named by a variable the file does not set), the daemon's
// variables (DOCKER_HOST, DOCKER_TLS_CERTDIR) it does not set; "" for
// other jobs.
func (v *jobView) unreachedDaemon() string {
	if !v.mayCallDocker() && v.daemonLibrary() == "" {
		return ""
	}
	_, items := services(v)
	if !slices.ContainsFunc(items, func(item *yaml.Node) bool {
		name, _ := serviceName(item)
		name = v.expand(name)
		return dindImage(name) || strings.Contains(name, "$")
	}) {
		return ""
	}
	var missing []string
	for _, name := range []string{"DOCKER_HOST", "DOCKER_TLS_CERTDIR"} {
		if _, e := v.variable(name); e == nil {
			missing = append(missing, name)
		}
	}
	return strings.Join(missing, " and ")
}

// variable returns the value of a variable ("value:" form too) and its entry.
func (v *jobView) variable(name string) (string, *ciconfig.Entry) {
	e := v.vars.Get(name)
	if e == nil {
		return "", nil
	}
	if e.Map != nil {
		return e.Map.Get("value").Scalar(), e
	}
	return e.Scalar(), e
}

// uses returns the job's commands that contain a word, as a shell would
// see it: at the start of the command or after an operator or sudo.
func (v *jobView) uses(word string) []ciconfig.Command {
	var out []ciconfig.Command
	for _, cmd := range v.cmds {
		if commandWord(cmd.Text, word) >= 0 {
			out = append(out, cmd)
		}
	}
	return out
}

// commandWord finds word used as a command in text: at the start, after
// ;, &, |, (, $( or `, or after sudo/exec/env/time. It returns its offset or -1.
func commandWord(text, word string) int {
	for i := 0; i+len(word) <= len(text); {
		j := strings.Index(text[i:], word)
		if j < 0 {
			return -1
		}
		at := i + j
		end := at + len(word)
		if (end == len(text) || text[end] == ' ' || text[end] == '\t' || text[end] == ';') && startsCommand(text[:at]) && !quoted(text, at) {
			return at
		}
		i = at + 1
	}
	return -1
}

// quoted reports whether offset at of a command line lies inside a quoted
// string, where a word is an argument and not a command: the commands an
// ssh deploy runs on its host (ssh host "docker pull x && docker run x")
// are the host's. A command substitution opens a command context again,
// quoted or not ("$(docker ps -q)").
func quoted(text string, at int) bool {
	// stack holds the open contexts: a quote (' or "), a substitution or
	// subshell ('('), a backquote ('`'); empty is the line itself.
	var stack []byte
	top := func() byte {
		if len(stack) == 0 {
			return 0
		}
		return stack[len(stack)-1]
	}
	for i := 0; i < at; i++ {
		c := text[i]
		switch t := top(); {
		case t == '\'':
			if c == '\'' {
				stack = stack[:len(stack)-1]
			}
		case c == '\\':
			i++
		case c == '"' && t == '"', c == ')' && t == '(', c == '`' && t == '`':
			stack = stack[:len(stack)-1]
		case c == '$' && i+1 < len(text) && text[i+1] == '(':
			stack = append(stack, '(')
			i++
		case c == '`':
			stack = append(stack, '`')
		case t == '"':
		case c == '\'' || c == '"' || c == '(':
			stack = append(stack, c)
		}
	}
	return top() == '\'' || top() == '"'
}

// startsCommand reports whether what precedes a word puts it in command
// position.
func startsCommand(before string) bool {
	b := strings.TrimRight(before, " \t")
	if b == "" {
		return true
	}
	for _, op := range []string{";", "&", "|", "(", "$(", "`", "{", "then", "do", "else"} {
		if strings.HasSuffix(b, op) && (len(op) == 1 || len(b) == len(op) || !isWordByte(b[len(b)-len(op)-1])) {
			return true
		}
	}
	for _, prefix := range []string{"sudo", "exec", "env", "time", "command"} {
		if b == prefix || strings.HasSuffix(b, " "+prefix) || strings.HasSuffix(b, "\t"+prefix) {
			return startsCommand(b[:len(b)-len(prefix)])
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// lineOf returns the line of a command where a word first stands and its
// 1-based column, for commands that span several lines.
func lineOf(cmd ciconfig.Command, word string) (int, int) {
	for l := cmd.Start; l <= cmd.End; l++ {
		text := cmd.File.Line(l)
		if i := commandWord(strings.TrimLeft(strings.TrimLeft(strings.TrimLeft(text, " "), "-"), " "), word); i >= 0 {
			lead := len(text) - len(strings.TrimLeft(strings.TrimLeft(strings.TrimLeft(text, " "), "-"), " "))
			return l, lead + i + 1
		}
		if i := strings.Index(text, word); i >= 0 {
			return l, i + 1
		}
	}
	return cmd.Start, 1
}
