// Package ere translates ci-doctor's RE2 patterns into POSIX extended
// regular expressions that both GNU `grep -E -f` and ripgrep's `rg -f`
// accept, so that the benchmark can give grep and ripgrep the same work as
// ci-doctor (see bench/run.sh and `ci-doctor signatures patterns`).
//
// The translation keeps which lines match, with these approximations:
//
//   - Named and non-capturing groups become plain groups; non-greedy
//     repetitions become greedy ones (a line matches either way).
//   - (?i) becomes bracket expressions of the two ASCII cases, [cC]; RE2
//     also folds the Kelvin sign and the long s into k and s, ERE does not.
//   - \d, \s, \w and their negations become [0-9], [[:space:]] and
//     [[:alnum:]_] (with [^...]); [[:space:]] also holds \v, which RE2's \s
//     does not. Characters outside ASCII are dropped from classes (a class
//     of nothing else becomes .), and newlines, which no line holds.
//   - ^ is dropped: ci-doctor anchors a pattern at the start of the visible
//     text, after the runner's timestamp prefix and colour codes, which a
//     raw log line starts with; grep and ripgrep only see the raw line. $
//     is kept.
//   - \A goes like ^, and \z becomes $, the line being the whole text; \b
//     and \B are kept (both tools know them).
//
// ripgrep must run with --no-unicode: RE2's classes and \b are ASCII, and
// ripgrep's Unicode \b makes it fall back from its DFA to an engine that
// took minutes on the benchmark's 100 MiB log.
package ere

import (
	"fmt"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
)

// Translate returns the ERE form of an RE2 pattern.
func Translate(pattern string) (string, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", fmt.Errorf("parsing %q: %w", pattern, err)
	}
	var b strings.Builder
	if err := write(&b, re); err != nil {
		return "", fmt.Errorf("translating %q: %w", pattern, err)
	}
	return b.String(), nil
}

// write appends the ERE form of re.
func write(b *strings.Builder, re *syntax.Regexp) error {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpBeginText:
		// An empty match needs no text; ^ is dropped (see the package doc).
	case syntax.OpEndLine, syntax.OpEndText:
		b.WriteString("$")
	case syntax.OpWordBoundary:
		b.WriteString(`\b`)
	case syntax.OpNoWordBoundary:
		b.WriteString(`\B`)
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		b.WriteString(".")
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			writeLiteral(b, r, re.Flags&syntax.FoldCase != 0)
		}
	case syntax.OpCharClass:
		writeClass(b, re.Rune)
	case syntax.OpCapture:
		b.WriteString("(")
		if err := write(b, re.Sub[0]); err != nil {
			return err
		}
		b.WriteString(")")
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		if err := writeAtom(b, re.Sub[0]); err != nil {
			return err
		}
		switch re.Op {
		case syntax.OpStar:
			b.WriteString("*")
		case syntax.OpPlus:
			b.WriteString("+")
		case syntax.OpQuest:
			b.WriteString("?")
		default:
			switch {
			case re.Max == re.Min:
				fmt.Fprintf(b, "{%d}", re.Min)
			case re.Max < 0:
				fmt.Fprintf(b, "{%d,}", re.Min)
			default:
				fmt.Fprintf(b, "{%d,%d}", re.Min, re.Max)
			}
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpAlternate {
				if err := writeGroup(b, sub); err != nil {
					return err
				}
				continue
			}
			if err := write(b, sub); err != nil {
				return err
			}
		}
	case syntax.OpAlternate:
		for i, sub := range re.Sub {
			if i > 0 {
				b.WriteString("|")
			}
			if err := write(b, sub); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("%v has no ERE form", re.Op)
	}
	return nil
}

// writeAtom writes re so that a repetition applies to all of it.
func writeAtom(b *strings.Builder, re *syntax.Regexp) error {
	single := re.Op == syntax.OpCharClass || re.Op == syntax.OpAnyChar || re.Op == syntax.OpAnyCharNotNL ||
		re.Op == syntax.OpCapture || (re.Op == syntax.OpLiteral && len(re.Rune) == 1 && re.Flags&syntax.FoldCase == 0)
	if single {
		return write(b, re)
	}
	return writeGroup(b, re)
}

func writeGroup(b *strings.Builder, re *syntax.Regexp) error {
	b.WriteString("(")
	if err := write(b, re); err != nil {
		return err
	}
	b.WriteString(")")
	return nil
}

// ereSpecial are the characters an ERE gives a meaning to outside brackets.
const ereSpecial = `.[]()*+?{}|^$\`

func writeLiteral(b *strings.Builder, r rune, fold bool) {
	if fold {
		if lo, up := unicode.ToLower(r), unicode.ToUpper(r); lo != up && lo < unicode.MaxASCII && up < unicode.MaxASCII {
			fmt.Fprintf(b, "[%c%c]", lo, up)
			return
		}
	}
	if r < unicode.MaxASCII && strings.ContainsRune(ereSpecial, r) {
		b.WriteByte('\\')
	}
	b.WriteRune(r)
}

// Named classes that RE2 and ERE share, by their RE2 ranges: \d, \s, \w.
var namedClasses = []struct {
	ranges []rune
	ere    string
}{
	{[]rune{'0', '9'}, "0-9"},
	{[]rune{'\t', '\n', '\f', '\r', ' ', ' '}, "[:space:]"},
	{[]rune{'0', '9', 'A', 'Z', '_', '_', 'a', 'z'}, "[:alnum:]_"},
}

// writeClass writes a bracket expression for RE2's sorted ranges. A class
// that reaches the last code point is written as the negation of the rest.
func writeClass(b *strings.Builder, ranges []rune) {
	negated := len(ranges) > 0 && ranges[len(ranges)-1] == unicode.MaxRune
	if negated {
		ranges = complement(ranges)
	}
	neg := ""
	if negated {
		neg = "^"
	}
	if !negated && ranges[len(ranges)-1] > unicode.MaxASCII {
		// A class that may match a character outside ASCII (a curly
		// quote beside a straight one) would lose it: any character
		// stands in, a superset.
		b.WriteString(".")
		return
	}
	for _, n := range namedClasses {
		if slices.Equal(ranges, n.ranges) {
			b.WriteString("[" + neg + n.ere + "]")
			return
		}
	}
	// ']' goes first and '-' last, where both ERE and ripgrep take them
	// literally, and '^' after the rest; '\' and '[' are escaped for
	// ripgrep (ERE then also admits a backslash: a superset). Characters
	// outside ASCII are left out, and '\n', which no line holds.
	var body strings.Builder
	if hasAll(ranges, "\t\n\f\r ") {
		body.WriteString("[:space:]")
	}
	var bracket, caret, dash bool
	for i := 0; i < len(ranges); i += 2 {
		run := []rune{}
		flush := func() {
			if len(run) >= 3 {
				fmt.Fprintf(&body, "%c-%c", run[0], run[len(run)-1])
			} else {
				body.WriteString(string(run))
			}
			run = run[:0]
		}
		for r := ranges[i]; r <= min(ranges[i+1], unicode.MaxASCII); r++ {
			switch {
			case r == '\n' || (strings.ContainsRune("\t\f\r ", r) && strings.HasPrefix(body.String(), "[:space:]")):
			case r == ']':
				bracket = true
			case r == '^':
				caret = true
			case r == '-':
				dash = true
			case r == '\\' || r == '[':
				flush()
				body.WriteString(`\` + string(r))
				continue
			default:
				run = append(run, r)
				continue
			}
			flush()
		}
		flush()
	}
	inner := body.String()
	if bracket {
		inner = "]" + inner
	}
	if caret {
		if inner == "" && !negated {
			inner = `\^` // a leading ^ would negate
		} else {
			inner += "^"
		}
	}
	if dash {
		inner += "-"
	}
	if inner == "" {
		// Nothing left but characters outside ASCII (or, negated, but a
		// newline): any character stands in.
		b.WriteString(".")
		return
	}
	b.WriteString("[" + neg + inner + "]")
}

// hasAll reports whether the ranges hold every character of chars.
func hasAll(ranges []rune, chars string) bool {
	for _, c := range chars {
		in := false
		for i := 0; i < len(ranges); i += 2 {
			in = in || (ranges[i] <= c && c <= ranges[i+1])
		}
		if !in {
			return false
		}
	}
	return true
}

// complement returns the ranges that ranges leaves out.
func complement(ranges []rune) []rune {
	var out []rune
	next := rune(0)
	for i := 0; i < len(ranges); i += 2 {
		if ranges[i] > next {
			out = append(out, next, ranges[i]-1)
		}
		next = ranges[i+1] + 1
	}
	return out
}
