package signatures

import (
	"regexp"
	"sync"
	"text/template"
)

// Signature describes one known failure: how to recognise it in a log and
// what to tell the person whose job failed.
type Signature struct {
	ID         string      `yaml:"id"`
	Title      string      `yaml:"title"`
	Priority   int         `yaml:"priority"`
	Patterns   []*Pattern  `yaml:"patterns"`
	Requires   []*Pattern  `yaml:"requires"`
	Captures   []*Pattern  `yaml:"captures"`
	Unless     []*Pattern  `yaml:"unless"`
	Window     int         `yaml:"window"`
	Cause      string      `yaml:"cause"`
	Fix        string      `yaml:"fix"`
	Snippet    string      `yaml:"snippet"`
	References []Reference `yaml:"references"`
	// Rules name the `ci-doctor lint` rules whose findings in the failed
	// job confirm this cause and whose edits fix it.
	Rules    []string `yaml:"rules"`
	Examples Examples `yaml:"examples"`

	// File is where the signature was loaded from ("builtin/x.yaml" for the
	// embedded ones), Line the line of its first key; both for error messages.
	File string `yaml:"-"`
	Line int    `yaml:"-"`

	// fix is the Fix text parsed as a template, the first time it is needed.
	fix struct {
		once sync.Once
		tmpl *template.Template
		err  error
	}
	nears nearIndex
}

// nearIndex lists a signature's near patterns, and each trigger's index
// among them (-1 for none), made the first time the matcher asks.
type nearIndex struct {
	once sync.Once
	list []*Pattern
	of   []int
}

// Pattern is one RE2 regular expression of a signature, with the position it
// was written at and the literals the matcher's prefilter scans for.
type Pattern struct {
	Source string
	Line   int
	Column int

	// Near, on a trigger only, is a pattern that must match within Within
	// lines (before, after or on the same line) for the trigger to count: a
	// bare line ("Error: Unauthorized") names its cause only beside another
	// line of the same tool, which the signature's other triggers do not
	// need. Within is the signature's window unless the file sets it.
	Near *Pattern
	// Within, on an unless without Near, is how far from the trigger
	// (before or after) the unless vetoes it, when that is further than the
	// signature's window: a tool that goes past a failure may say so only
	// after the whole message it quoted. 0 is the window.
	Within int
	// Same, on an unless, names a group that the unless and the trigger
	// both capture: the unless vetoes only a trigger that captured the same
	// text ("Successfully pulled image" of the very image whose pull
	// failed, not of another container's).
	Same string
	// After, on an unless with its own reach, vetoes only the triggers
	// before it: a later line that says the thing recovered (the
	// scheduler's "Scheduled" after its "FailedScheduling"), where the same
	// words before the trigger say nothing of it (a pod placed, then refused
	// its volume). With Same, it vetoes a trigger that captured nothing in
	// the group too.
	After bool
	// Before, on an unless with its own reach, vetoes only the triggers
	// after it: an earlier line that says the thing was being stopped on
	// purpose (a database's "received fast shutdown request" before a
	// service's exit code 137, killed by the stop's timeout), where the
	// same words after the trigger are only what its failure set off.
	Before bool

	// use names the shared pattern (see SharedFile) that this one stands
	// for until the loader puts its source here.
	use string

	// Literals are lower-cased strings (internal/relit) of which every
	// match contains at least one, so a line that holds none of them cannot
	// match.
	Literals []string

	once sync.Once
	re   *regexp.Regexp
}

// never matches nothing: the stand-in for a pattern that cannot compile,
// which the loader's syntax check already refused.
var never = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^\x00-\x{10FFFF}]`) })

// Regexp returns the compiled expression. It is compiled the first time a
// line needs it: the loader has checked its syntax, and most patterns never
// meet a line of a given log, so compiling them all at start-up would be
// wasted work.
func (p *Pattern) Regexp() *regexp.Regexp {
	p.once.Do(func() {
		re, err := regexp.Compile(p.Source)
		if err != nil {
			re = never()
		}
		p.re = re
	})
	return p.re
}

// Reference points to where a person can read more: a section of the
// platform guide (no URL) or an upstream document.
type Reference struct {
	Title string `yaml:"title" json:"title"`
	URL   string `yaml:"url" json:"url,omitempty"`
}

// Examples are log excerpts that must and must not produce the signature.
type Examples struct {
	Match   []string `yaml:"match"`
	NoMatch []string `yaml:"no_match"`
}

// Role says what part a pattern plays in a signature.
type Role int

// The roles, in the order the matcher applies them.
const (
	// RoleTrigger patterns start a candidate finding.
	RoleTrigger Role = iota
	// RoleRequire patterns must all appear within the window.
	RoleRequire
	// RoleCapture patterns only contribute named groups.
	RoleCapture
	// RoleUnless patterns veto the finding when they appear within the window.
	RoleUnless
	// RoleNear patterns are the triggers' Near patterns.
	RoleNear
)

// Roles lists every role, for the code that goes through all the patterns
// of a signature.
var Roles = []Role{RoleTrigger, RoleRequire, RoleCapture, RoleUnless, RoleNear}

// PatternsOf returns the signature's patterns that play role r.
func (s *Signature) PatternsOf(r Role) []*Pattern {
	switch r {
	case RoleTrigger:
		return s.Patterns
	case RoleRequire:
		return s.Requires
	case RoleCapture:
		return s.Captures
	case RoleUnless:
		return s.Unless
	default:
		return s.nearList().list
	}
}

// NearOf returns, for each trigger, the index of its Near pattern among
// PatternsOf(RoleNear), or -1 when it has none.
func (s *Signature) NearOf() []int { return s.nearList().of }

// nearList returns the signature's near index, made on the first call.
func (s *Signature) nearList() *nearIndex {
	n := &s.nears
	n.once.Do(func() {
		n.of = make([]int, len(s.Patterns))
		for i, p := range s.Patterns {
			n.of[i] = -1
			if p.Near != nil {
				n.of[i] = len(n.list)
				n.list = append(n.list, p.Near)
			}
		}
	})
	return n
}
