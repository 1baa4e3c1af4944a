package diagnose

import (
	"bytes"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/ci-doctor/ci-doctor/signatures"
)

// run holds the state of one diagnosis while the log streams past.
type run struct {
	m      *Matcher
	report Report
	job    *JobInfo
	// line counts the '\n' bytes read so far: the number of the line being
	// read is line+1.
	line int
	norm normalizer
	cur  Line
	// hits are the literals of the current line.
	hits []litHit
	// folded is the current line for the guards.
	folded foldedLine
	// short finds the short literals of the current region.
	short shortScan
	// seen marks the patterns already tried on the current line.
	seen    []bool
	touched []int
	// matches are the patterns that matched the current line, applied
	// once all are known (see applyMatches).
	matches []lineMatch
	states  []sigState
	// pendingSigs counts signatures with candidates waiting for their window.
	pendingSigs int
	// lastCommand is the last "$ ..." the script echoed before after_script,
	// firstCommand the line of the first.
	lastCommand  *Evidence
	firstCommand int
	// tolerant holds the output of the commands whose failure the script
	// goes past.
	tolerant tolerantSpans
	// lastMain is the last stage that started outside after_script and the
	// upload stages: where the job was when it failed.
	lastMain string
	tail     tail
}

func newRun(m *Matcher, source string) *run {
	s := &run{m: m, seen: make([]bool, m.npatterns), states: make([]sigState, len(m.sigs))}
	s.report.Source = source
	s.report.Job.Status = "unknown"
	s.job = &s.report.Job
	for i, sig := range m.sigs {
		s.states[i].init(sig)
	}
	return s
}

// candidate looks closely at one line that holds at least one literal.
// before is the part of the current region that precedes it, for context.
func (s *run) candidate(raw, before []byte) {
	num := s.line + 1
	s.norm.normalize(raw, num, &s.cur)
	s.cur.forSignatures()
	text := s.cur.Text
	if sec := s.cur.Section; sec != "" && !PhaseOf(sec).post() {
		s.lastMain = sec
	}
	s.resolvePending(num)
	s.hits = s.m.lits.appendAll(s.hits[:0], text)
	s.folded.reset(text)
	// A debug record may still veto or confirm what is near it, but it is
	// never a cause of its own.
	debug := loggedAsDebug(text)
	for _, hit := range s.hits {
		if hit.lit < int(numStructure) {
			s.structure(structureLiteral(hit.lit), text)
			continue
		}
		for _, ref := range s.m.refs[hit.lit] {
			if s.seen[ref.id] || debug && ref.role == signatures.RoleTrigger {
				continue
			}
			s.seen[ref.id] = true
			s.touched = append(s.touched, ref.id)
			p := s.m.sigs[ref.sig].PatternsOf(ref.role)[ref.idx]
			// The guard and Match do not allocate; most candidate lines do
			// not match, and only those that do pay for the submatches.
			if !s.m.guards[ref.id].get(p).admits(&s.folded) || !p.Regexp().Match(text) {
				continue
			}
			if loc := p.Regexp().FindSubmatchIndex(text); loc != nil {
				s.matches = append(s.matches, lineMatch{ref: ref, p: p, loc: loc})
			}
		}
	}
	for _, id := range s.touched {
		s.seen[id] = false
	}
	s.touched = s.touched[:0]
	s.applyMatches(before)
}

// lineMatch is a pattern that matched the current line, and where.
type lineMatch struct {
	ref patternRef
	p   *signatures.Pattern
	loc []int
}

// applyMatches gives the current line's matches to their signatures in an
// order that does not depend on where the patterns' literals happen to be
// in the line: the requires, captures and unless patterns first, which a
// trigger on the same line counts, then the triggers from the leftmost
// match, which gives the finding its column and groups.
func (s *run) applyMatches(before []byte) {
	if len(s.matches) > 1 {
		slices.SortFunc(s.matches, func(a, b lineMatch) int {
			at, bt := a.ref.role == signatures.RoleTrigger, b.ref.role == signatures.RoleTrigger
			switch {
			case at != bt && at:
				return 1
			case at != bt:
				return -1
			case a.loc[0] != b.loc[0]:
				return a.loc[0] - b.loc[0]
			}
			return a.ref.id - b.ref.id
		})
	}
	for _, m := range s.matches {
		s.states[m.ref.sig].matched(s, m.ref, m.p, m.loc, before)
	}
	s.matches = s.matches[:0]
}

// vetoed reports whether an unless pattern dropped a trigger of signature
// id.
func (s *run) vetoed(id string) bool {
	for i := range s.states {
		if s.states[i].sig.ID == id {
			return s.states[i].vetoed
		}
	}
	return false
}

// resolvePending settles the candidates whose window has closed before line num.
func (s *run) resolvePending(num int) {
	if s.pendingSigs == 0 {
		return
	}
	for i := range s.states {
		s.states[i].resolve(s, num)
	}
}

// admits reports whether the line may match the guard's pattern: it holds
// a string of each set.
func (g guard) admits(l *foldedLine) bool {
	for i := range g {
		if !g[i].in(l) {
			return false
		}
	}
	return true
}

// in reports whether the line holds one of the set's strings. One pass over
// the lower-cased line tries each string where its first byte is.
func (fs *factorSet) in(l *foldedLine) bool {
	low := l.lowered()
	for i, c := range low {
		if !fs.starts[c] {
			continue
		}
		for k := range fs.factors {
			if f := &fs.factors[k]; f.lower[0] == c && f.at(l, i) {
				return true
			}
		}
	}
	if l.ascii {
		return false
	}
	// Characters outside ASCII that fold into ASCII (the Kelvin sign is
	// a k) have another length than their variants: no offset is shared.
	for k := range fs.factors {
		if f := &fs.factors[k]; f.fold && !f.asciiFold {
			for i := range l.text {
				if hasPrefixFold(l.text[i:], f.s) {
					return true
				}
			}
		}
	}
	return false
}

// at reports whether the factor occurs at offset i of the line, unless it
// is one that only the character-wise comparison can find there.
func (f *factor) at(l *foldedLine, i int) bool {
	switch {
	case !f.fold:
		return bytes.HasPrefix(l.text[i:], f.s)
	case f.asciiFold || l.ascii:
		return bytes.HasPrefix(l.lower[i:], f.lower)
	}
	return false
}

// foldedLine is a line's text and, made on first use, its ASCII-lower-cased
// form, for the guards' case-insensitive factors.
type foldedLine struct {
	text  []byte
	lower []byte
	done  bool
	ascii bool
}

func (l *foldedLine) reset(text []byte) {
	l.text, l.lower, l.done = text, l.lower[:0], false
}

func (l *foldedLine) lowered() []byte {
	if !l.done {
		l.done, l.ascii = true, true
		for _, c := range l.text {
			l.lower = append(l.lower, toLower[c])
			l.ascii = l.ascii && c < utf8.RuneSelf
		}
	}
	return l.lower
}

// hasPrefixFold reports whether b starts with prefix under Unicode simple
// case folding, as RE2's (?i) compares characters. Two ASCII characters are
// variants of each other only through ASCII case, which is the fast path.
func hasPrefixFold(b, prefix []byte) bool {
	for len(prefix) > 0 {
		if len(b) == 0 {
			return false
		}
		if p, c := prefix[0], b[0]; p < utf8.RuneSelf && c < utf8.RuneSelf {
			if toLower[p] != toLower[c] {
				return false
			}
			prefix, b = prefix[1:], b[1:]
			continue
		}
		r, n := utf8.DecodeRune(prefix)
		c, m := utf8.DecodeRune(b)
		if c != r && !sameFold(c, r) {
			return false
		}
		prefix, b = prefix[n:], b[m:]
	}
	return true
}

// sameFold reports whether a and b are case variants of one character.
func sameFold(a, b rune) bool {
	for c := unicode.SimpleFold(a); c != a; c = unicode.SimpleFold(c) {
		if c == b {
			return true
		}
	}
	return false
}

// groups returns the named groups of a match.
func groups(p *signatures.Pattern, text []byte, loc []int) map[string]string {
	var g map[string]string
	for i, name := range p.Regexp().SubexpNames() {
		if name == "" || loc[2*i] < 0 {
			continue
		}
		if g == nil {
			g = map[string]string{}
		}
		g[name] = string(text[loc[2*i]:loc[2*i+1]])
	}
	return g
}

// contextLines returns up to n lines at the end of before, normalised
// without touching the run's section state. When before, the start of the
// current region, holds fewer lines, the rest come from the end of the
// previous regions, which the tail keeps: the context does not depend on
// where the reader cut the log.
func (s *run) contextLines(before []byte, firstNum, n int) []Evidence {
	var out []Evidence
	b, inTail := before, false
	for k := 0; k < n; k++ {
		if len(b) == 0 && !inTail {
			b, inTail = s.tail.buf, true
		}
		if len(b) == 0 {
			break
		}
		// The tail may end inside an over-long line, without its '\n'.
		line := b
		if line[len(line)-1] == '\n' {
			line = line[:len(line)-1]
		}
		start := bytes.LastIndexByte(line, '\n') + 1
		var scratch normalizer
		var l Line
		scratch.normalize(line[start:], firstNum-k-1, &l)
		if len(bytes.TrimSpace(l.Text)) > 0 {
			out = append([]Evidence{{Line: l.Num, Text: clip(l.Text)}}, out...)
		}
		b = b[:start]
	}
	return out
}

// maxText bounds the text kept for one evidence line.
const maxText = 400

// maxTail is how much of a long line's end the fallback keeps besides.
const maxTail = 250

func clip(b []byte) string {
	if len(b) > maxText {
		return string(b[:maxText]) + "…"
	}
	return string(b)
}

// clipEnds bounds a line that the fallback shows: its beginning as clip
// keeps it, and its end as well. A long message (an error wrapped by each
// caller, a JSON record with escaped line breaks) most often says what
// failed last, and when nothing matched, nothing else points the reader at
// it. Both cuts fall on a character's first byte.
func clipEnds(b []byte) string {
	if len(b) <= maxText+maxTail {
		return string(b)
	}
	head, tail := maxText, len(b)-maxTail
	for head > 0 && !utf8.RuneStart(b[head]) {
		head--
	}
	for tail < len(b) && !utf8.RuneStart(b[tail]) {
		tail++
	}
	return string(b[:head]) + " … " + string(b[tail:])
}
