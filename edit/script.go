package edit

import (
	"cmp"
	"fmt"
	"slices"
)

// op is one line of an edit script: kept (' '), removed ('-') or added ('+').
type op struct {
	kind byte
	line
}

// script turns edits of one file into the edit script from src to the
// result. It checks every edit before producing anything, so a failure
// changes nothing.
func script(src []byte, edits []Edit) ([]op, error) {
	f := parse(src)
	sorted := slices.Clone(edits)
	// Sorting by EndLine after Line puts an insertion (EndLine == Line-1)
	// before a removal starting at its line, as it goes before that line;
	// a stable sort keeps insertions at one line in their given order.
	slices.SortStableFunc(sorted, func(a, b Edit) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.EndLine, b.EndLine))
	})
	covered := 0 // the last line removed by the edits checked so far
	for _, e := range sorted {
		if e.Path != sorted[0].Path {
			return nil, fmt.Errorf("edits for both %s and %s: %w", sorted[0].Path, e.Path, ErrInvalid)
		}
		if err := check(f, e); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", e.Path, e.Line, err)
		}
		// In Line order, an edit overlaps an earlier one exactly when it
		// starts inside it: an insertion at a removed line, or a removal of
		// a line already removed.
		if e.Line <= covered {
			return nil, fmt.Errorf("%s:%d: line %d is already changed by another edit: %w", e.Path, e.Line, e.Line, ErrOverlap)
		}
		covered = max(covered, e.EndLine)
	}

	var ops []op
	next := 0 // index of the first line of f not yet in ops
	for _, e := range sorted {
		for ; next < e.Line-1; next++ {
			ops = append(ops, op{' ', f.lines[next]})
		}
		for ; next < e.EndLine; next++ {
			ops = append(ops, op{'-', f.lines[next]})
		}
		if e.New != nil {
			for _, t := range textLines(*e.New) {
				ops = append(ops, op{'+', line{t, f.eol}})
			}
		}
	}
	for ; next < len(f.lines); next++ {
		ops = append(ops, op{' ', f.lines[next]})
	}
	return fixEndings(ops, f), nil
}

// check returns an error unless e fits f: a known kind, lines inside the
// file and an old text equal to those lines.
func check(f file, e Edit) error {
	switch {
	case e.Old == nil && e.New == nil:
		return fmt.Errorf("neither old nor new text: %w", ErrInvalid)
	case e.Old == nil:
		if e.EndLine != e.Line-1 {
			return fmt.Errorf("insertion must have end_line %d, not %d: %w", e.Line-1, e.EndLine, ErrInvalid)
		}
		if e.Line < 1 || e.Line > len(f.lines)+1 {
			return fmt.Errorf("insertion before line %d of a %d-line file: %w", e.Line, len(f.lines), ErrRange)
		}
		return nil
	}
	if e.Line < 1 || e.EndLine > len(f.lines) {
		return fmt.Errorf("lines %d-%d of a %d-line file: %w", e.Line, e.EndLine, len(f.lines), ErrRange)
	}
	old := textLines(*e.Old)
	if len(old) != e.EndLine-e.Line+1 {
		return fmt.Errorf("old text has %d lines for lines %d-%d: %w", len(old), e.Line, e.EndLine, ErrInvalid)
	}
	for i, t := range old {
		if f.lines[e.Line-1+i].text != t {
			return fmt.Errorf("line %d is not the expected old text: %w", e.Line+i, ErrStale)
		}
	}
	return nil
}

// fixEndings gives the result the final newline (or its absence) of the
// original: the last line of the result ends as the original's last line
// did, and a line that used to be last without a newline gets one when
// lines now follow it. A kept line whose ending changes becomes a removal
// and an addition, as in git's diffs.
func fixEndings(ops []op, f file) []op {
	last := -1 // the last line of the result
	for i, o := range ops {
		if o.kind != '-' {
			last = i
		}
	}
	var out []op
	for i, o := range ops {
		want := o.line
		switch {
		case o.kind == '-':
		case i == last && !f.finalNewline:
			want.eol = ""
		case want.eol == "":
			want.eol = f.eol
		}
		if want == o.line {
			out = append(out, o)
			continue
		}
		if o.kind == ' ' {
			out = append(out, op{'-', o.line})
		}
		out = append(out, op{'+', want})
	}
	return out
}
