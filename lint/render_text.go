package lint

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// textRenderer prints findings for people, as actionlint does: the
// position, message and rule on one line, then the source line with a
// caret under the column and the note, if any.
type textRenderer struct {
	color bool
}

func renderText(w io.Writer, findings []Finding, color bool) error {
	t := textRenderer{color: color}
	var b strings.Builder
	for i := range findings {
		t.finding(&b, &findings[i])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// style wraps s in an ANSI style when colours are on.
func (t textRenderer) style(code, s string) string {
	if !t.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (t textRenderer) bold(s string) string   { return t.style("1", s) }
func (t textRenderer) green(s string) string  { return t.style("32", s) }
func (t textRenderer) yellow(s string) string { return t.style("33", s) }
func (t textRenderer) dim(s string) string    { return t.style("2", s) }

// finding prints, for a finding on line 12:
//
//	.gitlab-ci.yml:12:7: message [rule]
//	   |
//	12 |     - docker:24-dind
//	   |       ^~~~~~~~~~~~~~
//	   = note: the note
func (t textRenderer) finding(b *strings.Builder, f *Finding) {
	fmt.Fprintf(b, "%s:%d:%d: %s %s\n", t.bold(f.Path), f.Line, f.Column, f.Message, t.dim("["+f.Rule+"]"))
	num := strconv.Itoa(f.Line)
	pad := strings.Repeat(" ", len(num))
	if f.Source != "" {
		fmt.Fprintf(b, "%s\n", t.dim(pad+" |"))
		fmt.Fprintf(b, "%s %s\n", t.dim(num+" |"), f.Source)
		indent, mark := caret(f.Source, f.Column)
		fmt.Fprintf(b, "%s %s%s\n", t.dim(pad+" |"), indent, t.green(mark))
	}
	if f.Note != "" {
		lines := strings.Split(strings.TrimRight(f.Note, "\n"), "\n")
		fmt.Fprintf(b, "%s %s %s\n", pad, t.yellow("= note:"), lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(b, "%s         %s\n", pad, l)
		}
	}
}

// caret returns what goes under source to point at the 1-based byte column
// col: the indent, then "^" and a "~" under each further character of the
// word that starts there. The indent keeps the tabs of source and has one
// space per other character, so the caret lands under the column whatever
// the terminal's tab width (characters twice as wide, as in CJK scripts,
// still shift it).
func caret(source string, col int) (indent, mark string) {
	start := min(max(col-1, 0), len(source))
	for start > 0 && start < len(source) && !utf8.RuneStart(source[start]) {
		start--
	}
	var in strings.Builder
	for _, r := range source[:start] {
		if r == '\t' {
			in.WriteByte('\t')
		} else {
			in.WriteByte(' ')
		}
	}
	word := 0
	for _, r := range source[start:] {
		if unicode.IsSpace(r) {
			break
		}
		word++
	}
	return in.String(), "^" + strings.Repeat("~", max(word-1, 0))
}
