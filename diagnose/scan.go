package diagnose

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"io"
	"slices"
)

// How much of the log is read at once. The first growAfter bytes are read
// firstChunk at a time: most logs end there (4 MiB is the runner's default
// output limit), and a small buffer costs few page faults, each of which
// costs several microseconds in a container or a virtual machine (64 KiB
// instead of 256 KiB saved about 0.7 ms of a 4 MiB diagnosis). A longer log
// is read chunkSize at a time, so that the literal scan runs long stretches
// and the reads are fewer (64 KiB reads cost 6% more on 100 MiB). The
// buffer also grows, up to maxChunk, to hold one line longer than itself.
const (
	firstChunk = 64 << 10
	chunkSize  = 256 << 10
	growAfter  = 4 << 20
	maxChunk   = 1 << 20
)

// MaxLineBytes is the longest line ci-doctor looks at. A longer line (a
// minified bundle, a base64 blob) is read to its end, but only its first
// MaxLineBytes bytes are matched.
const MaxLineBytes = 64 << 10

// Diagnose reads a whole log from r and returns its diagnosis. source names
// the log in the report. Memory does not grow with the size of the log.
// An error is returned only when r fails; a log of any content, even empty
// or binary, gets a Report.
func (m *Matcher) Diagnose(r io.Reader, source string) (*Report, error) {
	s := newRun(m, source)
	if err := s.scan(r); err != nil {
		return nil, err
	}
	rep := s.finish()
	root := rep.RootCause()
	if rep.Job.Status == "succeeded" || s.tail.first > 1 {
		return rep, nil
	}
	// A short log is read again as its tools printed it, with the ASCII
	// text a web page or an editor changed (see plainText) and its wrapped
	// lines joined (see unwrap), when nothing (or only a generic runner
	// failure) explains its failure, or when the line that does is a piece
	// of a wrapped one: the words after the wrap may change the cause (a
	// registry's refusal that is the runner's own pull, a warning).
	specific := root != nil && root.Priority >= minSpecific
	if specific && !mayBeCut(s.tail.buf, root.Line) {
		return rep, nil
	}
	plain, retyped := plainText(s.tail.buf)
	u := unwrap(plain)
	rewrapped := specific && u != nil && u.cutAt(root.Line)
	if specific && !rewrapped || u == nil && !retyped {
		return rep, nil
	}
	text := plain
	if u != nil {
		text = u.text
	}
	again := newRun(m, source)
	if err := again.scan(bytes.NewReader(text)); err != nil {
		return rep, nil
	}
	rep2 := again.finish()
	// A cause read whole replaces one read on a piece. A joined reading
	// that names none has mostly joined what a terminal never cut (two
	// lines that happen to be as long, a table's rows), and the first
	// reading stands; but when the words after the wrap vetoed the first
	// reading's cause (a warning that the tool went on, a retry) in a log
	// that a terminal surely cut, the joined reading was right to name none.
	root2 := rep2.RootCause()
	overruled := root2 == nil && rewrapped && u.sure && again.vetoed(root.ID)
	if root2 == nil && !overruled || root2 != nil && !rewrapped && root != nil && root2.Priority <= root.Priority {
		return rep, nil
	}
	if u != nil {
		rep2.renumber(u)
	}
	rep2.Lines, rep2.Job.LongLines = rep.Lines, rep.Job.LongLines
	if u != nil {
		rep2.Notes = append(rep2.Notes, "some lines of the log were wrapped, and were read joined")
	}
	if retyped {
		rep2.Notes = append(rep2.Notes, "the log's typographic quotes, HTML escapes or no-break spaces were read as the ASCII its tools printed")
	}
	return rep2, nil
}

// minSpecific is the lowest priority of a cause that names what went wrong:
// below it are the runner's generic system failure and the truncated log,
// which a wrapped message may hide a specific cause behind.
const minSpecific = 30

// scan reads r chunk by chunk and hands every candidate line to the run.
// It fills the whole buffer before scanning (a pipe hands over 64 KiB at a
// time), so that regions are the same whatever the reader. A line is always
// scanned whole, unless it is longer than maxChunk: then its start is
// scanned and the rest skipped.
func (s *run) scan(r io.Reader) error {
	buf := make([]byte, firstChunk)
	filled, read := 0, 0
	skipping := false // inside the unread rest of an over-long line
	for {
		if len(buf) < chunkSize && read >= growAfter {
			grown := make([]byte, chunkSize)
			copy(grown, buf[:filled])
			buf = grown
		}
		n, err := io.ReadFull(r, buf[filled:])
		filled += n
		read += n
		if skipping {
			i := bytes.IndexByte(buf[:filled], '\n')
			if i < 0 {
				filled = 0
			} else {
				skipping = false
				s.line++
				filled = copy(buf, buf[i+1:filled])
			}
		}
		if !skipping {
			if last := bytes.LastIndexByte(buf[:filled], '\n'); last >= 0 {
				s.region(buf[:last+1])
				filled = copy(buf, buf[last+1:filled])
			} else if filled == len(buf) && len(buf) < maxChunk {
				// One line fills the buffer: make room for the rest of it.
				// (A full buffer comes with no error, so nothing is lost.)
				grown := make([]byte, 2*len(buf))
				copy(grown, buf)
				buf = grown
				continue
			} else if filled == len(buf) {
				// One line fills the whole buffer: look at its start, skip the rest.
				s.job.LongLines++
				s.region(buf[:MaxLineBytes])
				filled, skipping = 0, true
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			if filled > 0 && !skipping {
				s.region(buf[:filled])
				s.line++
			}
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// region scans complete lines (the last may lack its '\n' at the end of the
// input) and hands each line that holds a literal to the run, in order.
func (s *run) region(b []byte) {
	ls := s.m.lits
	s.short.reset(len(ls.short))
	counted := 0
	for pos := 0; pos < len(b); {
		// The next line with a short literal bounds the gram scan: a long
		// literal before it lies in an earlier line.
		limit, shortAt := len(b), -1
		if q := s.short.next(ls, b, pos); q >= 0 {
			shortAt = q
			limit = bytes.LastIndexByte(b[:q], '\n') + 1
		}
		hit := ls.first(b[:limit], pos)
		if hit < 0 {
			hit = shortAt
		}
		if hit < 0 {
			break
		}
		start := bytes.LastIndexByte(b[:hit], '\n') + 1
		end := bytes.IndexByte(b[hit:], '\n')
		if end < 0 {
			end = len(b)
		} else {
			end += hit
		}
		s.line += bytes.Count(b[counted:start], []byte{'\n'})
		counted = start
		line := b[start:end]
		if len(line) > MaxLineBytes {
			s.job.LongLines++
			line = line[:MaxLineBytes]
		}
		s.candidate(line, b[:start])
		pos = end + 1
	}
	s.line += bytes.Count(b[counted:], []byte{'\n'})
	s.keepTail(b)
}

// first returns where a literal starts in the first line at or after from
// that holds one, or -1. b[from-1], if any, must end a line.
//
// This loop is where a diagnosis spends its time: one 32-bit load, a
// multiplication and a bit test every stride bytes.
func (ls *literalSet) first(b []byte, from int) int {
	stride, f := ls.stride, ls.filter
	for i := from; i+gramLen <= len(b); i += stride {
		g := binary.LittleEndian.Uint32(b[i:]) | fold32
		h := gramHash(g)
		if f[h/64]&(1<<(h%64)) == 0 {
			continue
		}
		for _, r := range ls.bucket(h) {
			if r.gram == g {
				if p := i - int(r.off); p >= from && ls.at(b, p, int(r.lit)) {
					return p
				}
			}
		}
	}
	return -1
}

// bucket returns the registered grams whose hash is h, among others.
func (ls *literalSet) bucket(h uint32) []gramRef {
	k := h >> (filterBits - bucketBits)
	return ls.grams[ls.buckets[k]:ls.buckets[k+1]]
}

// at reports whether literal id occurs at b[p:], ignoring ASCII case.
func (ls *literalSet) at(b []byte, p, id int) bool {
	lit := ls.lits[id]
	if p < 0 || len(b)-p < len(lit) {
		return false
	}
	for k, c := range lit {
		if toLower[b[p+k]] != c {
			return false
		}
	}
	return true
}

// litHit is one occurrence of a literal in a line.
type litHit struct{ lit, start, end int }

// appendAll appends every occurrence of every literal in text, overlapping
// ones included, ordered by where they end, then longest first, then by
// literal id: the order in which an Aho-Corasick automaton reports them.
func (ls *literalSet) appendAll(hits []litHit, text []byte) []litHit {
	f := ls.filter
	for i := 0; i+gramLen <= len(text); i += ls.stride {
		g := binary.LittleEndian.Uint32(text[i:]) | fold32
		h := gramHash(g)
		if f[h/64]&(1<<(h%64)) == 0 {
			continue
		}
		for _, r := range ls.bucket(h) {
			if p := i - int(r.off); r.gram == g && ls.at(text, p, int(r.lit)) {
				hits = append(hits, litHit{lit: int(r.lit), start: p, end: p + len(ls.lits[r.lit])})
			}
		}
	}
	for _, id := range ls.short {
		lit := ls.lits[id]
		for p := 0; ; p++ {
			p = indexFold(text, lit[0], p)
			if p < 0 {
				break
			}
			if ls.at(text, p, id) {
				hits = append(hits, litHit{lit: id, start: p, end: p + len(lit)})
			}
		}
	}
	slices.SortFunc(hits, func(a, b litHit) int {
		return cmp.Or(cmp.Compare(a.end, b.end), cmp.Compare(a.start, b.start), cmp.Compare(a.lit, b.lit))
	})
	return hits
}

// indexFold returns the first index at or after from of the lower-case byte
// c or its upper-case form, or -1.
func indexFold(b []byte, c byte, from int) int {
	i := bytes.IndexByte(b[from:], c)
	if c >= 'a' && c <= 'z' {
		j := bytes.IndexByte(b[from:], c-'a'+'A')
		if i < 0 || (j >= 0 && j < i) {
			i = j
		}
	}
	if i < 0 {
		return -1
	}
	return from + i
}

// shortScan remembers, for each short literal, its next occurrence in the
// current region, so that each is searched for once per region.
type shortScan struct {
	pos []int // -2: not searched yet; -1: none left
}

func (sc *shortScan) reset(n int) {
	sc.pos = slices.Grow(sc.pos[:0], n)[:n]
	for i := range sc.pos {
		sc.pos[i] = -2
	}
}

// next returns where the first short literal at or after from starts, or -1.
func (sc *shortScan) next(ls *literalSet, b []byte, from int) int {
	first := -1
	for k, id := range ls.short {
		p := sc.pos[k]
		if p == -2 || (p >= 0 && p < from) {
			p = -1
			for q := from; ; q++ {
				if q = indexFold(b, ls.lits[id][0], q); q < 0 || ls.at(b, q, id) {
					p = q
					break
				}
			}
			sc.pos[k] = p
		}
		if p >= 0 && (first < 0 || p < first) {
			first = p
		}
	}
	return first
}

var toLower = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if i >= 'A' && i <= 'Z' {
			t[i] = byte(i + 'a' - 'A')
		}
	}
	return t
}()
