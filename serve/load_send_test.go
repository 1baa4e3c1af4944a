package serve_test

import (
	"errors"
	"io"
	"math"
	"net/http"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ci-doctor/ci-doctor/internal/gitlabtest"
)

// loadSenders is how many events are in flight at once, as GitLab's
// Sidekiq workers would send them.
const loadSenders = 16

// loadDelivery is one POST of an event (first sending, duplicate or
// re-send) and what came of it.
type loadDelivery struct {
	ev     *loadEvent
	dup    bool
	resend bool
	proc   int // the serve process it goes to
	seq    int // position in the plan

	start, end time.Time
	status     int   // 0 when no answer came
	err        error // why no answer came
}

// accepted says whether the intake answered 2xx.
func (d *loadDelivery) accepted() bool { return d.status >= 200 && d.status < 300 }

// refused says whether nobody listened: the process was down.
func (d *loadDelivery) refused() bool { return errors.Is(d.err, syscall.ECONNREFUSED) }

// loadIntake is the events sent and re-sent, and when things happened.
type loadIntake struct {
	plan, resent  []*loadDelivery
	victim        int       // the process killed half-way
	killed, ready time.Time // its SIGKILL, and when it was ready again
	first, end    time.Time // the first event sent, the last answered
	drained       time.Time // when the queue was found empty
}

// deliver sends the plan in bursts with short pauses. When the event at
// loadKillAt is about to go, it SIGKILLs victim and starts it again at
// once while the senders go on; what got no answer is sent again after
// the plan, as a person would with GitLab's "Resend request".
func deliver(t *testing.T, s *loadSender, plan []*loadDelivery, victim *serveProc) loadIntake {
	t.Helper()
	in := loadIntake{plan: plan, victim: slices.Index(s.procs, victim)}
	var kill sync.Once
	var restartErr error
	restarted := make(chan struct{})
	killHalfWay := func(d *loadDelivery) {
		if d.seq != loadKillAt {
			return
		}
		kill.Do(func() {
			go func() {
				defer close(restarted)
				in.killed = time.Now()
				victim.kill()
				restartErr = victim.restart()
				in.ready = time.Now()
			}()
		})
	}
	in.first = time.Now()
	for b := 0; b < len(plan); b += loadBurst {
		s.send(plan[b:min(b+loadBurst, len(plan))], killHalfWay)
		time.Sleep(loadPause)
	}
	<-restarted
	if restartErr != nil {
		t.Fatalf("restarting serve after SIGKILL: %v", restartErr)
	}
	for _, d := range plan {
		if d.status == 0 {
			in.resent = append(in.resent, &loadDelivery{ev: d.ev, dup: d.dup, resend: true, proc: d.proc, seq: d.seq})
		}
	}
	s.send(in.resent, nil)
	in.end = time.Now()
	return in
}

// loadSender posts events to the serve processes as the fake GitLab
// delivers webhooks (its headers).
type loadSender struct {
	client *http.Client
	gitlab *gitlabtest.Server
	procs  []*serveProc
}

func newLoadSender(gl *gitlabtest.Server, procs []*serveProc) *loadSender {
	// No proxy from the environment: the events stay on loopback.
	tr := &http.Transport{MaxIdleConns: 2 * loadSenders, MaxIdleConnsPerHost: loadSenders, IdleConnTimeout: time.Minute}
	return &loadSender{client: &http.Client{Transport: tr, Timeout: 30 * time.Second}, gitlab: gl, procs: procs}
}

// send posts ds, loadSenders at a time; before, when set, runs in the
// sending goroutine just before each post.
func (s *loadSender) send(ds []*loadDelivery, before func(*loadDelivery)) {
	work := make(chan *loadDelivery)
	var wg sync.WaitGroup
	for range loadSenders {
		wg.Go(func() {
			for d := range work {
				if before != nil {
					before(d)
				}
				s.post(d)
			}
		})
	}
	for _, d := range ds {
		work <- d
	}
	close(work)
	wg.Wait()
}

// post sends one event and records the answer and its latency. The
// Idempotency-Key also lets net/http send the POST again on a kept-alive
// connection the server had closed, as it does for idempotent requests.
func (s *loadSender) post(d *loadDelivery) {
	req, err := s.gitlab.WebhookRequest(s.procs[d.proc].url()+"/hooks/gitlab", secret, d.ev.kind, d.ev.body, d.ev.key)
	if err != nil {
		d.err = err
		return
	}
	d.start = time.Now()
	resp, err := s.client.Do(req)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		d.status = resp.StatusCode
	}
	d.end, d.err = time.Now(), err
}

// latencies are client-side times of accepted deliveries, sorted.
type latencies []time.Duration

// latenciesOf gathers the times of the accepted deliveries that keep
// selects.
func latenciesOf(keep func(*loadDelivery) bool, ds ...[]*loadDelivery) latencies {
	var out latencies
	for _, list := range ds {
		for _, d := range list {
			if d.accepted() && keep(d) {
				out = append(out, d.end.Sub(d.start))
			}
		}
	}
	slices.Sort(out)
	return out
}

// quantile is the q-quantile by the nearest-rank method, in milliseconds.
func (l latencies) quantile(q float64) float64 {
	if len(l) == 0 {
		return 0
	}
	i := max(int(math.Ceil(q*float64(len(l))))-1, 0)
	return float64(l[i].Microseconds()) / 1000
}
