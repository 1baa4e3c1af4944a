package lint

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ci-doctor/ci-doctor/internal/golden"

	"github.com/ci-doctor/ci-doctor/edit"
)

// TestCases lints every project under testdata/cases/<name>/ and compares
// the findings and their edits with testdata/cases/<name>.out.
func TestCases(t *testing.T) {
	entries, err := os.ReadDir("testdata/cases")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join("testdata/cases", e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			p, err := LoadProject(dir, ".gitlab-ci.yml")
			if err != nil {
				t.Fatal(err)
			}
			findings := Lint(p.Config, p.Options)
			var out bytes.Buffer
			for _, f := range findings {
				out.WriteString(f.Path + ":" + itoa(f.Line) + ":" + itoa(f.Column) + ": " + f.Message + " [" + f.Rule + "] jobs=" + strings.Join(f.Jobs, ",") + "\n")
				if f.Note != "" {
					out.WriteString("  note: " + f.Note + "\n")
				}
				if len(f.Edits) > 0 {
					d, err := edit.Diff(f.Edits, func(path string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, path)) })
					if err != nil {
						t.Fatalf("%s: %v", f.Rule, err)
					}
					out.WriteString(d)
				}
			}
			for _, prob := range p.Config.Problems {
				out.WriteString("problem: " + prob.String() + "\n")
			}
			golden.Check(t, dir+".out", out.Bytes())
			if strings.HasPrefix(e.Name(), "guide-") || strings.HasPrefix(e.Name(), "false-") || strings.HasPrefix(e.Name(), "suppressed") {
				if n := len(findings) - guideWrapsAuth(e.Name(), findings); n != 0 {
					t.Errorf("%d findings in a case that must have none", n)
				}
			}
		})
	}
}

// TestFix plans the fixes of every case once, writes them to a copy, and
// checks that the result still parses, that only findings without edits
// remain (they say why they need a manual change) and that the files match
// the golden ones.
func TestFix(t *testing.T) {
	entries, err := os.ReadDir("testdata/cases")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			dir, p := tempProject(t, os.DirFS(filepath.Join("testdata/cases", e.Name())))
			plan, err := Plan(p, Selection{})
			if err != nil {
				t.Fatal(err)
			}
			if err := plan.Write(dir); err != nil {
				t.Fatal(err)
			}
			p, err = LoadProject(dir, ".gitlab-ci.yml")
			if err != nil {
				t.Fatalf("the fixed configuration does not load: %v", err)
			}
			for _, f := range Lint(p.Config, p.Options) {
				if len(f.Edits) > 0 && !slices.ContainsFunc(plan.Left, func(l Finding) bool { return identity(l) == identity(f) && l.Edits == nil }) {
					t.Errorf("left with a fixable finding: %s:%d [%s]", f.Path, f.Line, f.Rule)
				}
			}
			fixed, err := os.ReadFile(filepath.Join(dir, ".gitlab-ci.yml"))
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata/cases", e.Name()+".fixed.yml"), fixed)
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestShippedConfigsAreClean lints the CI/CD component that ci-doctor
// ships: it must pass its own lint.
func TestShippedConfigsAreClean(t *testing.T) {
	p, err := LoadProject("../templates", "ci-doctor.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Config.Jobs) == 0 {
		t.Fatal("no job read from the component")
	}
	for _, f := range Lint(p.Config, p.Options) {
		t.Errorf("%s:%d: %s [%s]", f.Path, f.Line, f.Message, f.Rule)
	}
}

// guideWrapsAuth counts the docker-config-wrapped-auth findings of a guide
// case: the guide's config.json line base64s the job token without
// tr -d '\n', written before GitLab 19's JWT job tokens made it wrap. The
// rule is right to flag it; the rest of the guide must stay clean.
func guideWrapsAuth(name string, findings []Finding) int {
	if !strings.HasPrefix(name, "guide-") {
		return 0
	}
	n := 0
	for _, f := range findings {
		if f.Rule == "docker-config-wrapped-auth" {
			n++
		}
	}
	return n
}

// TestDockerImageNames checks which image names are taken for Docker's own
// image: Docker Hub's, and copies that keep its path (a mirror's
// .../library/docker, GitLab's dependency proxy), not another registry's
// .../docker/docker, which may be a project's image with more tools.
func TestDockerImageNames(t *testing.T) {
	for name, want := range map[string]bool{
		"docker:27":                     true,
		"docker.io/library/docker:dind": true,
		"registry.hub.docker.com/library/docker:stable":                            true,
		"mirror.gcr.io/library/docker:24.0.5":                                      true,
		"${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/docker:24.0.5":                  true,
		"$CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX/docker:dind":               true,
		"gitlab.example.com:443/group/dependency_proxy/containers/docker:20.10.16": true,
		"gitlab.7i.uz:5050/docker/docker:dind":                                     false,
		"docker/compose:1.29.2":                                                    false,
		"moby/buildkit:rootless":                                                   false,
	} {
		if got := dockerImage().MatchString(name); got != want {
			t.Errorf("%s: taken for Docker's image %v, want %v", name, got, want)
		}
	}
}

// TestCommandWord checks where a word stands as a command: after an
// operator or in a command substitution, quoted or not, and not inside a
// quoted argument, such as the commands an ssh deploy sends to its host.
func TestCommandWord(t *testing.T) {
	for text, want := range map[string]int{
		"docker build .":                                   0,
		"cd app && docker build .":                         10,
		`echo "$(docker ps -q)"`:                           8,
		"ssh host \"docker pull x && docker run x\"":       -1,
		"ssh host 'docker stop app; docker rm app'":        -1,
		`sh -c "echo ok" && docker push x`:                 19,
		"echo docker && true":                              -1,
		"VERSION=`docker version --format x` && echo done": 9,
	} {
		if got := commandWord(text, "docker"); got != want {
			t.Errorf("commandWord(%q) = %d, want %d", text, got, want)
		}
	}
}
