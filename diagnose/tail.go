package diagnose

import (
	"bytes"
	"regexp"
	"sync"
)

// tailSize is how much of the end of the log is kept for the fallback: the
// error of a failed script is almost always in its last lines.
const tailSize = 64 << 10

// tail keeps the last complete lines of the log.
type tail struct {
	buf []byte
	// first is the line number of buf's first line.
	first int
}

// keepTail appends the region just scanned (which ends on line s.line) to
// the tail and trims the tail to tailSize at a line boundary.
func (s *run) keepTail(b []byte) {
	t := &s.tail
	if len(t.buf) > 0 && t.buf[len(t.buf)-1] != '\n' {
		// The previous region ended inside an over-long line whose rest
		// was skipped: that line has ended now.
		t.buf = append(t.buf, '\n')
	}
	if len(b) >= tailSize {
		t.buf = t.buf[:0]
		b = b[len(b)-tailSize:]
	} else if len(t.buf)+len(b) > tailSize {
		drop := len(t.buf) + len(b) - tailSize
		t.buf = t.buf[:copy(t.buf, t.buf[drop:])]
	}
	t.buf = append(t.buf, b...)
	// Start at a line boundary, unless one line fills the whole tail.
	if i := bytes.IndexByte(t.buf, '\n'); i >= 0 && i < len(t.buf)-1 && len(t.buf) == tailSize {
		t.buf = t.buf[:copy(t.buf, t.buf[i+1:])]
	}
	t.first = s.line - bytes.Count(t.buf, []byte{'\n'}) + 1
}

// errorish finds the lines a person would look at first in a failure that
// no signature explains: error words, and the failure markers of common
// test runners (Jest's ✕ and ●, go test's FAIL).
var errorish = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(error|err!|failed|failure|fatal|denied|cannot|can't|unable to|not found|no such|exception|panic|traceback|refused|timed out|exit (code|status) [1-9])|^(FAIL\b|--- FAIL|\s*[✕✖×●] )`)
})

// maxUnmatched is how many likely lines the fallback shows.
const maxUnmatched = 6

// fallback picks the last command and the likely error lines from the tail:
// the error-looking lines of the last command's output or, when there are
// none, its last lines.
func (s *run) fallback() *Unmatched {
	u := &Unmatched{LastCommand: s.lastCommand, Lines: []Evidence{}}
	var n normalizer
	// The tail may begin inside a stage; its first marker tells which.
	if i := bytes.Index(s.tail.buf, []byte("section_end:")); i >= 0 && bytes.Index(s.tail.buf[:i], []byte("section_start:")) < 0 {
		if _, name, _, ok := parseMarker(s.tail.buf[i:]); ok {
			n.open(string(name))
		}
	}
	var likely, last []Evidence
	keep := func(list []Evidence, e Evidence) []Evidence {
		if len(list) == maxUnmatched {
			list = list[1:]
		}
		return append(list, e)
	}
	num := s.tail.first
	var l Line
	for rest := s.tail.buf; len(rest) > 0; num++ {
		raw := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			raw, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if s.job.FailureLine > 0 && num >= s.job.FailureLine {
			break
		}
		n.normalize(raw, num, &l)
		phase := PhaseOf(l.Section)
		if phase.post() || (s.job.Phase != PhaseUnknown && phase != s.job.Phase) || len(bytes.TrimSpace(l.Text)) == 0 {
			continue
		}
		if bytes.HasPrefix(l.Text, []byte("$ ")) {
			// A new command: what came before is not its output.
			likely, last = likely[:0], last[:0]
			continue
		}
		e := Evidence{Line: num, Text: clip(l.Text), Match: true}
		last = keep(last, Evidence{Line: num, Text: e.Text})
		if errorish().Match(l.Text) {
			likely = keep(likely, e)
		}
	}
	if len(likely) == 0 {
		likely = last
	}
	u.Lines = append(u.Lines, likely...)
	return u
}
