package edit

import (
	"fmt"
	"io/fs"
	"strings"
)

// Patch renders edits (any files, grouped by Path in order of first
// appearance) as a unified diff in git's format: for each changed file a
// "diff --git a/P b/P" line, "--- a/P" and "+++ b/P" headers and "@@" hunks
// with 3 lines of context, adjacent hunks merged. `git apply` and
// `patch -p1` accept it and produce what Apply returns. read returns a
// file's current content by its Path. It fails as Apply does, and with
// ErrInvalid for a path that is not clean, relative and slash-separated.
// Files whose edits change nothing are left out; no change at all gives "".
func Patch(edits []Edit, read func(path string) ([]byte, error)) (string, error) {
	return render(edits, read, true)
}

// Diff is Patch for showing to people: no "diff --git" line, and before
// each hunk a comment line "# P:LINE" naming where in the current file the
// hunk's first change is (the first removed line, or the line the first
// added line goes before), the form editors and terminals link to.
func Diff(edits []Edit, read func(path string) ([]byte, error)) (string, error) {
	return render(edits, read, false)
}

func render(edits []Edit, read func(path string) ([]byte, error), git bool) (string, error) {
	var b strings.Builder
	for _, g := range byPath(edits) {
		path := g[0].Path
		if !fs.ValidPath(path) || path == "." {
			return "", fmt.Errorf("path %q: %w", path, ErrInvalid)
		}
		src, err := read(path)
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", path, err)
		}
		ops, err := script(src, g)
		if err != nil {
			return "", err
		}
		hs := hunks(ops)
		if len(hs) == 0 {
			continue
		}
		oldName, newName := quote("a/", path), quote("b/", path)
		if git {
			fmt.Fprintf(&b, "diff --git %s %s\n", oldName, newName)
		}
		// Like git, end a name with a space by a tab so that patch(1)
		// does not take what follows the space for a date.
		tab := ""
		if strings.Contains(path, " ") {
			tab = "\t"
		}
		fmt.Fprintf(&b, "--- %s%s\n+++ %s%s\n", oldName, tab, newName, tab)
		for _, h := range hs {
			if !git {
				fmt.Fprintf(&b, "# %s:%d\n", quote("", path), h.first)
			}
			h.write(&b)
		}
	}
	return b.String(), nil
}

// byPath groups edits by Path, in order of first appearance.
func byPath(edits []Edit) [][]Edit {
	var groups [][]Edit
	index := map[string]int{}
	for _, e := range edits {
		i, ok := index[e.Path]
		if !ok {
			i = len(groups)
			index[e.Path] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], e)
	}
	return groups
}

// quote returns prefix+path as git writes it in diff headers: as is, or in
// double quotes with C escapes when the path holds a quote, a backslash, a
// control character or a non-ASCII byte.
func quote(prefix, path string) string {
	if !strings.ContainsFunc(path, func(r rune) bool { return r < 0x20 || r >= 0x7f || r == '"' || r == '\\' }) {
		return prefix + path
	}
	var b strings.Builder
	b.WriteString(`"` + prefix)
	const controls, letters = "\a\b\t\n\v\f\r", "abtnvfr"
	for i := 0; i < len(path); i++ {
		c := path[i]
		j := strings.IndexByte(controls, c)
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case j >= 0:
			b.WriteByte('\\')
			b.WriteByte(letters[j])
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\%03o`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
