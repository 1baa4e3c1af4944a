package edit

import (
	"errors"
	"testing"
)

const f = "ci.yml"

func TestApply(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		edits []Edit
		want  string
	}{
		{"replace one line", "a\nb\nc\n", []Edit{Replace(f, 2, 2, "b", "B")}, "a\nB\nc\n"},
		{"replace by more lines", "a\nb\nc\n", []Edit{Replace(f, 2, 3, "b\nc", "x\ny\nz")}, "a\nx\ny\nz\n"},
		{"replace by an empty line", "a\nb\nc\n", []Edit{Replace(f, 2, 2, "b", "")}, "a\n\nc\n"},
		{"delete", "a\nb\nc\n", []Edit{Delete(f, 1, 2, "a\nb")}, "c\n"},
		{"delete last line", "a\nb\nc\n", []Edit{Delete(f, 3, 3, "c")}, "a\nb\n"},
		{"delete every line", "a\nb\n", []Edit{Delete(f, 1, 2, "a\nb")}, ""},
		{"insert at line 1", "a\nb\n", []Edit{Insert(f, 1, "x\ny")}, "x\ny\na\nb\n"},
		{"insert in the middle", "a\nb\n", []Edit{Insert(f, 2, "x")}, "a\nx\nb\n"},
		{"insert at the end", "a\nb\n", []Edit{Insert(f, 3, "x")}, "a\nb\nx\n"},
		{"insert into an empty file", "", []Edit{Insert(f, 1, "x")}, "x\n"},
		{"insert an empty line", "a\n", []Edit{Insert(f, 1, "")}, "\na\n"},
		{
			"several edits in any order",
			"1\n2\n3\n4\n5\n6\n",
			[]Edit{Delete(f, 5, 5, "5"), Insert(f, 1, "0"), Replace(f, 2, 3, "2\n3", "two"), Insert(f, 7, "7")},
			"0\n1\ntwo\n4\n6\n7\n",
		},
		{
			"insertions at one line keep their order",
			"a\nb\n",
			[]Edit{Insert(f, 2, "x"), Insert(f, 2, "y"), Insert(f, 2, "z")},
			"a\nx\ny\nz\nb\n",
		},
		{
			"insertion goes before a replacement at its line",
			"a\nb\nc\n",
			[]Edit{Replace(f, 2, 2, "b", "B"), Insert(f, 2, "x"), Insert(f, 3, "y")},
			"a\nx\nB\ny\nc\n",
		},
		{
			"adjacent replacements",
			"a\nb\nc\n",
			[]Edit{Replace(f, 2, 2, "b", "B"), Replace(f, 1, 1, "a", "A"), Replace(f, 3, 3, "c", "C")},
			"A\nB\nC\n",
		},
		{"CRLF kept on replace", "a\r\nb\r\nc\r\n", []Edit{Replace(f, 2, 2, "b", "x\ny")}, "a\r\nx\r\ny\r\nc\r\n"},
		{"CRLF kept on insert at the end", "a\r\nb\r\n", []Edit{Insert(f, 3, "c")}, "a\r\nb\r\nc\r\n"},
		{"CRLF old and new texts", "a\r\nb\r\nc\r\n", []Edit{Replace(f, 1, 2, "a\r\nb", "x\r\ny")}, "x\r\ny\r\nc\r\n"},
		{"CRLF without final newline", "a\r\nb", []Edit{Insert(f, 3, "c")}, "a\r\nb\r\nc"},
		{"mixed endings: untouched lines kept", "a\r\nb\nc\r\nd\r\n", []Edit{Replace(f, 4, 4, "d", "D")}, "a\r\nb\nc\r\nD\r\n"},
		{"lone CR kept", "a\rb\nc\n", []Edit{Replace(f, 2, 2, "c", "C")}, "a\rb\nC\n"},
		{"no final newline: replace last line", "a\nb", []Edit{Replace(f, 2, 2, "b", "B")}, "a\nB"},
		{"no final newline: append", "a\nb", []Edit{Insert(f, 3, "c\nd")}, "a\nb\nc\nd"},
		{"no final newline: delete last line", "a\nb", []Edit{Delete(f, 2, 2, "b")}, "a"},
		{"no final newline: insert at line 1", "a", []Edit{Insert(f, 1, "x")}, "x\na"},
		{"no final newline: delete every line", "a\nb", []Edit{Delete(f, 1, 2, "a\nb")}, ""},
		{"no edits", "a\nb", nil, "a\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Apply([]byte(tt.src), tt.edits)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestApplyRefuses(t *testing.T) {
	const src = "a\nb\nc\nd\n"
	tests := []struct {
		name  string
		edits []Edit
		want  error
	}{
		{"overlapping replacements", []Edit{Replace(f, 1, 2, "a\nb", "x"), Replace(f, 2, 3, "b\nc", "y")}, ErrOverlap},
		{"same line twice", []Edit{Replace(f, 2, 2, "b", "x"), Delete(f, 2, 2, "b")}, ErrOverlap},
		{"range inside another", []Edit{Delete(f, 2, 2, "b"), Replace(f, 1, 3, "a\nb\nc", "x")}, ErrOverlap},
		{"insertion inside a replacement", []Edit{Replace(f, 1, 3, "a\nb\nc", "x"), Insert(f, 3, "y")}, ErrOverlap},
		{"stale old text", []Edit{Replace(f, 2, 2, "B", "x")}, ErrStale},
		{"stale old text on a later line", []Edit{Delete(f, 1, 3, "a\nb\nC")}, ErrStale},
		{"stale among good edits", []Edit{Replace(f, 1, 1, "a", "x"), Delete(f, 4, 4, "z")}, ErrStale},
		{"line 0", []Edit{Replace(f, 0, 0, "a", "x")}, ErrRange},
		{"past the end", []Edit{Delete(f, 4, 5, "d\ne")}, ErrRange},
		{"insertion past the end", []Edit{Insert(f, 6, "x")}, ErrRange},
		{"insertion at line 0", []Edit{Insert(f, 0, "x")}, ErrRange},
		{"no text", []Edit{{Path: f, Line: 1, EndLine: 1}}, ErrInvalid},
		{"insertion with a range", []Edit{{Path: f, Line: 1, EndLine: 1, New: new("x")}}, ErrInvalid},
		{"old text of the wrong length", []Edit{Replace(f, 1, 2, "a", "x")}, ErrInvalid},
		{"end before start", []Edit{Replace(f, 3, 2, "c", "x")}, ErrInvalid},
		{"two files", []Edit{Replace(f, 1, 1, "a", "x"), Replace("Dockerfile", 2, 2, "b", "y")}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Apply([]byte(src), tt.edits)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %q, %v; want %v", got, err, tt.want)
			}
			if got != nil {
				t.Errorf("got content %q with an error", got)
			}
		})
	}
}
