package gitlabapi

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// Error is a failed API call, said in one line a person can act on.
type Error struct {
	// Status is the HTTP status, 0 for a network, DNS or TLS failure.
	Status int
	// What is the thing that was asked for ("the log of job 123").
	What string
	// Msg says what went wrong and what to do.
	Msg string
}

func (e *Error) Error() string { return e.What + ": " + e.Msg }

// classify turns a client-go or transport error into an *Error.
func classify(what string, err error, resp *gitlab.Response) error {
	if err == nil {
		return nil
	}
	var ge *Error
	if errors.As(err, &ge) {
		return ge
	}
	status := 0
	if resp != nil && resp.Response != nil {
		status = resp.StatusCode
	}
	var er *gitlab.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		status = er.Response.StatusCode
	}
	if errors.Is(err, gitlab.ErrNotFound) {
		status = 404
	}
	e := &Error{Status: status, What: what}
	var dnsErr *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var certErr *x509.CertificateInvalidError
	var hostErr x509.HostnameError
	var urlErr *url.Error
	switch {
	case status == 401:
		e.Msg = "401 Unauthorized: the token is missing, expired or revoked; set GITLAB_TOKEN to a token with the read_api scope (api to post notes)"
	case status == 403:
		e.Msg = "403 Forbidden: the token may not do this (it needs the api scope to post notes, read_api to read; a job's log with debug tracing needs Developer)"
	case status == 404:
		e.Msg = "404 Not Found: it does not exist, or the token may not see it (GitLab answers 404 for both); check the URL and that the token's user is a member of the project"
	case status == 429:
		e.Msg = "429 Too Many Requests: GitLab's rate limit was reached and retries did not get through; try again later"
	case status >= 500:
		e.Msg = fmt.Sprintf("%d: GitLab failed to answer, and retries did not help; try again later", status)
	case errors.As(err, &dnsErr):
		e.Msg = fmt.Sprintf("cannot resolve host %s: check the URL or GITLAB_HOST", dnsErr.Name)
	case errors.As(err, &unknownCA) || errors.As(err, &certErr) || errors.As(err, &hostErr) || strings.Contains(err.Error(), "x509:"):
		e.Msg = "TLS certificate not trusted: " + tlsReason(err) + "; give the instance's CA in SSL_CERT_FILE or CI_SERVER_TLS_CA_FILE"
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &urlErr) && urlErr.Timeout():
		e.Msg = "timed out waiting for GitLab; raise --timeout or try again later"
	case errors.Is(err, context.Canceled):
		e.Msg = "cancelled"
	case status > 0:
		e.Msg = fmt.Sprintf("GitLab answered %d", status)
	default:
		e.Msg = "cannot reach GitLab: " + rootCause(err)
	}
	return e
}

func tlsReason(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "x509: "); i >= 0 {
		return msg[i:]
	}
	return msg
}

// rootCause drops the layers of context that net/http adds.
func rootCause(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}
