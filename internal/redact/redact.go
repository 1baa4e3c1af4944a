// Package redact removes secrets from what ci-doctor prints: job logs can
// leak tokens (a `set -x` trace, a URL with a password, a login command),
// and ci-doctor quotes log lines in its text, JSON, Markdown, Code Quality
// and SARIF output, in merge-request notes and in patches. Everything it
// writes goes through a Writer, so no output can forget.
//
// It keeps what a diagnosis needs: the registry host, the image name, the
// variable's name.
package redact

import (
	"bytes"
	"regexp"
)

// Mask replaces a secret.
const Mask = "[REDACTED]"

// rules are the secret shapes, each with the group to mask; the other
// groups stay, so that "PRIVATE-TOKEN: x" keeps its header name.
var rules = []struct {
	re *regexp.Regexp
	// keep is how many leading groups are kept as they are.
	keep int
}{
	// GitLab's tokens have a prefix of their own: personal, pipeline
	// trigger, deploy, CI build (job), runner, SCIM, OAuth, feed,
	// incoming mail, agent, runner registration.
	{re: regexp.MustCompile(`\b(?:glpat|glptt|gldt|glcbt|glrt|glsoat|gloas|glft|glimt|glagent|glwt|glffct|gltst)-[0-9A-Za-z_\-.]{8,}`)},
	{re: regexp.MustCompile(`\bGR1348941[0-9A-Za-z_\-]{16,}`)},
	// Other well-known shapes: GitHub, AWS access keys, Slack, Stripe,
	// npm, PyPI, Google API keys, JSON Web Tokens.
	{re: regexp.MustCompile(`\b(?:ghp|gho|ghu|ghs|ghr)_[0-9A-Za-z]{30,}|\bgithub_pat_[0-9A-Za-z_]{30,}`)},
	{re: regexp.MustCompile(`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`)},
	{re: regexp.MustCompile(`\bxox[abprs]-[0-9A-Za-z\-]{10,}`)},
	{re: regexp.MustCompile(`\b[rs]k_(?:live|test)_[0-9A-Za-z]{16,}`)},
	{re: regexp.MustCompile(`\bnpm_[0-9A-Za-z]{36}\b`)},
	{re: regexp.MustCompile(`\bpypi-[0-9A-Za-z_\-]{50,}`)},
	{re: regexp.MustCompile(`\bAIza[0-9A-Za-z_\-]{35}\b`)},
	{re: regexp.MustCompile(`\beyJ[0-9A-Za-z_\-]{8,}\.eyJ[0-9A-Za-z_\-]{8,}\.[0-9A-Za-z_\-]{8,}`)},
	// Header values: PRIVATE-TOKEN, JOB-TOKEN, Authorization (any scheme).
	{re: regexp.MustCompile(`(?i)((?:private|job|deploy)-token["']?\s*[:=]\s*["']?)[^\s"',;]+`), keep: 1},
	{re: regexp.MustCompile(`(?i)(authorization["']?\s*[:=]\s*["']?(?:bearer|basic|token)?\s*)[^\s"',;]+`), keep: 1},
	// A password in a URL: https://user:password@host keeps user and host.
	{re: regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@"']+:)[^\s@/"']+(@)`), keep: 2},
	// The password argument of a login command (docker, podman, helm,
	// crane, skopeo, buildah, npm): -p X, --password X, --password=X.
	// A variable reference ($CI_REGISTRY_PASSWORD) is no secret and stays.
	{re: regexp.MustCompile(`((?:docker|podman|buildah|skopeo|nerdctl|oras|helm\s+registry|crane\s+auth)\s+login\b[^\n|;&\x60,]*?\s(?:-p|--password)(?:=|\s+))("[^"$]*"|'[^']*'|[^\s$"'][^\s]*)`), keep: 1},
	// The guide's config.json step with literal credentials:
	// echo -n user:password | base64.
	{re: regexp.MustCompile(`(echo\s+-n\s+["']?[^\s:"'|]+["']?:["']?)([^\s"'$|][^\s"'|]*)`), keep: 1},
	// Docker's config.json: "auth":"<base64 of user:password>".
	{re: regexp.MustCompile(`((?:\\?")auth(?:\\?")\s*:\s*(?:\\?"))[A-Za-z0-9+/=]{8,}`), keep: 1},
	// Variables whose names look secret, as `set -x` traces print them:
	// + export CI_REGISTRY_PASSWORD=s3cr3t, DB_TOKEN='x', AWS_SECRET_ACCESS_KEY=...
	{re: regexp.MustCompile(`(\b[A-Za-z0-9_]*(?:PASSWORD|PASSWD|TOKEN|SECRET|_KEY|APIKEY|API_KEY|PRIVATE_KEY|CREDENTIALS?)\s*[=:]\s*)("[^"$]*"|'[^'$]*'|[^\s"'$;&|]+)`), keep: 1},
}

// String returns s with its secrets masked.
func String(s string) string {
	return string(Bytes([]byte(s)))
}

// Bytes returns b with its secrets masked; b is not changed.
func Bytes(b []byte) []byte {
	for _, r := range rules {
		if !r.re.Match(b) {
			continue
		}
		b = r.re.ReplaceAllFunc(b, func(m []byte) []byte {
			if r.keep == 0 {
				return []byte(Mask)
			}
			sub := r.re.FindSubmatch(m)
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
		})
	}
	return b
}

// Writer masks secrets in everything written through it, a line at a
// time (a secret never spans lines). Close writes what is left.
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
