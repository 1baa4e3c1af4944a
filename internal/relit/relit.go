// Package relit finds the required literals of a regular expression:
// strings of which every match contains at least one. A caller that keeps
// many expressions (ci-doctor's signatures, the redaction rules) searches
// the text for these strings first, which is far cheaper than running an
// expression, and runs only the expressions whose literals it found.
//
// The strings are what lower-casing makes of a match, and the text must be
// lower-cased too: rune by rune (strings.ToLower, bytes.ToLower) or only in
// its ASCII letters, which is cheaper. Either way is sound: where the two
// differ (the Kelvin sign K, which only unicode.ToLower turns into k; a
// capital É), the strings hold both forms.
package relit

import (
	"math"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
)

// Required returns lower-cased strings of which every match of re contains
// at least one, or nil when there is no such set whose every member has at
// least min bytes. re is best simplified (syntax.Parse with syntax.Perl,
// the flags of regexp.Compile, then Simplify): counted repetitions become
// the concatenations this analysis looks into.
//
// It is the classic "required factors" analysis: a concatenation needs only
// its best factor, an alternation needs one factor of each branch, and the
// best set is the one that lets the least text through (see best). Factors
// side by side are joined too, through the finite sets of strings that
// small subexpressions match (literals, small classes, optional parts and
// alternations of them): \bgl(?:pat|dt|rt)- has no literal of three bytes,
// but every match holds glpat-, gldt- or glrt-.
func Required(re *syntax.Regexp, min int) []string {
	req := analyse(re, max(min, 1)).req
	// A member that holds another lets through no text the other does not:
	// "authorization" is enough without "authorization:".
	var out []string
	for _, s := range req {
		if !slices.ContainsFunc(req, func(t string) bool { return t != s && strings.Contains(s, t) }) {
			out = append(out, s)
		}
	}
	return out
}

// maxSet bounds the sets of strings built by joining factors: [abc][abc]
// already makes nine, and a longer run of classes grows exponentially.
const maxSet = 32

// info is what the analysis knows of a subexpression; every set holds
// lower-case strings.
type info struct {
	// exact, when isExact, is every string the subexpression matches.
	exact   []string
	isExact bool
	// Every match starts with a member of prefix and ends with a member of
	// suffix; {""} when nothing is known.
	prefix, suffix []string
	// req is the best set of which every match contains a member and whose
	// every member has at least min bytes; nil when there is none.
	req []string
}

var (
	// empty is the set of the empty string, shared as sets are never
	// changed once made.
	empty   = []string{""}
	unknown = info{prefix: empty, suffix: empty}
)

func analyse(re *syntax.Regexp, min int) info {
	switch re.Op {
	case syntax.OpLiteral:
		return literal(re.Rune, re.Flags&syntax.FoldCase != 0, min)
	case syntax.OpCharClass:
		return class(re.Rune, min)
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		// Assertions take no text: what stands on either side of them
		// is side by side in the text.
		return exactly(empty, min)
	case syntax.OpCapture:
		return analyse(re.Sub[0], min)
	case syntax.OpQuest:
		if sub := analyse(re.Sub[0], min); sub.isExact {
			if e := union(sub.exact, empty, maxSet); e != nil {
				return exactly(e, min)
			}
		}
		return unknown
	case syntax.OpPlus:
		return atLeastOnce(analyse(re.Sub[0], min))
	case syntax.OpRepeat:
		if re.Min == 0 {
			return unknown
		}
		return atLeastOnce(analyse(re.Sub[0], min))
	case syntax.OpConcat:
		out := analyse(re.Sub[0], min)
		for _, sub := range re.Sub[1:] {
			out = concat(out, analyse(sub, min), min)
		}
		return out
	case syntax.OpAlternate:
		out := analyse(re.Sub[0], min)
		for _, sub := range re.Sub[1:] {
			out = alternate(out, analyse(sub, min), min)
		}
		return out
	default:
		return unknown
	}
}

// literal is a literal string. The text is lower-cased rune by rune, either
// by unicode.ToLower or only in its ASCII letters, and a position of the
// literal may hold any rune it matches: under (?i), every case variant of
// its rune (unicode.SimpleFold's orbit). So each position stands for the
// lower-case forms of those runes, by both kinds of lower-casing: one
// string for most, but (?i)k is k or the Kelvin sign K, which ASCII
// lower-casing leaves as it is, (?i)s is s or the long s ſ, already lower
// case, and without (?i) a non-ASCII capital is itself or its lower case.
// Such a position is a small set that the analysis joins with its
// neighbours, as it joins a class: "oomkilled" and "oomKilled" for
// (?i)OOMKilled.
func literal(runes []rune, fold bool, min int) info {
	out := exactly(empty, min)
	var run []rune
	for _, r := range runes {
		forms := lowerForms(r, fold)
		if len(forms) == 1 {
			run = append(run, forms[0])
			continue
		}
		set := make([]string, len(forms))
		for i, f := range forms {
			set[i] = string(f)
		}
		out = concat(concat(out, exactly([]string{string(run)}, min), min), exactly(set, min), min)
		run = run[:0]
	}
	return concat(out, exactly([]string{string(run)}, min), min)
}

// lowerForms returns what a position of literal rune r becomes in the
// lower-cased text: the lower case of each rune it matches (r, or under
// fold its case variants), by unicode.ToLower and by ASCII lower-casing.
func lowerForms(r rune, fold bool) []rune {
	var forms []rune
	for v := r; ; {
		for _, f := range []rune{unicode.ToLower(v), asciiLower(v)} {
			if !slices.Contains(forms, f) {
				forms = append(forms, f)
			}
		}
		if !fold {
			return forms
		}
		if v = unicode.SimpleFold(v); v == r {
			return forms
		}
	}
}

// class is a character class: a few characters are a set to join with
// the factors around it.
func class(ranges []rune, min int) info {
	n := 0
	for i := 0; i < len(ranges); i += 2 {
		n += int(ranges[i+1]-ranges[i]) + 1
	}
	if n == 0 || n > maxSet {
		return unknown
	}
	// The class lists its case variants itself: (?i)k is [Kk\x{212A}].
	var set []string
	for i := 0; i < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1]; r++ {
			for _, f := range lowerForms(r, false) {
				if !slices.Contains(set, string(f)) {
					set = append(set, string(f))
				}
			}
		}
	}
	return exactly(set, min)
}

func exactly(set []string, min int) info {
	return info{exact: set, isExact: true, prefix: set, suffix: set, req: best(min, set)}
}

// atLeastOnce is x+ (or x{2,}) from x: its matches start and end like x's
// and hold what x's do.
func atLeastOnce(x info) info {
	return info{prefix: x.prefix, suffix: x.suffix, req: x.req}
}

// concat is xy: a match holds what x's or y's do, and x's suffix joined
// to y's prefix.
func concat(x, y info, min int) info {
	if x.isExact && y.isExact {
		if e := cross(x.exact, y.exact); e != nil {
			out := exactly(e, min)
			out.req = best(min, x.req, y.req, e)
			return out
		}
	}
	out := info{prefix: x.prefix, suffix: y.suffix}
	if x.isExact {
		if p := cross(x.exact, y.prefix); p != nil {
			out.prefix = p
		}
	}
	if y.isExact {
		if s := cross(x.suffix, y.exact); s != nil {
			out.suffix = s
		}
	}
	out.req = best(min, x.req, y.req, cross(x.suffix, y.prefix), out.prefix, out.suffix)
	return out
}

// alternate is x|y: a match holds what x's or y's do.
func alternate(x, y info, min int) info {
	var req []string
	if x.req != nil && y.req != nil {
		// As many members as the branches have: no bound needed.
		req = union(x.req, y.req, -1)
	}
	if x.isExact && y.isExact {
		if e := union(x.exact, y.exact, maxSet); e != nil {
			out := exactly(e, min)
			out.req = best(min, req, e)
			return out
		}
	}
	out := info{prefix: loose(union(x.prefix, y.prefix, maxSet)), suffix: loose(union(x.suffix, y.suffix, maxSet))}
	out.req = best(min, req, out.prefix, out.suffix)
	return out
}

// cross returns every member of a followed by every member of b, or nil
// when they would be more than maxSet.
func cross(a, b []string) []string {
	switch {
	case len(a) == 1 && a[0] == "":
		return b
	case len(b) == 1 && b[0] == "":
		return a
	case len(a)*len(b) > maxSet:
		return nil
	}
	out := make([]string, 0, len(a)*len(b))
	for _, s := range a {
		for _, t := range b {
			if st := s + t; !slices.Contains(out, st) {
				out = append(out, st)
			}
		}
	}
	return out
}

// union returns the members of a and of b, or nil when they are more than
// limit (limit < 0: no limit).
func union(a, b []string, limit int) []string {
	out := append(make([]string, 0, len(a)+len(b)), a...)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if limit >= 0 && len(out) > limit {
		return nil
	}
	return out
}

// loose makes a prefix or suffix set of a union: none known when it grew
// too large, or when one member is empty.
func loose(set []string) []string {
	if set == nil || slices.Contains(set, "") {
		return empty
	}
	return set
}

// best returns the first of the sets that lets the least text through
// (see better), among those whose every member has at least min bytes.
// Empty sets are skipped.
func best(min int, sets ...[]string) []string {
	var out []string
	for _, s := range sets {
		if len(s) > 0 && shortest(s) >= min && (out == nil || better(s, out)) {
			out = s
		}
	}
	return out
}

// better reports whether a lets less text through than b. The shortest
// member decides how much a set lets through: a byte of it is worth about
// two bits (text is far from random), up to sixteen bytes; every member
// lets more through. The cap is high because CI logs are full of common
// strings of eight bytes or so ("https://", "$ docker"), which a literal
// set of a few longer members ("get https://", "post https://") skips:
// it made the diagnosis of a generated log nearly twice as fast as a cap of
// eight. So one ":ab" beats ten "0:ab" to "9:ab", and four "job failed:
// exit code 137" and the like beat one "exit code 137". Else the longer
// shortest member wins, as in the classic analysis.
func better(a, b []string) bool {
	worth := func(set []string) float64 {
		return 2*float64(min(shortest(set), 16)) - math.Log2(float64(len(set)))
	}
	if wa, wb := worth(a), worth(b); wa != wb {
		return wa > wb
	}
	return shortest(a) > shortest(b)
}

func shortest(set []string) int {
	n := len(set[0])
	for _, s := range set[1:] {
		n = min(n, len(s))
	}
	return n
}

func asciiLower(r rune) rune {
	if 'A' <= r && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}
