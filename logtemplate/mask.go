package logtemplate

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The placeholders Mask writes. Each kind has its own, so that a template
// still says what stood there and Cluster never confuses a path with a
// number.
const (
	phTime   = "<TIME>"
	phDur    = "<DUR>"
	phHex    = "<HEX>"
	phUUID   = "<UUID>"
	phID     = "<ID>"
	phIP     = "<IP>"
	phURL    = "<URL>"
	phEmail  = "<EMAIL>"
	phHost   = "<HOST>"
	phPath   = "<PATH>"
	phImage  = "<IMAGE>"
	phNum    = "<NUM>"
	phQuoted = "<QUOTED>"
)

// rule replaces what re matches with ph. accept, when set, looks at the
// text around a match and may shorten it (returning its new end); a match
// it refuses stays as it is. The regular expressions cannot look around
// (RE2 has no lookbehind), so that is where "not inside a word" is checked.
//
// need, when set, lists strings one of which every match holds: a line
// with none of them is skipped without running re, which for the
// expressions with optional parts before their first sure character is
// most of Mask's time.
type rule struct {
	re     *regexp.Regexp
	ph     string
	accept func(s string, i, j int) (int, bool)
	need   []string
}

// rules run in this order: each sees what the ones before it left, so the
// parts that hold other parts go first (a URL holds a host, a path and
// numbers; a time holds numbers and colons; an image reference a host and
// a digest; a path a UUID), and quoted strings go last,
// when what they hold has been masked and a single placeholder or a short
// word can be told from a varying name. They are compiled on first use: a
// program that masks no line (every `ci-doctor diagnose`) pays nothing.
var rules = sync.OnceValue(func() []rule {
	return []rule{
		{re: regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>` + "`" + `‘’“”]+|[\w.-]+@[\w.-]+\.[A-Za-z]+:[\w./~-]+`), ph: phURL, accept: trimTrailing(".,;:!?)]}"), need: []string{"://", "@"}},
		{re: regexp.MustCompile(`[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b`), ph: phEmail, need: []string{"@"}},
		{re: regexp.MustCompile(timeREs[0]), ph: phTime, accept: notInWord},
		{re: regexp.MustCompile(timeREs[1]), ph: phTime, accept: notInWord, need: months},
		{re: regexp.MustCompile(timeREs[2]), ph: phTime, accept: notInWord},
		{re: regexp.MustCompile(ipv4RE + `|` + ipv6RE), ph: phIP, accept: ip},
		{re: regexp.MustCompile(imageRE), ph: phImage, accept: image},
		{re: regexp.MustCompile(pathRE), ph: phPath, accept: path},
		{re: regexp.MustCompile(hostRE), ph: phHost, accept: host},
		{re: regexp.MustCompile(`(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`), ph: phUUID, accept: notInWord},
		{re: regexp.MustCompile(digestRE), ph: phHex},
		{re: regexp.MustCompile(`0x[0-9a-fA-F]+|[0-9a-f]{7,}|[0-9A-F]{7,}`), ph: phHex, accept: hexID},
		{re: regexp.MustCompile(`[A-Za-z0-9]{16,}`), ph: phID, accept: randomID},
		{re: regexp.MustCompile(durRE), ph: phDur, accept: notInWord},
		{re: regexp.MustCompile(`\d+(?:\.\d+)*`), ph: phNum, accept: number},
	}
})

// Mask returns the line's template: its varying parts replaced by
// placeholders. The line is one already normalised log line (no ANSI
// colours, no runner timestamp). Runs of white space become one space, and
// the words that say what failed ("error", "npm ERR! code ELIFECYCLE") stay.
func Mask(line string) string {
	s := strings.Join(strings.Fields(line), " ")
	for _, r := range rules() {
		s = r.apply(s)
	}
	return maskQuotes(s)
}

func (r rule) apply(s string) string {
	if r.need != nil && !slices.ContainsFunc(r.need, func(n string) bool { return strings.Contains(s, n) }) {
		return s
	}
	ms := r.re.FindAllStringIndex(s, -1)
	if ms == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		i, j := m[0], m[1]
		if r.accept != nil {
			var ok bool
			if j, ok = r.accept(s, i, j); !ok || j <= i {
				continue
			}
		}
		b.WriteString(s[last:i])
		b.WriteString(r.ph)
		last = j
	}
	b.WriteString(s[last:])
	return b.String()
}

// before and after return the rune just outside s[i:j], or 0 at an end.
func before(s string, i int) rune {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	if i == 0 {
		return 0
	}
	return r
}

func after(s string, j int) rune {
	if j >= len(s) {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(s[j:])
	return r
}

func isWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// notInWord refuses a match that is only part of a word or of a dotted
// name: the 16 of ubuntu16.04 is no number.
func notInWord(s string, i, j int) (int, bool) {
	b, a := before(s, i), after(s, j)
	return j, !isWord(b) && b != '.' && !isWord(a)
}

// trimTrailing drops punctuation that ends a sentence rather than the match:
// "see https://example.com/a." holds no dot in its URL.
func trimTrailing(cut string) func(string, int, int) (int, bool) {
	return func(s string, i, j int) (int, bool) {
		return i + len(strings.TrimRight(s[i:j], cut)), true
	}
}
