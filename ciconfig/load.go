package ciconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	// go.yaml.in/yaml/v3: its Node API keeps the line and column of every
	// key and item, anchors and aliases as pointers (so an alias leads to
	// the anchor's definition) and comments; the same library reads the
	// signatures.
	"go.yaml.in/yaml/v3"
)

// Config is a project's CI configuration, read with positions.
type Config struct {
	// Root names the project (a directory, or a project at a commit);
	// file paths are relative to it.
	Root string
	// FS holds the project's files: a directory, or a project's
	// repository read through the API.
	FS fs.FS
	// Files are the files read: the main one first, then local includes.
	Files []*File
	// Jobs are the jobs that run (not hidden ones), in file order.
	Jobs []*Job
	// Externals are includes that were not read: other projects, remote
	// URLs, templates and the components of other projects.
	Externals []External
	// Problems are what could not be read, with positions.
	Problems []Problem

	raw      map[string]*Map // a job's own keys, merged across files
	defs     map[string]*Entry
	order    []string
	defaults *Map
	globals  *Map // deprecated top-level image, services, before_script, ...
	vars     *Map
	resolved map[string]*Map
	maps     maps
	fetch    Fetcher
	// mu guards the caches above: jobs are resolved on demand, possibly
	// by several diagnoses at once.
	mu sync.Mutex
}

// External is an include that names something outside the project's
// files: GitLab fetches it, ci-doctor only names it.
type External struct {
	// Kind is "project", "remote", "template" or "component".
	Kind string
	// Target is what it names, e.g. "some-org/some-template: /template.gitlab-ci.yml".
	Target string
	// Project and Ref are the project and ref of a "project" include.
	Project, Ref string
	File         *File
	// Start and End are the lines of the include entry in File.
	Start, End int
}

// Fetcher reads a file of another project at a ref ("" for its default
// branch), for includes of other projects; through the API, it is what
// GitLab itself would include.
type Fetcher func(project, ref, file string) ([]byte, error)

// fetchProject reads the files of an include of another project when a
// Fetcher is set. Their paths are "project:file", so that they are never
// taken for files of this project; File.From names the include.
func (c *Config) fetchProject(ext External, project, ref string, files []string, seen map[string]bool) {
	if c.fetch == nil {
		return
	}
	for _, file := range files {
		rel := project + ":" + strings.TrimPrefix(file, "/")
		if seen[rel] || len(c.Files) >= maxFiles {
			continue
		}
		seen[rel] = true
		data, err := c.fetch(project, ref, strings.TrimPrefix(file, "/"))
		if err != nil {
			c.Problems = append(c.Problems, Problem{Path: ext.File.Path, Line: ext.Start, Msg: fmt.Sprintf("include of %s %s: %v", project, file, err)})
			continue
		}
		f, err := parse(rel, data)
		if err != nil {
			c.Problems = append(c.Problems, problemOf(rel, 0, err))
			continue
		}
		e := ext
		f.From = &e
		c.addFile(f, seen)
	}
}

// fetchNested follows a local include of a file that came from another
// project. GitLab keeps the project and ref of an include for the local
// includes nested in it, so the file is that project's, not this one's.
func (c *Config) fetchNested(f *File, line int, local string, seen map[string]bool) {
	if strings.Contains(local, "*") {
		c.Problems = append(c.Problems, Problem{Path: f.Path, Line: line, Msg: fmt.Sprintf("include %q of %s is a pattern, and the files of another project are not listed here; not followed", local, f.From.Project)})
		return
	}
	c.fetchProject(*f.From, f.From.Project, f.From.Ref, []string{local}, seen)
}

// Problem is something of the configuration that could not be read.
type Problem struct {
	Path string
	Line int
	Msg  string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.Path, p.Line, p.Msg)
	}
	return p.Path + ": " + p.Msg
}

// SyntaxError is a file that is not valid YAML.
type SyntaxError struct {
	Path string
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return e.Path + ": " + e.Msg
}

// maxFiles bounds the files one configuration may include (GitLab's own
// limit is 150).
const maxFiles = 150

// reserved are the top-level keys that are not jobs.
var reserved = map[string]bool{
	"default": true, "include": true, "stages": true, "variables": true, "workflow": true,
	"image": true, "services": true, "before_script": true, "after_script": true, "cache": true,
	"types": true,
}

// globalKeys are the deprecated top-level keywords that act like default:.
var globalKeys = []string{"image", "services", "before_script", "after_script", "cache"}

// Load reads the configuration whose main file is path, relative to root
// (or absolute), and the local files it includes. An unreadable or invalid
// main file is an error; an included file that is missing or invalid is a
// Problem, as the rest of the configuration is still worth reading.
func Load(root, path string) (*Config, error) {
	rel := path
	if filepath.IsAbs(path) {
		if r, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(r, "..") {
			rel = r
		}
	}
	return LoadFS(os.DirFS(root), root, filepath.ToSlash(filepath.Clean(rel)))
}

// LoadFS is Load over any file system: root names it in messages, path is
// the main file's slash-separated path in it.
func LoadFS(fsys fs.FS, root, path string) (*Config, error) {
	return LoadFSWith(fsys, root, path, nil)
}

// LoadFSWith is LoadFS that also reads the includes of other projects
// through fetch.
func LoadFSWith(fsys fs.FS, root, path string, fetch Fetcher) (*Config, error) {
	c := &Config{Root: root, FS: fsys, fetch: fetch, raw: map[string]*Map{}, defs: map[string]*Entry{}, resolved: map[string]*Map{}, maps: maps{},
		defaults: &Map{}, globals: &Map{}, vars: &Map{}}
	rel := strings.TrimPrefix(path, "./")
	f, err := c.read(rel)
	if err != nil {
		return nil, err
	}
	c.addFile(f, map[string]bool{rel: true})
	for _, name := range c.order {
		if !Hidden(name) {
			c.Jobs = append(c.Jobs, c.job(name))
		}
	}
	return c, nil
}

// read loads and parses one file of the project.
func (c *Config) read(rel string) (*File, error) {
	src, err := fs.ReadFile(c.FS, rel)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot read %s: %w", rel, err)
	}
	return parse(rel, src)
}

// parse reads one file's YAML.
func parse(rel string, src []byte) (*File, error) {
	f := newFile(rel, src)
	dec := yaml.NewDecoder(strings.NewReader(string(src)))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			return nil, yamlError(rel, err)
		}
		docs = append(docs, &doc)
	}
	for _, doc := range docs {
		if len(doc.Content) == 0 {
			continue
		}
		root := resolve(doc.Content[0])
		// A component's "spec:" header is a document of its own; the
		// configuration is the next one.
		if len(docs) > 1 && isSpecHeader(root) {
			continue
		}
		f.Root = root
		break
	}
	if f.Root != nil && f.Root.Kind != yaml.MappingNode {
		return nil, &SyntaxError{Path: rel, Line: f.Root.Line, Msg: "the configuration must be a mapping of keywords and jobs"}
	}
	return f, nil
}

func isSpecHeader(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "spec"
}

var yamlLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): (.*)`) })

func yamlError(path string, err error) error {
	msg := err.Error()
	if m := yamlLine().FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscan(m[1], &line)
		return &SyntaxError{Path: path, Line: line, Msg: m[2]}
	}
	return &SyntaxError{Path: path, Msg: strings.TrimPrefix(msg, "yaml: ")}
}

// addFile reads the top-level keys of f, its includes first, as GitLab
// merges included files under the including one.
func (c *Config) addFile(f *File, seen map[string]bool) {
	c.Files = append(c.Files, f)
	if f.Root == nil {
		return
	}
	top := c.maps.buildMap(f.Root, f, 0)
	if inc := top.Get("include"); inc != nil {
		c.includes(f, inc, seen)
	}
	for _, e := range top.Entries {
		switch {
		case e.Key == "default":
			c.defaults = mergeMaps(c.defaults, e.Map)
		case e.Key == "variables":
			c.vars = mergeMaps(c.vars, e.Map)
		case reserved[e.Key]:
			for _, g := range globalKeys {
				if e.Key == g {
					c.globals = mergeMaps(c.globals, &Map{Entries: []*Entry{e}})
				}
			}
		case e.Map != nil:
			if _, ok := c.raw[e.Key]; !ok {
				c.order = append(c.order, e.Key)
			}
			own := e.Map
			if prev := c.raw[e.Key]; prev != nil {
				own = mergeMaps(prev, own)
			}
			c.raw[e.Key] = own
			c.defs[e.Key] = e
		}
	}
}

// includes follows the local includes of an include: entry and records the
// others as External.
func (c *Config) includes(f *File, inc *Entry, seen map[string]bool) {
	items := []*yaml.Node{inc.Value}
	if inc.Value.Kind == yaml.SequenceNode {
		items = inc.Value.Content
	}
	for _, item := range items {
		item = resolve(item)
		start, end := f.Span(f.ItemLine(item))
		if item.Kind != yaml.SequenceNode && inc.Value.Kind != yaml.SequenceNode {
			start, end = f.Span(inc.KeyNode.Line)
		}
		var local string
		switch item.Kind {
		case yaml.ScalarNode:
			if strings.Contains(item.Value, "://") {
				c.Externals = append(c.Externals, External{Kind: "remote", Target: item.Value, File: f, Start: start, End: end})
				continue
			}
			local = item.Value
		case yaml.MappingNode:
			m := c.maps.buildMap(item, f, 0)
			switch {
			case m.Get("local") != nil:
				local = m.Get("local").Scalar()
			case m.Get("project") != nil:
				project := m.Get("project").Scalar()
				var files []string
				if file := m.Get("file"); file != nil {
					files = scalars(file.Value)
				}
				ref := m.Get("ref").Scalar()
				ext := External{Kind: "project", Target: project + ": " + strings.Join(files, ", "), Project: project, Ref: ref, File: f, Start: start, End: end}
				c.Externals = append(c.Externals, ext)
				c.fetchProject(ext, project, ref, files, seen)
				continue
			case m.Get("remote") != nil:
				c.Externals = append(c.Externals, External{Kind: "remote", Target: m.Get("remote").Scalar(), File: f, Start: start, End: end})
				continue
			case m.Get("template") != nil:
				c.Externals = append(c.Externals, External{Kind: "template", Target: m.Get("template").Scalar(), File: f, Start: start, End: end})
				continue
			case m.Get("component") != nil:
				target := m.Get("component").Scalar()
				// A component of the project itself is a file of its
				// checkout; one that a fetched file names is that file's
				// project's affair, so only a local file's is followed.
				if f.From == nil {
					local = c.ownComponent(target)
				}
				if local == "" {
					c.Externals = append(c.Externals, External{Kind: "component", Target: target, File: f, Start: start, End: end})
					continue
				}
			}
		}
		if local == "" {
			continue
		}
		if strings.Contains(local, "$") {
			c.Problems = append(c.Problems, Problem{Path: f.Path, Line: item.Line, Msg: fmt.Sprintf("include %q uses a variable; not followed", local)})
			continue
		}
		if f.From != nil && f.From.Kind == "project" {
			c.fetchNested(f, item.Line, local, seen)
			continue
		}
		for _, rel := range c.glob(local) {
			if seen[rel] {
				continue // GitLab refuses include loops; reading each file once is enough here
			}
			seen[rel] = true
			if len(c.Files) >= maxFiles {
				c.Problems = append(c.Problems, Problem{Path: f.Path, Line: item.Line, Msg: fmt.Sprintf("more than %d included files; the rest are not read", maxFiles)})
				return
			}
			inc, err := c.read(rel)
			if err != nil {
				c.Problems = append(c.Problems, problemOf(f.Path, item.Line, err))
				continue
			}
			c.addFile(inc, seen)
		}
	}
}

// ownPrefixes are how an include names the pipeline's own project on its
// own instance: GitLab's documentation writes $CI_SERVER_FQDN, older
// configurations $CI_SERVER_HOST, with or without braces.
var ownPrefixes = []string{
	"$CI_SERVER_FQDN/$CI_PROJECT_PATH/", "${CI_SERVER_FQDN}/${CI_PROJECT_PATH}/",
	"$CI_SERVER_HOST/$CI_PROJECT_PATH/", "${CI_SERVER_HOST}/${CI_PROJECT_PATH}/",
}

// ownComponent finds a component of the project itself
// ("$CI_SERVER_FQDN/$CI_PROJECT_PATH/build-image@$CI_COMMIT_SHA", the way a
// component project tests its own components) in the checkout:
// templates/NAME.yml or templates/NAME/template.yml, the two layouts GitLab
// reads. It returns "" for another project's component or one that is not
// there. The file is read as written: its $[[ inputs.x ]] stay as they are,
// as ci-doctor does not run GitLab's interpolation.
func (c *Config) ownComponent(target string) string {
	for _, prefix := range ownPrefixes {
		rest, ok := strings.CutPrefix(target, prefix)
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(rest, "@")
		if name == "" || strings.ContainsAny(name, "/$") {
			return ""
		}
		for _, rel := range []string{"templates/" + name + ".yml", "templates/" + name + "/template.yml"} {
			if st, err := fs.Stat(c.FS, rel); err == nil && st.Mode().IsRegular() {
				return rel
			}
		}
	}
	return ""
}

func problemOf(path string, line int, err error) Problem {
	var se *SyntaxError
	if errors.As(err, &se) {
		return Problem{Path: se.Path, Line: se.Line, Msg: se.Msg}
	}
	return Problem{Path: path, Line: line, Msg: err.Error()}
}

// glob expands a local include (paths are from the project root; "*"
// matches within a folder, "**" across folders) to the files it names.
func (c *Config) glob(pattern string) []string {
	pattern = strings.TrimPrefix(path.Clean("/"+pattern), "/")
	if !strings.Contains(pattern, "*") {
		return []string{pattern}
	}
	re := regexp.MustCompile("^" + strings.NewReplacer(`\*\*`, ".*", `\*`, "[^/]*").Replace(regexp.QuoteMeta(pattern)) + "$")
	var out []string
	err := fs.WalkDir(c.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && d.Name() == ".git" {
			return fs.SkipDir
		}
		if !d.IsDir() && re.MatchString(p) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		c.Problems = append(c.Problems, Problem{Path: pattern, Msg: "cannot list files for this pattern: " + err.Error()})
	}
	sort.Strings(out)
	return out
}

// scalars lists the scalar values of a node: itself or its items.
func scalars(n *yaml.Node) []string {
	n = resolve(n)
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	var out []string
	for _, item := range n.Content {
		if item = resolve(item); item.Kind == yaml.ScalarNode {
			out = append(out, item.Value)
		}
	}
	return out
}
