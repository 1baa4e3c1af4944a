package logtemplate

import (
	"regexp"
	"strings"
	"sync"
)

// timeREs match the times and dates tools print: ISO 8601 and RFC 3339
// (Go, Docker, GitHub Actions) and Go's log package (2025/04/01 19:44:59);
// syslog, ctime and HTTP dates (Aug 28 07:38:48, Thu Apr 1 21:09:17 UTC
// 2021); a bare clock time (17:46:16, 1:45:22 PM). Three expressions
// rather than one alternation: each is small enough for Go's fast
// backtracking matcher, which made Mask several times faster.
var timeREs = []string{
	`\d{4}(?:-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2}| ?UTC)?|/\d{2}/\d{2}(?: \d{1,2}:\d{2}:\d{2}(?:\.\d+)?)?)`,
	`(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? )?(?:\d{1,2} )?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?:\d{1,2},? )?(?:\d{4} )?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: [A-Z]{3,4})?(?: \d{4})?`,
	`\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?(?: ?[AaPp][Mm])?`,
}

// months are what every syslog, ctime or HTTP date holds.
var months = []string{"Jan ", "Feb ", "Mar ", "Apr ", "May ", "Jun ", "Jul ", "Aug ", "Sep ", "Oct ", "Nov ", "Dec "}

// ipv4RE and ipv6RE match addresses with an optional port; an IPv6
// address is written in full or with "::", in brackets when it has a port.
const (
	ipv4RE = `\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?`
	ipv6RE = `\[?(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\]?(?::\d{1,5})?` +
		`|\[?(?:[0-9a-fA-F]{1,4}:){0,6}:(?::?[0-9a-fA-F]{1,4}){0,6}\]?(?::\d{1,5})?`
)

// ip refuses a match inside a word or a version, and an IPv6 candidate
// without a digit: "abc::def" is a name, "::" alone a separator.
func ip(s string, i, j int) (int, bool) {
	m := s[i:j]
	if !strings.ContainsAny(m, "0123456789") || strings.Count(m, ":") == 1 && !strings.Contains(m, ".") {
		return j, false
	}
	b, a := before(s, i), after(s, j)
	return j, !isWord(b) && b != '.' && b != ':' && !isWord(a) && !(a == '.' && isWord(after(s, j+1)))
}

// digestName is the algorithm part of a digest, which image must not take
// for an image name (manifest-sha256:eff0...).
var digestName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:^|[._-])(?:sha\d+|md5)$`) })

// digestRE matches a content digest (sha256:4a2bc8...).
const digestRE = `\b(?:sha(?:1|224|256|384|512)|md5):[0-9a-fA-F]{7,}\b`

// imageRE matches a container image reference that names a tag or a
// digest (registry.example.com:5000/group/app:1.0, docker:dind,
// app@sha256:...): without one it cannot be told from a path or a word.
const imageRE = `(?:[a-z0-9][a-z0-9.-]*(?::\d+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::\w+(?:[.-]\w+)*(?:@` + digestRE + `)?|@` + digestRE + `)`

// image refuses what only looks like an image: file:line (main.go:72,
// src/app.py:12), host:port (localhost:5000), a digest (sha256:4a2b...),
// key:value inside a longer word, and a reference followed by another
// colon and more (file:line:col); a colon that ends a clause is fine.
func image(s string, i, j int) (int, bool) {
	b, a := before(s, i), after(s, j)
	if isWord(b) || strings.ContainsRune("./:@-$", b) || isWord(a) || strings.ContainsRune("/@", a) ||
		a == ':' && after(s, j+1) != ' ' && after(s, j+1) != 0 {
		return j, false
	}
	m := s[i:j]
	name, tag, _ := strings.Cut(m[strings.LastIndexByte(m, '/')+1:], ":")
	if digestName().MatchString(name) {
		return j, false
	}
	if tag == "" || !allDigits(tag) {
		return j, true
	}
	// A numeric tag: an image when it is under a registry or group
	// (heroku/buildpacks:20) unless its name looks like a file.
	return j, strings.Contains(m, "/") && !strings.Contains(name, ".")
}

// pathRE matches absolute and relative paths (and Windows ones); path
// decides which relative ones are paths.
const pathRE = `[A-Za-z]:\\[^\s"'<>|` + "`" + `]*|(?:[\w.%+~${}-]+)?(?:/+[\w.%+~${}-]+)+/?`

// path accepts an absolute path, a relative one that starts like a path
// (./, ../, ~/, $VAR/) or has two slashes or a file extension at its end
// (src/app.ts, a/b/c), but not "and/or", "i/o" or "N/A". A dot that ends
// the sentence is not the path's.
func path(s string, i, j int) (int, bool) {
	if isWord(before(s, i)) {
		return j, false
	}
	j = i + len(strings.TrimRight(s[i:j], "."))
	m := s[i:j]
	if len(m) > 2 && m[1] == ':' && m[2] == '\\' {
		return j, true
	}
	if strings.HasPrefix(m, "/") || strings.HasPrefix(m, "./") || strings.HasPrefix(m, "../") ||
		strings.HasPrefix(m, "~/") || strings.HasPrefix(m, "$") {
		return j, len(m) > 1
	}
	if strings.Count(strings.TrimRight(m, "/"), "/") >= 2 {
		return j, true
	}
	last := m[strings.LastIndexByte(m, '/')+1:]
	dot := strings.LastIndexByte(last, '.')
	return j, dot > 0 && dot < len(last)-1 && isLetterASCII(last[dot+1])
}

// hostRE matches a lower-case host name that ends like one: a common
// top-level domain, or the suffixes of private networks and Kubernetes
// services. A list, not any two letters: .py, .sh, .rs, .md and .pl are
// file extensions far more often than countries in a CI log.
const hostRE = `(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|org|net|io|dev|cloud|local|internal|lan|corp|svc|gov|edu|info|biz|co|ai|tech|xyz|eu|de|uk|fr|nl|ch|at|se|fi|dk|es|it|ru|cn|jp|kr|br|au|ca|us)(?::\d{1,5})?`

// host refuses a match inside a longer word or dotted name.
func host(s string, i, j int) (int, bool) {
	b, a := before(s, i), after(s, j)
	return j, !isWord(b) && !strings.ContainsRune(".-@", b) && !isWord(a) && a != '-' && !(a == '.' && isWord(after(s, j+1)))
}

// hexID accepts hex ids and digests of 7 or more digits (a short Git SHA, a
// Docker layer or container id) and 0x numbers, not inside a word, and only
// with a digit among them: "deadbeef" may be an id, but "defaced" and
// "effaced" are words.
func hexID(s string, i, j int) (int, bool) {
	j, ok := notInWord(s, i, j)
	m := s[i:j]
	return j, ok && (strings.HasPrefix(m, "0x") || strings.ContainsAny(m, "0123456789") && !allDigits(m))
}

// randomID accepts the long random names that tools generate (BuildKit's
// 7rwf5y97vt3qxjefart17zyuq): 16 or more letters and digits with at least
// three of each, which words and version strings do not have.
func randomID(s string, i, j int) (int, bool) {
	j, ok := notInWord(s, i, j)
	digits := 0
	for _, c := range s[i:j] {
		if c >= '0' && c <= '9' {
			digits++
		}
	}
	return j, ok && digits >= 3 && j-i-digits >= 3
}

// durRE matches Go-style durations (350ms, 1.2s, 2m3s, 1h0m0s) and a
// number followed by a spelled-out unit (3000 ms, 165 seconds).
const durRE = `(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|h|m|s))+|\d+(?:\.\d+)? (?:ms|milliseconds?|secs?|seconds?|mins?|minutes?|hours?)`

// number accepts a number or a dotted version that is not part of a word
// (E0433, x86_64, python3 keep theirs); a "v" just before it stays
// (v1.2.3 becomes v<NUM>). An HTTP status code stays too, when "status"
// comes before it or a reason phrase after it: 404 and 401 are different
// errors, while exit codes and line numbers vary with the job.
func number(s string, i, j int) (int, bool) {
	b := before(s, i)
	if b == 'v' && i >= 1 && !isWord(before(s, i-1)) && before(s, i-1) != '.' {
		b = ' '
	}
	if isWord(b) || b == '.' || isWord(after(s, j)) {
		return j, false
	}
	return j, !httpStatus(s, i, j)
}

func httpStatus(s string, i, j int) bool {
	if j-i != 3 || s[i] < '1' || s[i] > '5' {
		return false
	}
	pre := strings.ToLower(s[max(0, i-24):i])
	if strings.HasSuffix(pre, "exit status ") {
		return false
	}
	for _, p := range []string{"status ", "status: ", "status code ", "status code: ", "http/1.1 ", "http/1.0 ", "http/2 "} {
		if strings.HasSuffix(pre, p) {
			return true
		}
	}
	rest := strings.TrimPrefix(s[j:], " ")
	rest = strings.TrimPrefix(rest, "(")
	for _, r := range httpReasons {
		if strings.HasPrefix(rest, r) {
			return true
		}
	}
	return false
}

// httpReasons are the starts of the reason phrases of RFC 9110 that CI
// logs print after a status code.
var httpReasons = []string{"OK", "Created", "Accepted", "No Content", "Moved", "Found", "Not Modified",
	"Bad Request", "Unauthorized", "Forbidden", "Not Found", "Method Not Allowed", "Not Acceptable",
	"Request Timeout", "Conflict", "Gone", "Request Entity Too Large", "Payload Too Large",
	"Unsupported Media Type", "Unprocessable", "Upgrade Required", "Too Many Requests",
	"Internal Server Error", "Not Implemented", "Bad Gateway", "Service Unavailable", "Gateway Time"}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func isLetterASCII(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
