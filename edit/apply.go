package edit

// Apply applies edits (all for one file) to src and returns the new content.
// It fails, changing nothing, when an edit's Old does not match src at its
// lines (ErrStale: the file changed since it was read), when edits overlap
// (ErrOverlap), when a line is out of range (ErrRange) or when an edit is
// malformed (ErrInvalid). Edits may be given in any order; two insertions
// at the same line keep their given order. A CRLF file stays CRLF, the
// presence or absence of the final newline is kept, and every other byte
// is kept.
func Apply(src []byte, edits []Edit) ([]byte, error) {
	ops, err := script(src, edits)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(src))
	for _, o := range ops {
		if o.kind != '-' {
			out = append(out, o.text...)
			out = append(out, o.eol...)
		}
	}
	return out, nil
}
