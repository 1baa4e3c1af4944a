package signatures

import (
	"regexp/syntax"
	"strings"
)

// minLiteral is the shortest literal the prefilter accepts. Shorter ones
// ("err", "401") occur on so many lines that the prefilter would stop
// filtering and every regular expression would run on most of the log.
const minLiteral = 4

// requiredLiterals returns lower-case strings of which every match of re
// contains at least one, or nil when no such set of useful literals exists.
// It is the classic "required factors" analysis: a concatenation needs only
// its best factor, an alternation needs one factor of each branch.
func requiredLiterals(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		s := strings.ToLower(string(re.Rune))
		if len(s) < minLiteral {
			return nil
		}
		return []string{s}
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min == 0 {
			return nil
		}
		return requiredLiterals(re.Sub[0])
	case syntax.OpConcat:
		var best []string
		for _, sub := range re.Sub {
			if lits := requiredLiterals(sub); lits != nil && better(lits, best) {
				best = lits
			}
		}
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			lits := requiredLiterals(sub)
			if lits == nil {
				return nil
			}
			all = append(all, lits...)
		}
		return all
	default:
		return nil
	}
}

// better prefers the set whose shortest literal is longest: a long literal
// selects fewer lines, and the shortest member decides how many.
func better(a, b []string) bool {
	if b == nil {
		return true
	}
	return shortest(a) > shortest(b)
}

func shortest(lits []string) int {
	n := -1
	for _, l := range lits {
		if n < 0 || len(l) < n {
			n = len(l)
		}
	}
	return n
}
