package gitlabapi

import (
	"io"
	"net/http"
	"sync"
)

// inFlight bounds the requests a Client has open at once. A request holds
// its place until its body is read to the end or closed, so a log being
// streamed counts until it has arrived: that is what loads GitLab.
type inFlight struct {
	next  http.RoundTripper
	slots chan struct{}
}

func limitInFlight(next http.RoundTripper, n int) http.RoundTripper {
	if n <= 0 {
		return next
	}
	return &inFlight{next: next, slots: make(chan struct{}, n)}
}

// RoundTrip waits for a place (or for the request's context to end).
func (t *inFlight) RoundTrip(req *http.Request) (*http.Response, error) {
	select {
	case t.slots <- struct{}{}:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		<-t.slots
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: func() { <-t.slots }}
	return resp, nil
}

// releasingBody gives the place back once, at EOF or Close.
type releasingBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releasingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.once.Do(b.release)
	}
	return n, err
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}
