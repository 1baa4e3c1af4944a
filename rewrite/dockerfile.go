package rewrite

import (
	"regexp"
	"strings"
	"sync"
)

// From is one FROM instruction of a Dockerfile.
type From struct {
	// Line is the 1-based line where the instruction starts.
	Line int
	// Image is the image as written, with the defaults of the ARGs
	// declared before the first FROM substituted ($V, ${V}, ${V:-x},
	// ${V:+x}); a reference to an ARG without a default stays as written.
	Image string
	// Raw is the image as written.
	Raw string
	// Stage is the AS name, "" if none.
	Stage string
	// Platform is the --platform value, "" if none.
	Platform string
}

// directiveRE matches a parser directive: # syntax=..., # escape=`.
var directiveRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^#\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*(\S+)\s*$`) })

// heredocRE matches the here-documents of RUN, COPY and ADD: <<EOF,
// <<-EOF, <<"EOF".
var heredocRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<<(-?)\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?`) })

// ParseDockerfile returns the FROM instructions of a Dockerfile, in order.
// Instructions are case-insensitive and may span lines with the escape
// character (\, or ` after # escape=`); comments, parser directives and
// the bodies of here-documents are skipped.
func ParseDockerfile(src []byte) []From {
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	escape := "\\"
	i := 0
	// Parser directives come first; the first other line ends them.
	for ; i < len(lines); i++ {
		m := directiveRE().FindStringSubmatch(strings.TrimSpace(lines[i]))
		if m == nil {
			break
		}
		if strings.EqualFold(m[1], "escape") && (m[2] == "`" || m[2] == `\`) {
			escape = m[2]
		}
	}
	args := map[string]string{} // the ARG defaults before the first FROM
	var froms []From
	for i < len(lines) {
		t := strings.TrimSpace(lines[i])
		if t == "" || t[0] == '#' {
			i++
			continue
		}
		start := i + 1
		text, next := instruction(lines, i, escape)
		i = next
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue // a lone escape character
		}
		switch strings.ToUpper(fields[0]) {
		case "ARG":
			if len(froms) == 0 {
				for _, f := range fields[1:] {
					if name, v, ok := strings.Cut(f, "="); ok {
						args[name] = strings.Trim(v, `"'`)
					}
				}
			}
		case "FROM":
			if f, ok := parseFrom(fields[1:], args); ok {
				f.Line = start
				froms = append(froms, f)
			}
		case "RUN", "COPY", "ADD":
			i = skipDockerHeredocs(lines, i, text)
		}
	}
	return froms
}

// instruction joins the lines of the instruction that starts at lines[i]
// and returns it with the index of the line after it. Comment and empty
// lines inside it are skipped, as Docker does.
func instruction(lines []string, i int, escape string) (string, int) {
	var b strings.Builder
	for i < len(lines) {
		l := strings.TrimRight(lines[i], " \t\r")
		i++
		if !strings.HasSuffix(l, escape) {
			b.WriteString(l)
			break
		}
		b.WriteString(strings.TrimSuffix(l, escape))
		b.WriteByte(' ')
		for i < len(lines) {
			if t := strings.TrimSpace(lines[i]); t != "" && t[0] != '#' {
				break
			}
			i++
		}
	}
	return b.String(), i
}

// skipDockerHeredocs skips the bodies of the here-documents an instruction
// opens, which start at lines[i].
func skipDockerHeredocs(lines []string, i int, text string) int {
	for _, m := range heredocRE().FindAllStringSubmatch(text, -1) {
		for i < len(lines) {
			l := lines[i]
			if m[1] == "-" {
				l = strings.TrimLeft(l, "\t")
			}
			i++
			if strings.TrimRight(l, "\r") == m[2] {
				break
			}
		}
	}
	return i
}

// parseFrom reads the words after FROM: [--platform=P] IMAGE [AS NAME].
func parseFrom(words []string, args map[string]string) (From, bool) {
	var f From
	for len(words) > 0 && strings.HasPrefix(words[0], "--") {
		if v, ok := strings.CutPrefix(words[0], "--platform="); ok {
			f.Platform = v
		}
		words = words[1:]
	}
	if len(words) == 0 {
		return From{}, false
	}
	f.Raw = words[0]
	f.Image = expandArgs(words[0], args)
	if len(words) >= 3 && strings.EqualFold(words[1], "AS") {
		f.Stage = words[2]
	}
	return f, true
}

// expandArgs substitutes the ARG defaults in s, as Docker does in FROM.
func expandArgs(s string, args map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		if s[i+1] == '{' {
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				b.WriteString(s[i:])
				break
			}
			b.WriteString(expandBraced(s[i:i+end+1], args))
			i += end
			continue
		}
		j := i + 1
		for j < len(s) && isNameByte(s[j], j == i+1) {
			j++
		}
		if v, ok := args[s[i+1:j]]; ok && j > i+1 {
			b.WriteString(v)
		} else {
			b.WriteString(s[i:j])
		}
		i = j - 1
	}
	return b.String()
}

// expandBraced expands one ${NAME}, ${NAME:-word} or ${NAME:+word}.
func expandBraced(ref string, args map[string]string) string {
	inner := ref[2 : len(ref)-1]
	n := 0
	for n < len(inner) && isNameByte(inner[n], n == 0) {
		n++
	}
	name, op := inner[:n], inner[n:]
	v, ok := args[name]
	switch {
	case op == "" && ok:
		return v
	case strings.HasPrefix(op, ":-"):
		if v != "" {
			return v
		}
		return op[2:]
	case strings.HasPrefix(op, ":+"):
		if v != "" {
			return op[2:]
		}
		return ""
	}
	return ref
}
