package lint

import (
	"fmt"
	"path"
	"strings"

	"github.com/ci-doctor/ci-doctor/ciconfig"
)

// checkScriptDockerCommands reports the docker commands of the repository's
// shell scripts that a job runs (bash push.sh, ./ci/build.sh): they need a
// Docker daemon as much as the job's own lines do, and without them a job
// whose only docker command is its login would look fixed. ci-doctor does
// not rewrite a script, so each finding only says where (DragonTang's
// qr-mini-service builds and pushes in push-daocloud.sh).
func checkScriptDockerCommands(c *checker, v *jobView) {
	if c == nil || c.opts.ReadFile == nil {
		return
	}
	for _, cmd := range v.cmds {
		name := scriptPath(cmd.Text)
		if name == "" {
			continue
		}
		src, err := c.opts.ReadFile(name)
		if err != nil {
			continue
		}
		f := ciconfig.PlainFile(name, src)
		for n := 1; n <= f.NumLines(); n++ {
			text := f.Line(n)
			trimmed := strings.TrimLeft(text, " \t")
			if strings.HasPrefix(trimmed, "#") {
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
				fmt.Sprintf("docker%s needs a Docker daemon, which these runners do not have (job %s runs %s)", sub, v.job.Name, name),
				noteOnly("ci-doctor does not rewrite the repository's scripts: change it by hand, with BuildKit rootless for builds and crane for registry work"))
		}
	}
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
