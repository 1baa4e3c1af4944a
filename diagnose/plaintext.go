package diagnose

import "bytes"

// A log that reaches a person through a web page or an editor rather than
// a code block comes back changed: a blog engine's typography (curly
// quotes for straight ones, an ellipsis for "...", a dash for "--"), a web
// page's HTML escapes left in a copy (&quot;, &lt;, &amp;), a rich-text
// editor's non-breaking spaces for every space. The tools printed ASCII,
// and the signatures (and the literals the scan looks for) are written in
// it; a short log whose failure nothing specific explained is read again
// with the ASCII put back.

// typographic maps the third byte of each U+2010..U+203F character that
// stands for ASCII punctuation (all are 0xE2 0x80 0xXX in UTF-8) to that
// punctuation.
var typographic = map[byte]string{
	0x98: "'", 0x99: "'", 0x9a: "'", 0x9b: "'", // ‘ ’ ‚ ‛
	0x9c: `"`, 0x9d: `"`, 0x9e: `"`, 0x9f: `"`, // “ ” „ ‟
	0xb2: "'", 0xb3: `"`, // ′ ″
	0xa6: "...",            // …
	0x93: "--", 0x94: "--", // – —
}

// htmlEscape is an escape a web page writes for a character of a log that
// HTML reserves.
type htmlEscape struct{ escape, char string }

// htmlEscapes are the named escapes that plainText undoes; a numeric one
// (&#39;, &#x2018;) is read by numericEscapeAt.
var htmlEscapes = [...]htmlEscape{
	{"&quot;", `"`}, {"&apos;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"},
}

// plainText returns log with its typography, HTML escapes and non-breaking
// spaces put back to ASCII, and whether there were any. Lines stay where
// they were.
func plainText(log []byte) ([]byte, bool) {
	if !bytes.Contains(log, []byte{0xe2, 0x80}) && !bytes.Contains(log, []byte{0xc2, 0xa0}) && !bytes.Contains(log, []byte("&")) {
		return log, false
	}
	out := make([]byte, 0, len(log))
	changed := false
	for i := 0; i < len(log); i++ {
		switch c := log[i]; {
		case c == 0xe2 && i+2 < len(log) && log[i+1] == 0x80:
			if ascii, ok := typographic[log[i+2]]; ok {
				out = append(out, ascii...)
				i += 2
				changed = true
				continue
			}
		case c == 0xc2 && i+1 < len(log) && log[i+1] == 0xa0: // U+00A0 no-break space
			out = append(out, ' ')
			i++
			changed = true
			continue
		case c == '&':
			if e, ok := htmlEscapeAt(log[i:]); ok {
				out = append(out, e.char...)
				i += len(e.escape) - 1
				changed = true
				continue
			}
			if ascii, n := numericEscapeAt(log[i:]); n > 0 {
				out = append(out, ascii...)
				i += n - 1
				changed = true
				continue
			}
		}
		out = append(out, log[i])
	}
	return out, changed
}

// numericEscapeAt reads the numeric character reference that b starts
// with (&#39;, &#x27;, &#x2018;: a rendered page's copy of a log) when it
// stands for printable ASCII, a typographic character (see typographic) or
// a no-break space, and returns that ASCII and the reference's length; n is
// 0 for anything else, which stays as it is.
func numericEscapeAt(b []byte) (ascii string, n int) {
	if len(b) < 4 || b[1] != '#' {
		return "", 0
	}
	base, i := 10, 2
	if b[2] == 'x' || b[2] == 'X' {
		base, i = 16, 3
	}
	r, start := 0, i
	for ; i < len(b) && i-start < 6; i++ {
		d := digitValue(b[i], base)
		if d < 0 {
			break
		}
		r = r*base + d
	}
	if i == start || i >= len(b) || b[i] != ';' {
		return "", 0
	}
	n = i + 1
	switch {
	case r >= 0x20 && r < 0x7f:
		return string(rune(r)), n
	case r == 0xa0:
		return " ", n
	case r >= 0x2000 && r < 0x2040:
		// U+2000..U+203F are 0xE2 0x80 0x80+(r-0x2000) in UTF-8.
		if t, ok := typographic[byte(0x80+r-0x2000)]; ok {
			return t, n
		}
	}
	return "", 0
}

// digitValue is the value of c as a digit in base 10 or 16 (either case),
// or -1.
func digitValue(c byte, base int) int {
	switch lower := c | 0x20; {
	case isDigit(c):
		return hexValue(c)
	case base == 16 && isHex(lower):
		return hexValue(lower)
	}
	return -1
}

// htmlEscapeAt returns the HTML escape that b starts with.
func htmlEscapeAt(b []byte) (htmlEscape, bool) {
	for _, e := range htmlEscapes {
		if bytes.HasPrefix(b, []byte(e.escape)) {
			return e, true
		}
	}
	return htmlEscape{}, false
}
