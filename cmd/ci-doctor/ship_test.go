package main

import (
	"os"
	"strings"
	"testing"

	"github.com/ci-doctor/ci-doctor/internal/iostreams"
)

// TestOwnPipelineIsClean lints the project's own .gitlab-ci.yml: ci-doctor's
// pipeline must pass ci-doctor's rules, as the pipeline's ci-doctor job
// checks too.
func TestOwnPipelineIsClean(t *testing.T) {
	ios, _, out, errOut := iostreams.Test()
	if code := run(ios, []string{"lint", "--root", "../..", "../../.gitlab-ci.yml"}); code != exitOK {
		t.Fatalf("ci-doctor lint .gitlab-ci.yml: exit %d\n%s%s", code, out, errOut)
	}
}

// TestImageIsAJobImage checks the Dockerfile's final stage against what a
// GitLab job image needs: no ENTRYPOINT (the runner's script would become its
// arguments: image-entrypoint-not-shell), a base with a shell, and a user
// that is not root.
func TestImageIsAJobImage(t *testing.T) {
	src, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var final []string // the final stage's instructions, FROM first
	for _, ins := range dockerfileInstructions(string(src)) {
		if strings.HasPrefix(strings.ToUpper(ins), "FROM ") {
			final = nil
		}
		final = append(final, ins)
	}
	if len(final) == 0 {
		t.Fatal("no FROM in the Dockerfile")
	}
	base := strings.Fields(final[0])[len(strings.Fields(final[0]))-1]
	for _, noShell := range []string{"scratch", "distroless"} {
		if strings.Contains(base, noShell) {
			t.Errorf("final stage FROM %s has no shell for the runner", base)
		}
	}
	user := ""
	for _, ins := range final {
		keyword, args, _ := strings.Cut(ins, " ")
		switch strings.ToUpper(keyword) {
		case "ENTRYPOINT":
			t.Errorf("the final stage sets %q: the job's script would never run", ins)
		case "USER":
			user = strings.TrimSpace(args)
		}
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "root" || name == "0" {
		t.Errorf("the final stage runs as %q, want a user that is not root", user)
	}
}

// dockerfileInstructions returns a Dockerfile's instructions, one string
// each, with continuation lines joined and comments dropped.
func dockerfileInstructions(src string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if s, ok := strings.CutSuffix(line, `\`); ok {
			cur.WriteString(s)
			continue
		}
		cur.WriteString(line)
		out = append(out, cur.String())
		cur.Reset()
	}
	return out
}
