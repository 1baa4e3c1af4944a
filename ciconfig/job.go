package ciconfig

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Job is one job of the configuration, with its keys resolved as GitLab
// resolves them: extends, then default: and the deprecated globals for the
// keys it does not set.
type Job struct {
	Name string
	// Keys are the effective keys; each Entry says where it lives.
	Keys *Map
	// Own are the keys the job writes itself (no extends, no default).
	Own *Map
	// Def is the job's own top-level entry: its key's file and line.
	Def *Entry
	// Problems are what could not be resolved (an extends loop, a missing
	// parent, a !reference to nothing).
	Problems []Problem

	config *Config
}

// defaultKeys are the keywords default: (and the globals) provide.
var defaultKeys = []string{"image", "services", "before_script", "after_script", "cache",
	"artifacts", "tags", "retry", "timeout", "interruptible", "hooks", "id_tokens"}

// maxExtends is GitLab's limit on extends: chains.
const maxExtends = 11

// Job returns the named job, hidden ones (templates) included, or nil.
func (c *Config) Job(name string) *Job {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, j := range c.Jobs {
		if j.Name == name {
			return j
		}
	}
	if _, ok := c.raw[name]; ok {
		return c.job(name)
	}
	return nil
}

// job resolves a job's keys.
func (c *Config) job(name string) *Job {
	j := &Job{Name: name, Own: c.raw[name], Def: c.defs[name], config: c}
	j.Keys = c.applyDefaults(c.extends(name, j, nil))
	return j
}

// Hidden reports whether a job name is a template that never runs.
func Hidden(name string) bool { return strings.HasPrefix(name, ".") }

// extends merges a job's parents under its own keys, recursively.
func (c *Config) extends(name string, j *Job, stack []string) *Map {
	if m, ok := c.resolved[name]; ok {
		return m
	}
	own, ok := c.raw[name]
	if !ok {
		return nil
	}
	for _, s := range stack {
		if s == name {
			j.problem(c.defs[name], fmt.Sprintf("extends loop: %s", strings.Join(append(stack, name), " -> ")))
			return own
		}
	}
	if len(stack) > maxExtends {
		j.problem(c.defs[name], fmt.Sprintf("extends is nested deeper than %d levels", maxExtends))
		return own
	}
	result := &Map{}
	if ext := own.Get("extends"); ext != nil {
		for _, parent := range scalars(ext.Value) {
			pm := c.extends(parent, j, append(stack, name))
			if pm == nil {
				j.problem(ext, fmt.Sprintf("extends %q: no such job in the files read", parent))
				continue
			}
			result = mergeMaps(result, withFrom(pm, "extends "+parent))
		}
	}
	result = mergeMaps(result, own)
	c.resolved[name] = result
	return result
}

// applyDefaults fills the keys a job does not set from default: and the
// deprecated globals, unless the job opts out with inherit:.
func (c *Config) applyDefaults(keys *Map) *Map {
	inherit := keys.Get("inherit")
	out := &Map{Entries: append([]*Entry(nil), keys.Entries...)}
	for _, k := range defaultKeys {
		if out.Get(k) != nil || !inherits(inherit, "default", k) {
			continue
		}
		if e := c.defaults.Get(k); e != nil {
			c := *e
			c.From = "default"
			out.Entries = append(out.Entries, &c)
		} else if e := c.globals.Get(k); e != nil {
			c := *e
			c.From = "global"
			out.Entries = append(out.Entries, &c)
		}
	}
	return out
}

// inherits reads inherit:default / inherit:variables: true (the default),
// false, or a list of the keys to inherit.
func inherits(inherit *Entry, what, key string) bool {
	if inherit == nil || inherit.Map == nil {
		return true
	}
	e := inherit.Map.Get(what)
	if e == nil {
		return true
	}
	if e.Value.Kind == yaml.ScalarNode {
		return e.Value.Value != "false"
	}
	for _, s := range scalars(e.Value) {
		if s == key {
			return true
		}
	}
	return false
}

func (j *Job) problem(e *Entry, msg string) {
	p := Problem{Path: j.config.Files[0].Path, Msg: msg}
	if e != nil {
		p.Path, p.Line = e.File.Path, e.Line()
	}
	j.Problems = append(j.Problems, p)
}

// Get returns an effective key of the job, or nil.
func (j *Job) Get(key string) *Entry { return j.Keys.Get(key) }

// Variables returns the job's effective variables: the global ones, then
// its own (which win), each Entry saying where it lives.
func (j *Job) Variables() *Map {
	own := j.Get("variables")
	var global *Map
	if inherits(j.Get("inherit"), "variables", "") {
		global = withFrom(j.config.vars, "global variables")
	}
	var ownMap *Map
	if own != nil {
		ownMap = own.Map
	}
	return mergeMaps(global, ownMap)
}

// Config returns the configuration the job belongs to.
func (j *Job) Config() *Config { return j.config }
