package ciconfig

import (
	"io/fs"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// DuplicateKey is a key that a mapping of a file holds twice. GitLab keeps
// the last one and drops the first without a word, so a change that writes
// a second `image:` into a job loses the first one.
type DuplicateKey struct {
	Path  string
	Key   string
	Line  int // of the second key
	First int // of the first key
}

func (d DuplicateKey) Error() string {
	return d.Path + ":" + strconv.Itoa(d.Line) + ": key " + strconv.Quote(d.Key) + " is already defined at line " + strconv.Itoa(d.First)
}

// DuplicateKeys returns the keys that a mapping of f holds twice, in the
// order they appear. Merge keys (<<) and aliases are not mappings of their
// own: an alias is checked where its anchor is defined.
func (f *File) DuplicateKeys() []DuplicateKey {
	var out []DuplicateKey
	seen := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || n.Kind == yaml.AliasNode || seen[n] || depth > maxDepth {
			return
		}
		seen[n] = true
		if n.Kind == yaml.MappingNode {
			first := map[string]int{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if k.Kind == yaml.ScalarNode && k.Value != "<<" {
					if line, ok := first[k.Value]; ok {
						out = append(out, DuplicateKey{Path: f.Path, Key: k.Value, Line: k.Line, First: line})
					} else {
						first[k.Value] = k.Line
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(f.Root, 0)
	return out
}

// Reload reads the same configuration again over fsys: the same project
// with some of its files changed, as a fix computed in memory leaves it.
// Includes of other projects are read as the first time.
func (c *Config) Reload(fsys fs.FS) (*Config, error) {
	return LoadFSWith(fsys, c.Root, c.Files[0].Path, c.fetch)
}
