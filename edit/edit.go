package edit

import "errors"

// Edit replaces the lines Line..EndLine (1-based, inclusive) of Path, whose
// current text is *Old, by *New. Texts hold whole lines joined by "\n",
// without the final newline; a "\r" before a "\n" in them is ignored, so
// texts taken from a CRLF file as they are work too.
//   - replacement: Old and New set;
//   - deletion: New == nil;
//   - insertion: Old == nil; the new text is inserted before line Line
//     (so it will start at line Line), and EndLine == Line-1.
//     Line may be len(lines)+1 to append at the end.
type Edit struct {
	Path    string  `json:"path"` // relative to the project root, slash-separated
	Line    int     `json:"line"`
	EndLine int     `json:"end_line"`
	Old     *string `json:"old"`
	New     *string `json:"new"`
}

// Replace returns the edit that replaces lines line..endLine of path, whose
// current text is oldText, by newText.
func Replace(path string, line, endLine int, oldText, newText string) Edit {
	return Edit{Path: path, Line: line, EndLine: endLine, Old: &oldText, New: &newText}
}

// Delete returns the edit that removes lines line..endLine of path, whose
// current text is oldText.
func Delete(path string, line, endLine int, oldText string) Edit {
	return Edit{Path: path, Line: line, EndLine: endLine, Old: &oldText}
}

// Insert returns the edit that inserts newText before line line of path, so
// that it starts at line line; line may be one past the last line to append.
func Insert(path string, line int, newText string) Edit {
	return Edit{Path: path, Line: line, EndLine: line - 1, New: &newText}
}

// Errors returned by Apply, Patch and WriteFile, wrapped with the path and
// line of the edit concerned; test them with errors.Is.
var (
	// ErrStale means the file is not what the edit expects: it changed
	// since it was read, and the edits must be computed again.
	ErrStale = errors.New("the file changed since it was read")
	// ErrOverlap means two edits touch the same lines.
	ErrOverlap = errors.New("edits overlap")
	// ErrRange means an edit names a line the file does not have.
	ErrRange = errors.New("line out of range")
	// ErrInvalid means an edit is malformed: no text at all, line numbers
	// that disagree with its old text, or a path that is not a clean
	// relative slash-separated path.
	ErrInvalid = errors.New("invalid edit")
)
