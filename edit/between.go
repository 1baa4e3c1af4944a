package edit

import (
	"strings"

	// go-difflib's SequenceMatcher (Python difflib's algorithm) gives the
	// blocks of lines two texts share; what lies between them becomes an
	// Edit. It is the library testify uses for the same job.
	"github.com/pmezard/go-difflib/difflib"
)

// Between returns the edits that turn old into new, the text of path: one
// per run of lines that differ, each with the old lines it replaces, so
// that a change computed in several steps (a fix planned in memory) shows
// and applies as one set of edits of the original file.
func Between(path string, old, new []byte) []Edit {
	a, b := lineTexts(parse(old)), lineTexts(parse(new))
	m := difflib.NewMatcherWithJunk(a, b, false, nil)
	var out []Edit
	for _, op := range m.GetOpCodes() {
		oldText := strings.Join(a[op.I1:op.I2], "\n")
		newText := strings.Join(b[op.J1:op.J2], "\n")
		switch op.Tag {
		case 'r':
			out = append(out, Replace(path, op.I1+1, op.I2, oldText, newText))
		case 'd':
			out = append(out, Delete(path, op.I1+1, op.I2, oldText))
		case 'i':
			out = append(out, Insert(path, op.I1+1, newText))
		}
	}
	return out
}

func lineTexts(f file) []string {
	out := make([]string, len(f.lines))
	for i, l := range f.lines {
		out[i] = l.text
	}
	return out
}
