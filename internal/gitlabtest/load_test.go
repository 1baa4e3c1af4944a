package gitlabtest

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestLatencyOverlapsRequests(t *testing.T) {
	const latency, clients = 50 * time.Millisecond, 8
	s := fixture(t, Options{Latency: latency})
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() { send(t, s, "GET", tracePath, "", "PRIVATE-TOKEN", patAPI) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	if elapsed < latency {
		t.Errorf("%d requests took %v, less than the latency %v", clients, elapsed, latency)
	}
	if elapsed > clients*latency/2 {
		t.Errorf("%d concurrent requests took %v: the latency is not slept in parallel", clients, elapsed)
	}
	if got := s.InFlightMax(); got != clients {
		t.Errorf("InFlightMax = %d, want %d", got, clients)
	}
	if got := s.RouteCount("GET /projects/:id/jobs/:job_id/trace"); got != clients {
		t.Errorf("RouteCount = %d, want %d", got, clients)
	}
}

func TestInFlightMaxSequential(t *testing.T) {
	s := fixture(t, Options{Latency: time.Millisecond})
	for range 3 {
		send(t, s, "GET", "/projects/8", "")
	}
	if got := s.InFlightMax(); got != 1 {
		t.Errorf("InFlightMax = %d after sequential requests, want 1", got)
	}
}

func TestLatencyClientGivesUp(t *testing.T) {
	s := fixture(t, Options{Latency: time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.APIURL+"/projects/8", nil)
	if _, err := s.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want the deadline", err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for len(s.Requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if r := s.Requests(); len(r) != 1 || r[0].Status != 0 {
		t.Errorf("requests %+v, want one unanswered", r)
	}
}

func TestRouteCount(t *testing.T) {
	s := fixture(t, Options{})
	send(t, s, "GET", "/projects/7/jobs", "", "PRIVATE-TOKEN", patRead)
	send(t, s, "GET", "/projects/7/jobs", "") // 401 counts too
	send(t, s, "GET", "/projects/7/jobs/43", "", "PRIVATE-TOKEN", patRead)
	for spec, want := range map[string]int{
		"GET /projects/:id/jobs":                 2,
		"GET /api/v4/projects/:id/jobs/:job_id":  1,
		"GET /groups/:id/projects":               0,
		"GET /projects/:id/pipelines/:id/jobs":   0,
		"GET /projects/:project/jobs/:job/trace": 0,
	} {
		if got := s.RouteCount(spec); got != want {
			t.Errorf("RouteCount(%q) = %d, want %d", spec, got, want)
		}
	}
}
