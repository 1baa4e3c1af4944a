package diagnose

import (
	"encoding/binary"
	"math"
	"regexp/syntax"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/ci-doctor/ci-doctor/signatures"
)

// Matcher is a compiled signature database. Compile it once and use it for
// any number of logs, one at a time or concurrently.
type Matcher struct {
	sigs []*signatures.Signature
	// lits finds every literal of every pattern, plus the markers of the
	// job's structure, case-insensitively. Literal ids below numStructure
	// are the structure markers; the rest select patterns through refs.
	lits *literalSet
	// refs maps each literal to the patterns it selects; literals below
	// numStructure select none and mark the job's structure.
	refs [][]patternRef
	// npatterns counts the patterns of all signatures, for per-line sets.
	npatterns int
	// guards holds each pattern's guard, by patternRef.id, made the first
	// time a line reaches the pattern: most patterns never meet a line.
	guards []lazyGuard
}

// patternRef names one pattern of one signature.
type patternRef struct {
	sig  int
	role signatures.Role
	idx  int
	// id numbers the pattern across the whole database.
	id int
}

// structureLiteral marks a line that says something about the job rather
// than about a failure.
type structureLiteral int

// The lines the scanner always looks at, whatever the signatures. Their
// literals come first in the literal set, in this order.
const (
	litSection structureLiteral = iota // both section markers
	litRunner
	litExecutor
	litPreparing
	litSucceeded
	litFinished
	litFailed
	litCommand
	// A link that a job page left in a pasted line ("status
	// [12](https://...#step:4:13)8") splits the words that a pattern's
	// literal needs: such a line is read whatever it holds, and the
	// normaliser joins the words again before the patterns look.
	litPageLink
	numStructure
)

var structureLiterals = [numStructure]string{
	litSection:   "section_",
	litRunner:    "running with gitlab-runner",
	litExecutor:  "executor with image",
	litPreparing: `preparing the "`,
	litSucceeded: "job succeeded",
	litFinished:  "finished: success",
	litFailed:    "error: job failed",
	litCommand:   "$ ",
	litPageLink:  "](http",
}

// Compile builds a Matcher over the given signatures. It only indexes the
// literals the loader extracted: no automaton is built, so compiling costs
// microseconds whatever the size of the database.
func Compile(sigs []*signatures.Signature) (*Matcher, error) {
	m := &Matcher{sigs: sigs}
	// Sized up front: a database ten times the built-in one has thousands
	// of literals, and growing the map and slices was a third of its
	// compile time, paid at every start.
	n := len(structureLiterals)
	for _, s := range sigs {
		for _, p := range s.Patterns {
			n += len(p.Literals)
		}
	}
	lits := make([]string, len(structureLiterals), n)
	copy(lits, structureLiterals[:])
	m.refs = make([][]patternRef, len(lits), n)
	index := make(map[string]int, n)
	for si, s := range sigs {
		for _, role := range signatures.Roles {
			for pi, p := range s.PatternsOf(role) {
				if role != signatures.RoleTrigger && role != signatures.RoleNear && s.Window == 0 && p.Within == 0 {
					// It can only matter on a trigger's own line, where
					// sigState.sameLine tries it: the scan need not look
					// for it, and its literals (often short words such as
					// "dind") would slow it down. An unless with its own
					// reach is looked for on the lines around.
					continue
				}
				ref := patternRef{sig: si, role: role, idx: pi, id: m.npatterns}
				m.npatterns++
				for _, lit := range p.Literals {
					li, ok := index[lit]
					if !ok {
						li = len(lits)
						index[lit] = li
						lits = append(lits, lit)
						m.refs = append(m.refs, nil)
					}
					m.refs[li] = append(m.refs[li], ref)
				}
			}
		}
	}
	m.guards = make([]lazyGuard, m.npatterns)
	m.lits = newLiteralSet(lits)
	return m, nil
}

// Signatures returns the signatures the Matcher was compiled from.
func (m *Matcher) Signatures() []*signatures.Signature { return m.sigs }

// Literals returns the literals the prefilter scans for on behalf of the
// signatures (each once), so that other tools can be given the same work:
// the benchmark feeds them to grep and ripgrep.
func (m *Matcher) Literals() []string {
	var out []string
	for _, l := range m.lits.lits[numStructure:] {
		out = append(out, string(l))
	}
	return out
}

// signature returns the signature with the given id, or nil.
func (m *Matcher) signature(id string) *signatures.Signature {
	for _, s := range m.sigs {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// literalSet finds lower-case literals in text, ignoring the case of ASCII
// letters, at a cost per byte that does not grow with the number of
// literals.
//
// It is a sampled q-gram filter. Every literal of gramLen bytes or more
// registers stride consecutive 4-byte grams of itself (the rarest such
// window) in a bit set; the scan tests one position in stride, so any
// occurrence of a literal puts one of its registered grams on a tested
// position. A tested position whose gram is in the set is then checked
// exactly against the literals that registered that gram. Grams are
// case-folded by OR-ing 0x20 into every byte, which maps 'A' and 'a' (and a
// few punctuation pairs) together: a superset that the exact check settles.
// The few literals shorter than stride+gramLen-1 (the "$ " marker) are found
// with bytes.IndexByte on their first byte.
//
// It replaces an Aho-Corasick automaton (github.com/coregx/ahocorasick) that
// ran at ~60 MB/s on generated logs: after a lower-casing pass over each
// chunk, every search for the next candidate line looked for each of the
// literals' first bytes up to the end of the chunk, then stepped through
// the automaton byte by byte. This loop tests one 4-byte gram every stride
// bytes and runs at 2 GB/s and more.
type literalSet struct {
	lits [][]byte
	// stride is the distance between tested positions: the length of the
	// shortest long literal minus gramLen-1.
	stride int
	filter *[filterWords]uint64
	// buckets[b]..buckets[b+1] index the grams of bucket b in grams.
	buckets []uint32
	grams   []gramRef
	// short are the literals too short for the gram filter.
	short []int
}

// gramLen is the length of the grams the filter tests: one unaligned
// 32-bit load.
const gramLen = 4

// maxStride bounds the stride: a larger one registers more grams per
// literal and fills the filter.
const maxStride = 4

// filterBits is log2 of the filter's size: 2^19 bits, 64 KiB. The built-in
// database sets 0.3% of them and one ten times as large 1.9%; in a 16 KiB
// filter that one set 7.5%, and every position whose bit is set is one the
// scan must look up. At 64 KiB the ten-fold database scans a third faster
// (880 to 1,160 MB/s on 32 MiB) and the built-in one as fast as at 16 KiB,
// the filter staying in the L2 cache (a second hash per gram, tried, gained
// nothing measurable).
const filterBits = 19

const filterWords = 1 << filterBits / 64

// bucketBits is log2 of the number of buckets of registered grams.
const bucketBits = 12

// fold32 case-folds four bytes at once for the filter.
const fold32 = 0x20202020

// gramRef is a gram that one literal registered: the literal holds the
// folded gram at offset off.
type gramRef struct {
	gram uint32
	lit  int32
	off  int32
}

// gramHash maps a folded gram to a bit of the filter.
func gramHash(g uint32) uint32 { return (g * 0x9E3779B1) >> (32 - filterBits) }

func newLiteralSet(lits []string) *literalSet {
	ls := &literalSet{filter: new([filterWords]uint64), stride: maxStride}
	// The literals share one backing array and the grams are sized up
	// front: thousands of small allocations were a quarter of compiling a
	// database ten times the built-in one.
	size := 0
	for _, l := range lits {
		size += len(l)
	}
	backing := make([]byte, 0, size)
	ls.lits = make([][]byte, 0, len(lits))
	for _, l := range lits {
		backing = append(backing, l...)
		ls.lits = append(ls.lits, backing[len(backing)-len(l):len(backing):len(backing)])
		if len(l) >= gramLen {
			ls.stride = min(ls.stride, len(l)-gramLen+1)
		}
	}
	refs := make([]gramRef, 0, len(lits)*ls.stride)
	for id, l := range ls.lits {
		if len(l) < gramLen+ls.stride-1 {
			ls.short = append(ls.short, id)
			continue
		}
		k := rarestWindow(l, ls.stride)
		for off := k; off < k+ls.stride; off++ {
			g := binary.LittleEndian.Uint32(l[off:]) | fold32
			h := gramHash(g)
			ls.filter[h/64] |= 1 << (h % 64)
			refs = append(refs, gramRef{gram: g, lit: int32(id), off: int32(off)})
		}
	}
	// A counting sort by bucket: stable, and linear in the number of grams.
	bucket := func(r gramRef) uint32 { return gramHash(r.gram) >> (filterBits - bucketBits) }
	ls.buckets = make([]uint32, 1<<bucketBits+1)
	for _, r := range refs {
		ls.buckets[bucket(r)+1]++
	}
	for i := 1; i < len(ls.buckets); i++ {
		ls.buckets[i] += ls.buckets[i-1]
	}
	ls.grams = make([]gramRef, len(refs))
	next := slices.Clone(ls.buckets[:len(ls.buckets)-1])
	for _, r := range refs {
		b := bucket(r)
		ls.grams[next[b]] = r
		next[b]++
	}
	return ls
}

// rarestWindow returns the offset of the stride consecutive grams of lit
// that are expected to occur least often in a log. It keeps the last
// stride grams' frequencies in a ring rather than a slice of them all:
// Compile calls it for every literal of the database, and a database ten
// times the built-in one has fourteen thousand. Each frequency is written
// twice, stride apart, so that the window is one run of the ring, summed
// from its oldest gram to its newest without a division per gram (that
// was two thirds of compiling such a database). The sum is made anew at
// each gram, in that order, rather than slid: equally rare windows must
// compare equal, and the first of them is kept (a sliding sum differs in
// its last bits, and the windows it chose made the scan a tenth slower).
func rarestWindow(lit []byte, stride int) int {
	common := commonGrams()
	var ring [2 * maxStride]float64
	best, bestScore := 0, math.Inf(1)
	for i := 0; i+gramLen <= len(lit); i++ {
		// f is the expected frequency of the gram at i.
		f := 1.0
		if !common.has(binary.LittleEndian.Uint32(lit[i:]) | fold32) {
			f = byteFrequency[lit[i]] * byteFrequency[lit[i+1]] * byteFrequency[lit[i+2]] * byteFrequency[lit[i+3]]
		}
		slot := i % stride
		ring[slot], ring[slot+stride] = f, f
		k := i - stride + 1
		if k < 0 {
			continue
		}
		score := 0.0
		for _, g := range ring[slot+1 : slot+1+stride] {
			score += g
		}
		if score < bestScore {
			best, bestScore = k, score
		}
	}
	return best
}

// commonWords are frequent in CI logs: URLs, BuildKit's and npm's progress,
// Docker and GitLab words. The letters of "https://" or "[build 2/5]" are
// each rare enough, but the words are on thousands of lines of a log, so
// rarestWindow registers a gram of them only when the literal has no other.
// On a generated 32 MiB log this took the tested positions whose gram is a
// registered one from 430,000 to 40,000 with the built-in database, and
// from 2.7 million to 400,000 with ten times as many signatures. The
// second group came with the signatures of real logs' wordings ("module
// version mismatch", "out of memory", "not supported"): on a generated 4 MiB
// log it took the positions whose gram is a registered one from 475,000
// to about 100,000 with the ten-fold database.
var commonWords = []string{
	"https://", "http://", "registry", "docker", "build", "image", "layer", "sha256:",
	"digest", "download", "install", "package", "error", "warn", "info", "debug", "done",
	"running", "section_", "script", "npm ", "node", "test", "cached", "exporting",
	"resolve", "pulling", "connect", "request", "status", "failed", "the ", " to ",
	// words of build and test output that signatures' messages share
	"module", "version", "memory", "support", "platform", "process", "expect", "copy",
	"daemon", "start", "waiting", "container", "fatal", "from ", "with ", " not ", " is ",
	" for ", " out ", " of ", "read", "file", "mount", "over ", "ing ", "comp", "progress",
	"return", "loading", " mem", ".js ",
}

// commonGrams are the folded grams of commonWords.
var commonGrams = sync.OnceValue(func() *gramSet {
	s := new(gramSet)
	for _, w := range commonWords {
		for i := 0; i+gramLen <= len(w); i++ {
			s.add(binary.LittleEndian.Uint32([]byte(w[i:])) | fold32)
		}
	}
	return s
})

// gramSet is a small set of folded grams, an open-addressing table: a
// database ten times the built-in one asks about every gram of its
// literals at each start, and a Go map's lookups were most of the time it
// took to compile. A folded gram is never 0 (each byte has 0x20 set), so
// 0 marks an empty slot.
type gramSet [1 << gramSetBits]uint32

// gramSetBits is log2 of the table's size: about 250 common grams fill one
// slot in sixteen, so a lookup mostly reads one slot.
const gramSetBits = 12

// gramSetSlot is the slot where g's probe starts: the top bits of its
// filter hash, as a bucket's are.
func gramSetSlot(g uint32) uint32 { return gramHash(g) >> (filterBits - gramSetBits) }

// add puts g in the set.
func (s *gramSet) add(g uint32) {
	for h := gramSetSlot(g); ; h = (h + 1) % uint32(len(s)) {
		if s[h] == 0 || s[h] == g {
			s[h] = g
			return
		}
	}
}

// has reports whether g is in the set.
func (s *gramSet) has(g uint32) bool {
	for h := gramSetSlot(g); ; h = (h + 1) % uint32(len(s)) {
		switch s[h] {
		case g:
			return true
		case 0:
			return false
		}
	}
}

// byteFrequency is a rough share of each lower-cased byte in CI logs:
// English text, paths and URLs, timestamps and hex digits. It only has to
// rank grams, so that the filter registers the rare ones.
var byteFrequency = func() (t [256]float64) {
	const letters = "etaoinsrhldcumpfgwybvkxjqz" // most frequent first
	for c := range t {
		switch {
		case c == ' ':
			t[c] = 0.15
		case c >= '0' && c <= '9':
			t[c] = 0.02
		case c == '.' || c == '/' || c == '-':
			t[c] = 0.015
		case c == ':' || c == '_' || c == '=' || c == ',':
			t[c] = 0.008
		case c >= 0x80:
			t[c] = 0.002
		default:
			t[c] = 0.003
		}
	}
	for i := range len(letters) {
		t[letters[i]] = 0.07 / float64(i/2+1)
	}
	return t
}()

// guard is a cheap necessary condition of a pattern: every match of the
// pattern contains, for each set of the guard, one of the set's strings.
// The prefilter's literals only say that a line may match; on lines that
// hold a literal but are no match (every URL holds "https://") the guard
// spares the regular expression, which costs a microsecond or more.
type guard []factorSet

// factorSet is one set of a guard, with the first bytes of its strings'
// lower forms, so that one pass over a line tries them all.
type factorSet struct {
	factors []factor
	starts  [256]bool
}

// lazyGuard is a guard made on first use, safely for concurrent runs.
type lazyGuard struct {
	once sync.Once
	g    guard
}

// get returns the guard of pattern p, making it the first time.
func (lg *lazyGuard) get(p *signatures.Pattern) guard {
	lg.once.Do(func() { lg.g = guardOf(p.Source) })
	return lg.g
}

// factor is a string that a match contains, compared case-insensitively
// (with Unicode simple folding, as RE2's (?i) does) when fold is set.
type factor struct {
	s    []byte
	fold bool
	// lower is s with its ASCII letters lower-cased and, when fold is set,
	// each character replaced by the lower-case ASCII character among its
	// case variants, if there is one: a line whose ASCII letters are
	// lower-cased holds lower where it holds s (or, folded, a variant of
	// s, provided the variants are all ASCII (asciiFold) or the line is).
	lower     []byte
	asciiFold bool
}

// maxGuardSets bounds the sets of a guard, maxFactors the strings of a
// set: beyond that a guard costs more than it saves.
const (
	maxGuardSets = 3
	maxFactors   = 16
)

// minFactor is the shortest string a guard checks: shorter ones are in
// nearly every line.
const minFactor = 3

// guardOf returns the guard of an RE2 pattern; a pattern without useful
// factors gets an empty guard, which admits every line.
func guardOf(src string) guard {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil // the loader has compiled src already: unreachable
	}
	sets := required(re.Simplify())
	slices.SortStableFunc(sets, func(a, b []factor) int { return shortestFactor(b) - shortestFactor(a) })
	g := make(guard, min(len(sets), maxGuardSets))
	for i := range g {
		g[i].factors = sets[i]
		for _, f := range sets[i] {
			g[i].starts[f.lower[0]] = true
		}
	}
	return g
}

func shortestFactor(set []factor) int {
	n := math.MaxInt
	for _, f := range set {
		n = min(n, len(f.s))
	}
	return n
}

// required returns sets of strings of which every match of re contains one
// of each set.
func required(re *syntax.Regexp) [][]factor {
	if set := exact(re); set != nil {
		if useful(set) {
			return [][]factor{set}
		}
		return nil
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min > 0 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		// Runs of subexpressions with finite languages multiply into one
		// set ("get|head" then " " gives "get ", "head "); the rest bring
		// their own sets.
		var sets [][]factor
		var run []factor
		flush := func() {
			if useful(run) {
				sets = append(sets, run)
			}
			run = nil
		}
		for _, sub := range re.Sub {
			set := exact(sub)
			if set == nil {
				flush()
				sets = append(sets, required(sub)...)
				continue
			}
			if run == nil {
				run = set
			} else if next := product(run, set); next != nil {
				run = next
			} else {
				flush()
				run = set
			}
		}
		flush()
		return sets
	case syntax.OpAlternate:
		// Each branch must bring a set; a match contains a string of one
		// of them.
		var union []factor
		for _, sub := range re.Sub {
			sets := required(sub)
			if len(sets) == 0 {
				return nil
			}
			best := sets[0]
			for _, s := range sets[1:] {
				if shortestFactor(s) > shortestFactor(best) {
					best = s
				}
			}
			union = append(union, best...)
		}
		if len(union) > maxFactors {
			return nil
		}
		return [][]factor{union}
	}
	return nil
}

func useful(set []factor) bool {
	return len(set) > 0 && shortestFactor(set) >= minFactor
}

// exact returns every string re matches when there are few of them (anchors
// and word boundaries count as empty), or nil.
func exact(re *syntax.Regexp) []factor {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []factor{{}}
	case syntax.OpLiteral:
		return []factor{newFactor(string(re.Rune), re.Flags&syntax.FoldCase != 0)}
	case syntax.OpCharClass:
		// A small class such as [Oo] or [.:/].
		var set []factor
		for i := 0; i < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(set) == 4 {
					return nil
				}
				set = append(set, newFactor(string(r), false))
			}
		}
		return set
	case syntax.OpCapture:
		return exact(re.Sub[0])
	case syntax.OpQuest:
		if set := exact(re.Sub[0]); set != nil && len(set) < maxFactors {
			return append(set, factor{})
		}
	case syntax.OpAlternate:
		var union []factor
		for _, sub := range re.Sub {
			set := exact(sub)
			if set == nil || len(union)+len(set) > maxFactors {
				return nil
			}
			union = append(union, set...)
		}
		return union
	case syntax.OpConcat:
		set := []factor{{}}
		for _, sub := range re.Sub {
			next := exact(sub)
			if next == nil {
				return nil
			}
			if set = product(set, next); set == nil {
				return nil
			}
		}
		return set
	}
	return nil
}

// product returns every string of a followed by one of b, or nil when there
// are too many or when a case-sensitive string would meet a folded one.
func product(a, b []factor) []factor {
	if len(a)*len(b) > maxFactors {
		return nil
	}
	var out []factor
	for _, x := range a {
		for _, y := range b {
			if len(x.s) > 0 && len(y.s) > 0 && x.fold != y.fold {
				return nil
			}
			out = append(out, newFactor(string(x.s)+string(y.s), x.fold || y.fold))
		}
	}
	return out
}

func newFactor(s string, fold bool) factor {
	f := factor{s: []byte(s), fold: fold}
	if !fold {
		for _, c := range f.s {
			f.lower = append(f.lower, toLower[c])
		}
		return f
	}
	f.asciiFold = true
	for _, r := range s {
		c := r
		for v := unicode.SimpleFold(r); v != r; v = unicode.SimpleFold(v) {
			if v < utf8.RuneSelf {
				c = rune(toLower[v])
			} else {
				f.asciiFold = false
			}
		}
		if c < utf8.RuneSelf {
			c = rune(toLower[c])
		}
		f.lower = utf8.AppendRune(f.lower, c)
	}
	return f
}
