package gitlabtest

import (
	"bytes"
	"fmt"
	"net/http"
	"sync/atomic"
)

// webhookRequests numbers the deliveries, for X-Gitlab-Webhook-UUID.
var webhookRequests atomic.Int64

// WebhookRequest builds a webhook delivery as this instance's GitLab sends
// it (app/services/web_hook_service.rb; facts 6.5): a POST of body with
// X-Gitlab-Event (e.g. "Job Hook"), X-Gitlab-Token (the hook's secret
// token, sent as is), X-Gitlab-Instance, a new X-Gitlab-Webhook-UUID for
// each request, X-Gitlab-Event-UUID and Idempotency-Key set to key (the
// same across a resend of one delivery; empty sends neither, as GitLab
// before 17.4 did), and GitLab's User-Agent. An empty secret sends no
// token header, as a hook without a secret token does.
func (s *Server) WebhookRequest(url, secret, event string, body []byte, key string) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitLab/18.6.0")
	req.Header.Set("X-Gitlab-Event", event)
	if secret != "" {
		req.Header.Set("X-Gitlab-Token", secret)
	}
	req.Header.Set("X-Gitlab-Instance", s.URL)
	req.Header.Set("X-Gitlab-Webhook-UUID", fmt.Sprintf("00000000-0000-4000-8000-%012d", webhookRequests.Add(1)))
	if key != "" {
		req.Header.Set("X-Gitlab-Event-UUID", key)
		req.Header.Set("Idempotency-Key", key)
	}
	return req, nil
}
