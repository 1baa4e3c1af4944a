package diagnose

import (
	"fmt"

	"github.com/coregx/ahocorasick"

	"github.com/ci-doctor/ci-doctor/signatures"
)

// Matcher is a compiled signature database. Compile it once and use it for
// any number of logs, one at a time or concurrently.
type Matcher struct {
	sigs []*signatures.Signature
	// ac finds every literal of every pattern, plus the markers of the job's
	// structure, in one pass. github.com/coregx/ahocorasick compiles to a
	// DFA with a memchr skip loop and finds matches without allocating,
	// which is what a scan over a 100 MiB log needs.
	ac *ahocorasick.Automaton
	// refs maps each literal of ac to the patterns it selects; literals
	// below len(structure) select none and mark the job's structure.
	refs [][]patternRef
	// npatterns counts the patterns of all signatures, for per-line sets.
	npatterns int
}

// patternRef names one pattern of one signature.
type patternRef struct {
	sig  int
	role signatures.Role
	idx  int
	// id numbers the pattern across the whole database.
	id int
}

// structureLiteral marks a line that says something about the job rather
// than about a failure.
type structureLiteral int

// The lines the scanner always looks at, whatever the signatures. Their
// literals come first in the automaton, in this order.
const (
	litSection structureLiteral = iota // both section markers
	litRunner
	litExecutor
	litPreparing
	litSucceeded
	litFailed
	litCommand
	numStructure
)

var structureLiterals = [numStructure]string{
	litSection:   "section_",
	litRunner:    "running with gitlab-runner",
	litExecutor:  "executor with image",
	litPreparing: `preparing the "`,
	litSucceeded: "job succeeded",
	litFailed:    "error: job failed",
	litCommand:   "$ ",
}

// Compile builds a Matcher over the given signatures.
func Compile(sigs []*signatures.Signature) (*Matcher, error) {
	m := &Matcher{sigs: sigs}
	lits := append([]string(nil), structureLiterals[:]...)
	m.refs = make([][]patternRef, len(lits))
	index := map[string]int{}
	for si, s := range sigs {
		for _, role := range []signatures.Role{signatures.RoleTrigger, signatures.RoleRequire, signatures.RoleCapture, signatures.RoleUnless} {
			for pi, p := range s.PatternsOf(role) {
				ref := patternRef{sig: si, role: role, idx: pi, id: m.npatterns}
				m.npatterns++
				for _, lit := range p.Literals {
					li, ok := index[lit]
					if !ok {
						li = len(lits)
						index[lit] = li
						lits = append(lits, lit)
						m.refs = append(m.refs, nil)
					}
					m.refs[li] = append(m.refs[li], ref)
				}
			}
		}
	}
	ac, err := ahocorasick.NewBuilder().AddStrings(lits).Build()
	if err != nil {
		return nil, fmt.Errorf("building the literal automaton: %w", err)
	}
	m.ac = ac
	return m, nil
}

// Signatures returns the signatures the Matcher was compiled from.
func (m *Matcher) Signatures() []*signatures.Signature { return m.sigs }

// Literals returns, for every pattern, the literals the prefilter scans
// for, so that other tools can be given the same work (the benchmark
// feeds them to grep and ripgrep).
func (m *Matcher) Literals() []string {
	var out []string
	for i := int(numStructure); i < m.ac.PatternCount(); i++ {
		out = append(out, string(m.ac.Pattern(i)))
	}
	return out
}

// signature returns the signature with the given id, or nil.
func (m *Matcher) signature(id string) *signatures.Signature {
	for _, s := range m.sigs {
		if s.ID == id {
			return s
		}
	}
	return nil
}
