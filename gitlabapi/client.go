package gitlabapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// Options configure a Client.
type Options struct {
	// Base is the instance's web root, e.g. https://gitlab.example.com.
	Base string
	Auth Auth
	// Timeout bounds connecting and waiting for each response's headers
	// (a long log may take longer to stream); 30 s when zero.
	Timeout time.Duration
	// CAFile adds a PEM bundle to the system's roots: a self-managed
	// instance's private CA ($CI_SERVER_TLS_CA_FILE). TLS is always verified.
	CAFile string
	// Retries bounds the retries of a read (429, 5xx, a dropped
	// connection); 3 when zero, none when negative. Writes are never retried.
	Retries int
	// RetryWait is the first wait between retries, doubled each time (and
	// replaced by Retry-After when GitLab sends one); 500 ms when zero.
	RetryWait time.Duration
	// MaxInFlight bounds the requests open at once, a streamed log counting
	// until it has arrived; no bound when zero.
	MaxInFlight int
}

// Client reads jobs, logs, pipelines and files, and writes notes.
type Client struct {
	gl   *gitlab.Client
	base string
	opts Options
	http *http.Client
}

type ctxKey int

// writeKey marks a request that must not be retried: a retried POST may
// have been applied the first time.
const writeKey ctxKey = 1

func writeContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, writeKey, true)
}

// New makes a Client for opts.Base.
func New(opts Options) (*Client, error) {
	if opts.Timeout == 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.Retries == 0 {
		opts.Retries = 3
	}
	if opts.RetryWait == 0 {
		opts.RetryWait = 500 * time.Millisecond
	}
	hc, err := httpClient(opts)
	if err != nil {
		return nil, err
	}
	options := []gitlab.ClientOptionFunc{
		gitlab.WithBaseURL(APIURL(opts.Base)),
		gitlab.WithHTTPClient(hc),
		gitlab.WithUserAgent("ci-doctor"),
		gitlab.WithCustomRetryMax(max(opts.Retries, 0)),
		gitlab.WithCustomRetryWaitMinMax(opts.RetryWait, 30*time.Second),
		gitlab.WithCustomBackoff(retryablehttp.DefaultBackoff),
		gitlab.WithCustomRetry(retryReads),
	}
	var gl *gitlab.Client
	switch {
	case opts.Auth.Token != "":
		gl, err = gitlab.NewClient(opts.Auth.Token, options...)
	case opts.Auth.JobToken != "":
		gl, err = gitlab.NewJobClient(opts.Auth.JobToken, options...)
	default:
		gl, err = gitlab.NewClient("", options...)
	}
	if err != nil {
		return nil, &Error{What: opts.Base, Msg: err.Error()}
	}
	return &Client{gl: gl, base: opts.Base, opts: opts, http: hc}, nil
}

// httpClient verifies TLS always, with the extra CA when given, and bounds
// every step of a request but the body's streaming.
func httpClient(opts Options) (*http.Client, error) {
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	if opts.CAFile != "" {
		pem, err := os.ReadFile(opts.CAFile)
		if err != nil {
			return nil, &Error{What: "the CA bundle " + opts.CAFile, Msg: "cannot read it: " + rootCause(err)}
		}
		if !roots.AppendCertsFromPEM(pem) {
			return nil, &Error{What: "the CA bundle " + opts.CAFile, Msg: "no PEM certificate in it"}
		}
	}
	dialer := &net.Dialer{Timeout: opts.Timeout, KeepAlive: 30 * time.Second}
	return &http.Client{Transport: limitInFlight(&http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   opts.Timeout,
		ResponseHeaderTimeout: opts.Timeout,
		MaxIdleConnsPerHost:   max(8, opts.MaxInFlight),
	}, opts.MaxInFlight)}, nil
}

// retryReads retries reads on 429, 5xx and dropped connections; never a
// write, never a TLS or DNS failure (retrying cannot fix those).
func retryReads(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if ctx.Value(writeKey) != nil {
		return false, nil
	}
	if err != nil {
		var dnsErr *net.DNSError
		var unknownCA x509.UnknownAuthorityError
		if errors.As(err, &dnsErr) || errors.As(err, &unknownCA) {
			return false, nil
		}
		return true, nil
	}
	return resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500, nil
}

// Base is the instance's web root.
func (c *Client) Base() string { return c.base }

// Resolve picks, among the splits ParseURL proposed, the one whose project
// the API knows: the first that answers 200, or 401/403 (the API is there,
// the project private).
func Resolve(ctx context.Context, candidates []Target, opts Options) (Target, *Client, error) {
	var lastErr error
	for _, t := range candidates {
		o := opts
		o.Base = t.Base
		o.Retries = -1
		c, err := New(o)
		if err != nil {
			return Target{}, nil, err
		}
		_, resp, err := c.gl.Projects.GetProject(t.Project, nil, gitlab.WithContext(ctx))
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		if err == nil || status == 401 || status == 403 || len(candidates) == 1 {
			full := opts
			full.Base = t.Base
			c, err := New(full)
			return t, c, err
		}
		lastErr = classify(fmt.Sprintf("project %s at %s", t.Project, t.Base), err, resp)
	}
	return Target{}, nil, lastErr
}
