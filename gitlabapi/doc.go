// Package gitlabapi is ci-doctor's road to GitLab: it turns a job,
// pipeline or merge-request URL into a target, finds the host and token
// the way glab does, and reads job logs (streamed, never held whole),
// jobs, pipelines, repository files and merge-request notes through
// gitlab.com/gitlab-org/api/client-go.
//
// Every error it returns is an *Error: one line a person can act on (which
// token, which scope, 404 meaning "missing or not yours to see"), never a
// stack of wrapped messages. Reads are retried with backoff, honouring
// Retry-After; writes are never retried, so a merge-request note is never
// posted twice. Tokens go in headers only.
package gitlabapi
