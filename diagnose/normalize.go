package diagnose

import (
	"bytes"
	"unicode/utf8"
)

// Line is one physical line of the log as a person would read it.
type Line struct {
	// Num is the 1-based line number in the input, so that `sed -n Np`
	// prints the raw line.
	Num int
	// Stream is the runner's stream id from the timestamp prefix ("00"
	// runner, "01" script, "0f" and up services), empty without a prefix.
	Stream string
	// Section is the outermost open section (the runner's stage, such as
	// step_script), empty outside any.
	Section string
	// Text is the visible text. It is only valid until the next line is
	// normalised.
	Text []byte
	// Indent is how many characters of the visible line come before Text:
	// the prefixes that other tools put there (see stripPrefixes), so that
	// a column still points into the line as a person sees it.
	Indent int
}

// forSignatures drops what starts the line's text without being part of
// the message, for the signatures only: the blanks of a pasted log indented
// as a whole (a Markdown code block, a tool's nested output), and the "# "
// that TAP test harnesses (bats, which container projects test with) put
// before every line a test printed, with the prefixes behind it. A message
// then starts at its first visible character, where patterns anchored at ^
// look for it. The fallback keeps them: the indentation shows how a test
// runner's or a linter's lines nest, and "# FAIL: 2" is automake's summary.
func (l *Line) forSignatures() {
	t := bytes.TrimLeft(l.Text, " \t")
	if rest, ok := bytes.CutPrefix(t, []byte("# ")); ok {
		t = stripPrefixes(rest)
	}
	// t is a slice of the same buffer as l.Text, starting further on.
	l.Indent += utf8.RuneCount(l.Text[:cap(l.Text)-cap(t)])
	l.Text = t
}

// normalizer turns raw lines into visible text and keeps track of the
// sections that the runner's markers open and close. It reuses its buffer,
// so normalising a line allocates nothing in the common case.
type normalizer struct {
	sections []string
	buf      []byte
}

// timestampPrefix reports whether raw starts with the runner's 32-byte
// prefix, e.g. "2026-11-27T12:54:19.022018Z 01O ".
func timestampPrefix(raw []byte) bool {
	if len(raw) < 32 {
		return false
	}
	p := raw[:32]
	return p[4] == '-' && p[7] == '-' && p[10] == 'T' && p[13] == ':' && p[16] == ':' &&
		p[19] == '.' && p[26] == 'Z' && p[27] == ' ' && isDigit(p[0]) && isDigit(p[25]) &&
		isHex(p[28]) && isHex(p[29]) && (p[30] == 'O' || p[30] == 'E') && (p[31] == ' ' || p[31] == '+')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || (c >= 'a' && c <= 'f') }

// digitRun is how many decimal digits b starts with, counting at most max:
// the prefixes that the normaliser strips are told apart by their runs of
// digits and how long those may be.
func digitRun(b []byte, max int) int {
	n := 0
	for n < len(b) && n < max && isDigit(b[n]) {
		n++
	}
	return n
}

// normalize fills l from one raw line (without its '\n').
func (n *normalizer) normalize(raw []byte, num int, l *Line) {
	l.Num, l.Stream = num, ""
	if timestampPrefix(raw) {
		l.Stream = streamName(raw[28], raw[29])
		raw = raw[32:]
	}
	raw = n.sectionMarkers(raw)
	l.Section = n.section()
	for len(raw) > 0 && raw[len(raw)-1] == '\r' {
		raw = raw[:len(raw)-1]
	}
	// A carriage return lets the next text overwrite the line on a terminal
	// (progress bars); what is left visible is what follows the last one
	// that text follows: a colour's reset after a Windows line end's
	// carriage return writes nothing over the line.
	for {
		i := bytes.LastIndexByte(raw, '\r')
		n.buf = appendVisible(n.buf[:0], raw[i+1:])
		if i < 0 || len(bytes.TrimSpace(n.buf)) > 0 {
			break
		}
		raw = raw[:i]
	}
	visible := dropPageLinks(bytes.TrimRight(n.buf, " \t"))
	text := stripPrefixes(visible)
	l.Indent = 0
	if len(text) > 0 {
		// text is a slice of the same buffer, after the prefixes.
		l.Indent = utf8.RuneCount(visible[:cap(visible)-cap(text)])
	}
	if !utf8.Valid(text) {
		n.buf = bytes.ToValidUTF8(text, []byte("\uFFFD"))
		text = n.buf
	}
	l.Text = text
}

// hexPairs holds every two-digit lower-case hex number, 00 to ff, so that a
// Line's stream name is a slice of a constant: nothing is allocated per line
// and nothing is built at start-up.
const hexPairs = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" +
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" +
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f" +
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f" +
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f" +
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf" +
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf" +
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"

// streamName returns the stream "ab" of a timestamped line; a and b are hex
// digits (timestampPrefix checked them).
func streamName(a, b byte) string {
	i := 2 * (16*hexValue(a) + hexValue(b))
	return hexPairs[i : i+2]
}

func hexValue(c byte) int {
	if c <= '9' {
		return int(c - '0')
	}
	return int(c-'a') + 10
}

// appendVisible appends raw without ANSI escape sequences and control
// characters other than tab, and without the colour sequences whose ESC a
// paste lost ("[91mW: GPG error: ...", "[0;97mConfiguring the runner.[0m").
func appendVisible(dst, raw []byte) []byte {
	// concealed is true between SGR 8 ("conceal") and a reset: Jenkins
	// hides its console notes that way ("\x1b[8mha:////4Jxe...\x1b[0m"),
	// and a terminal does not show them.
	concealed := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == 0x1b:
			j := skipEscape(raw, i)
			if j > i+1 && raw[i+1] == '[' && raw[j] == 'm' {
				concealed = conceals(raw[i+2:j], concealed)
			}
			i = j
		case concealed:
		case c == '[' && i+1 < len(raw) && isDigit(raw[i+1]):
			// Every colour sequence starts with a digit: other brackets
			// are text at once.
			esc := writtenESC(dst)
			if n := orphanSGR(raw[i:], esc == 0 && len(dst) > 0 && isWordByte(dst[len(dst)-1])); n > 0 {
				dst = dst[:len(dst)-esc]
				i += n - 1
			} else {
				dst = append(dst, c)
			}
		case c < 0x20 && c != '\t', c == 0x7f:
			// NUL bytes, backspaces and the like carry no visible text.
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// conceals returns whether text is hidden after an SGR sequence with these
// parameters: 8 hides it, and 0 (or none) and 28 show it again.
func conceals(params []byte, concealed bool) bool {
	if len(params) == 0 {
		return false
	}
	for p := range bytes.SplitSeq(params, []byte(";")) {
		switch string(p) {
		case "8":
			concealed = true
		case "0", "00", "", "28":
			concealed = false
		}
	}
	return concealed
}

// orphanSGR returns the length of the colour or erase sequence without its
// ESC that starts raw ("[0m", "[31;1m", "[0;97m", the runner's "[0;m" and
// "[0K"), or 0. Only the parameters that programs use for colour and weight
// count (0 to 9, 21 to 49, 90 to 107, and 38;5;n), the sequence must not
// end a bracket ("[1m]") or begin a duration ("[1min 46s"), and after a
// letter or a digit only a reset counts ("done[0m", not "a[1m"), so that
// text in brackets ("[13m40s elapsed]", "[287ms]") stays.
func orphanSGR(raw []byte, afterWord bool) int {
	n, params, reset := 0, 0, true
	for j := 1; j < len(raw) && j < 16; j++ {
		c := raw[j]
		switch {
		case isDigit(c):
			n = n*10 + int(c-'0')
			if n > 255 || (params == 0 && n > 107) {
				return 0
			}
		case c == ';' || c == 'm' || c == 'K':
			if j == 1 || (c == 'K' && (params > 0 || n > 2)) {
				return 0
			}
			if !(n <= 9 || (n >= 21 && n <= 49) || n >= 90 || (params > 0 && n <= 255)) {
				return 0
			}
			reset = reset && n == 0
			params++
			n = 0
			if c == ';' {
				continue
			}
			if (afterWord && !reset) || (c == 'm' && minutes(raw[j+1:])) || (j+1 < len(raw) && raw[j+1] == ']') {
				return 0
			}
			return j + 1
		default:
			return 0
		}
	}
	return 0
}

// minutes reports whether the text after an "m" makes it a duration
// ("[1min 46s", "[5ms]") rather than a colour.
func minutes(after []byte) bool {
	return bytes.HasPrefix(after, []byte("in")) || (len(after) > 0 && after[0] == 's' && (len(after) == 1 || !isWordByte(after[1])))
}

// writtenESCs are ESC written as text: JSON's and Go's quoting (a JSON
// message's "\u001b[0;m"), C's octal, bash's "\e", rsyslog's "#033" and a
// terminal's caret form "^[".
var writtenESCs = [...]string{`\u001b`, `\x1b`, `\033`, `\e`, "#033", "^["}

// writtenESC returns the length of the ESC written as text that dst ends
// with, or 0.
func writtenESC(dst []byte) int {
	for _, e := range writtenESCs {
		if len(dst) >= len(e) && string(dst[len(dst)-len(e):]) == e {
			return len(e)
		}
	}
	return 0
}

// isWordByte reports whether c is an ASCII letter or digit.
func isWordByte(c byte) bool { return isDigit(c) || isLetter(c) }

// isLetter reports whether c is an ASCII letter: setting bit 0x20 lowers an
// upper-case one and moves no other byte into a to z.
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// skipEscape returns the index of the last byte of the escape sequence that
// starts at raw[i] (an ESC).
func skipEscape(raw []byte, i int) int {
	if i+1 >= len(raw) {
		return i
	}
	switch raw[i+1] {
	case '[': // CSI: parameters, then one final byte in 0x40..0x7e
		j := i + 2
		for j < len(raw) && (raw[j] < 0x40 || raw[j] > 0x7e) {
			j++
		}
		return min(j, len(raw)-1)
	case ']': // OSC: up to BEL or ESC backslash
		for j := i + 2; j < len(raw); j++ {
			if raw[j] == 0x07 {
				return j
			}
			if raw[j] == 0x1b && j+1 < len(raw) && raw[j+1] == '\\' {
				return j + 1
			}
		}
		return len(raw) - 1
	default:
		return i + 1
	}
}

// stripBuildKitSeconds removes the seconds that BuildKit's error summary
// puts before each line it repeats of the step that failed, without the
// step's number: between "------" lines, under " > [build 4/4] RUN npm run
// build:", "645.4 • Running build in 52 packages" or "15.92   thread 'main'
// panicked". A pasted excerpt often begins inside that block, so the seconds
// are taken wherever they are: up to five digits, a point, one to three
// decimals and a space, which a version ("1.2.3 ") or a size ("12.5MB") is
// not.
func stripBuildKitSeconds(text []byte) []byte {
	i := digitRun(text, 5)
	if i == 0 || i == len(text) || text[i] != '.' {
		return text
	}
	j := i + 1 + digitRun(text[i+1:], 3)
	if j == i+1 || j+1 >= len(text) || text[j] != ' ' {
		return text
	}
	return text[j+1:]
}

// stripBuildKitPrefix removes BuildKit's plain progress prefix: the step
// number and, on output lines, the seconds since the step started
// ("#12 0.345 npm ERR! ..." becomes "npm ERR! ...").
func stripBuildKitPrefix(text []byte) []byte {
	if len(text) < 3 || text[0] != '#' || !isDigit(text[1]) {
		return text
	}
	i := 1 + digitRun(text[1:], len(text))
	if i >= len(text) || text[i] != ' ' {
		return text
	}
	rest := text[i+1:]
	j := digitRun(rest, len(rest))
	if j > 0 && j < len(rest) && rest[j] == '.' {
		k := j + 1 + digitRun(rest[j+1:], len(rest))
		if k > j+1 && (k == len(rest) || rest[k] == ' ') {
			if k == len(rest) {
				return rest[k:]
			}
			return rest[k+1:]
		}
	}
	return rest
}
