package diagnose

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"regexp"
	"strings"
	"sync"
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

// maxJoined bounds how many lines make one: a registry client's message of
// 600 characters, cut at 80 columns, is eight.
const maxJoined = 8

// minWrapped is the length under which a line is taken to end where its
// author ended it rather than where a terminal wrapped it.
const minWrapped = 40

// lineStart finds the lines that begin a message of their own even when
// they start like a continuation: a command, a tool's prefix (git's
// "remote: " for the server's words), an error word in any case, a stack frame,
// an ellipsis (Ansible's "...ignoring", an elided part of a paste), the
// runner's section markers.
var lineStart = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:\$ |\s*at |\s*\d+\s*\||\s*[-*>] |\s*#|npm |yarn |remote: |(?i:error|warning|info|fatal|panic)\b|time=|level=|step |stderr|stdout|\.\.\.|section_(?:start|end):)`)
})

// minWidth is the narrowest terminal whose wrapping is recognised by the
// width of its lines.
const minWidth = 60

// powerShellRecord begins a line of the error record that PowerShell
// writes for a native command's error output ("docker : ERROR: error during
// connect: ", then "At line:1 char:1", "    + CategoryInfo          :
// NotSpecified: ..." and "    + FullyQualifiedErrorId : NativeCommandError").
// Its record is cut at the console's width, 26 to 40 columns in a window
// beside an editor, and this line padded to it.
var powerShellRecord = []byte("+ CategoryInfo ")

// consoleWidth returns the width of the PowerShell console that wrapped
// the log, given its lines' messages (without the paste's prefix) and
// widths (with it), read from its error record's CategoryInfo line, which
// PowerShell padded to that width ("    + CategoryInfo          : NotSp    ");
// 0 when the log has no such line. Such a console wraps a line at the last
// blank that fits, and keeps the blank: the pieces are joined as they are.
func consoleWidth(messages [][]byte, widths []int) int {
	for i, l := range messages {
		if bytes.HasPrefix(bytes.TrimLeft(l, " "), powerShellRecord) && bytes.HasSuffix(l, []byte(" ")) {
			return widths[i]
		}
	}
	return 0
}

// edge says how a line's width compares with the terminal's (see
// wrapWidth).
type edge int

const (
	// inside: narrower; the line ended there, or an editor broke it at a
	// space.
	inside edge = iota
	// perhapsCut: as wide as the log's one widest line, which a terminal
	// may have cut (see wrapWidth).
	perhapsCut
	// cut: as wide as other different lines: a terminal cut it.
	cut
	// ends: a box's line narrower than the box (see unframe) whose next
	// line's first word would have fitted after it: the line ended there.
	ends
	// boxWrapped: a box's line narrower than the box, whose next line's
	// first word would not have fitted: the box wrapped it at that space
	// (Pulumi's boxed output does; k9s cuts in the middle of a word).
	boxWrapped
	// wordWrapped: a line narrower than the widest, in a log that no
	// terminal surely cut (see wrapWidth), whose next line's first word
	// would not have fitted after it: if the next line goes on from it, a
	// mail client or an editor broke it at that space, which a terminal
	// cutting at its width never leaves ("client version 1.39 is", then
	// "too new. Maximum supported ...", wrapped at 74 columns).
	wordWrapped
)

// continues reports whether next is the rest of a line that was wrapped
// after prev. at says whether prev is as long as the terminal was wide:
// when a terminal cut it, next may start with any character, since the
// wrap cut a word; when it may have, next may also start with what does not
// begin a message (a digit, a quote, punctuation), but not with a capital,
// which begins a table's next row as often, unless prev ends with an error
// chain's ": " and its blank. A short prev goes on too when
// next starts with a word too long to have fitted after it: an editor
// broke the line before a long reference ("initializing source", then
// "docker://registry.example.com/...:"); short says that it went on for
// that reason.
func continues(prev, next []byte, at edge) (ok, short bool) {
	// The blanks that both lines begin with (a paste's prefix and the blank
	// after it) say nothing: each is judged without them. A piece indented
	// further than the line it goes on continues it.
	common := len(next) - len(outdent(next, prev))
	prev, next = prev[common:], next[common:]
	if len(next) > 1 && (next[0] == ' ' || next[0] == '\t' || bytes.HasSuffix(prev, []byte(": "))) && openRequest().Match(prev) {
		// Go's error for a request ends its first part with the URL and a
		// colon ("Get \"https://registry-1.docker.io/v2/\":"); a paste that
		// broke the line there indents the rest, or leaves the blank after
		// the colon at the end of the line, whatever the line's width.
		return true, false
	}
	if at == ends || len(next) == 0 || lineStart().Match(next) || sameLabel(prev, next) {
		return false, false
	}
	if at == boxWrapped {
		// short: the break took a space (see wrappedRun).
		return true, true
	}
	// A piece that a terminal cut is as wide as the terminal, however short
	// a narrow console's is.
	short = len(prev) < minWrapped && at != cut
	if short {
		word := bytes.IndexAny(next, " \t")
		if word < 0 {
			word = len(next)
		}
		if len(prev) == 0 || word < minWrapped {
			return false, false
		}
	}
	if at == cut {
		return true, short
	}
	c := next[0]
	if (at == perhapsCut || at == wordWrapped) && (isDigit(c) || strings.IndexByte(`'./)]},;=_`, c) >= 0) {
		return true, short
	}
	if (bytes.HasSuffix(prev, []byte(": ")) || bytes.HasSuffix(prev, []byte(" -"))) && !short {
		// An error chain broken after one of its ": " separators, the
		// blank left at the end as an editor leaves it: the next piece
		// may be a wrapped call ("Get \"https://...\": ..."). V8's chain
		// uses " - " ("Allocation failed -", then "JavaScript heap out of
		// memory").
		return true, short
	}
	return c == ' ' || c == '\t' || (c >= 'a' && c <= 'z') || c == '"' || c == '(' || c == ':' ||
		c >= 'A' && c <= 'Z' && endsWithStatus(prev), short
}

// sameLabel reports whether next begins with the label that begins prev,
// up to its ": " ("waiting for all k8s nodes to report: ", as talosctl
// writes each try of a health check and then "...: OK"): next is that
// label's next record, not the rest of prev. A label is words (a letter
// first, a blank in it) this long, which do not begin the piece of a cut
// line by chance; a quoted reference that an error chain repeats
// ("\"registry.example.com/app:1\": failed to resolve reference", then
// "\"registry.example.com/app:1\": failed to do request: ...") is no label.
func sameLabel(prev, next []byte) bool {
	i := bytes.Index(next, []byte(": "))
	if i < minLabel || !isLetter(next[0]) || bytes.IndexByte(next[:i], ' ') < 0 {
		return false
	}
	return bytes.HasPrefix(prev, next[:i+2])
}

// minLabel is the shortest label that sameLabel takes: shorter ones ("E: ",
// "error: ") begin the pieces of wrapped messages too.
const minLabel = 12

// openRequest finds a line that ends with the request of a Go HTTP
// client's error and its colon (and perhaps the blank after it), the cause
// still to come.
var openRequest = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:^|\s)(?:Get|Head|Post|Put|Patch|Delete) "https?://[^"\s]+": ?$`)
})

// minLead is how many blanks must begin both a cut line's first piece and a
// later one for them to be the paste's indentation: one blank may be the
// message's own, where the cut fell, unless both pieces carry the paste's
// prefix, whose second blank it is ("10:00:00  ", Jenkins' timestamps).
func minLead(first, piece prefixKind) int {
	if first == prefixed && piece == prefixed {
		return 1
	}
	return 2
}

// blankLead is how many blanks (spaces and tabs) begin line.
func blankLead(line []byte) int {
	return len(line) - len(bytes.TrimLeft(line, " \t"))
}

// outdent drops from next the blanks that begin prev too: a paste's prefix
// and the blank after it ("> ", a kubectl or CI prefix) start every line.
func outdent(next, prev []byte) []byte {
	n := 0
	for n < len(next) && n < len(prev) && (next[n] == ' ' || next[n] == '\t') && next[n] == prev[n] {
		n++
	}
	return next[n:]
}

// endsWithStatus reports whether line ends with an HTTP status code (and
// perhaps a blank): a registry client's "unexpected status ...: 401" whose
// reason phrase ("Unauthorized", "Forbidden") the paste put on the next
// line, which starts with a capital as no other continuation does.
func endsWithStatus(line []byte) bool {
	line = bytes.TrimRight(line, " ")
	n := len(line)
	return n >= 4 && line[n-4] == ' ' && line[n-3] >= '1' && line[n-3] <= '5' && isDigit(line[n-2]) && isDigit(line[n-1])
}

// prefixKind says what begins a line before its message (see prefixLen).
type prefixKind int

const (
	// noPrefix: the message starts the line.
	noPrefix prefixKind = iota
	// prefixed: a paste's prefix (a timestamp, a quote) comes first.
	prefixed
	// rewritten: stripping the prefixes changed the message (a logrus
	// record is unescaped, a code span's closing backtick is dropped): the
	// line is a record of its own, never a piece of the one before.
	rewritten
)

// prefixLen is how many bytes of line are the paste's prefix (see
// stripPrefixes), without the blanks after it, which tell a continuation,
// and what kind of prefix it is: 0 when there is none, or when stripping
// it changed the message, which then is not joined. A reporter's Markdown
// span around the message is part of it: its words may go on from the line
// before ("fatal: unable to access '...': ", then "**Could not resolve
// host: ...**").
func prefixLen(line []byte) (int, prefixKind) {
	msg := stripPrefixes(bytes.Clone(line))
	if !bytes.HasSuffix(line, msg) {
		at := markdownSpanAt(line, msg)
		if at < 0 {
			return 0, rewritten
		}
		msg = line[at:]
	}
	n := len(line) - len(msg)
	for n > 0 && (line[n-1] == ' ' || line[n-1] == '\t') {
		n--
	}
	if n == 0 {
		return 0, noPrefix
	}
	return n, prefixed
}

// messageStart is where a visible line's message starts: after the paste's
// prefix and the one blank that separates it (see prefixLen), so that a
// piece that a terminal cut inside a word is joined without a blank.
func messageStart(line []byte) (int, prefixKind) {
	n, kind := prefixLen(line)
	if n > 0 && n < len(line) && (line[n] == ' ' || line[n] == '\t') {
		n++
	}
	return n, kind
}

// wrapWidth returns the width of the terminal that may have wrapped
// lines, given with their widths: the width of the longest, when it is
// wide enough to be a terminal's; 0 otherwise. sure says that at least two
// different lines have it: a terminal cut them. One line alone as wide may
// have been cut too (a short excerpt has one long message), or be the
// longest of lines an editor broke at its spaces: its next line may go on
// with what does not begin a message (see continues), and the join keeps
// the editor's spaces (see unwrap). A line printed twice (a tool's error, then its caller's) is as
// long both times without any terminal having cut it, and a line that ends
// in blanks was padded to the console's width (PowerShell's output), not
// cut at it.
func wrapWidth(lines [][]byte, widths []int) (width int, sure bool) {
	first, n := -1, 0
	for i, w := range widths {
		switch {
		case bytes.HasSuffix(lines[i], []byte("  ")):
			// padded, not cut
		case w > width:
			width, first, n = w, i, 1
		case w == width && n == 1 && !bytes.Equal(lines[i], lines[first]):
			n = 2
		}
	}
	if width < minWidth {
		return 0, false
	}
	return width, n >= 2
}

// join appends the continuation next of a line that was not cut at a
// terminal's width to out. Blanks that began next become one space, or
// none after a line that ended on one. Without blanks, a line that ended
// on a word's last letter may have been cut inside the word (a terminal too
// narrow for its width to show), and the pieces are joined as they are;
// one that ended on punctuation ("coordinator...", "name,") was broken at
// the space after it, which the paste dropped, and gets it back; so does
// one that ended on a capital before a lower-case letter ("HTTP", then
// "status: 500"), since a word cut inside keeps its case across the cut,
// and one that ended on a closing quote. atSpaces says that an editor
// broke the line at its spaces (see wrappedRun): each break lost one.
func join(out, next []byte, atSpaces bool) []byte {
	body := bytes.TrimLeft(next, " \t")
	if len(out) > 0 && out[len(out)-1] != ' ' && (atSpaces || len(body) < len(next) || spaceDropped(out, body)) {
		out = append(out, ' ')
	}
	return append(out, body...)
}

// spaceDropped reports whether body, the next line, starts a lower-case
// word after line, the text so far, that a word does not go on from:
// punctuation that a space follows in prose, a closing bracket
// ("pull_policy ([if-not-present])", then "defined in ..."), a capital, a
// quote that closes a quoted name ('User "system:serviceaccount:ns:default"', then
// "cannot list ..."), or an error chain's colon before a message; or
// whether body opens a quote after a word, or follows a chain's " -".
func spaceDropped(line, body []byte) bool {
	if len(body) > 0 && body[0] == '"' {
		// A quote that opens after a word ("running: Get", then
		// "\"http://..."): a word does not go on with a quote.
		cur := line[bytes.LastIndexByte(line, '\n')+1:]
		if len(cur) == 0 {
			return false
		}
		last := cur[len(cur)-1]
		return isLetter(last) && bytes.Count(cur, []byte{'"'})%2 == 0
	}
	if bytes.HasSuffix(line, []byte(" -")) {
		// " - " separates a chain's parts, as ": " does.
		return len(body) > 0
	}
	if len(body) == 0 || body[0] < 'a' || body[0] > 'z' {
		return false
	}
	last := line[len(line)-1]
	return strings.ContainsRune(".,;)]", rune(last)) || last >= 'A' && last <= 'Z' ||
		last == '"' && bytes.Count(line, []byte{'"'})%2 == 0 ||
		last == ':' && firstWordEnds(body)
}

// firstWordEnds reports whether body starts with a word of letters that a
// blank ends: after an error chain's ":", a message ("dial tcp ..."), not
// the rest of a reference that a colon splits ("node:" then "lts").
func firstWordEnds(body []byte) bool {
	i := 0
	for i < len(body) && body[i] >= 'a' && body[i] <= 'z' {
		i++
	}
	return i > 0 && i < len(body) && body[i] == ' '
}

// unwrapped is a log with its wrapped lines joined (see unwrap).
type unwrapped struct {
	text []byte
	// lines holds, for each line of text, the input lines it was joined
	// from.
	lines []joinedLine
	// sure says that the log's widest lines are different lines as wide:
	// a terminal cut them (see wrapWidth).
	sure bool
}

// joinedLine is one line of an unwrapped log.
type joinedLine struct {
	// pieces are the input lines joined into it, in order; the first is
	// the line itself, whole.
	pieces []piece
	// cut says that a terminal cut it, or may have: pieces were joined at
	// the width of the log's widest lines, not only because a message went
	// on.
	cut bool
}

// piece is one input line's part of a joined line.
type piece struct {
	// line is the input line's number; at is the column (in characters,
	// 0-based) of the joined line where the piece's text starts, and skip
	// how many characters of the input line come before that text (the
	// paste's prefix and blanks, which the join dropped).
	line, at, skip int
}

// columns counts the characters of a line as a terminal shows them: the
// bytes that do not continue a UTF-8 sequence (10xxxxxx). It allocates
// nothing, on any input, and looks at eight bytes at a time: it runs on the
// long lines of every short log (see mayBeCut).
func columns(line []byte) int {
	const high, next = 0x8080808080808080, 0x4040404040404040
	n := len(line)
	for len(line) >= 8 {
		x := binary.LittleEndian.Uint64(line)
		n -= bits.OnesCount64(x & high &^ (x & next << 1))
		line = line[8:]
	}
	for _, c := range line {
		if c&0xC0 == 0x80 {
			n--
		}
	}
	return n
}

// mayBeCut reports, cheaply, whether line n of log may be a piece of a line
// that a terminal cut: line n or the one before it is the log's widest
// (see widest) and as wide as a terminal. Only then is it worth joining
// the whole log again (see unwrap). It runs on every short log that a
// signature explained, so it allocates nothing and counts the characters
// only of lines that have the bytes to be that wide.
func mayBeCut(log []byte, n int) bool {
	var cur, prev []byte
	for num, rest := 1, log; num <= n && len(rest) > 0; num++ {
		prev = cur
		cur, rest = nextLine(rest)
	}
	for _, line := range [][]byte{cur, prev} {
		if w := columns(line); w >= minWidth && widest(log, line, w) {
			return true
		}
	}
	return false
}

// widest reports whether w, line's width, is the width of the longest
// lines of log: line's alone (a short excerpt's one message that a
// terminal cut), or another, different line's too; not when the same line
// is printed again (a tool's error, then its caller's), which no terminal
// cut.
func widest(log, line []byte, w int) bool {
	other, twice := false, false
	for rest := log; len(rest) > 0; {
		var l []byte
		l, rest = nextLine(rest)
		if len(l) < w {
			continue
		}
		switch c := columns(l); {
		case c > w:
			return false
		case c == w && !bytes.Equal(l, line):
			other = true
		case c == w && &l[0] != &line[0]:
			// the same text on another line
			twice = true
		}
	}
	return other || !twice
}

// nextLine splits the first line, without its "\r\n" or "\n", off log.
func nextLine(log []byte) (line, rest []byte) {
	line = log
	if i := bytes.IndexByte(log, '\n'); i >= 0 {
		line, rest = log[:i], log[i+1:]
	}
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, rest
}

// unwrap returns the log with its wrapped lines joined, and where each
// line's pieces came from; nil when no line was wrapped. Widths and
// continuations are judged on what a person sees (without the runner's
// timestamp prefix and colours, see visibleLine): a line keeps its own raw
// text, and the pieces joined to it add only their visible words.
func unwrap(log []byte) *unwrapped {
	lines := bytes.Split(bytes.TrimSuffix(log, []byte("\n")), []byte("\n"))
	visible := make([][]byte, len(lines))
	// messages are the visible lines without the paste's prefix, which
	// decide whether a line goes on in the next.
	messages := make([][]byte, len(lines))
	kinds := make([]prefixKind, len(lines))
	widths := make([]int, len(lines))
	framed := make([]bool, len(lines))
	for i, l := range lines {
		lines[i] = bytes.TrimSuffix(l, []byte("\r"))
		visible[i], framed[i] = unframe(visibleLine(lines[i]))
	}
	// A paste that starts inside a box has no left border on its first
	// line, so the blanks that the paste put before each line (an indented
	// block) stay there; they go as the second line's, before its border, do.
	if len(lines) > 1 && framed[0] && framed[1] && !bytes.Contains(visibleLine(lines[0]), []byte(boxSide+" ")) {
		visible[0] = bytes.TrimPrefix(visible[0], boxIndent(visibleLine(lines[1])))
	}
	for i := range lines {
		start, kind := messageStart(visible[i])
		messages[i], kinds[i] = visible[i][start:], kind
		widths[i] = columns(visible[i])
	}
	width, sure := wrapWidth(visible, widths)
	console := consoleWidth(messages, widths)
	if console > 0 {
		width, sure = console, true
	}
	// wordTooLong says that the next line's first word would not have
	// fitted after line i: if the next line goes on from it, it was broken
	// at that blank.
	wordTooLong := func(i int) bool {
		return i+1 < len(lines) && widths[i]+1+columns(firstWord(messages[i+1])) > width
	}
	edgeOf := func(i int) edge {
		switch {
		case console > 0 && widths[i] < width && bytes.HasSuffix(visible[i], []byte(" ")) && wordTooLong(i):
			// The console broke the line at its last blank, and kept it.
			// Its last column stays free, which wordTooLong's blank
			// counts: "The system cannot " then "find", 27 and 4 columns
			// in a console of 31.
			return cut
		case framed[i] && widths[i] != width:
			if i+1 < len(lines) && framed[i+1] && wordTooLong(i) {
				return boxWrapped
			}
			return ends
		case widths[i] != width:
			if width > 0 && !sure && wordTooLong(i) {
				return wordWrapped
			}
			return inside
		case sure:
			return cut
		}
		return perhapsCut
	}
	u := &unwrapped{sure: sure}
	joined := false
	for i := 0; i < len(lines); i++ {
		start := len(u.text)
		u.text = append(u.text, lines[i]...)
		jl := joinedLine{pieces: []piece{{line: i + 1}}}
		// seen counts the visible characters of the joined line so far,
		// where the scanner counts a finding's column.
		seen := widths[i]
		at := edgeOf(i)
		count, atSpaces := wrappedRun(messages, kinds, edgeOf, i)
		first := i
		for n := 1; n < count; n++ {
			next := messages[i+1]
			if n == 1 {
				// The line's colours would split the words that the scan
				// looks for across the join: it keeps only the runner's
				// prefix (its stream) and what a person sees.
				u.text = append(append(u.text[:start], runnerPrefix(lines[i])...), visible[i]...)
			}
			// A box's wrap cut the line as a terminal's does, at a space.
			jl.cut = jl.cut || at == cut || at == boxWrapped || at == perhapsCut
			if lead := messages[first][:blankLead(messages[first])]; at == cut && len(lead) >= minLead(kinds[first], kinds[i+1]) &&
				blankLead(next) == len(lead) && bytes.HasPrefix(next, lead) {
				// The blanks that the paste put before every line (an
				// indented block, as deep as the line's first piece) are
				// not the message's, even where a terminal cut it in a
				// word.
				next = next[len(lead):]
			}
			if at != cut {
				// join may put a space before the text: the piece starts
				// after it.
				body := bytes.TrimLeft(next, " \t")
				before := len(u.text)
				// A word wrap broke this one line at a space; a terminal
				// may still have cut the others of the run in a word.
				u.text = join(u.text, next, atSpaces || at == wordWrapped)
				u.text = u.text[:len(u.text)-len(body)]
				seen += len(u.text) - before
				next = body
			}
			jl.pieces = append(jl.pieces, piece{
				line: i + 2,
				at:   seen,
				skip: widths[i+1] - columns(next),
			})
			u.text = append(u.text, next...)
			seen += columns(next)
			at, joined = edgeOf(i+1), true
			i++
		}
		u.text = append(u.text, '\n')
		u.lines = append(u.lines, jl)
	}
	if !joined {
		return nil
	}
	return u
}

// wrappedRun counts the lines from i on that are pieces of one wrapped line
// (at least 1, at most maxJoined), given their messages (the visible lines
// without the paste's prefix), and reports whether an editor broke them at
// spaces rather than a terminal at its width: a piece before the last is
// shorter than minWrapped, which only a break before a word too long to fit
// leaves (see continues, which measures it without the prefix's blanks).
// Each break then took a space with it. A line with a prefix (a
// timestamp, a log level) after a narrower one without starts a record of
// its own: an editor's piece has none, and a paste that adds one adds it
// to every line. So does a record whose prefixes rewrite its message.
func wrappedRun(messages [][]byte, kinds []prefixKind, edgeOf func(int) edge, i int) (n int, atSpaces bool) {
	last, at := messages[i], edgeOf(i)
	for n = 1; n < maxJoined && i+n < len(messages); n++ {
		next := messages[i+n]
		if kinds[i+n] == rewritten || (at == inside || at == wordWrapped) && kinds[i+n] == prefixed && kinds[i] == noPrefix {
			break
		}
		ok, short := continues(last, next, at)
		if !ok {
			break
		}
		atSpaces = atSpaces || short
		last, at = next, edgeOf(i+n)
	}
	return n, atSpaces
}

// firstWord is the line's first word, without the blanks before it.
func firstWord(line []byte) []byte {
	line = bytes.TrimLeft(line, " \t")
	if i := bytes.IndexAny(line, " \t"); i >= 0 {
		return line[:i]
	}
	return line
}

// boxSide is the border of a text user interface's box (k9s' describe
// view, a boxed table): "│", U+2502.
const boxSide = "\u2502"

// unframe returns what a line shows inside a box's borders ("│ text │"),
// without the blanks that pad it to the box's width, and true; or the line
// itself and false. Such a box cuts its long lines at its width, in the middle of a word, and
// gives each piece its own borders: without them the pieces are joined as
// any terminal's are, and a padded line ends where its text ends. A paste
// that starts inside the box has no left border on its first line; a
// paste's prefix before the border stays.
func unframe(line []byte) ([]byte, bool) {
	in, ok := bytes.CutSuffix(line, []byte(" "+boxSide))
	if !ok {
		return line, false
	}
	in = bytes.TrimRight(in, " ")
	// The paste's prefix (a timestamp, a quote) stays before the text.
	if k := bytes.Index(in, []byte(boxSide+" ")); k >= 0 {
		prefix := bytes.TrimRight(in[:k], " ")
		text := in[k+len(boxSide)+1:]
		if len(prefix) == 0 {
			return text, true
		}
		return append(append(bytes.Clone(prefix), ' '), text...), true
	}
	return in, true
}

// boxIndent returns the blanks before a boxed line's left border, or
// nothing when the line has no left border or other text before it.
func boxIndent(line []byte) []byte {
	k := bytes.Index(line, []byte(boxSide+" "))
	if k <= 0 || len(bytes.TrimLeft(line[:k], " \t")) > 0 {
		return nil
	}
	return line[:k]
}

// runnerPrefix is the runner's timestamp prefix of a raw line, or nothing.
func runnerPrefix(raw []byte) []byte {
	if timestampPrefix(raw) {
		return raw[:32]
	}
	return nil
}

// visibleLine is a raw line as a person sees it: without the runner's
// timestamp prefix and with its colours and other control characters
// dropped.
func visibleLine(raw []byte) []byte {
	return appendVisible(nil, raw[len(runnerPrefix(raw)):])
}

// at maps a line and column of the unwrapped log to the input's: the piece
// that the column falls in, and the column in that piece's own line.
func (u *unwrapped) at(line, col int) (int, int) {
	if line < 1 || line > len(u.lines) {
		return line, col
	}
	pieces := u.lines[line-1].pieces
	p := pieces[0]
	for _, q := range pieces[1:] {
		if col-1 >= q.at {
			p = q
		}
	}
	return p.line, col - p.at + p.skip
}

// cutAt reports whether input line n is a piece of a line that a terminal
// cut.
func (u *unwrapped) cutAt(n int) bool {
	for _, jl := range u.lines {
		if jl.pieces[0].line <= n && n <= jl.pieces[len(jl.pieces)-1].line {
			return jl.cut
		}
	}
	return false
}

// renumber maps the lines and columns of a report made from an unwrapped
// log back to the input's. The fallback's lines keep their joined text.
func (r *Report) renumber(u *unwrapped) {
	line := func(n int) int {
		n, _ = u.at(n, 1)
		return n
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		f.Line, f.Column = u.at(f.Line, f.Column)
		f.last = line(f.last)
		for j := range f.Evidence {
			f.Evidence[j].Line = line(f.Evidence[j].Line)
		}
	}
	r.Job.FailureLine = line(r.Job.FailureLine)
	if h := r.Unmatched; h != nil {
		for _, ev := range []*Evidence{h.LastCommand, h.Key} {
			if ev != nil {
				ev.Line = line(ev.Line)
			}
		}
		for i := range h.Lines {
			h.Lines[i].Line = line(h.Lines[i].Line)
		}
	}
}
