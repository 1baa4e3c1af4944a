package lint

import (
	"github.com/ci-doctor/ci-doctor/edit"
	"github.com/ci-doctor/ci-doctor/rewrite"
)

func init() {
	ruleByID["docker-config-wrapped-auth"].check = checkWrappedAuth
}

// checkWrappedAuth finds a script line that writes a Docker config.json
// whose auth comes out of a base64 that wraps its output. It works while
// the user:token pair is short, and breaks on the day the token grows:
// GitLab 19's job tokens are JWTs, long enough for base64 to put a
// newline inside the JSON string (gitlab-facts 1.8). BuildKit, kaniko and
// crane then cannot read the file and push without credentials.
func checkWrappedAuth(c *checker, v *jobView) {
	for _, cmd := range v.cmds {
		fixed, ok := rewrite.UnwrappedAuth(cmd.Text)
		if !ok {
			continue
		}
		line, col := lineOf(cmd, "base64")
		cmd := cmd
		c.report(v, "docker-config-wrapped-auth", cmd.File, line, col,
			"base64 wraps its output at 76 columns, and a long token (GitLab 19's job tokens are JWTs) then puts a newline inside config.json's JSON: pipe it through tr -d '\\n'",
			func() ([]edit.Edit, string) {
				return replaceCommand(cmd, rewrite.LineResult{Old: cmd.Text, New: fixed}, false)
			})
	}
}
