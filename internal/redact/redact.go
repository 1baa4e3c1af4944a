// Package redact removes secrets from what ci-doctor prints: job logs can
// leak tokens (a `set -x` trace, a URL with a password, a login command),
// and ci-doctor quotes log lines in its text, JSON, Markdown, Code Quality
// and SARIF output, in merge-request notes and in patches. Everything it
// writes goes through a Writer, so no output can forget: text a line at a
// time, JSON documents (EncodeJSON) a string at a time, so that masking
// never breaks their syntax.
//
// It keeps what a diagnosis needs: the registry host, the image name, the
// variable's name.
package redact

import (
	"bytes"
	"regexp"
	"sync"
)

// Mask replaces a secret.
const Mask = "[REDACTED]"

// rules are the secret shapes, each with the group to mask; the other
// groups stay, so that "PRIVATE-TOKEN: x" keeps its header name. lits are
// the expression's required literals (TestLiterals checks them against
// internal/relit): written out rather than worked out at run time, which
// cost every diagnosis about a millisecond.
var rules = []rule{
	// GitLab's tokens have a prefix of their own: personal, pipeline
	// trigger, deploy, CI build (job), runner, SCIM, OAuth, feed,
	// incoming mail, agent, runner registration.
	{src: `\b(?:glpat|glptt|gldt|glcbt|glrt|glsoat|gloas|glft|glimt|glagent|glwt|glffct|gltst)-[0-9A-Za-z_\-.]{8,}`,
		lits: []string{"glpat-", "glptt-", "gldt-", "glcbt-", "glrt-", "glsoat-", "gloas-", "glft-", "glimt-", "glagent-", "glwt-", "glffct-", "gltst-"}},
	{src: `\bGR1348941[0-9A-Za-z_\-]{16,}`, lits: []string{"gr1348941"}},
	// Other well-known shapes: GitHub, AWS access keys, Slack, Stripe,
	// npm, PyPI, Google API keys, JSON Web Tokens.
	{src: `\b(?:ghp|gho|ghu|ghs|ghr)_[0-9A-Za-z]{30,}|\bgithub_pat_[0-9A-Za-z_]{30,}`,
		lits: []string{"gho_", "ghp_", "ghr_", "ghs_", "ghu_", "github_pat_"}},
	{src: `\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`, lits: []string{"akia", "asia"}},
	{src: `\bxox[abprs]-[0-9A-Za-z\-]{10,}`, lits: []string{"xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-"}},
	{src: `\b[rs]k_(?:live|test)_[0-9A-Za-z]{16,}`, lits: []string{"rk_live_", "rk_test_", "sk_live_", "sk_test_"}},
	{src: `\bnpm_[0-9A-Za-z]{36}\b`, lits: []string{"npm_"}},
	{src: `\bpypi-[0-9A-Za-z_\-]{50,}`, lits: []string{"pypi-"}},
	{src: `\bAIza[0-9A-Za-z_\-]{35}\b`, lits: []string{"aiza"}},
	{src: `\beyJ[0-9A-Za-z_\-]{8,}\.eyJ[0-9A-Za-z_\-]{8,}\.[0-9A-Za-z_\-]{8,}`, lits: []string{".eyj"}},
	// Header values: PRIVATE-TOKEN, JOB-TOKEN, Authorization (any scheme).
	// (?i)k also matches the Kelvin sign, which ASCII lower-casing keeps.
	{src: `(?i)((?:private|job|deploy)-token["']?\s*[:=]\s*["']?)[^\s"',;]+`, keep: 1,
		lits: []string{"private-token", "private-to\u212Aen", "job-token", "job-to\u212Aen", "deploy-token", "deploy-to\u212Aen"}},
	{src: `(?i)(authorization["']?\s*[:=]\s*["']?(?:bearer|basic|token)?\s*)[^\s"',;]+`, keep: 1,
		lits: []string{"authorization"}},
	// A password in a URL: https://user:password@host keeps user and host.
	{src: `([a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@"']+:)[^\s@/"']+(@)`, keep: 2, lits: []string{"://"}},
	// The password argument of a login command (docker, podman, helm,
	// crane, skopeo, buildah, npm): -p X, --password X, --password=X.
	// A variable reference ($CI_REGISTRY_PASSWORD) is no secret and stays.
	{src: `((?:docker|podman|buildah|skopeo|nerdctl|oras|helm\s+registry|crane\s+auth)\s+login\b[^\n|;&\x60,]*?\s(?:-p|--password)(?:=|\s+))("[^"$]*"|'[^']*'|[^\s$"'][^\s]*)`, keep: 1,
		lits: []string{"login"}},
	// The guide's config.json step with literal credentials:
	// echo -n user:password | base64.
	{src: `(echo\s+-n\s+["']?[^\s:"'|]+["']?:["']?)([^\s"'$|][^\s"'|]*)`, keep: 1, lits: []string{"echo"}},
	// Docker's config.json: "auth":"<base64 of user:password>".
	{src: `((?:\\?")auth(?:\\?")\s*:\s*(?:\\?"))[A-Za-z0-9+/=]{8,}`, keep: 1, lits: []string{`"auth\"`, `"auth"`}},
	// Variables whose names look secret, as `set -x` traces print them:
	// + export CI_REGISTRY_PASSWORD=s3cr3t, DB_TOKEN='x', AWS_SECRET_ACCESS_KEY=...
	{src: `(\b[A-Za-z0-9_]*(?:PASSWORD|PASSWD|TOKEN|SECRET|_KEY|APIKEY|API_KEY|PRIVATE_KEY|CREDENTIALS?)\s*[=:]\s*)("[^"$]*"|'[^'$]*'|[^\s"'$;&|]+)`, keep: 1,
		lits: []string{"password", "passwd", "token", "secret", "_key", "apikey", "credential"}},
}

// rule is a secret's shape. Its regular expression is compiled when first
// needed: compiling them all would cost every start-up a millisecond and
// more, `ci-doctor version` included, and most output needs only a few.
type rule struct {
	src string
	// lits are lower-case strings of which every match holds one: the
	// rule runs only on text that holds one of them; nil: it always runs.
	lits []string
	// keep is how many leading groups are kept as they are.
	keep int

	once sync.Once
	re   *regexp.Regexp
}

func (r *rule) regexp() *regexp.Regexp {
	r.once.Do(func() { r.re = regexp.MustCompile(r.src) })
	return r.re
}

// String returns s with its secrets masked.
func String(s string) string {
	return string(Bytes([]byte(s)))
}

// Bytes returns b with its secrets masked; b is not changed.
//
// Each line is masked on its own: a secret never spans lines, and the
// result is the same however the output was split into writes. It is also
// much cheaper: most lines hold none of the rules' literals, and on a line
// that does, the regular expression runs over a few dozen bytes.
func Bytes(b []byte) []byte {
	out, _ := mask(b)
	return out
}

// mask is Bytes, and says whether b had secrets.
func mask(b []byte) ([]byte, bool) {
	var out []byte // nil until a line changes
	done := 0
	for line := range bytes.Lines(b) {
		masked, changed := maskLine(line)
		switch {
		case changed && out == nil:
			out = append(append(make([]byte, 0, len(b)+len(Mask)), b[:done]...), masked...)
		case out != nil:
			out = append(out, masked...)
		}
		done += len(line)
	}
	if out == nil {
		return b, false
	}
	return out, true
}

// maskLine returns line with its secrets masked, and whether it had any.
//
// A rule's expression runs only when the line, lower-cased, holds one of
// the rule's literals. Lower-casing ASCII letters alone is sound: relit's
// literals hold no character that a match may have in a form that ASCII
// lower-casing does not turn into it, such as (?i)k, which also matches the
// Kelvin sign K (U+212A). It is cheaper than bytes.ToLower on non-ASCII
// text.
func maskLine(line []byte) ([]byte, bool) {
	// The lower-case copy of most lines stays on the stack.
	var buf [1024]byte
	lower := buf[:0]
	if len(line) > len(buf) {
		lower = make([]byte, 0, len(line))
	}
	lowered, changed := false, false
	for i := range rules {
		r := &rules[i]
		if r.lits != nil {
			if !lowered {
				lower, lowered = asciiLower(lower[:0], line), true
			}
			if !containsAny(lower, r.lits) {
				continue
			}
		}
		if masked, ok := r.mask(line); ok {
			// The next rules look at the masked text, as they always have.
			line, lowered, changed = masked, false, true
		}
	}
	return line, changed
}

// mask returns b with the rule's matches masked, and whether it had any.
func (r *rule) mask(b []byte) ([]byte, bool) {
	re := r.regexp()
	if !re.Match(b) {
		return b, false
	}
	return re.ReplaceAllFunc(b, func(m []byte) []byte {
		if r.keep == 0 {
			return []byte(Mask)
		}
		sub := re.FindSubmatch(m)
		var out []byte
		for i := 1; i <= r.keep && i < len(sub); i++ {
			if i == 2 && r.keep == 2 {
				out = append(out, Mask...)
			}
			out = append(out, sub[i]...)
		}
		if r.keep == 1 {
			out = append(out, Mask...)
		}
		return out
	}), true
}

// asciiLower appends b to dst with its ASCII letters in lower case.
func asciiLower(dst, b []byte) []byte {
	for _, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func containsAny(b []byte, lits []string) bool {
	for _, l := range lits {
		if bytes.Contains(b, []byte(l)) {
			return true
		}
	}
	return false
}

// Writer masks secrets in everything written through it, a line at a
// time (see Bytes). Close writes what is left.
type Writer struct {
	w   interface{ Write([]byte) (int, error) }
	buf []byte
}

// NewWriter returns a Writer to w.
func NewWriter(w interface{ Write([]byte) (int, error) }) *Writer { return &Writer{w: w} }

// Write buffers p and writes every complete line, masked.
func (w *Writer) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	i := bytes.LastIndexByte(w.buf, '\n')
	if i < 0 {
		return len(p), nil
	}
	if _, err := w.w.Write(Bytes(w.buf[:i+1])); err != nil {
		return 0, err
	}
	w.buf = append(w.buf[:0], w.buf[i+1:]...)
	return len(p), nil
}

// Close writes the last, unfinished line.
func (w *Writer) Close() error {
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.w.Write(Bytes(w.buf))
	w.buf = w.buf[:0]
	return err
}

// writeMasked writes p, whose secrets are already masked (see EncodeJSON),
// as it is, after the unfinished line: masking it again line by line could
// break its syntax.
func (w *Writer) writeMasked(p []byte) error {
	// Close only writes the unfinished line; w stays usable.
	if err := w.Close(); err != nil {
		return err
	}
	_, err := w.w.Write(p)
	return err
}
