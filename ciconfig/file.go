package ciconfig

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// File is one YAML file of the configuration.
type File struct {
	// Path is relative to the project root, slash-separated.
	Path string
	Src  []byte
	// Root is the document's top-level node (a mapping for a valid file).
	Root *yaml.Node
	// From is the include of another project the file came with, nil
	// for the project's own files: edits cannot land there.
	From *External
	// lines are Src's lines without their line ending.
	lines []string
}

func newFile(path string, src []byte) *File {
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	text = strings.TrimSuffix(text, "\n")
	return &File{Path: path, Src: src, lines: strings.Split(text, "\n")}
}

// Line returns line n (1-based) without its line ending, or "".
func (f *File) Line(n int) string {
	if n < 1 || n > len(f.lines) {
		return ""
	}
	return f.lines[n-1]
}

// NumLines is the number of lines in the file.
func (f *File) NumLines() int { return len(f.lines) }

// Text returns lines start..end joined by "\n".
func (f *File) Text(start, end int) string {
	if start < 1 || end > len(f.lines) || end < start {
		return ""
	}
	return strings.Join(f.lines[start-1:end], "\n")
}

// IndentOf counts the spaces that start a line.
func IndentOf(line string) int {
	return len(line) - len(strings.TrimLeft(line, " "))
}

// blankOrComment reports whether a line holds no YAML content.
func blankOrComment(line string) bool {
	t := strings.TrimSpace(line)
	return t == "" || strings.HasPrefix(t, "#")
}

// Span returns the lines of the block entry (a "key: value" or a "- item")
// that starts on line start: the line itself and the following lines that
// are indented deeper than it, without trailing blank or comment lines.
// Block entries end where the indentation comes back, which holds for
// multi-line scalars, nested mappings and sequences alike. A key's block
// sequence may also stand at the key's own indentation ("services:" then
// "- docker:dind" below it): its items belong to the key.
func (f *File) Span(start int) (int, int) {
	indent := IndentOf(f.Line(start))
	key := !isItem(f.Line(start))
	end := start
	for n := start + 1; n <= len(f.lines); n++ {
		l := f.lines[n-1]
		if blankOrComment(l) {
			continue
		}
		if IndentOf(l) < indent || IndentOf(l) == indent && !(key && isItem(l)) {
			break
		}
		end = n
	}
	return start, end
}

// isItem reports whether a line starts a block sequence's item.
func isItem(line string) bool {
	t := strings.TrimLeft(line, " ")
	return t == "-" || strings.HasPrefix(t, "- ")
}

// ItemLine returns the line of the dash that introduces a sequence item
// whose node starts at (line, col): the same line for "- x", an earlier one
// for a dash alone on its line.
func (f *File) ItemLine(n *yaml.Node) int {
	for l := n.Line; l >= 1 && l >= n.Line-1; l-- {
		text := f.Line(l)
		col := len(text)
		if l == n.Line {
			col = min(n.Column-1, len(text))
		}
		if i := strings.LastIndex(text[:col], "-"); i >= 0 && strings.TrimSpace(text[:i]) == "" {
			return l
		}
	}
	return n.Line
}

// CommentsAt returns the comment text on line n and on the line above it,
// for suppression comments.
func (f *File) CommentsAt(n int) []string {
	var out []string
	for _, l := range []int{n, n - 1} {
		text := f.Line(l)
		if i := CommentStart(text); i >= 0 {
			out = append(out, strings.TrimSpace(text[i+1:]))
		}
	}
	return out
}

// CommentStart finds the '#' that starts a YAML comment (at the line start
// or after a space, outside quotes), or -1.
func CommentStart(line string) int {
	quote := byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			if i == 0 || line[i-1] == ' ' || line[i-1] == '[' || line[i-1] == ':' {
				quote = c
			}
		case c == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return i
		}
	}
	return -1
}

// PlainFile is a file of the repository that is not YAML (a shell script a
// job runs), read by lines so that findings can point into it; its Root is
// nil.
func PlainFile(path string, src []byte) *File { return newFile(path, src) }
