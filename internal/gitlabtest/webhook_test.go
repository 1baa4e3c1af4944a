package gitlabtest

import (
	"io"
	"testing"
)

func TestWebhookRequestHasGitLabsHeaders(t *testing.T) {
	s := New(t, Options{})
	a, err := s.WebhookRequest("http://127.0.0.1:1/hooks/gitlab", "secret", "Job Hook", []byte(`{}`), "key-1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.WebhookRequest("http://127.0.0.1:1/hooks/gitlab", "", "Job Hook", []byte(`{}`), "key-1")
	for name, want := range map[string]string{"X-Gitlab-Event": "Job Hook", "X-Gitlab-Token": "secret", "X-Gitlab-Instance": s.URL,
		"Idempotency-Key": "key-1", "X-Gitlab-Event-UUID": "key-1", "Content-Type": "application/json"} {
		if got := a.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if a.Header.Get("X-Gitlab-Webhook-UUID") == b.Header.Get("X-Gitlab-Webhook-UUID") {
		t.Error("a resend kept the X-Gitlab-Webhook-UUID, which is new for each request")
	}
	if b.Header.Get("X-Gitlab-Token") != "" {
		t.Error("a hook without a secret sent a token")
	}
	if body, _ := io.ReadAll(a.Body); string(body) != "{}" || a.Method != "POST" {
		t.Errorf("%s with body %q", a.Method, body)
	}
}
