package lint

import (
	"bytes"
	"fmt"
	"path"

	"go.yaml.in/yaml/v3"
)

// ConfigFile is the project's ci-doctor settings file, at the project root.
const ConfigFile = ".ci-doctor.yml"

// Settings are what a project's .ci-doctor.yml says:
//
//	ignore:
//	  - docker-command                 # a rule everywhere
//	  - rule: dind-service             # a rule in some jobs or files
//	    jobs: [legacy-build]
//	    paths: [ci/legacy/*.yml]
//	privileged_tags: [privileged]      # jobs with these runner tags run elsewhere
type Settings struct {
	Ignore         []Ignore `yaml:"ignore"`
	PrivilegedTags []string `yaml:"privileged_tags"`
}

// Ignore turns a rule off, everywhere or for some jobs or files.
type Ignore struct {
	Rule  string   `yaml:"rule"`
	Jobs  []string `yaml:"jobs"`
	Paths []string `yaml:"paths"`
}

// UnmarshalYAML accepts a rule id alone as well as the full form.
func (ig *Ignore) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		ig.Rule = n.Value
		return nil
	}
	type plain Ignore
	return n.Decode((*plain)(ig))
}

// ParseSettings reads a .ci-doctor.yml.
func ParseSettings(data []byte) (Settings, error) {
	var s Settings
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil && err.Error() != "EOF" {
		return s, fmt.Errorf("%s: %w", ConfigFile, err)
	}
	for _, ig := range s.Ignore {
		if _, ok := ruleByID[ig.Rule]; !ok {
			return s, fmt.Errorf("%s: unknown rule %q in ignore", ConfigFile, ig.Rule)
		}
	}
	return s, nil
}

func (ig Ignore) matches(rule, file, job string) bool {
	if ig.Rule != rule {
		return false
	}
	if len(ig.Jobs) > 0 && !contains(ig.Jobs, job) {
		return false
	}
	if len(ig.Paths) > 0 {
		ok := false
		for _, p := range ig.Paths {
			if m, _ := path.Match(p, file); m {
				ok = true
			}
		}
		return ok
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
