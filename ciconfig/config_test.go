package ciconfig

import (
	"fmt"
	"strings"
	"testing"
)

func TestLoadBasic(t *testing.T) {
	c, err := Load("testdata/basic", ".gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, j := range c.Jobs {
		names = append(names, j.Name)
	}
	if got := strings.Join(names, ","); got != "build,test,deploy" {
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
