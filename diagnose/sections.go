package diagnose

import "bytes"

// sectionMarker is what the runner writes at the start and end of each
// stage: "section_start:<unix time>:<name>[options]\r\e[0K".
var sectionPrefix = []byte("section_")

const sectionSuffix = "\r\x1b[0K"

// maxSections bounds the stack of open sections: a log that opens sections
// without closing them must not grow memory.
const maxSections = 32

// sectionMarkers applies and removes every section marker in raw, and
// returns the rest of the line. Markers follow GitLab's own parser: the
// name is letters, digits, '_', '.' and '-', and the marker ends with
// "\r\e[0K" (or with '\r' at the end of a timestamped line, or as a paste
// cut it when the marker is alone on its line); anything else is ordinary
// text.
func (n *normalizer) sectionMarkers(raw []byte) []byte {
	if !bytes.Contains(raw, sectionPrefix) {
		return raw
	}
	var out []byte
	rest := raw
	for {
		i := bytes.Index(rest, sectionPrefix)
		if i < 0 {
			break
		}
		start, name, end, ok := parseMarker(rest[i:], onlyEscapes(out) && onlyEscapes(rest[:i]))
		if !ok {
			out = append(out, rest[:i+len(sectionPrefix)]...)
			rest = rest[i+len(sectionPrefix):]
			continue
		}
		out = append(out, rest[:i]...)
		rest = rest[i+end:]
		if start {
			n.open(string(name))
		} else {
			n.close(name)
		}
	}
	return append(out, rest...)
}

// parseMarker parses a marker at the start of b and returns whether it
// opens a section, the section's name and the marker's length. alone says
// that only escapes come before the marker on its line: only then may a
// paste have cut its ending (an echoed "section_start:1:x" in a sentence is
// text).
func parseMarker(b []byte, alone bool) (start bool, name []byte, end int, ok bool) {
	i := len(sectionPrefix)
	switch {
	case bytes.HasPrefix(b[i:], []byte("start:")):
		start, i = true, i+len("start:")
	case bytes.HasPrefix(b[i:], []byte("end:")):
		i += len("end:")
	default:
		return false, nil, 0, false
	}
	j := i + digitRun(b[i:], len(b))
	if j == i || j >= len(b) || b[j] != ':' {
		return false, nil, 0, false
	}
	j++
	k := j
	for k < len(b) && isNameByte(b[k]) {
		k++
	}
	if k == j {
		return false, nil, 0, false
	}
	name = b[j:k]
	if k < len(b) && b[k] == '[' {
		close := bytes.IndexByte(b[k:], ']')
		if close < 0 {
			return false, nil, 0, false
		}
		k += close + 1
	}
	switch {
	case bytes.HasPrefix(b[k:], []byte(sectionSuffix)):
		return start, name, k + len(sectionSuffix), true
	case len(b) == k+1 && b[k] == '\r':
		// Timestamped traces split the marker at its '\r': the "\e[0K"
		// starts the next, continuation line.
		return start, name, k + 1, true
	case !alone:
		// Text before the marker: only a marker with its ending counts.
	case len(bytes.TrimRight(b[k:], " \t\r")) == 0:
		// A pasted trace whose '\r' was taken for a line break keeps the
		// marker alone on its line.
		return start, name, len(b), true
	case bytes.HasPrefix(b[k:], []byte("\x1b[0K")):
		// ... or lost only the '\r',
		return start, name, k + len("\x1b[0K"), true
	case bytes.HasPrefix(b[k:], []byte("[0K")):
		// ... or the ESC too.
		return start, name, k + len("[0K"), true
	}
	return false, nil, 0, false
}

// onlyEscapes reports whether b holds nothing but what a paste leaves of
// the runner's escapes ("\x1b[0K", "[0;m" without its ESC), blanks and a
// quote's "> ".
func onlyEscapes(b []byte) bool {
	return len(bytes.Trim(b, "\x1b[0123456789;Km> \t")) == 0
}

func isNameByte(c byte) bool {
	return c == '_' || c == '.' || c == '-' || isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func (n *normalizer) open(name string) {
	if len(n.sections) < maxSections {
		n.sections = append(n.sections, name)
	}
}

// close closes the named section and any left open inside it; a marker for
// a section that is not open is ignored.
func (n *normalizer) close(name []byte) {
	for i := len(n.sections) - 1; i >= 0; i-- {
		if n.sections[i] == string(name) {
			n.sections = n.sections[:i]
			return
		}
	}
}

func (n *normalizer) section() string {
	if len(n.sections) == 0 {
		return ""
	}
	return n.sections[0]
}
