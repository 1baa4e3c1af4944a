package edit

import (
	"fmt"
	"strings"
)

// contextLines is the number of unchanged lines shown around changes, as in git.
const contextLines = 3

// hunk is one "@@" block of a unified diff.
type hunk struct {
	oldStart, oldCount int
	newStart, newCount int
	// first is the line of the original file where the first change is:
	// the first removed line, or the line the first addition goes before.
	first int
	ops   []op
}

// hunks groups a script's changes into hunks with context lines, merging
// hunks whose contexts would touch or overlap, as git does.
func hunks(ops []op) []hunk {
	ops = tidy(ops)
	var hs []hunk
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(0, i-contextLines)
		end := i // one past the last change of the hunk
		for j := i; j < len(ops) && j-end <= 2*contextLines; j++ {
			if ops[j].kind != ' ' {
				end = j + 1
			}
		}
		stop := min(len(ops), end+contextLines)
		oldBefore, newBefore := count(ops[:start])
		h := hunk{
			oldStart: oldBefore + 1,
			newStart: newBefore + 1,
			first:    oldBefore + i - start + 1, // ops[start:i] are kept lines
			ops:      ops[start:stop],
		}
		h.oldCount, h.newCount = count(h.ops)
		hs = append(hs, h)
		i = stop
	}
	return hs
}

// count returns the number of original and resulting lines in ops.
func count(ops []op) (orig, result int) {
	for _, o := range ops {
		if o.kind != '+' {
			orig++
		}
		if o.kind != '-' {
			result++
		}
	}
	return orig, result
}

// tidy puts each run of changes in git's order, removals before additions,
// and turns lines that a run removes and adds again unchanged at its start
// or end into kept lines, so that a replacement of several lines shows only
// the ones that differ.
func tidy(ops []op) []op {
	out := make([]op, 0, len(ops))
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			out = append(out, ops[i])
			i++
			continue
		}
		var removed, added []line
		for ; i < len(ops) && ops[i].kind != ' '; i++ {
			if ops[i].kind == '-' {
				removed = append(removed, ops[i].line)
			} else {
				added = append(added, ops[i].line)
			}
		}
		head := 0
		for head < min(len(removed), len(added)) && removed[head] == added[head] {
			head++
		}
		tail := 0
		for tail < min(len(removed), len(added))-head && removed[len(removed)-1-tail] == added[len(added)-1-tail] {
			tail++
		}
		for _, l := range removed[:head] {
			out = append(out, op{' ', l})
		}
		for _, l := range removed[head : len(removed)-tail] {
			out = append(out, op{'-', l})
		}
		for _, l := range added[head : len(added)-tail] {
			out = append(out, op{'+', l})
		}
		for _, l := range removed[len(removed)-tail:] {
			out = append(out, op{' ', l})
		}
	}
	return out
}

// header returns the hunk's "@@ -l,n +l,m @@" line. Like git, it leaves out
// a count of 1, and an empty side names the line before the hunk.
func (h hunk) header() string {
	return fmt.Sprintf("@@ -%s +%s @@\n", span(h.oldStart, h.oldCount), span(h.newStart, h.newCount))
}

func span(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start-1)
	case 1:
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}

// write prints the hunk's lines; a line without a newline (the last of a
// file that has none) is followed by git's marker.
func (h hunk) write(b *strings.Builder) {
	b.WriteString(h.header())
	for _, o := range h.ops {
		b.WriteByte(o.kind)
		b.WriteString(o.text)
		if o.eol == "" {
			b.WriteString("\n\\ No newline at end of file\n")
			continue
		}
		b.WriteString(o.eol)
	}
}
