package edit

import (
	"bytes"
	"testing"
)

// FuzzApply: edits made from fuzzed numbers and texts either apply or are
// refused with an error; an applied set gives the same bytes as its patch
// describes, and never panics.
func FuzzApply(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"), 2, 2, "x", true)
	f.Add([]byte("a\r\nb\r\n"), 1, 0, "new", false)
	f.Add([]byte("no newline"), 1, 1, "", true)
	f.Fuzz(func(t *testing.T, src []byte, line, end int, text string, replace bool) {
		lines := bytes.Split(bytes.TrimSuffix(src, []byte("\n")), []byte("\n"))
		var e Edit
		switch {
		case replace && line >= 1 && end >= line && end <= len(lines):
			old := string(bytes.Join(lines[line-1:end], []byte("\n")))
			e = Replace("f", line, end, old, text)
		default:
			e = Insert("f", line, text)
		}
		out, err := Apply(src, []Edit{e})
		if err != nil {
			return
		}
		patch, err := Patch([]Edit{e}, func(string) ([]byte, error) { return src, nil })
		if err != nil {
			t.Fatalf("applies but does not patch: %v", err)
		}
		if bytes.Equal(out, src) != (patch == "") {
			t.Fatalf("patch %q for a change %q -> %q", patch, src, out)
		}
	})
}
