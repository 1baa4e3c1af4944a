package diagnose

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ci-doctor/ci-doctor/ciconfig"
	"github.com/ci-doctor/ci-doctor/internal/golden"
	"github.com/ci-doctor/ci-doctor/lint"
)

// TestLocate diagnoses real logs against projects in testdata/projects,
// checks what the configuration says about the root cause, applies the
// patch with git apply, and checks that the patched configuration still
// parses and no longer has the cause.
func TestLocate(t *testing.T) {
	m := builtinMatcher(t)
	tests := []struct {
		project, log, job string
		status            string
		wantJob           string
		edits             bool
	}{
		{"dind-build", "docker-daemon-unreachable--k8s-dind-tcp", "", "confirmed", "build", true},
		{"plain-buildctl", "buildkitd-sock-unreachable--k8s-plain-buildctl", "", "confirmed", "build-image", true},
		{"node-test", "node-module-version-mismatch--crane-export-k8s", "", "confirmed", "test", true},
		{"crane-export", "registry-unauthorized--crane-export", "", "confirmed", "unit-tests", true},
		{"exec-format", "exec-format-error--kubectl-rollout-k8s", "", "confirmed", "deploy", true},
		{"pull-policy-include", "pull-policy-not-allowed--k8s-included-template", "", "confirmed", "", true},
		{"sandbox-fixed", "buildkit-rootless-sandbox--k8s-proc-mount", "", "fixed", "build", false},
		{"sandbox-fixed", "docker-daemon-unreachable--k8s-dind-tcp", "build", "contradicted", "build", false},
	}
	for _, tt := range tests {
		t.Run(tt.project+"/"+tt.log, func(t *testing.T) {
			dir := filepath.Join("..", "testdata", "projects", tt.project)
			p, err := lint.LoadProject(dir, ".gitlab-ci.yml")
			if err != nil {
				t.Fatal(err)
			}
			r := diagnoseFile(t, m, "testdata/logs/"+tt.log+".log")
			m.Locate(r, p, tt.job)
			root := r.RootCause()
			if root == nil {
				t.Fatal("no root cause")
			}
			if root.ConfigStatus != tt.status || r.Config.Job != tt.wantJob {
				t.Fatalf("status %q, job %q; want %q, %q (%s)", root.ConfigStatus, r.Config.Job, tt.status, tt.wantJob, root.ConfigNote)
			}
			patch, err := r.Patch(p)
			if err != nil {
				t.Fatal(err)
			}
			if (patch != "") != tt.edits {
				t.Fatalf("patch = %q, want edits: %v", patch, tt.edits)
			}
			name := tt.project + "--" + tt.log
			golden.Check(t, filepath.Join("..", "testdata", "projects", name+".patch"), []byte(patch))
			if patch == "" {
				return
			}
			applied := applyPatch(t, dir, patch)
			if _, err := ciconfig.Load(applied, ".gitlab-ci.yml"); err != nil {
				t.Fatalf("the patched configuration does not parse: %v", err)
			}
			after, err := lint.LoadProject(applied, ".gitlab-ci.yml")
			if err != nil {
				t.Fatal(err)
			}
			sig := m.signature(root.ID)
			for _, j := range after.Config.Jobs {
				for _, f := range lint.Check(after.Config, j, sig.Rules, after.Options) {
					if len(f.Edits) > 0 {
						t.Errorf("after the patch, job %s still has %s at %s:%d", j.Name, f.Rule, f.Path, f.Line)
					}
				}
			}
		})
	}
}

// applyPatch copies dir to a temporary git repository and applies patch
// with git apply (or, without git, with the edit package's own Apply).
func applyPatch(t *testing.T, dir, patch string) string {
	t.Helper()
	tmp := t.TempDir()
	if err := os.CopyFS(tmp, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	cmd := exec.Command("git", "apply", "--verbose", "-")
	cmd.Dir = tmp
	cmd.Stdin = strings.NewReader(patch)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git apply: %v\n%s\n%s", err, out, patch)
	}
	return tmp
}
