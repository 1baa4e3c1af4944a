package diagnose

import (
	"bytes"
	"regexp"
	"sync"
)

// A log pasted in an issue or a chat is often wrapped: a terminal or an
// editor broke its long lines, so that a message ("failed to fetch oauth
// token: unexpected status: 401 Unauthorized") stands on two or three
// lines and no signature sees it whole. Such a log is short, whole in the
// tail; when nothing explained its failure, it is read a second time with
// its wrapped lines joined.

// maxJoined bounds how many lines make one.
const maxJoined = 4

// minWrapped is the length under which a line is taken to end where its
// author ended it rather than where a terminal wrapped it.
const minWrapped = 40

// lineStart finds the lines that begin a message of their own even when
// they start like a continuation: a command, a tool's prefix, a stack frame.
var lineStart = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:\$ |\s*at |\s*\d+\s*\||\s*[-*>] |\s*#|npm |yarn |error|warning|info|fatal|panic|time=|level=|step |stderr|stdout)`)
})

// continues reports whether next is the rest of a line that was wrapped
// after prev.
func continues(prev, next []byte) bool {
	if len(prev) < minWrapped || len(next) == 0 || lineStart().Match(next) {
		return false
	}
	c := next[0]
	return c == ' ' || c == '\t' || (c >= 'a' && c <= 'z') || c == '"' || c == '(' || c == ':'
}

// unwrap returns the log with its wrapped lines joined, and for each line
// of the result the number of the input line it starts on; nil when no
// line was wrapped.
func unwrap(log []byte) ([]byte, []int) {
	lines := bytes.Split(bytes.TrimSuffix(log, []byte("\n")), []byte("\n"))
	var out []byte
	var origin []int
	joined := false
	for i := 0; i < len(lines); i++ {
		origin = append(origin, i+1)
		cur := bytes.TrimSuffix(lines[i], []byte("\r"))
		out = append(out, cur...)
		last := cur
		for n := 1; n < maxJoined && i+1 < len(lines); n++ {
			next := bytes.TrimSuffix(lines[i+1], []byte("\r"))
			if !continues(last, next) {
				break
			}
			out = append(out, next...)
			last, joined = next, true
			i++
		}
		out = append(out, '\n')
	}
	if !joined {
		return nil, nil
	}
	return out, origin
}

// renumber maps the line numbers of a report made from an unwrapped log
// back to the input's.
func (r *Report) renumber(origin []int) {
	at := func(n int) int {
		if n >= 1 && n <= len(origin) {
			return origin[n-1]
		}
		return n
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		f.Line, f.last = at(f.Line), at(f.last)
		for j := range f.Evidence {
			f.Evidence[j].Line = at(f.Evidence[j].Line)
		}
	}
	r.Job.FailureLine = at(r.Job.FailureLine)
}
