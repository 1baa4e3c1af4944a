package signatures

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/ci-doctor/ci-doctor/logtemplate"
)

// placeholderRE finds the placeholders of a template (package
// logtemplate): <NUM>, <PATH>, ... and Cluster's <*>.
var placeholderRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<(?:\*|[A-Z]+)>`) })

// placeholderPatterns turns each placeholder of package logtemplate into
// the RE2 piece that matches what it replaced: as narrow as the mask's own
// rule where that is short to write (numbers, hex, UUIDs), \S+ for the
// parts that never hold a space (paths, URLs, hosts, images), and a lazy
// .+? where the part may hold spaces (times, and <*>, which stands for any
// token, a masked quoted string among them). A quoted string keeps its
// quotes, so the pattern still says where it starts and ends.
var placeholderPatterns = map[string]string{
	"<NUM>":    `\d+(?:\.\d+)*`,
	"<HEX>":    `(?:0x|(?:sha\d+|md5):)?[0-9a-fA-F]+`,
	"<UUID>":   `[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}`,
	"<ID>":     `[0-9A-Za-z]+`,
	"<IP>":     `[\[\]0-9a-fA-F.:]+`,
	"<DUR>":    `\d[\d.]*\s?[a-zµ]+(?:\d[\d.]*[a-zµ]+)*`,
	"<TIME>":   `.+?`,
	"<URL>":    `\S+`,
	"<EMAIL>":  `\S+`,
	"<HOST>":   `\S+`,
	"<PATH>":   `\S+`,
	"<IMAGE>":  `\S+`,
	"<QUOTED>": `(?:"(?:[^"\\]|\\.)*"|'[^']*'|` + "`[^`]*`" + `|‘[^’]*’|“[^”]*”)`,
	"<*>":      `.+?`,
}

// Draft returns the YAML text of a draft signature file for an unrecognised
// error: its id and title to complete, one pattern built from the template,
// and the real lines as examples.
//
// The pattern is checked as the loader checks it (it compiles and holds a
// literal the prefilter can scan for) and must match every line; otherwise
// the error says what fails. The draft does not load as it is: a person
// must add a line to examples.no_match, which only a person can choose.
func Draft(id, template string, lines []string) ([]byte, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("signature id %q is not kebab-case (lower-case words joined by -, such as apt-package-not-found)", id)
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("no example lines for template %q: a draft needs the real lines its pattern must match", template)
	}
	// The precise pieces first; when a line defeats them (a quoted string
	// whose escapes Mask read otherwise than a pattern can), every
	// placeholder matches anything, and the literal text still decides.
	var err error
	blank := blankClass(lines)
	for _, pieces := range []map[string]string{placeholderPatterns, lenientPatterns()} {
		var p *Pattern
		if p, err = draftChecked(template, pieces, blank, lines); err == nil {
			return draftYAML(id, template, p.Source, lines)
		}
	}
	return nil, err
}

// lenientPatterns turns every placeholder into `.+?`.
func lenientPatterns() map[string]string {
	out := map[string]string{}
	for ph := range placeholderPatterns {
		out[ph] = `.+?`
	}
	return out
}

// blankClass is the class a pattern writes for white space: \s, unless a
// line holds a Unicode space that Mask collapsed with the others (pnpm
// prints U+2009 around "ELIFECYCLE"), which \s, ASCII only, does not match.
func blankClass(lines []string) string {
	for _, l := range lines {
		if strings.IndexFunc(l, func(r rune) bool { return r > unicode.MaxASCII && unicode.IsSpace(r) }) >= 0 {
			return `[\s\p{Z}]`
		}
	}
	return `\s`
}

// draftChecked builds the pattern with pieces and blank (see blankClass) and
// checks it as the loader does, and against every line.
func draftChecked(template string, pieces map[string]string, blank string, lines []string) (*Pattern, error) {
	p := &Pattern{Source: draftPattern(template, pieces, blank)}
	if err := p.compile(); err != nil {
		return nil, fmt.Errorf("cannot draft a signature from template %q: %v", template, err)
	}
	for i, l := range lines {
		if !p.Regexp().MatchString(l) {
			return nil, fmt.Errorf("the pattern %s made from template %q does not match example line %d: %q", p.Source, template, i+1, l)
		}
	}
	return p, nil
}

// draftPattern builds the pattern: the template's text quoted, its runs of
// white space (which Mask collapsed) as blank+, its placeholders as
// placeholderPatterns says. A template that starts with text is anchored
// at the start of the line, after any indentation: that text is where the
// tool's message begins. One that starts with a placeholder is not, since
// what stood there (a time, a path) may be preceded by other prefixes.
func draftPattern(template string, pieces map[string]string, blank string) string {
	template = strings.Join(strings.Fields(template), " ")
	var b strings.Builder
	last, startsWithText := 0, template != ""
	for _, m := range placeholderRE().FindAllStringIndex(template, -1) {
		piece, known := pieces[template[m[0]:m[1]]]
		if !known {
			continue // an unknown <WORD> is text, such as apt's <package>
		}
		if m[0] == 0 {
			startsWithText = false
		}
		b.WriteString(quoteText(template[last:m[0]], blank))
		b.WriteString(piece)
		last = m[1]
	}
	b.WriteString(quoteText(template[last:], blank))
	if startsWithText {
		return `^` + blank + `*` + b.String()
	}
	// Unanchored, a leading piece that matches anything only asks for some
	// text before the rest: leave it out.
	out := b.String()
	for _, lead := range []string{`.+?` + blank + `+`, `\S+` + blank + `+`} {
		if rest, ok := strings.CutPrefix(out, lead); ok && rest != "" {
			return rest
		}
	}
	return out
}

// quoteText quotes text for a pattern, each space as blank+ and each run of
// one punctuation character (a leader of dots up to a column, "=====") as
// that character repeated: such a run is padding, of another length in
// another log, and gcloud's "Building Container......failed" pads to the
// width of a terminal, past the length a pattern may have.
func quoteText(text, blank string) string {
	parts := strings.Split(text, " ")
	for i, p := range parts {
		var b strings.Builder
		for p != "" {
			c, n := p[0], 1
			for n < len(p) && p[n] == c {
				n++
			}
			if n >= minPadding && isPunct(c) {
				b.WriteString(regexp.QuoteMeta(p[:1]) + "+")
			} else {
				b.WriteString(regexp.QuoteMeta(p[:n]))
			}
			p = p[n:]
		}
		parts[i] = b.String()
	}
	return strings.Join(parts, blank+`+`)
}

// minPadding is the shortest run of one punctuation character that
// quoteText takes as padding.
const minPadding = 4

// isPunct reports whether c is ASCII punctuation.
func isPunct(c byte) bool {
	return c > ' ' && c < 0x7f && !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
}

// The comments of the draft: what to write where.
const (
	draftHead = `Draft signature made from an error that no signature explained
(see signatures/FORMAT.md). Complete the TODOs, add a line to
examples.no_match, then check it with: ci-doctor signatures test DIR`
	draftPatternNote = "made from template %s: %s"
	draftTitleNote   = "a short name for the failure, as a person would search for it"
	draftCauseNote   = "why the job failed, in a few sentences, for the person who reads the job log"
	draftFixNote     = `what to change, usually in .gitlab-ci.yml; a Go text/template whose
fields are the pattern's named groups (?P<name>...)`
	draftNoMatchNote = `TODO: add at least one line that must NOT match: a near miss, such as
the same words from a job that succeeded, or a similar error with another
cause. The loader refuses a signature without one.`
)

// draftYAML writes the draft with the YAML library, which quotes every
// value as YAML needs (log lines hold colons, quotes and #), with comments
// on what to write.
func draftYAML(id, template, pattern string, lines []string) ([]byte, error) {
	str := func(v string, style yaml.Style) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Style: style}
	}
	seq := func(items ...*yaml.Node) *yaml.Node {
		return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
	}
	mapping := func(kv ...*yaml.Node) *yaml.Node {
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: kv}
	}
	key := func(k, comment string) *yaml.Node {
		n := str(k, 0)
		n.HeadComment = comment
		return n
	}
	pat := str(pattern, yaml.SingleQuotedStyle)
	pat.HeadComment = fmt.Sprintf(draftPatternNote, logtemplate.ID(template), template)
	match := seq()
	for _, l := range lines {
		match.Content = append(match.Content, str(l, yaml.SingleQuotedStyle))
	}
	noMatch := seq()
	noMatch.Style = yaml.FlowStyle
	doc := &yaml.Node{Kind: yaml.DocumentNode, HeadComment: draftHead, Content: []*yaml.Node{mapping(
		key("id", ""), str(id, 0),
		key("title", draftTitleNote), str("TODO: ...", yaml.SingleQuotedStyle),
		key("priority", ""), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "50"},
		key("patterns", ""), seq(pat),
		key("window", ""), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "0"},
		key("cause", draftCauseNote), str("TODO: ...\n", yaml.LiteralStyle),
		key("fix", draftFixNote), str("TODO: ...\n", yaml.LiteralStyle),
		key("examples", ""), mapping(
			key("match", ""), match,
			key("no_match", draftNoMatchNote), noMatch,
		),
	)}}
	b, err := EncodeYAML(doc)
	if err != nil {
		return nil, fmt.Errorf("writing the draft signature %s: %v", id, err)
	}
	return b, nil
}
