package diagnose

import (
	"bytes"
	"errors"
	"io"
)

// chunkSize is how much of the log is read at once. Large enough that the
// automaton's skip loop runs long stretches, small enough to keep memory flat.
const chunkSize = 1 << 20

// MaxLineBytes is the longest line ci-doctor looks at. A longer line (a
// minified bundle, a base64 blob) is read to its end, but only its first
// MaxLineBytes bytes are matched.
const MaxLineBytes = 64 << 10

// Diagnose reads a whole log from r and returns its diagnosis. source names
// the log in the report. Memory does not grow with the size of the log.
// An error is returned only when r fails; a log of any content, even empty
// or binary, gets a Report.
func (m *Matcher) Diagnose(r io.Reader, source string) (*Report, error) {
	s := newRun(m, source)
	if err := s.scan(r); err != nil {
		return nil, err
	}
	return s.finish(), nil
}

// scan reads r chunk by chunk and hands every candidate line to the run.
func (s *run) scan(r io.Reader) error {
	buf := make([]byte, chunkSize)
	lower := make([]byte, chunkSize)
	filled := 0
	skipping := false // inside the unread rest of an over-long line
	for {
		n, err := r.Read(buf[filled:])
		filled += n
		if skipping {
			i := bytes.IndexByte(buf[:filled], '\n')
			if i < 0 {
				filled = 0
			} else {
				skipping = false
				s.line++
				filled = copy(buf, buf[i+1:filled])
			}
		}
		if !skipping {
			if last := bytes.LastIndexByte(buf[:filled], '\n'); last >= 0 {
				s.region(buf[:last+1], lower)
				filled = copy(buf, buf[last+1:filled])
			} else if filled == len(buf) {
				// One line fills the whole buffer: look at its start, skip the rest.
				s.job.LongLines++
				s.region(buf[:MaxLineBytes], lower)
				filled, skipping = 0, true
			}
		}
		if errors.Is(err, io.EOF) {
			if filled > 0 && !skipping {
				s.region(buf[:filled], lower)
				s.line++
			}
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// region scans complete lines (the last may lack its '\n' at the end of the
// input) and hands each line that holds a literal to the run. The literal
// search runs over the whole region at once, case-folded, so the cost per
// byte is that of the automaton's skip loop.
func (s *run) region(b, lower []byte) {
	lower = lower[:len(b)]
	for i, c := range b {
		lower[i] = toLower[c]
	}
	counted := 0
	for pos := 0; pos < len(b); {
		hit, ok := s.m.ac.Find(lower, pos)
		if !ok {
			break
		}
		start := bytes.LastIndexByte(b[:hit.Start], '\n') + 1
		end := bytes.IndexByte(b[hit.Start:], '\n')
		if end < 0 {
			end = len(b)
		} else {
			end += hit.Start
		}
		s.line += bytes.Count(b[counted:start], []byte{'\n'})
		counted = start
		line := b[start:end]
		if len(line) > MaxLineBytes {
			s.job.LongLines++
			line = line[:MaxLineBytes]
		}
		s.candidate(line, b[:start])
		pos = end + 1
	}
	s.line += bytes.Count(b[counted:], []byte{'\n'})
	s.keepTail(b)
}

var toLower = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if i >= 'A' && i <= 'Z' {
			t[i] = byte(i + 'a' - 'A')
		}
	}
	return t
}()
