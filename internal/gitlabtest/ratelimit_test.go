package gitlabtest

import (
	"sync"
	"testing"
	"time"
)

// clock is a settable Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func TestRateLimit(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 1, 10, 0, 30, 0, time.UTC)}
	s := fixture(t, Options{RateLimit: 3, Now: clk.now})
	reset := "1796119260" // 2026-12-01T10:01:00Z
	for i, remaining := range []string{"2", "1", "0"} {
		res := send(t, s, "GET", "/projects/7/jobs/43", "", "PRIVATE-TOKEN", patAPI)
		if res.status != 200 {
			t.Fatalf("request %d: status %d", i, res.status)
		}
		for name, want := range map[string]string{
			"RateLimit-Name": "throttle_authenticated_api", "RateLimit-Limit": "3", "RateLimit-Observed": string(rune('1' + i)),
			"RateLimit-Remaining": remaining, "RateLimit-Reset": reset,
		} {
			if got := res.header.Get(name); got != want {
				t.Errorf("request %d: %s = %q, want %q", i, name, got, want)
			}
		}
		if res.header.Get("Retry-After") != "" {
			t.Errorf("request %d: Retry-After on a 200", i)
		}
	}

	res := send(t, s, "GET", "/projects/7/jobs/43/trace", "", "PRIVATE-TOKEN", patAPI)
	for name, want := range map[string]string{
		"Retry-After": "30", "RateLimit-ResetTime": "Tue, 01 Dec 2026 10:01:00 GMT", "RateLimit-Observed": "4",
		"RateLimit-Remaining": "0", "Content-Type": "text/plain; charset=utf-8",
	} {
		if got := res.header.Get(name); got != want {
			t.Errorf("429: %s = %q, want %q", name, got, want)
		}
	}
	if res.status != 429 || res.body != "Retry later\n" {
		t.Errorf("over the limit: %d %q", res.status, res.body)
	}
	if r := s.Requests(); r[len(r)-1].Route != "GET /projects/:id/jobs/:job_id/trace" || r[len(r)-1].Status != 429 {
		t.Errorf("throttled request recorded as %+v", r[len(r)-1])
	}

	// Another user, and anonymous clients, have budgets of their own.
	if res := send(t, s, "GET", "/projects/7", "", "PRIVATE-TOKEN", patRead); res.status != 200 {
		t.Errorf("another user: status %d", res.status)
	}
	if res := send(t, s, "GET", "/projects/8", ""); res.status != 200 || res.header.Get("RateLimit-Name") != "throttle_unauthenticated_api" {
		t.Errorf("anonymous: status %d, RateLimit-Name %q", res.status, res.header.Get("RateLimit-Name"))
	}

	clk.set(time.Date(2026, 12, 1, 10, 1, 0, 0, time.UTC))
	res = send(t, s, "GET", "/projects/7/jobs/43", "", "PRIVATE-TOKEN", patAPI)
	if res.status != 200 || res.header.Get("RateLimit-Remaining") != "2" || res.header.Get("RateLimit-Reset") != "1796119320" {
		t.Errorf("next minute: %d, remaining %q, reset %q", res.status, res.header.Get("RateLimit-Remaining"), res.header.Get("RateLimit-Reset"))
	}
}

func TestRateLimitOff(t *testing.T) {
	s := fixture(t, Options{})
	res := send(t, s, "GET", "/projects/8", "")
	if _, present := res.header["Ratelimit-Limit"]; present {
		t.Errorf("RateLimit headers without Options.RateLimit: %v", res.header)
	}
}
