package ciconfig

import (
	"go.yaml.in/yaml/v3"
)

// Entry is one key of an effective (merged) mapping, with where it lives.
type Entry struct {
	Key string
	// KeyNode and Value are the YAML nodes as written; Value has aliases
	// followed, so an anchored value points at the anchor's definition.
	KeyNode *yaml.Node
	Value   *yaml.Node
	File    *File
	// From says where the entry came from, seen from the job: "" for the
	// job itself, "extends .base", "default", "global" (the deprecated
	// top-level keywords), "global variables".
	From string
	// Map is the merged content when Value is a mapping.
	Map *Map
}

// Line is the line of the entry's key.
func (e *Entry) Line() int {
	if e.KeyNode != nil {
		return e.KeyNode.Line
	}
	return e.Value.Line
}

// Scalar returns the value when it is a scalar, else "".
func (e *Entry) Scalar() string {
	if e == nil || e.Value == nil || e.Value.Kind != yaml.ScalarNode {
		return ""
	}
	return e.Value.Value
}

// Map is an ordered, merged YAML mapping.
type Map struct {
	Entries []*Entry
}

// Get returns the entry for key, or nil.
func (m *Map) Get(key string) *Entry {
	if m == nil {
		return nil
	}
	for _, e := range m.Entries {
		if e.Key == key {
			return e
		}
	}
	return nil
}

// maxDepth bounds nesting and alias chains: a hostile file (an alias bomb,
// deep nesting) must not exhaust the stack or the memory.
const maxDepth = 64

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxDepth; i++ {
		n = n.Alias
	}
	return n
}

// maps caches the Map of each mapping node: an anchor merged many times
// (or an alias bomb) is built once.
type maps map[*yaml.Node]*Map

// buildMap turns a mapping node of f into a Map, applying "<<" merge keys:
// the merged mappings' keys come first and the explicit keys override them.
func (c maps) buildMap(n *yaml.Node, f *File, depth int) *Map {
	n = resolve(n)
	if m, ok := c[n]; ok {
		return m
	}
	m := &Map{}
	if n == nil || n.Kind != yaml.MappingNode || depth > maxDepth {
		return m
	}
	c[n] = m // a mapping that merges itself ends here
	var explicit []*Entry
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Value == "<<" && k.Tag != "!!str" {
			for _, src := range mergeSources(v) {
				m = mergeMaps(m, c.buildMap(src, f, depth+1))
			}
			continue
		}
		explicit = append(explicit, c.newEntry(k, v, f, depth))
	}
	m = mergeMaps(m, &Map{Entries: explicit})
	c[n] = m
	return m
}

func (c maps) newEntry(k, v *yaml.Node, f *File, depth int) *Entry {
	v = resolve(v)
	e := &Entry{Key: k.Value, KeyNode: k, Value: v, File: f}
	if v != nil && v.Kind == yaml.MappingNode {
		e.Map = c.buildMap(v, f, depth+1)
	}
	return e
}

// mergeSources lists the mappings a "<<" key merges: one alias or a list.
func mergeSources(v *yaml.Node) []*yaml.Node {
	v = resolve(v)
	if v == nil {
		return nil
	}
	if v.Kind == yaml.SequenceNode {
		var out []*yaml.Node
		for _, item := range v.Content {
			out = append(out, resolve(item))
		}
		return out
	}
	return []*yaml.Node{v}
}

// mergeMaps deep-merges over into base as GitLab merges extends and
// duplicate keys: mappings merge key by key, anything else is replaced.
// Neither argument is changed.
func mergeMaps(base, over *Map) *Map {
	out := &Map{}
	for _, b := range base.entries() {
		if o := over.Get(b.Key); o != nil {
			if b.Map != nil && o.Map != nil {
				merged := *o
				merged.Map = mergeMaps(b.Map, o.Map)
				out.Entries = append(out.Entries, &merged)
			} else {
				out.Entries = append(out.Entries, o)
			}
			continue
		}
		out.Entries = append(out.Entries, b)
	}
	for _, o := range over.entries() {
		if base.Get(o.Key) == nil {
			out.Entries = append(out.Entries, o)
		}
	}
	return out
}

func (m *Map) entries() []*Entry {
	if m == nil {
		return nil
	}
	return m.Entries
}

// withFrom returns a copy of m whose entries without an origin get from.
func withFrom(m *Map, from string) *Map {
	out := &Map{}
	for _, e := range m.entries() {
		c := *e
		if c.From == "" {
			c.From = from
		}
		if c.Map != nil {
			c.Map = withFrom(c.Map, from)
		}
		out.Entries = append(out.Entries, &c)
	}
	return out
}
