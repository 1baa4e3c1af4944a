package gitlabtest

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strings"
	"testing"
)

func TestTLSWithCustomCA(t *testing.T) {
	s := fixture(t, Options{TLS: true})
	if !strings.HasPrefix(s.URL, "https://") {
		t.Fatalf("URL %s is not https", s.URL)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CertPEM()) {
		t.Fatalf("CertPEM is not a PEM certificate: %q", s.CertPEM())
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	res, err := client.Get(s.APIURL + "/projects/8")
	if err != nil {
		t.Fatalf("with the CA: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("status %d", res.StatusCode)
	}
	plain := &http.Client{Transport: &http.Transport{}}
	if _, err := plain.Get(s.APIURL + "/projects/8"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("without the CA: err = %v, want a certificate error", err)
	}
	// Link headers use the https scheme.
	res2 := send(t, s, "GET", "/projects/7/merge_requests/5/pipelines", "", "PRIVATE-TOKEN", patAPI)
	if !strings.Contains(res2.header.Get("Link"), "<https://") {
		t.Errorf("Link %s", res2.header.Get("Link"))
	}
}

func TestPlainServerHasNoCert(t *testing.T) {
	if pem := New(t, Options{}).CertPEM(); pem != nil {
		t.Errorf("CertPEM = %q without TLS", pem)
	}
}

func TestRelativeRoot(t *testing.T) {
	for _, root := range []string{"/gitlab", "gitlab/", "/gitlab/"} {
		t.Run(root, func(t *testing.T) {
			s := fixture(t, Options{RelativeRoot: root})
			if !strings.HasSuffix(s.URL, "/gitlab") || s.APIURL != s.URL+"/api/v4" {
				t.Fatalf("URL %s, APIURL %s", s.URL, s.APIURL)
			}
			res := send(t, s, "GET", "/projects/7/jobs/43", "", "PRIVATE-TOKEN", patAPI)
			if res.status != 200 {
				t.Fatalf("under the root: %d %s", res.status, res.body)
			}
			if got := field(decode(t, res.body), "web_url"); got != s.URL+"/group/sub/app/-/jobs/43" {
				t.Errorf("web_url %v", got)
			}
			if got := s.JobWebURL(43); got != s.URL+"/group/sub/app/-/jobs/43" {
				t.Errorf("JobWebURL %s", got)
			}
			if got := s.MergeRequestWebURL(7, 5); got != s.URL+"/group/sub/app/-/merge_requests/5" {
				t.Errorf("MergeRequestWebURL %s", got)
			}
			// Outside the root there is no API: a client that probes split
			// points sees an HTML 404 rather than a JSON answer.
			host := strings.TrimSuffix(s.URL, "/gitlab")
			out := send(t, s, "GET", host+"/api/v4/projects/gitlab%2Fgroup%2Fsub%2Fapp", "", "PRIVATE-TOKEN", patAPI)
			if out.status != 404 || !strings.HasPrefix(out.header.Get("Content-Type"), "text/html") {
				t.Errorf("outside the root: %d %s", out.status, out.header.Get("Content-Type"))
			}
			near := send(t, s, "GET", s.URL+"/api/v4x/job", "")
			if near.status != 404 || !strings.HasPrefix(near.header.Get("Content-Type"), "text/html") {
				t.Errorf("prefix lookalike: %d %s", near.status, near.header.Get("Content-Type"))
			}
		})
	}
}

func TestWebURLsOfUnknownThings(t *testing.T) {
	s := fixture(t, Options{})
	if s.JobWebURL(999) != "" || s.MergeRequestWebURL(999, 1) != "" {
		t.Error("web URLs of unknown jobs or projects should be empty")
	}
}
