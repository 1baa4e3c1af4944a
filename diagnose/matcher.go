package diagnose

import (
	"encoding/binary"
	"math"
	"slices"

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
	litFailed
	litCommand
	numStructure
)

var structureLiterals = [numStructure]string{
	litSection:   "section_",
	litRunner:    "running with gitlab-runner",
	litExecutor:  "executor with image",
	litPreparing: `preparing the "`,
	litSucceeded: "job succeeded",
	litFailed:    "error: job failed",
	litCommand:   "$ ",
}

// Compile builds a Matcher over the given signatures. It only indexes the
// literals the loader extracted: no automaton is built, so compiling costs
// microseconds whatever the size of the database.
func Compile(sigs []*signatures.Signature) (*Matcher, error) {
	m := &Matcher{sigs: sigs}
	lits := append([]string(nil), structureLiterals[:]...)
	m.refs = make([][]patternRef, len(lits))
	index := map[string]int{}
	for si, s := range sigs {
		for _, role := range []signatures.Role{signatures.RoleTrigger, signatures.RoleRequire, signatures.RoleCapture, signatures.RoleUnless} {
			for pi, p := range s.PatternsOf(role) {
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
// This replaces an Aho-Corasick automaton, whose per-byte state transitions
// (and separate lower-casing pass) ran at ~60 MB/s on real logs, while this
// loop tests a 4-byte gram every stride bytes.
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

// filterBits is log2 of the filter's size: 2^17 bits, 16 KiB, which stays
// in the L1 cache and is under 2% full with a database ten times the
// built-in one.
const filterBits = 17

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
	for _, l := range lits {
		ls.lits = append(ls.lits, []byte(l))
		if len(l) >= gramLen {
			ls.stride = min(ls.stride, len(l)-gramLen+1)
		}
	}
	var refs []gramRef
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
	bucket := func(r gramRef) uint32 { return gramHash(r.gram) >> (filterBits - bucketBits) }
	slices.SortStableFunc(refs, func(a, b gramRef) int { return int(bucket(a)) - int(bucket(b)) })
	ls.grams = refs
	ls.buckets = make([]uint32, 1<<bucketBits+1)
	for _, r := range refs {
		ls.buckets[bucket(r)+1]++
	}
	for i := 1; i < len(ls.buckets); i++ {
		ls.buckets[i] += ls.buckets[i-1]
	}
	return ls
}

// rarestWindow returns the offset of the stride consecutive grams of lit
// that are expected to occur least often in a log.
func rarestWindow(lit []byte, stride int) int {
	best, bestScore := 0, math.Inf(1)
	for k := 0; k+stride-1+gramLen <= len(lit); k++ {
		score := 0.0
		for off := k; off < k+stride; off++ {
			p := 1.0
			for _, c := range lit[off : off+gramLen] {
				p *= byteFrequency(c)
			}
			score += p
		}
		if score < bestScore {
			best, bestScore = k, score
		}
	}
	return best
}

// byteFrequency is a rough share of a lower-cased byte in CI logs: English
// text, paths and URLs, timestamps and hex digits. It only has to rank
// grams, so that the filter registers the rare ones.
func byteFrequency(c byte) float64 {
	const common = "etaoinsrhldcumpfgwybvkxjqz"
	switch {
	case c == ' ':
		return 0.15
	case c >= 'a' && c <= 'z':
		for i := range len(common) {
			if common[i] == c {
				return 0.07 / float64(i/2+1)
			}
		}
	case c >= '0' && c <= '9':
		return 0.02
	case c == '.' || c == '/' || c == '-':
		return 0.015
	case c == ':' || c == '_' || c == '=' || c == ',':
		return 0.008
	case c >= 0x80:
		return 0.002
	}
	return 0.003
}
