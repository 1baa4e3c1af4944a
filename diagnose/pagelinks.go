package diagnose

import "bytes"

// dropPageLinks removes the Markdown links that GitLab's job page leaves
// inside a log copied from the browser into an issue: the page links its
// line numbers ("#L9"), and the paste turns digits of the text into
// "[9](https://gitlab.example.com/group/project/-/jobs/123#L9)", as in
// "project-2[9](https://...#L9)177080". Each such link is replaced by its
// text, so that names, hosts and tags read as the tool printed them. text
// is compacted in place and the result is a prefix of it.
func dropPageLinks(text []byte) []byte {
	if !bytes.Contains(text, []byte("#L")) || !bytes.Contains(text, []byte("](http")) {
		return text
	}
	out := text[:0]
	for i := 0; i < len(text); {
		if n, label := pageLink(text[i:]); n > 0 {
			out = append(out, label...)
			i += n
			continue
		}
		out = append(out, text[i])
		i++
	}
	return out
}

// pageLink reports the length of a line-number link "[digits](http...#Ldigits)"
// at the start of b and its label, or 0 when b does not start with one.
// The label is a slice of b: appending it to out (which trails behind b in
// the same buffer) copies it forward before it is overwritten.
func pageLink(b []byte) (int, []byte) {
	if len(b) < 4 || b[0] != '[' {
		return 0, nil
	}
	i := 1
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	if i == 1 || !bytes.HasPrefix(b[i:], []byte("](http")) {
		return 0, nil
	}
	label := b[1:i]
	end := bytes.IndexByte(b[i:], ')')
	if end < 0 {
		return 0, nil
	}
	url := b[i+2 : i+end]
	hash := bytes.LastIndex(url, []byte("#L"))
	if hash < 0 || bytes.ContainsAny(url, " \t") {
		return 0, nil
	}
	for _, c := range url[hash+2:] {
		if !isDigit(c) {
			return 0, nil
		}
	}
	return i + end + 1, label
}
