package logtemplate

import (
	"regexp"
	"strings"
	"sync"
)

// quotePairs maps each opening quote to its closing one: ASCII quotes and
// backquotes, and the typographic quotes of GNU tools in a UTF-8 locale
// (mkdir: cannot create directory ‘/builds/x’).
var quotePairs = map[rune]rune{'"': '"', '\'': '\'', '`': '`', '‘': '’', '“': '”'}

// keptWord is quoted text that stays as it is: a single word, perhaps with
// an extension, of at most 20 characters. Such words name fixed things far
// more often than varying ones: exec: "gcc", unknown command "true" for
// "executor", possibly 'null', `Cargo.toml`. Longer text, text with a
// space, a slash or a hyphen (a command, a release or project name) varies
// from job to job, and Cluster merges the kept words that do.
var keptWord = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,19}(?:\.[A-Za-z0-9]{1,8})?$`)
})

// placeholderOnly is quoted text that a rule already masked whole: the
// quotes stay around it, as they tell how the tool printed the value.
var placeholderOnly = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^<[A-Z]+>$`) })

// maskQuotes replaces quoted strings with <QUOTED>, keeping the quotes
// around a kept word, an empty string or a single placeholder. A single
// quote opens only after a non-word character and closes only before one,
// so the apostrophes of "didn't" and "can't" quote nothing.
func maskQuotes(s string) string {
	var b strings.Builder
	rs := []rune(s)
	last := 0
	for i := 0; i < len(rs); i++ {
		closing, ok := quotePairs[rs[i]]
		if !ok || (rs[i] == '\'' && i > 0 && isWord(rs[i-1])) {
			continue
		}
		end := -1
		for k := i + 1; k < len(rs); k++ {
			if rs[k] == '\\' {
				k++ // an escaped quote (msg="a \"b\" c") does not close
				continue
			}
			if rs[k] == closing && (closing != '\'' || k+1 == len(rs) || !isWord(rs[k+1])) {
				end = k
				break
			}
		}
		if end < 0 {
			continue
		}
		inner := string(rs[i+1 : end])
		if inner == "" || keptWord().MatchString(inner) || placeholderOnly().MatchString(inner) {
			i = end
			continue
		}
		b.WriteString(string(rs[last:i]))
		b.WriteString(phQuoted)
		last = end + 1
		i = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(string(rs[last:]))
	return b.String()
}
