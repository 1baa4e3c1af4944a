package diagnose

import (
	"bytes"
	"net/url"
)

// dropPageLinks removes the Markdown links that a CI system's job page
// leaves inside a log copied from the browser into an issue: the page links
// its line numbers (GitLab's "#L9", GitHub Actions' "#step:3:9", Gitea's
// "#jobstep-0-9"), and the paste turns digits of the text into
// "[9](https://gitlab.example.com/group/project/-/jobs/123#L9)", as in
// "project-2[9](https://...#L9)177080", or "unexpected status:
// [50](https://github.com/.../runs/1?check_suite_focus=true#step:3:50)3". Each
// such link is replaced by its text, so that names, hosts, tags and status
// codes read as the tool printed them. So is a link of a URL to itself,
// "[https://ghcr.io/v2/x/manifests/latest](https://ghcr.io/v2/x/manifests/latest)",
// which an editor that links every URL leaves in a pasted line (round 110's
// compose excerpt). text is compacted in place and the result is a prefix of it.
func dropPageLinks(text []byte) []byte {
	if !bytes.Contains(text, []byte("](http")) {
		return text
	}
	out := text[:0]
	for i := 0; i < len(text); {
		n, label := pageLink(text[i:])
		if n == 0 {
			n, label = selfLink(text[i:])
		}
		if n > 0 {
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
// or "[digits](http...#step:digits:digits)" at the start of b and its label,
// or 0 when b does not start with one.
// The label is a slice of b: appending it to out (which trails behind b in
// the same buffer) copies it forward before it is overwritten.
func pageLink(b []byte) (int, []byte) {
	if len(b) < 4 || b[0] != '[' {
		return 0, nil
	}
	i := 1 + digitRun(b[1:], len(b))
	if i == 1 || !bytes.HasPrefix(b[i:], []byte("](http")) {
		return 0, nil
	}
	label := b[1:i]
	end := bytes.IndexByte(b[i:], ')')
	if end < 0 {
		return 0, nil
	}
	url := b[i+2 : i+end]
	hash := bytes.LastIndexByte(url, '#')
	if hash < 0 || bytes.ContainsAny(url, " \t") || !lineAnchor(url[hash+1:]) {
		return 0, nil
	}
	return i + end + 1, label
}

// selfLink reports the length of a link "[URL](URL)" whose text is its own
// target at the start of b, and the URL, or 0 when b does not start with one.
// The target may be the text percent-encoded, as an editor writes a masked
// host ("[https://1.dkr.ecr.***.amazonaws.com/v2/](https://1.dkr.ecr.%2A%2A%2A.amazonaws.com/v2/)",
// aws-actions/amazon-ecr-login, round 209). As with pageLink, the URL is a
// slice of b.
func selfLink(b []byte) (int, []byte) {
	if !bytes.HasPrefix(b, []byte("[http")) {
		return 0, nil
	}
	end := bytes.Index(b, []byte("]("))
	if end < 0 || bytes.ContainsAny(b[1:end], " \t[]") {
		return 0, nil
	}
	link := b[1:end]
	rest := b[end+2:]
	if bytes.HasPrefix(rest, link) && len(rest) > len(link) && rest[len(link)] == ')' {
		return end + 2 + len(link) + 1, link
	}
	// A URL inside an escaped JSON string ends in the backslash before its
	// closing quote, which the linker keeps in the text and turns into a
	// slash in the target: "[https://registry-1.docker.io/v2/x/manifests/sha256:1\](https://registry-1.docker.io/v2/x/manifests/sha256:1/)"
	// (a Docker API error that Testcontainers quotes, round 220).
	if n := len(link) - 1; link[n] == '\\' && len(rest) > n+1 && bytes.HasPrefix(rest, link[:n]) && rest[n] == '/' && rest[n+1] == ')' {
		return end + 2 + n + 2, link
	}
	// An encoded target is read up to its first parenthesis; a URL that holds
	// one is linked to itself as written, which the test above takes whole.
	paren := bytes.IndexByte(rest, ')')
	if paren < 0 || bytes.ContainsAny(rest[:paren], " \t") {
		return 0, nil
	}
	if unescaped, err := url.PathUnescape(string(rest[:paren])); err != nil || unescaped != string(link) {
		return 0, nil
	}
	return end + 2 + paren + 1, link
}

// lineAnchor reports whether a URL's fragment names a line of a job's log:
// GitLab's "L12", GitHub Actions' "step:3:12", Gitea Actions' "jobstep-0-12".
func lineAnchor(frag []byte) bool {
	if rest, ok := bytes.CutPrefix(frag, []byte("L")); ok {
		return digits(rest)
	}
	sep := []byte(":")
	rest, ok := bytes.CutPrefix(frag, []byte("step:"))
	if !ok {
		sep = []byte("-")
		rest, ok = bytes.CutPrefix(frag, []byte("jobstep-"))
	}
	step, line, two := bytes.Cut(rest, sep)
	return ok && two && digits(step) && digits(line)
}

// digits reports whether b is one or more decimal digits.
func digits(b []byte) bool {
	return len(b) > 0 && digitRun(b, len(b)) == len(b)
}
