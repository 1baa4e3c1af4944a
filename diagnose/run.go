package diagnose

import (
	"bytes"

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
	// lowerText is the current line's visible text, case-folded.
	lowerText []byte
	// seen marks the patterns already tried on the current line.
	seen    []bool
	touched []int
	states  []sigState
	// pendingSigs counts signatures with candidates waiting for their window.
	pendingSigs int
	// lastCommand is the last "$ ..." the script echoed before after_script.
	lastCommand *Evidence
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
	text := s.cur.Text
	s.lowerText = s.lowerText[:0]
	for _, c := range text {
		s.lowerText = append(s.lowerText, toLower[c])
	}
	if sec := s.cur.Section; sec != "" && !PhaseOf(sec).post() {
		s.lastMain = sec
	}
	s.resolvePending(num)
	for _, hit := range s.m.ac.FindAllOverlapping(s.lowerText) {
		if hit.PatternID < int(numStructure) {
			s.structure(structureLiteral(hit.PatternID), text)
			continue
		}
		for _, ref := range s.m.refs[hit.PatternID] {
			if s.seen[ref.id] {
				continue
			}
			s.seen[ref.id] = true
			s.touched = append(s.touched, ref.id)
			p := s.m.sigs[ref.sig].PatternsOf(ref.role)[ref.idx]
			if loc := p.Regexp.FindSubmatchIndex(text); loc != nil {
				s.states[ref.sig].matched(s, ref, p, loc, before)
			}
		}
	}
	for _, id := range s.touched {
		s.seen[id] = false
	}
	s.touched = s.touched[:0]
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

// groups returns the named groups of a match.
func groups(p *signatures.Pattern, text []byte, loc []int) map[string]string {
	var g map[string]string
	for i, name := range p.Regexp.SubexpNames() {
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
// without touching the run's section state.
func contextLines(before []byte, firstNum, n int) []Evidence {
	var out []Evidence
	end := len(before)
	for k := 0; k < n && end > 0; k++ {
		start := bytes.LastIndexByte(before[:end-1], '\n') + 1
		raw := before[start : end-1]
		var scratch normalizer
		var l Line
		scratch.normalize(raw, firstNum-k-1, &l)
		if len(bytes.TrimSpace(l.Text)) > 0 {
			out = append([]Evidence{{Line: l.Num, Text: clip(l.Text)}}, out...)
		}
		end = start
	}
	return out
}

// maxText bounds the text kept for one evidence line.
const maxText = 400

func clip(b []byte) string {
	if len(b) > maxText {
		return string(b[:maxText]) + "…"
	}
	return string(b)
}
