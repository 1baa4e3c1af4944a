package rewrite

import (
	"path"
	"regexp"
	"slices"
	"sync"
)

// DockerCmd is one invocation of the docker CLI found in a script line.
type DockerCmd struct {
	// Sub is the subcommand, with the management-command spellings made
	// classic: "build" (also for buildx build and image build), "push",
	// "pull", "tag", "login", "run", "cp", "create", "rm", "rmi" (image rm),
	// "images" (image ls), "ps" (container ls), "info", "version",
	// "compose"; two words for the rest ("buildx create", "image prune",
	// "network create"); "--version" for docker --version or -v, which
	// asks no daemon; "" for a bare docker or docker --help.
	Sub string
	// Start and End are the command's byte range in the line: from its
	// first word (sudo, command, env and VAR=value prefixes included, as
	// the rewrite replaces them too) to the end of its last argument
	// (redirections after it are left out).
	Start, End int
	// Args are the words after the subcommand, redirections left out.
	Args []Word
	// Redirects are the command's redirections: each operator followed by
	// its target.
	Redirects []Word
	// Input is the command that pipes into this one (echo "$P" in
	// echo "$P" | docker login ...), nil if none; InputStart is its offset.
	Input      []Word
	InputStart int
	// Var is the variable that receives the command's output, for
	// ID=$(docker create IMAGE) and export ID=`docker create IMAGE`.
	Var string
}

// DockerCommands finds the docker CLI invocations in one script line (or a
// command spanning lines, given whole), in order: after ;, &&, ||, |, a
// newline or a keyword (if, then, do, !), behind sudo, command, env,
// exec, time, nohup, nice, timeout, xargs and VAR=value, inside $(...) and
// `...`. docker must be the command word: docker in a quoted string, a
// comment, an argument (apk add docker, which docker, command -v docker),
// a path (./docker/build.sh) or another name (docker-compose, $DOCKER_HOST)
// is not an invocation. An absolute path to docker (/usr/bin/docker) is.
func DockerCommands(line string) []DockerCmd {
	cmds := findDocker(line, 0, "")
	slices.SortStableFunc(cmds, func(a, b DockerCmd) int { return a.Start - b.Start })
	return cmds
}

// findDocker finds the docker commands of s, whose offsets in the whole
// line start at base. v is the variable that receives the output of s
// when s is the body of VAR=$(...).
func findDocker(s string, base int, v string) []DockerCmd {
	words, subs := lex(s)
	var out []DockerCmd
	cmds := simpleCommands(words)
	for i, sc := range cmds {
		d, ok := parseDocker(sc.words)
		if !ok {
			continue
		}
		if i > 0 && (sc.before == "|" || sc.before == "|&") {
			d.Input = argWords(cmds[i-1].words)
			// The keyword before the input command is the shell's
			// (then echo "$P" | docker login ...): it stays where it is.
			for len(d.Input) > 0 && keywords[d.Input[0].Raw] {
				d.Input = d.Input[1:]
			}
			if len(d.Input) > 0 {
				d.InputStart = d.Input[0].Offset
			}
		}
		d.Var = v
		out = append(out, d)
	}
	for _, sub := range subs {
		out = append(out, findDocker(s[sub.start:sub.end], sub.start, assignedVar(words, sub))...)
	}
	for i := range out {
		out[i].shift(base)
	}
	return out
}

// shift moves the command's offsets by base.
func (d *DockerCmd) shift(base int) {
	d.Start += base
	d.End += base
	d.InputStart += base
	for _, ws := range [][]Word{d.Args, d.Redirects, d.Input} {
		for i := range ws {
			ws[i].Offset += base
		}
	}
}

// simple is one simple command: its words (redirections included) and
// the control operator before it ("" for the first).
type simple struct {
	words  []Word
	before string
}

// simpleCommands splits words at the control operators.
func simpleCommands(words []Word) []simple {
	var (
		out []simple
		cur simple
	)
	for _, w := range words {
		if w.isControl() {
			if len(cur.words) > 0 {
				out = append(out, cur)
			}
			cur = simple{before: w.Op}
			continue
		}
		cur.words = append(cur.words, w)
	}
	if len(cur.words) > 0 {
		out = append(out, cur)
	}
	return out
}

// argWords drops the redirections (and their targets) from words.
func argWords(words []Word) []Word {
	var out []Word
	for i := 0; i < len(words); i++ {
		if words[i].IsRedirect() {
			i++
			continue
		}
		out = append(out, words[i])
	}
	return out
}

// assignRE matches a word that assigns a command substitution to a
// variable: ID=$(, ID="$(, ID=`.
var assignRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("^([A-Za-z_][A-Za-z0-9_]*)=\"?(\\$\\(|`)") })

// assignedVar returns the variable that a command substitution's output
// goes to when the substitution is the whole value of VAR=..., "" if not.
func assignedVar(words []Word, sub span) string {
	for _, w := range words {
		if w.Op != "" || sub.start < w.Offset || sub.end > w.end() {
			continue
		}
		m := assignRE().FindStringSubmatchIndex(w.Raw)
		if m == nil || w.Offset+m[5] != sub.start {
			return ""
		}
		rest := w.Raw[sub.end-w.Offset:] // ")" or "`", maybe a closing quote
		if rest == ")" || rest == "`" || rest == `)"` || rest == "`\"" {
			return w.Raw[m[2]:m[3]]
		}
		return ""
	}
	return ""
}

// keywords are the shell words after which a command starts.
var keywords = map[string]bool{"if": true, "then": true, "else": true, "elif": true, "do": true,
	"while": true, "until": true, "!": true, "{": true}

// parseDocker reads one simple command and returns the docker invocation
// it is, if it is one.
func parseDocker(words []Word) (DockerCmd, bool) {
	i, start := 0, -1
	for i < len(words) && keywords[words[i].Raw] {
		i++
	}
prefixes:
	for i < len(words) {
		w := words[i]
		if w.IsRedirect() {
			i += 2
			continue
		}
		switch {
		case isAssignment(w):
			if start < 0 {
				start = w.Offset
			}
			i++
			continue
		case w.Value == "sudo" || w.Value == "command" || w.Value == "env":
			// Part of the command: the rewrite drops them with it.
			if start < 0 {
				start = w.Offset
			}
			i = skipWrapper(words, i)
			if i < 0 {
				return DockerCmd{}, false // command -v docker: a lookup
			}
		case wrappers()[w.Value] != nil:
			// They stay: timeout 600 buildctl-daemonless.sh ... still works.
			start = -1
			i = skipWrapper(words, i)
		default:
			break prefixes
		}
	}
	if i >= len(words) || !isDocker(words[i]) {
		return DockerCmd{}, false
	}
	if start < 0 {
		start = words[i].Offset
	}
	d := DockerCmd{Start: start, End: words[i].end()}
	rest := words[i+1:]
	var args []Word
	for j := 0; j < len(rest); j++ {
		if rest[j].IsRedirect() {
			d.Redirects = append(d.Redirects, rest[j])
			if j+1 < len(rest) {
				d.Redirects = append(d.Redirects, rest[j+1])
			}
			j++
			continue
		}
		args = append(args, rest[j])
		d.End = rest[j].end()
	}
	d.Sub, d.Args = subcommand(args)
	return d, true
}

// isAssignment reports whether w is a VAR=value prefix.
func isAssignment(w Word) bool {
	name, _, ok := cutByte(w.Raw, '=')
	return ok && isName(name)
}

// cutByte is strings.Cut for one byte.
func cutByte(s string, c byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// isDocker reports whether w names the docker CLI.
func isDocker(w Word) bool {
	return w.Op == "" && (w.Value == "docker" || w.Value != "" && w.Value[0] == '/' && path.Base(w.Value) == "docker")
}

// wrappers are the commands that run another command, with their flags;
// the operands they take before it are counted in wrapperOperands.
var wrappers = sync.OnceValue(func() map[string]flagSpec {
	return map[string]flagSpec{
		"sudo":    newSpec("u,user=", "g,group=", "p,prompt=", "C,close-from=", "D,chdir=", "r,role=", "t,type=", "U,other-user=", "T,command-timeout=", "h,host="),
		"command": newSpec("p"),
		"env":     newSpec("u,unset=", "C,chdir=", "S,split-string="),
		"exec":    newSpec("a="),
		"time":    newSpec("p"),
		"nohup":   newSpec(),
		"nice":    newSpec("n,adjustment="),
		"timeout": newSpec("s,signal=", "k,kill-after="),
		"xargs":   newSpec("I=", "i", "n,max-args=", "L,max-lines=", "P,max-procs=", "d,delimiter=", "E=", "e,eof=", "s,max-chars=", "a,arg-file="),
	}
})

// wrapperOperands counts the operands a wrapper takes before the command
// (timeout's duration).
var wrapperOperands = map[string]int{"timeout": 1}

// skipWrapper returns the index of the word after the wrapper at words[i]
// and its flags, or -1 for command -v / -V, which only looks a name up.
func skipWrapper(words []Word, i int) int {
	name := words[i].Value
	spec := wrappers()[name]
	i++
	for i < len(words) {
		v := words[i].Value
		switch {
		case name == "command" && (v == "-v" || v == "-V"):
			return -1
		case name == "env" && (isAssignment(words[i]) || v == "-"):
			i++
		case v == "--":
			return i + 1
		case len(v) > 1 && v[0] == '-':
			f, _, _ := cutByte(v, '=')
			if def, ok := spec[f]; ok && def.value && f == v {
				i++ // the value in the next word
			}
			i++
		default:
			return i + wrapperOperands[name]
		}
	}
	return i
}

// dockerGlobals are the docker CLI's own flags, before the subcommand.
var dockerGlobals = sync.OnceValue(func() flagSpec {
	return newSpec("H,host=", "config=", "c,context=", "l,log-level=", "tlscacert=", "tlscert=", "tlskey=",
		"D,debug", "tls", "tlsverify", "v,version", "h,help")
})

// managementSubs maps the subcommands of the management commands to the
// classic commands they are; a missing one is named "management sub".
var managementSubs = map[string]map[string]string{
	"buildx":  {"build": "build", "b": "build", "bake": "bake"},
	"builder": {"build": "build"},
	"image": {"build": "build", "push": "push", "pull": "pull", "tag": "tag", "rm": "rmi", "remove": "rmi",
		"ls": "images", "list": "images", "inspect": "inspect", "save": "save", "load": "load", "history": "history", "import": "import"},
	"container": {"run": "run", "create": "create", "cp": "cp", "rm": "rm", "remove": "rm", "start": "start",
		"stop": "stop", "kill": "kill", "exec": "exec", "logs": "logs", "ls": "ps", "list": "ps", "ps": "ps",
		"inspect": "inspect", "commit": "commit", "export": "export", "wait": "wait", "attach": "attach", "restart": "restart"},
	"system":     {"info": "info"},
	"manifest":   {},
	"context":    {},
	"network":    {},
	"volume":     {},
	"trust":      {},
	"plugin":     {},
	"swarm":      {},
	"secret":     {},
	"service":    {},
	"stack":      {},
	"node":       {},
	"config":     {},
	"checkpoint": {},
	"scout":      {},
	"sbom":       {},
}

// buildxGlobals are the flags between "buildx" and its subcommand.
var buildxGlobals = sync.OnceValue(func() flagSpec { return newSpec("builder=", "D,debug") })

// subcommand reads the global flags and the subcommand from the words
// after docker, and returns it with its arguments.
func subcommand(args []Word) (string, []Word) {
	i := skipFlags(args, 0, dockerGlobals())
	if i >= len(args) {
		for _, a := range args {
			if a.Value == "-v" || a.Value == "--version" {
				return "--version", nil
			}
		}
		return "", nil
	}
	name := args[i].Value
	subs, ok := managementSubs[name]
	if !ok {
		return name, args[i+1:]
	}
	j := skipFlags(args, i+1, buildxGlobals())
	if j >= len(args) {
		return name, args[i+1:]
	}
	if classic, ok := subs[args[j].Value]; ok {
		return classic, args[j+1:]
	}
	return name + " " + args[j].Value, args[j+1:]
}

// skipFlags returns the index of the first word from i on that is not a
// flag of spec (or the value of one).
func skipFlags(args []Word, i int, spec flagSpec) int {
	for i < len(args) {
		v := args[i].Value
		if len(v) < 2 || v[0] != '-' {
			return i
		}
		f, _, _ := cutByte(v, '=')
		if def, ok := spec[f]; ok && def.value && f == v {
			i++
		}
		i++
	}
	return i
}
