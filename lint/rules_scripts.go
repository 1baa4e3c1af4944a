package lint

import (
	"fmt"
	"path"
	"strings"

	"github.com/ci-doctor/ci-doctor/ciconfig"
)

// checkScriptDockerCommands reports the docker commands of the repository's
// shell scripts that a job runs (bash push.sh, ./ci/build.sh), and of the
// scripts they run or source in turn: they need a
// Docker daemon as much as the job's own lines do, and without them a job
// whose only docker command is its login would look fixed. ci-doctor does
// not rewrite a script, so each finding only says where (DragonTang's
// qr-mini-service builds and pushes in push-daocloud.sh).
func checkScriptDockerCommands(c *checker, v *jobView) {
	if c == nil || c.opts.ReadFile == nil {
		return
	}
	seen := map[string]bool{}
	for _, cmd := range v.cmds {
		if name := scriptPath(cmd.Text); name != "" {
			reportScript(c, v, name, name, seen, 1)
		}
	}
}

// maxScriptDepth bounds how deep scripts that run or source other scripts
// are followed (build.sh sources functions.sh, whose function builds).
const maxScriptDepth = 3

// reportScript reports the docker commands of one script of the repository
// and follows the scripts it runs or sources; chain says how the job got
// there ("build.sh, then functions.sh").
func reportScript(c *checker, v *jobView, name, chain string, seen map[string]bool, depth int) {
	if seen[name] || depth > maxScriptDepth {
		return
	}
	seen[name] = true
	f := c.script(name)
	if f == nil {
		return
	}
	for n := 1; n <= f.NumLines(); n++ {
		text := f.Line(n)
		trimmed := strings.TrimLeft(text, " \t")
		if strings.HasPrefix(trimmed, "#") {
			continue
		}
		if next := scriptPath(trimmed); next != "" {
			reportScript(c, v, next, chain+", then "+next, seen, depth+1)
			continue
		}
		at := commandWord(trimmed, "docker")
		if at < 0 {
			continue
		}
		sub := ""
		if w := strings.Fields(trimmed[at:]); len(w) > 1 {
			sub = " " + w[1]
		}
		if sub == " --version" || sub == " -v" {
			// The client's version asks no daemon.
			continue
		}
		col := len(text) - len(trimmed) + at + 1
		c.report(v, "docker-command", f, n, col,
			fmt.Sprintf("docker%s needs a Docker daemon, which these runners do not have (job %s runs %s)", sub, v.job.Name, chain),
			noteOnly("ci-doctor does not rewrite the repository's scripts: change it by hand, with BuildKit rootless for builds and crane for registry work"))
	}
}

// script returns the repository's script at name, read once per lint
// however many jobs run it; nil when it cannot be read.
func (c *checker) script(name string) *ciconfig.File {
	if f, ok := c.scripts[name]; ok {
		return f
	}
	var f *ciconfig.File
	if src, err := c.opts.ReadFile(name); err == nil {
		f = ciconfig.PlainFile(name, src)
	}
	if c.scripts == nil {
		c.scripts = map[string]*ciconfig.File{}
	}
	c.scripts[name] = f
	return f
}

// scriptPath returns the repository path of the shell script a command
// runs (sh ci/build.sh, ./build.sh, $CI_PROJECT_DIR/ci/push.sh), or ""
// for any other command and for a path that names a variable or lies
// outside the repository.
func scriptPath(text string) string {
	w := strings.Fields(text)
	if len(w) == 0 {
		return ""
	}
	name := w[0]
	switch w[0] {
	case "sh", "bash", "ash", "source", ".":
		if len(w) < 2 || strings.HasPrefix(w[1], "-") {
			return ""
		}
		name = w[1]
	}
	if len(name) > 1 && (name[0] == '"' || name[0] == '\'') && name[len(name)-1] == name[0] {
		name = name[1 : len(name)-1] // source "build/functions.sh"
	}
	for _, dir := range []string{"$CI_PROJECT_DIR/", "${CI_PROJECT_DIR}/"} {
		name = strings.TrimPrefix(name, dir)
	}
	if !strings.HasSuffix(name, ".sh") && !strings.HasSuffix(name, ".bash") || strings.ContainsAny(name, "$`'\"") || strings.HasPrefix(name, "/") {
		return ""
	}
	name = path.Clean(name)
	if strings.HasPrefix(name, "../") {
		return ""
	}
	return name
}
