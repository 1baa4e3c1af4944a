package edit

import "strings"

// line is one line of a file: its text and the ending that follows it
// ("\n", "\r\n", or "" for a last line without a newline).
type line struct{ text, eol string }

// file is a file split into lines.
type file struct {
	lines []line
	// eol ends the lines that edits add: "\r\n" when most lines of the
	// file end so, "\n" otherwise.
	eol string
	// finalNewline tells whether the file ends with a line ending; an
	// empty file counts as ending with one, so lines added to it get one.
	finalNewline bool
}

// parse splits src into lines, keeping every byte.
func parse(src []byte) file {
	var f file
	crlf, lf := 0, 0
	for s := string(src); s != ""; {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			f.lines = append(f.lines, line{text: s})
			break
		}
		l := line{text: s[:i], eol: "\n"}
		if t, ok := strings.CutSuffix(l.text, "\r"); ok {
			l = line{text: t, eol: "\r\n"}
			crlf++
		} else {
			lf++
		}
		f.lines = append(f.lines, l)
		s = s[i+1:]
	}
	f.eol = "\n"
	if crlf > lf {
		f.eol = "\r\n"
	}
	f.finalNewline = len(f.lines) == 0 || f.lines[len(f.lines)-1].eol != ""
	return f
}

// textLines splits an edit's text into lines, dropping the "\r" of CRLF
// endings so that texts read from CRLF files compare equal.
func textLines(s string) []string {
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		ls[i] = strings.TrimSuffix(l, "\r")
	}
	return ls
}
