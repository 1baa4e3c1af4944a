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
	// (progress bars); what is left visible is what follows the last one.
	if i := bytes.LastIndexByte(raw, '\r'); i >= 0 {
		raw = raw[i+1:]
	}
	n.buf = appendVisible(n.buf[:0], raw)
	text := stripBuildKitPrefix(bytes.TrimRight(n.buf, " \t"))
	if !utf8.Valid(text) {
		n.buf = bytes.ToValidUTF8(text, []byte("\uFFFD"))
		text = n.buf
	}
	l.Text = text
}

// streams are interned so that a Line does not allocate its stream name.
var streams = func() map[[2]byte]string {
	m := map[[2]byte]string{}
	const hex = "0123456789abcdef"
	for i := 0; i < 16; i++ {
		for j := 0; j < 16; j++ {
			m[[2]byte{hex[i], hex[j]}] = string([]byte{hex[i], hex[j]})
		}
	}
	return m
}()

func streamName(a, b byte) string { return streams[[2]byte{a, b}] }

// appendVisible appends raw without ANSI escape sequences and control
// characters other than tab.
func appendVisible(dst, raw []byte) []byte {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == 0x1b:
			i = skipEscape(raw, i)
		case c < 0x20 && c != '\t', c == 0x7f:
			// NUL bytes, backspaces and the like carry no visible text.
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

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

// stripBuildKitPrefix removes BuildKit's plain progress prefix: the step
// number and, on output lines, the seconds since the step started
// ("#12 0.345 npm ERR! ..." becomes "npm ERR! ...").
func stripBuildKitPrefix(text []byte) []byte {
	if len(text) < 3 || text[0] != '#' || !isDigit(text[1]) {
		return text
	}
	i := 1
	for i < len(text) && isDigit(text[i]) {
		i++
	}
	if i >= len(text) || text[i] != ' ' {
		return text
	}
	rest := text[i+1:]
	j := 0
	for j < len(rest) && isDigit(rest[j]) {
		j++
	}
	if j > 0 && j < len(rest) && rest[j] == '.' {
		k := j + 1
		for k < len(rest) && isDigit(rest[k]) {
			k++
		}
		if k > j+1 && (k == len(rest) || rest[k] == ' ') {
			if k == len(rest) {
				return rest[k:]
			}
			return rest[k+1:]
		}
	}
	return rest
}
