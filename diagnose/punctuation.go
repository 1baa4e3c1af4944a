package diagnose

import "bytes"

// A log quoted in a blog post or a forum's text (rather than in a code
// block) reaches people with the blog engine's typography: curly quotes
// for straight ones, an ellipsis for "...", a dash for "--". The tools
// printed ASCII, and the signatures (and the literals the scan looks for)
// are written in it; a short log whose failure nothing specific explained
// is read again with the ASCII put back.

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

// plainPunctuation returns log with its typographic punctuation put back to
// ASCII, and whether there was any. Lines stay where they were.
func plainPunctuation(log []byte) ([]byte, bool) {
	if !bytes.Contains(log, []byte{0xe2, 0x80}) {
		return log, false
	}
	out := make([]byte, 0, len(log))
	changed := false
	for i := 0; i < len(log); i++ {
		if log[i] == 0xe2 && i+2 < len(log) && log[i+1] == 0x80 {
			if ascii, ok := typographic[log[i+2]]; ok {
				out = append(out, ascii...)
				i += 2
				changed = true
				continue
			}
		}
		out = append(out, log[i])
	}
	return out, changed
}
