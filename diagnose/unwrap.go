package diagnose

import (
	"bytes"
	"regexp"
	"sync"
	"unicode/utf8"
)

// A log pasted in an issue or a chat is often wrapped: a terminal or an
// editor broke its long lines, so that a message ("failed to fetch oauth
// token: unexpected status: 401 Unauthorized") stands on two or three
// lines and no signature sees it whole. Such a log is short, whole in the
// tail; when nothing specific explained its failure, it is read a second
// time with its wrapped lines joined. A terminal wraps at its width, in the
// middle of a word; an editor or a person at a space. Each piece may carry
// the paste's prefix (a quote, a timestamp, an indentation), which the
// joined line keeps once.

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

// minWidth is the narrowest terminal whose wrapping is recognised by the
// width of its lines.
const minWidth = 60

// continues reports whether next is the rest of a line that was wrapped
// after prev. atWidth says that prev is as long as the terminal was wide:
// then next may start with any character, since the wrap cut a word.
func continues(prev, next []byte, atWidth bool) bool {
	if len(prev) < minWrapped || len(next) == 0 || lineStart().Match(next) {
		return false
	}
	if atWidth {
		return true
	}
	c := next[0]
	return c == ' ' || c == '\t' || (c >= 'a' && c <= 'z') || c == '"' || c == '(' || c == ':'
}

// prefixLen is how many bytes of line are the paste's prefix (see
// stripPrefixes), without the blanks after it, which tell a continuation:
// 0 when there is none, or when stripping it changed the message (a logrus
// record is unescaped), which then is not joined.
func prefixLen(line []byte) int {
	msg := stripPrefixes(bytes.Clone(line))
	if !bytes.HasSuffix(line, msg) {
		return 0
	}
	n := len(line) - len(msg)
	for n > 0 && (line[n-1] == ' ' || line[n-1] == '\t') {
		n--
	}
	return n
}

// wrapWidth returns the width of the terminal that wrapped the lines whose
// widths are given: the width of the longest, when at least two have it and
// it is wide enough to be a terminal's; 0 otherwise.
func wrapWidth(widths []int) int {
	width, n := 0, 0
	for _, w := range widths {
		switch {
		case w > width:
			width, n = w, 1
		case w == width:
			n++
		}
	}
	if n < 2 || width < minWidth {
		return 0
	}
	return width
}

// join appends the continuation next to out: its blanks at the start
// become one space, or none after a line that ended on one.
func join(out, next []byte) []byte {
	body := bytes.TrimLeft(next, " \t")
	if len(body) < len(next) && len(out) > 0 && out[len(out)-1] != ' ' {
		out = append(out, ' ')
	}
	return append(out, body...)
}

// unwrap returns the log with its wrapped lines joined, and for each line
// of the result the number of the input line it starts on; nil when no
// line was wrapped.
func unwrap(log []byte) ([]byte, []int) {
	lines := bytes.Split(bytes.TrimSuffix(log, []byte("\n")), []byte("\n"))
	widths := make([]int, len(lines))
	for i, l := range lines {
		lines[i] = bytes.TrimSuffix(l, []byte("\r"))
		widths[i] = utf8.RuneCount(lines[i])
	}
	width := wrapWidth(widths)
	var out []byte
	var origin []int
	joined := false
	for i := 0; i < len(lines); i++ {
		origin = append(origin, i+1)
		cur := lines[i]
		out = append(out, cur...)
		last, atWidth := cur[prefixLen(cur):], widths[i] == width
		for n := 1; n < maxJoined && i+1 < len(lines); n++ {
			next := lines[i+1]
			next = next[prefixLen(next):]
			if !continues(last, next, atWidth) {
				break
			}
			if atWidth {
				out = append(out, next...)
			} else {
				out = join(out, next)
			}
			last, atWidth, joined = next, widths[i+1] == width, true
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
