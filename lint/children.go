package lint

import (
	"slices"
	"strings"

	"github.com/ci-doctor/ci-doctor/ciconfig"
	"go.yaml.in/yaml/v3"
)

// childFiles returns the project's files that its trigger jobs run as
// child pipelines (trigger: include: with local files), in the order the
// jobs name them. Their jobs run on the same runners as the parent's, so
// they are linted and fixed with it; an include of another project or a
// template is GitLab's to fetch, as for the parent.
func childFiles(cfg *ciconfig.Config) []string {
	var out []string
	add := func(p string) {
		p = strings.TrimPrefix(p, "/")
		if p != "" && !strings.ContainsAny(p, "$*") && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, j := range cfg.Jobs {
		t := j.Get("trigger")
		if t == nil || t.Map == nil {
			continue
		}
		inc := t.Map.Get("include")
		if inc == nil || inc.Value == nil {
			continue
		}
		items := []*yaml.Node{inc.Value}
		if inc.Value.Kind == yaml.SequenceNode {
			items = inc.Value.Content
		}
		for _, n := range items {
			switch n.Kind {
			case yaml.ScalarNode:
				add(n.Value)
			case yaml.MappingNode:
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == "local" && n.Content[i+1].Kind == yaml.ScalarNode {
						add(n.Content[i+1].Value)
					}
				}
			}
		}
	}
	return out
}

// loadChildren reads the configurations of the project's child
// pipelines, over the same files. A child that cannot be read is a
// problem of the parent's, as an include that cannot be is.
func (p *Project) loadChildren() {
	for _, path := range childFiles(p.Config) {
		if path == p.Config.Files[0].Path {
			continue
		}
		child, err := ciconfig.LoadFS(p.Config.FS, p.Config.Root, path)
		if err != nil {
			p.Config.Problems = append(p.Config.Problems, ciconfig.Problem{Path: p.Config.Files[0].Path, Msg: "child pipeline " + path + ": " + err.Error()})
			continue
		}
		p.children = append(p.children, child)
	}
}

// configs returns the project's configuration and its child pipelines'.
func (p *Project) configs() []*ciconfig.Config {
	return append([]*ciconfig.Config{p.Config}, p.children...)
}

// Lint lints the project's configuration and its child pipelines'. A
// finding in a file that several of them read is reported once, with all
// the jobs it affects.
func (p *Project) Lint() []Finding {
	var all []Finding
	for _, cfg := range p.configs() {
		all = mergeFindings(all, Lint(cfg, p.Options))
	}
	return all
}

// mergeFindings adds findings to all, merging the jobs of those at the
// same place, and keeps the order by path, line and column.
func mergeFindings(all, more []Finding) []Finding {
	for _, f := range more {
		i := slices.IndexFunc(all, func(a Finding) bool {
			return a.Rule == f.Rule && a.Path == f.Path && a.Line == f.Line && a.Column == f.Column
		})
		if i < 0 {
			all = append(all, f)
			continue
		}
		for _, j := range f.Jobs {
			all[i].Jobs = appendJob(all[i].Jobs, j)
		}
	}
	slices.SortStableFunc(all, func(a, b Finding) int {
		switch {
		case a.Path != b.Path:
			return strings.Compare(a.Path, b.Path)
		case a.Line != b.Line:
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
	return all
}
