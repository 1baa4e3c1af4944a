package rewrite

import "strings"

// The rewrites keep the user's own shell text (quotes and all) wherever
// they can, because a value's quoting is part of its meaning: '$X' is not
// "$X". The helpers below cut, compare and tidy that text.

// unquote returns the value of one word of shell text.
func unquote(raw string) string {
	w, _ := scanWord(raw, 0)
	return w.Value
}

// rawFrom returns shell text whose value is w.Value[n:], cut from w.Raw:
// for --tag=$X it gives $X, for "--tag=$X" it gives "$X" (the quote open
// at the cut is opened again).
func rawFrom(w Word, n int) string {
	raw := w.Raw
	var quote byte // the quote open at raw[i], 0 if none
	i, v := 0, 0
	for i < len(raw) && v < n {
		c := raw[i]
		switch {
		case quote == 0 && (c == '\'' || c == '"'):
			quote = c
			i++
		case quote != 0 && c == quote:
			quote = 0
			i++
		case c == '\\' && quote == 0:
			if i+1 < len(raw) && raw[i+1] != '\n' {
				v++
			}
			i += 2
		case c == '\\' && quote == '"' && i+1 < len(raw) && strings.IndexByte("$`\"\\\n", raw[i+1]) >= 0:
			if raw[i+1] != '\n' {
				v++
			}
			i += 2
		case (c == '$' || c == '`') && quote != '\'':
			j, _ := skipExpansion(raw, i)
			v += j - i
			i = j
		default:
			i++
			v++
		}
	}
	i = min(i, len(raw))
	if quote != 0 {
		return string(quote) + raw[i:]
	}
	return raw[i:]
}

// key is the form in which image references and container names are
// compared: unquoted, with $NAME written ${NAME}, so that "$IMAGE:1",
// $IMAGE:1 and ${IMAGE}:1 are the same reference.
func key(raw string) string { return RefKey(unquote(raw)) }

// RefKey is key for a value: the form in which image references given as
// values (unquoted) compare equal however their variables are written ($X-a
// and ${X}-a).
func RefKey(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '$' {
			j := i + 1
			for j < len(v) && isNameByte(v[j], j == i+1) {
				j++
			}
			if j > i+1 {
				b.WriteString("${" + v[i+1:j] + "}")
				i = j - 1
				continue
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// isNameByte reports whether c can be part of a shell variable name (its
// first character when first).
func isNameByte(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
}

// isName reports whether s is a shell variable name.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i], i == 0) {
			return false
		}
	}
	return true
}

// safe reports whether s can be written unquoted in an image reference or
// a path without the shell splitting, globbing or running anything: plain
// characters and variables ($X, ${X}, ${X:-y}), no $(...).
func safe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isNameByte(c, false), strings.IndexByte("./:@+=%-{}", c) >= 0:
		case c == '$' && !strings.HasPrefix(s[i:], "$("):
		default:
			return false
		}
	}
	return true
}

// tidy drops the quotes around an image reference that needs none, so
// that "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" is written as the guide writes
// it. Anything else is returned unchanged.
func tidy(raw string) string {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		if in := raw[1 : len(raw)-1]; safe(in) {
			return in
		}
	}
	if len(raw) >= 2 && raw[0] == '\'' && raw[len(raw)-1] == '\'' {
		if in := raw[1 : len(raw)-1]; safe(in) && !strings.Contains(in, "$") {
			return in
		}
	}
	return raw
}

// shellQuote writes a value (expansions live, as Word.Value keeps them) as
// one shell word: as is when safe, in double quotes otherwise.
func shellQuote(v string) string {
	if v != "" && safe(v) {
		return v
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(v) + `"`
}
