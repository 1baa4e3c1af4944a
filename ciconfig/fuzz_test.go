package ciconfig_test

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/ci-doctor/ci-doctor/ciconfig"
	"github.com/ci-doctor/ci-doctor/edit"
	"github.com/ci-doctor/ci-doctor/lint"
)

// FuzzConfig reads any YAML as a configuration, lints it, applies the
// fixes and reads the result again: nothing may panic, and an edit that
// applies must give a file the reader still accepts or refuses cleanly.
func FuzzConfig(f *testing.F) {
	cases, _ := filepath.Glob("../lint/testdata/cases/*/.gitlab-ci.yml")
	for _, p := range cases {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("a: &a {b: *a}\n"))
	f.Add([]byte("job:\n  script: !reference [job, script]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		fsys := fstest.MapFS{".gitlab-ci.yml": {Data: src}, "Dockerfile": {Data: []byte("FROM node:20\n")}}
		cfg, err := ciconfig.LoadFS(fsys, "fuzz", ".gitlab-ci.yml")
		if err != nil {
			return
		}
		p, err := lint.NewProject(cfg)
		if err != nil {
			return
		}
		var edits []edit.Edit
		for _, fd := range lint.Lint(cfg, p.Options) {
			edits = append(edits, fd.Edits...)
		}
		var mine []edit.Edit
		for _, e := range edits {
			if e.Path == ".gitlab-ci.yml" {
				mine = append(mine, e)
			}
		}
		out, err := edit.Apply(src, mine)
		if err != nil {
			return // overlapping fixes are applied over several --fix runs
		}
		fsys[".gitlab-ci.yml"] = &fstest.MapFile{Data: out}
		ciconfig.LoadFS(fsys, "fuzz", ".gitlab-ci.yml")
	})
}
