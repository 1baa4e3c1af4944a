package ciconfig

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// jobNames lists the jobs that run, in file order, comma-separated.
func jobNames(c *Config) string {
	var names []string
	for _, j := range c.Jobs {
		names = append(names, j.Name)
	}
	return strings.Join(names, ",")
}

func TestLoadBasic(t *testing.T) {
	c, err := Load("testdata/basic", ".gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	if got := jobNames(c); got != "build,test,deploy" {
		t.Errorf("jobs = %s", got)
	}
	if len(c.Files) != 3 {
		t.Errorf("files = %d, want 3", len(c.Files))
	}
	if len(c.Externals) != 2 || c.Externals[0].Kind != "project" || c.Externals[0].Target != "some-org/some-template: /template.gitlab-ci.yml" || c.Externals[0].Start != 4 || c.Externals[0].End != 5 {
		t.Errorf("externals = %+v", c.Externals)
	}

	build := c.Job("build")
	img := build.Get("image")
	if img.Scalar() != "docker:27" || img.Value.Line != 16 || img.File.Path != ".gitlab-ci.yml" {
		t.Errorf("build image = %q at %d", img.Scalar(), img.Value.Line)
	}
	var got []string
	for _, cmd := range build.Commands() {
		got = append(got, fmt.Sprintf("%d-%d@%d %s", cmd.Start, cmd.End, cmd.Item, cmd.Text))
	}
	want := []string{
		"24-24@24 docker login -u \"$CI_REGISTRY_USER\" -p \"$CI_REGISTRY_PASSWORD\" $CI_REGISTRY",
		"25-25@25 docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA .",
		"27-27@26 echo \"pushing\"",
		"28-29@26 docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA",
		"30-32@30 buildctl-daemonless.sh build --frontend dockerfile.v0 --local context=.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("commands:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if v := build.Variables().Get("DOCKER_HOST"); v == nil || v.From != "global variables" || v.Line() != 9 {
		t.Errorf("DOCKER_HOST = %+v", v)
	}

	test := c.Job("test")
	img = test.Get("image")
	if img.From != "extends .node-test" || img.File.Path != "ci/templates.yml" || img.Map.Get("pull_policy").Line() != 4 {
		t.Errorf("test image from %q in %s", img.From, img.File.Path)
	}
	got = nil
	for _, cmd := range test.Commands() {
		got = append(got, fmt.Sprintf("%s %s:%d %s", cmd.Section, cmd.File.Path, cmd.Start, cmd.Text))
	}
	want = []string{
		"before_script ci/templates.yml:8 npm ci",
		"script ci/more/setup.yml:3 echo setup",
		"script ci/more/setup.yml:4 echo more",
		"script .gitlab-ci.yml:38 npm test",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("commands:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	deploy := c.Job("deploy")
	if img := deploy.Get("image"); img.From != "default" || img.Scalar() != "alpine:3.20" {
		t.Errorf("deploy image = %+v", img)
	}
	cmds := deploy.Commands()
	if len(cmds) != 1 || cmds[0].Item != 41 || cmds[0].Text != "crane copy a b" {
		t.Errorf("deploy commands = %+v", cmds)
	}
}

// TestNestedIncludeOfAnotherProject checks that a local include in a file
// of another project is read from that project, at the include's ref, and
// never from this project, which may hold a file of the same name.
func TestNestedIncludeOfAnotherProject(t *testing.T) {
	ours := fstest.MapFS{
		".gitlab-ci.yml": {Data: []byte("include:\n  - project: group/templates\n    ref: v2\n    file: /build.yml\n")},
		"common.yml":     {Data: []byte("ours:\n  script: [echo wrong project]\n")},
	}
	theirs := map[string]string{
		"v2/build.yml":  "include:\n  - local: common.yml\n  - local: 'jobs/*.yml'\nbuild:\n  extends: .common\n",
		"v2/common.yml": ".common:\n  image: docker:27\n  script: [docker build .]\n",
	}
	var fetched []string
	fetch := func(project, ref, file string) ([]byte, error) {
		fetched = append(fetched, project+"@"+ref+":"+file)
		if data, ok := theirs[ref+"/"+file]; ok && project == "group/templates" {
			return []byte(data), nil
		}
		return nil, fs.ErrNotExist
	}
	c, err := LoadFSWith(ours, "app", ".gitlab-ci.yml", fetch)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(fetched, " "), "group/templates@v2:build.yml group/templates@v2:common.yml"; got != want {
		t.Errorf("fetched %s, want %s", got, want)
	}
	if c.Job("ours") != nil {
		t.Error("common.yml was read from this project")
	}
	build := c.Job("build")
	if build == nil {
		t.Fatal("no build job")
	}
	img := build.Get("image")
	if img == nil || img.Scalar() != "docker:27" || img.File.Path != "group/templates:common.yml" || img.File.From == nil || img.File.From.File.Path != ".gitlab-ci.yml" {
		t.Errorf("build image = %+v", img)
	}
	if len(c.Problems) != 1 || !strings.Contains(c.Problems[0].String(), `"jobs/*.yml" of group/templates is a pattern`) {
		t.Errorf("problems = %v", c.Problems)
	}
}

// TestOwnComponent checks that a component of the project itself, the way a
// component project includes its own to test them, is read from the
// checkout's templates/ in either layout, with its jobs and positions, while
// another project's component, a nested name and a component the checkout
// lacks stay external.
func TestOwnComponent(t *testing.T) {
	fsys := fstest.MapFS{
		".gitlab-ci.yml": {Data: []byte("include:\n" +
			"  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/build-image@$CI_COMMIT_SHA\n" +
			"    inputs:\n      stage: build\n" +
			"  - component: ${CI_SERVER_FQDN}/${CI_PROJECT_PATH}/scan@main\n" +
			"  - component: $CI_SERVER_FQDN/group/other/build-image@1.0\n" +
			"  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/missing@1.0\n" +
			"  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/a/b@1.0\n")},
		"templates/build-image.yml":   {Data: []byte("spec:\n  inputs:\n    stage:\n      default: build\n---\nbuild-image:\n  stage: $[[ inputs.stage ]]\n  image: docker:27\n  script: [docker build .]\n")},
		"templates/scan/template.yml": {Data: []byte("scan:\n  script: [echo scan]\n")},
	}
	c, err := LoadFS(fsys, "app", ".gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	if got := jobNames(c); got != "build-image,scan" {
		t.Errorf("jobs = %s", got)
	}
	if img := c.Job("build-image").Get("image"); img == nil || img.File.Path != "templates/build-image.yml" || img.Value.Line != 8 {
		t.Errorf("build-image image = %+v", img)
	}
	var ext []string
	for _, e := range c.Externals {
		ext = append(ext, e.Kind+" "+e.Target)
	}
	want := "component $CI_SERVER_FQDN/group/other/build-image@1.0\n" +
		"component $CI_SERVER_FQDN/$CI_PROJECT_PATH/missing@1.0\n" +
		"component $CI_SERVER_FQDN/$CI_PROJECT_PATH/a/b@1.0"
	if got := strings.Join(ext, "\n"); got != want {
		t.Errorf("externals:\n%s\nwant:\n%s", got, want)
	}
	if len(c.Problems) != 0 {
		t.Errorf("problems = %v", c.Problems)
	}
}

// TestHeredocBodies checks that the body of a here-document in a literal
// block is not read as commands, nested ones included (deckhouse's
// templates write a child pipeline with cat <<EOF), while an operator whose
// delimiter never comes alone on a line, a here-string or a shift opens
// nothing.
func TestHeredocBodies(t *testing.T) {
	c, err := load(t, map[string]string{".gitlab-ci.yml": `gen:
  script:
    - |
      cat <<'OUTER' > gen.sh
      cat <<-INNER > child.yml
      docker push $CI_REGISTRY_IMAGE:b
      INNER
      OUTER
      echo $((1<<n)) && cat <<< "$x"
      sh gen.sh
`})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, cmd := range c.Job("gen").Commands() {
		got = append(got, fmt.Sprintf("%d %s", cmd.Start, cmd.Text))
	}
	want := []string{`4 cat <<'OUTER' > gen.sh`, `9 echo $((1<<n)) && cat <<< "$x"`, `10 sh gen.sh`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("commands:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestQuotedLines checks that a quoted string that goes on over the lines
// of a literal block is one command (the docker commands an ssh deploy
// runs on its host are words of it), and that a quote never closed joins
// nothing.
func TestQuotedLines(t *testing.T) {
	c, err := load(t, map[string]string{".gitlab-ci.yml": `deploy:
  script:
    - |
      ssh deploy@$HOST "cd app &&
      docker pull $IMAGE &&
      docker image prune -f"
      echo it's done
      echo next
`})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, cmd := range c.Job("deploy").Commands() {
		got = append(got, fmt.Sprintf("%d-%d %s", cmd.Start, cmd.End, strings.ReplaceAll(cmd.Text, "\n", "|")))
	}
	want := []string{`4-6 ssh deploy@$HOST "cd app &&|docker pull $IMAGE &&|docker image prune -f"`, `7-7 echo it's done`, `8-8 echo next`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("commands:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
