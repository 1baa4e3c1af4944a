package rewrite

import "strings"

// Word is one word or operator of a shell command line.
type Word struct {
	// Offset is the byte offset of the word's first byte in the line.
	Offset int
	// Raw is the word as written, quotes and backslashes kept.
	Raw string
	// Value is the word after quote removal. Expansions ($VAR, ${VAR},
	// $(...), `...`) are kept verbatim: nothing is evaluated.
	Value string
	// Op is set for an operator, to its text: a control operator (";",
	// "&", "&&", "||", "|", "|&", ";;", "(", ")" or "\n" for a newline)
	// or a redirection ("<", ">", ">>", "2>&", "<<<", ...; an IO number
	// is part of it). Raw holds the same text and Value is empty.
	Op string
	// Open says that a quote of the word is not closed on its line: the
	// word goes on in lines that were not given (a script's quoted string
	// over several lines), so Raw and Value hold only its start.
	Open bool
}

// IsRedirect reports whether w is a redirection operator, whose target is
// the next word.
func (w Word) IsRedirect() bool { return strings.ContainsAny(w.Op, "<>") }

// isControl reports whether w is an operator that ends a simple command.
func (w Word) isControl() bool { return w.Op != "" && !w.IsRedirect() }

// end is the offset just past the word.
func (w Word) end() int { return w.Offset + len(w.Raw) }

// operators are the shell's operators, longest first so that the first
// match is the longest.
var operators = []string{"<<<", "<<-", "&>>", ";;", "&&", "||", "|&", "<<", ">>", "<&", ">&", "<>", ">|", "&>", ";", "&", "|", "(", ")", "<", ">"}

// span is a byte range [start, end) of a line.
type span struct{ start, end int }

// Words splits one shell command line into its words and operators, in
// order. Comments are dropped; a backslash-newline joins lines. It handles
// single and double quotes, backslash escapes, $VAR, ${...}, $(...) and
// `...` (kept whole inside their word, even with spaces), IO numbers
// (2>&1), and here-documents (their bodies are skipped).
//
// Not handled: $'...' and other bash quoting, aliases, keywords as such
// ("if", "do" are plain words), case patterns with an unbalanced ")"
// inside $(...), and anything that needs evaluating (a command held in
// a variable, `sh -c "..."` strings).
func Words(cmd string) []Word {
	words, _ := lex(cmd)
	return words
}

// lex is Words that also returns the bodies of the outermost command
// substitutions ($(...) and `...` outside single quotes), so that the
// commands inside them can be read too.
func lex(s string) ([]Word, []span) {
	var (
		words    []Word
		subs     []span
		heredocs []heredoc // here-documents whose bodies start at the next newline
	)
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '\\' && i+1 < len(s) && s[i+1] == '\n':
			i += 2
		case c == '\n':
			words = append(words, Word{Offset: i, Raw: "\n", Op: "\n"})
			i = skipHeredocs(s, i+1, heredocs)
			heredocs = nil
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case strings.IndexByte(";&|()<>", c) >= 0:
			op := operatorAt(s, i)
			words = append(words, Word{Offset: i, Raw: op, Op: op})
			i += len(op)
		default:
			w, ws := scanWord(s, i)
			subs = append(subs, ws...)
			i = w.end()
			if isDigits(w.Raw) && i < len(s) && (s[i] == '<' || s[i] == '>') {
				// An IO number: "2>&1" is the redirection "2>&" and "1".
				op := operatorAt(s, i)
				w = Word{Offset: w.Offset, Raw: w.Raw + op, Op: w.Raw + op}
				i += len(op)
			}
			if n := len(words); n > 0 && (words[n-1].Op == "<<" || words[n-1].Op == "<<-") && w.Op == "" {
				heredocs = append(heredocs, heredoc{delim: w.Value, tabs: words[n-1].Op == "<<-"})
			}
			words = append(words, w)
		}
	}
	return words, subs
}

// operatorAt returns the operator starting at s[i].
func operatorAt(s string, i int) string {
	for _, op := range operators {
		if strings.HasPrefix(s[i:], op) {
			return op
		}
	}
	return s[i : i+1]
}

// scanWord reads the word starting at s[i] and the command substitutions
// it holds.
func scanWord(s string, i int) (Word, []span) {
	var (
		val  strings.Builder
		subs []span
		open bool
	)
	start := i
	for i < len(s) {
		c := s[i]
		if strings.IndexByte(" \t\r\n;&|()<>", c) >= 0 {
			break
		}
		switch c {
		case '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 { // unterminated: to the end
				val.WriteString(s[i+1:])
				i, open = len(s), true
				continue
			}
			val.WriteString(s[i+1 : i+1+j])
			i += j + 2
		case '"':
			i++
			for i < len(s) && s[i] != '"' {
				switch {
				case s[i] == '\\' && i+1 < len(s) && s[i+1] == '\n':
					i += 2
				case s[i] == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\", s[i+1]) >= 0:
					val.WriteByte(s[i+1])
					i += 2
				case s[i] == '$' || s[i] == '`':
					j, sub := skipExpansion(s, i)
					if sub.end > 0 {
						subs = append(subs, sub)
					}
					val.WriteString(s[i:j])
					i = j
				default:
					val.WriteByte(s[i])
					i++
				}
			}
			open = open || i >= len(s)
			i++ // the closing quote
		case '\\':
			switch {
			case i+1 >= len(s):
				val.WriteByte('\\')
				i++
			case s[i+1] == '\n':
				i += 2
			default:
				val.WriteByte(s[i+1])
				i += 2
			}
		case '$', '`':
			j, sub := skipExpansion(s, i)
			if sub.end > 0 {
				subs = append(subs, sub)
			}
			val.WriteString(s[i:j])
			i = j
		default:
			val.WriteByte(c)
			i++
		}
	}
	i = min(i, len(s))
	return Word{Offset: start, Raw: s[start:i], Value: val.String(), Open: open}, subs
}

// skipExpansion returns the end of the expansion starting at s[i] ("$" or
// "`") and, for a command substitution, the span of its body.
func skipExpansion(s string, i int) (int, span) {
	switch {
	case s[i] == '`':
		j := i + 1
		for j < len(s) && s[j] != '`' {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		end := min(j, len(s))
		return min(j+1, len(s)), span{i + 1, end}
	case strings.HasPrefix(s[i:], "$(("):
		return min(closeParen(s, i+2)+1, len(s)), span{}
	case strings.HasPrefix(s[i:], "$("):
		j := closeParen(s, i+2)
		return min(j+1, len(s)), span{i + 2, j}
	case strings.HasPrefix(s[i:], "${"):
		return closeBrace(s, i+2), span{}
	}
	return i + 1, span{}
}

// closeParen returns the index of the ")" closing a "(" just before s[i],
// or len(s) when it is missing. Quotes and nested substitutions inside are
// skipped.
func closeParen(s string, i int) int {
	depth := 1
	for i < len(s) {
		switch s[i] {
		case '\\':
			i++
		case '\'':
			if j := strings.IndexByte(s[i+1:], '\''); j >= 0 {
				i += j + 1
			} else {
				return len(s)
			}
		case '"':
			i = closeDouble(s, i+1)
		case '`':
			i, _ = skipExpansion(s, i)
			continue
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return len(s)
}

// closeDouble returns the index of the quote closing a double-quoted
// string whose text starts at s[i].
func closeDouble(s string, i int) int {
	for i < len(s) && s[i] != '"' {
		switch {
		case s[i] == '\\':
			i += 2
		case s[i] == '$' || s[i] == '`':
			i, _ = skipExpansion(s, i)
		default:
			i++
		}
	}
	return min(i, len(s))
}

// closeBrace returns the index just past the "}" closing a "${" whose text
// starts at s[i].
func closeBrace(s string, i int) int {
	depth := 1
	for i < len(s) {
		switch s[i] {
		case '\\':
			i++
		case '\'':
			if j := strings.IndexByte(s[i+1:], '\''); j >= 0 {
				i += j + 1
			}
		case '"':
			i = closeDouble(s, i+1)
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
		i++
	}
	return len(s)
}

// heredoc is a pending here-document: its body starts on the next line
// and ends at a line holding only delim.
type heredoc struct {
	delim string
	tabs  bool // <<-: leading tabs are stripped before comparing
}

// skipHeredocs skips the bodies of the pending here-documents, which start
// at s[i], and returns where the next line after them starts (at its
// newline, which is the command separator).
func skipHeredocs(s string, i int, docs []heredoc) int {
	for k, d := range docs {
		for i < len(s) {
			end := strings.IndexByte(s[i:], '\n')
			if end < 0 {
				end = len(s) - i
			}
			line := s[i : i+end]
			if d.tabs {
				line = strings.TrimLeft(line, "\t")
			}
			i += end
			if line == d.delim {
				break
			}
			i++ // past the newline: the body goes on
		}
		if i < len(s) && s[i] == '\n' && k < len(docs)-1 {
			i++
		}
	}
	return i
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
