package signatures

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"regexp"
	"regexp/syntax"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	// go.yaml.in/yaml/v3 rather than goccy/go-yaml: it is the maintained
	// successor of gopkg.in/yaml.v3 that most Go code already knows, its Node
	// API gives every key and item a line and column, and KnownFields turns
	// an unknown key into an error, which the validation needs.
	"go.yaml.in/yaml/v3"

	"github.com/ci-doctor/ci-doctor/internal/relit"
)

// maxPattern bounds a pattern's length: RE2 is linear in the input, but a
// huge pattern still compiles to a huge program.
const maxPattern = 1000

// minLiteral is the shortest literal the prefilter accepts. Shorter ones
// ("err", "401") occur on so many lines that the prefilter would stop
// filtering and every regular expression would run on most of the log.
const minLiteral = 4

// maxWindow bounds how far apart a signature's lines may be; the matcher
// keeps that many lines of state per signature.
const maxWindow = 50

var idPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`) })

// ValidID reports whether id is a signature id: lower-case words and
// digits joined by single hyphens.
func ValidID(id string) bool { return idPattern().MatchString(id) }

// Error is a problem with one signature file, at a line when one is known.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Builtin returns the signatures shipped inside the binary, sorted by id.
// They were loaded and validated from builtin/*.yaml when builtin_table.go
// was generated, so there is nothing to decode or check at start-up.
func Builtin() []*Signature {
	return slices.Clone(builtin)
}

// LoadDir loads every *.yaml and *.yml file of a user's folder.
func LoadDir(dir string) ([]*Signature, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, &Error{File: dir, Msg: "cannot read signature folder: " + pathErr(err)}
	}
	if !info.IsDir() {
		return nil, &Error{File: dir, Msg: "not a folder (--signatures takes a folder of .yaml files)"}
	}
	return loadFS(os.DirFS(dir), ".", strings.TrimSuffix(dir, "/")+"/")
}

// pathErr drops the path from an *fs.PathError, which the caller already names.
func pathErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func loadFS(fsys fs.FS, dir, label string) ([]*Signature, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, &Error{File: label, Msg: "cannot read signature folder: " + pathErr(err)}
	}
	var names []string
	var shared map[string]*Pattern
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir() || !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".yml"):
		case name == SharedFile:
			data, err := fs.ReadFile(fsys, path.Join(dir, name))
			if err != nil {
				return nil, &Error{File: label + name, Msg: "cannot read: " + pathErr(err)}
			}
			if shared, err = parseShared(label+name, data); err != nil {
				return nil, err
			}
		default:
			names = append(names, name)
		}
	}
	// Parsing YAML and compiling regular expressions is most of a short
	// diagnosis's time, and each file stands alone: use every core.
	sigs := make([]*Signature, len(names))
	errs := make([]error, len(names))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(names)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				file := label + names[i]
				data, err := fs.ReadFile(fsys, path.Join(dir, names[i]))
				if err != nil {
					errs[i] = &Error{File: file, Msg: "cannot read: " + pathErr(err)}
					continue
				}
				sigs[i], errs[i] = parse(file, data, shared)
			}
		}()
	}
	for i := range names {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []*Signature
	for _, s := range sigs {
		if s != nil {
			out = append(out, s)
		}
	}
	return out, errors.Join(errs...)
}

// SharedFile is the file of a signature folder that holds the patterns
// several of its signatures share, by name: a mapping from a kebab-case name
// to a pattern, which a signature's list takes as `{use: NAME}`. The
// registry signatures all defer to image-pull-failed when the runner, the
// kubelet or Azure App Service reports the pull that the registry refused,
// in the same words; those words are written once there.
const SharedFile = "_shared.yaml"

// parseShared decodes and validates a folder's shared patterns.
func parseShared(file string, data []byte) (map[string]*Pattern, error) {
	var shared map[string]*Pattern
	if err := yaml.Unmarshal(data, &shared); err != nil {
		return nil, yamlError(file, err)
	}
	for _, name := range slices.Sorted(maps.Keys(shared)) {
		p := shared[name]
		switch {
		case p == nil || p.Source == "" || p.Near != nil || p.Within != 0 || p.use != "":
			return nil, &Error{File: file, Msg: fmt.Sprintf("shared pattern %q must be one pattern, written as a string", name)}
		case !ValidID(name):
			return nil, &Error{File: file, Line: p.Line, Msg: fmt.Sprintf("shared pattern name %q is not kebab-case (lower-case words joined by -)", name)}
		}
		if err := p.compile(); err != nil {
			return nil, &Error{File: file, Line: p.Line, Msg: fmt.Sprintf("shared pattern %q: %v", name, err)}
		}
	}
	return shared, nil
}

// Parse decodes and validates one signature file. file names it in errors.
// The file stands alone: it may not use a folder's shared patterns.
func Parse(file string, data []byte) (*Signature, error) {
	return parse(file, data, nil)
}

// parse is Parse with the shared patterns of the file's folder.
func parse(file string, data []byte, shared map[string]*Pattern) (*Signature, error) {
	var sig Signature
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&sig); err != nil {
		return nil, yamlError(file, err)
	}
	var extra yaml.Node
	if dec.Decode(&extra) == nil {
		return nil, &Error{File: file, Line: extra.Line, Msg: "one signature per file: found a second YAML document"}
	}
	sig.File = file
	sig.Line = 1
	if err := sig.resolve(shared); err != nil {
		return nil, err
	}
	if err := sig.validate(); err != nil {
		return nil, err
	}
	return &sig, nil
}

var yamlLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`line (\d+): (.*)`) })
var unknownField = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^field (\S+) not found in type`) })

// yamlError turns the YAML library's messages into file:line errors.
func yamlError(file string, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if len(msgs) == 1 && msgs[0] == "EOF" {
		return &Error{File: file, Msg: "empty file"}
	}
	var errs []error
	for _, m := range msgs {
		e := &Error{File: file, Msg: m}
		if sub := yamlLine().FindStringSubmatch(m); sub != nil {
			e.Line, _ = strconv.Atoi(sub[1])
			e.Msg = sub[2]
			if u := unknownField().FindStringSubmatch(e.Msg); u != nil {
				e.Msg = fmt.Sprintf("unknown key %q (see signatures/FORMAT.md)", u[1])
			}
		}
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

// UnmarshalYAML keeps the position of a pattern so that a bad one can be
// reported where it was written. A trigger may also be written as a
// mapping, `{pattern: ..., near: ..., within: N}`, and an unless as
// `{pattern: ..., within: N}`, with `same: GROUP` or `after: true` when
// needed; `use: NAME` in place of `pattern:` takes a shared pattern (see
// SharedFile), and needs nothing else.
func (p *Pattern) UnmarshalYAML(n *yaml.Node) error {
	p.Line, p.Column = n.Line, n.Column
	if n.Kind == yaml.MappingNode {
		var m struct {
			Pattern *Pattern `yaml:"pattern"`
			Use     string   `yaml:"use"`
			Near    *Pattern `yaml:"near"`
			Within  int      `yaml:"within"`
			Same    string   `yaml:"same"`
			After   bool     `yaml:"after"`
			Before  bool     `yaml:"before"`
		}
		if err := n.Decode(&m); err != nil {
			return err
		}
		switch {
		case m.Pattern != nil && m.Use != "":
			return fmt.Errorf("line %d: a pattern takes pattern or use, not both", n.Line)
		case m.Use != "":
			p.use = m.Use
		case m.Pattern == nil || m.Near == nil && m.Within == 0:
			return fmt.Errorf("line %d: a pattern written as a mapping needs the key pattern, and near (a trigger) or within (an unless), or the key use", n.Line)
		default:
			p.Source, p.Line, p.Column = m.Pattern.Source, m.Pattern.Line, m.Pattern.Column
		}
		p.Near, p.Within, p.Same, p.After, p.Before = m.Near, m.Within, m.Same, m.After, m.Before
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a pattern must be a string, or a mapping with the keys pattern and near or within", n.Line)
	}
	p.Source = n.Value
	return nil
}

// resolve gives each pattern written as `{use: NAME}` the source of the
// shared pattern of that name.
func (s *Signature) resolve(shared map[string]*Pattern) error {
	// A trigger's near pattern is reached through its trigger: the list of
	// near patterns (PatternsOf(RoleNear)) is made once, and only validate
	// has checked the triggers it is made from.
	for _, r := range []Role{RoleTrigger, RoleRequire, RoleCapture, RoleUnless} {
		for _, p := range s.PatternsOf(r) {
			if p == nil {
				continue
			}
			for _, q := range []*Pattern{p, p.Near} {
				if q == nil || q.use == "" {
					continue
				}
				sp, ok := shared[q.use]
				if !ok {
					return &Error{File: s.File, Line: q.Line, Msg: fmt.Sprintf("%s: use: no shared pattern %q in the folder's %s", s.ID, q.use, SharedFile)}
				}
				q.Source = sp.Source
			}
		}
	}
	return nil
}

// validateSame checks an unless's same: the group it names is captured by
// the unless and by at least one trigger, or no trigger could ever be
// vetoed by it.
func (s *Signature) validateSame(r Role, p *Pattern) error {
	if r != RoleUnless {
		return fmt.Errorf("same: is for unless patterns only")
	}
	if p.Regexp().SubexpIndex(p.Same) < 0 {
		return fmt.Errorf("same: %q is not a group of the unless pattern", p.Same)
	}
	// The triggers were validated first (see validate).
	for _, t := range s.PatternsOf(RoleTrigger) {
		if t.Regexp().SubexpIndex(p.Same) >= 0 {
			return nil
		}
	}
	return fmt.Errorf("same: %q is not a group of any trigger", p.Same)
}

func (s *Signature) validate() error {
	fail := func(line int, format string, args ...any) error {
		return &Error{File: s.File, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case s.ID == "":
		return fail(0, "missing id")
	case !ValidID(s.ID):
		return fail(0, "id %q is not kebab-case (lower-case words joined by -)", s.ID)
	case strings.TrimSpace(s.Title) == "":
		return fail(0, "%s: missing title", s.ID)
	case s.Priority < 1 || s.Priority > 100:
		return fail(0, "%s: priority must be 1..100, not %d", s.ID, s.Priority)
	case len(s.Patterns) == 0:
		return fail(0, "%s: no patterns", s.ID)
	case s.Window < 0 || s.Window > maxWindow:
		return fail(0, "%s: window must be 0..%d lines, not %d", s.ID, maxWindow, s.Window)
	case strings.TrimSpace(s.Cause) == "":
		return fail(0, "%s: missing cause", s.ID)
	case strings.TrimSpace(s.Fix) == "":
		return fail(0, "%s: missing fix", s.ID)
	case len(s.Examples.Match) == 0:
		return fail(0, "%s: no examples.match: each signature needs log lines it must match", s.ID)
	case len(s.Examples.NoMatch) == 0:
		return fail(0, "%s: no examples.no_match: each signature needs log lines it must not match", s.ID)
	}
	for _, r := range []Role{RoleTrigger, RoleRequire, RoleCapture, RoleUnless} {
		for i, p := range s.PatternsOf(r) {
			if p == nil {
				// "- " with nothing after it decodes to no pattern at all.
				return fail(0, "%s: pattern %d is empty", s.ID, i+1)
			}
			if err := p.compile(); err != nil {
				return fail(p.Line, "%s: %v", s.ID, err)
			}
			if p.Same != "" {
				if err := s.validateSame(r, p); err != nil {
					return fail(p.Line, "%s: %v", s.ID, err)
				}
			}
			if (p.After || p.Before) && r != RoleUnless {
				return fail(p.Line, "%s: after: and before: are for unless patterns only", s.ID)
			}
			if p.After && p.Before {
				return fail(p.Line, "%s: an unless is either after: or before: its triggers", s.ID)
			}
			if p.Near == nil {
				switch {
				case p.Within == 0:
				case r != RoleUnless:
					return fail(p.Line, "%s: within: without near: is for unless patterns only", s.ID)
				case p.Within < 1 || p.Within > maxWindow:
					return fail(p.Line, "%s: within: of an unless must be 1..%d lines, not %d", s.ID, maxWindow, p.Within)
				}
				continue
			}
			if p.Within == 0 {
				p.Within = s.Window
			}
			switch {
			case r != RoleTrigger:
				return fail(p.Line, "%s: near: is for the patterns that trigger the signature only", s.ID)
			case p.Within < 1 || p.Within > maxWindow:
				return fail(p.Line, "%s: near: needs within: (or the signature's window) of 1..%d lines, not %d", s.ID, maxWindow, p.Within)
			}
			if err := p.Near.compile(); err != nil {
				return fail(p.Near.Line, "%s: near: %v", s.ID, err)
			}
		}
	}
	if _, err := s.template(); err != nil {
		return fail(0, "%s: fix is not a valid template: %v", s.ID, err)
	}
	return nil
}

func (p *Pattern) compile() error {
	if len(p.Source) > maxPattern {
		return fmt.Errorf("pattern is %d characters long; at most %d are allowed", len(p.Source), maxPattern)
	}
	// regexp.Compile parses with these same flags, so a pattern that
	// parses compiles; the compilation itself waits for the first line
	// that needs it (Pattern.Regexp).
	parsed, err := syntax.Parse(p.Source, syntax.Perl)
	if err != nil {
		return fmt.Errorf("bad regular expression: %v", err)
	}
	lits := relit.Required(parsed.Simplify(), minLiteral)
	if lits == nil {
		return fmt.Errorf("pattern %q has no literal of %d or more characters that every match contains; the prefilter needs one", p.Source, minLiteral)
	}
	sort.Strings(lits)
	p.Literals = lits
	return nil
}

// Merge checks that ids are unique across sets loaded from different places
// and returns them as one list, sorted by id.
func Merge(sets ...[]*Signature) ([]*Signature, error) {
	seen := map[string]*Signature{}
	var all []*Signature
	var errs []error
	for _, set := range sets {
		for _, s := range set {
			if prev, ok := seen[s.ID]; ok {
				errs = append(errs, &Error{File: s.File, Line: s.Line, Msg: fmt.Sprintf("duplicate id %q, already defined in %s", s.ID, prev.File)})
				continue
			}
			seen[s.ID] = s
			all = append(all, s)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	return all, errors.Join(errs...)
}

// Load returns the built-in signatures together with those of the users'
// folders, validated and with unique ids.
func Load(userDirs ...string) ([]*Signature, error) {
	sets := [][]*Signature{Builtin()}
	var errs []error
	for _, dir := range userDirs {
		set, err := LoadDir(dir)
		errs = append(errs, err)
		sets = append(sets, set)
	}
	all, err := Merge(sets...)
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return all, nil
}
