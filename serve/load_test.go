package serve_test

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ci-doctor/ci-doctor/gitlabapi"
	"github.com/ci-doctor/ci-doctor/internal/gitlabtest"
	"github.com/ci-doctor/ci-doctor/store"
	"github.com/ci-doctor/ci-doctor/store/storetest"
)

// The load test's knobs (issue 14): a SIGKILL half-way, leases short
// enough that the killed process's jobs come back within seconds, short
// pauses between bursts, bounded waits.
const (
	loadToken   = "glpat-load-read-api"
	loadWorkers = 4
	loadKillAt  = loadEvents/2 + loadBurst/4 // within a burst: events in flight
	loadPause   = 50 * time.Millisecond
	loadDrain   = 3 * time.Minute
	loadLatency = 50 * time.Millisecond
)

// TestLoad is issue 14's load test: `ci-doctor serve` takes 10,000 job
// and pipeline events on loopback, 20 % of them duplicates and every burst
// out of order, loses a process to SIGKILL half-way and gets it back at
// once; at the end every failed job is diagnosed exactly once and no
// accepted event is lost. Once on SQLite with one process, once on
// PostgreSQL with two sharing the queue.
func TestLoad(t *testing.T) {
	if os.Getenv("CI_DOCTOR_LOAD") != "1" {
		t.Skip("the load test runs ci-doctor serve under 10,000 events for about 30 s; run it with\n" +
			"  CI_DOCTOR_LOAD=1 CI_DOCTOR_TEST_POSTGRES='postgres://...' go test ./serve -run TestLoad -v -timeout 10m\n" +
			"(figures in $CI_DOCTOR_ARTIFACTS/load-*.json)")
	}
	bin := filepath.Join(t.TempDir(), "ci-doctor")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/ci-doctor").CombinedOutput(); err != nil {
		t.Fatalf("building ci-doctor: %v\n%s", err, out)
	}
	t.Run("sqlite-1-process", func(t *testing.T) { runLoad(t, bin, storetest.SQLite(t), 1) })
	t.Run("postgres-2-processes", func(t *testing.T) { runLoad(t, bin, storetest.Postgres(t), 2) })
}

// runLoad is one run of the load test with procs serve processes over dsn.
func runLoad(t *testing.T, bin, dsn string, procs int) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(14, 10_000))
	// Every API call takes a round trip to GitLab.com, so the workers lag
	// behind the events and the killed process dies with jobs in hand.
	gl := gitlabtest.New(t, gitlabtest.Options{Latency: loadLatency})
	gl.AddToken(loadToken, gitlabtest.PersonalToken, "read_api")
	fleet := newLoadFleet(t, gl, rng)
	plan := fleet.plan(rng, procs)
	dir := t.TempDir()
	var serves []*serveProc
	for i := range procs {
		serves = append(serves, newServeProc(t, bin, dir, string(rune('a'+i)), dsn, gl.URL))
	}

	in := deliver(t, newLoadSender(gl, serves), plan, serves[len(serves)-1])
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("opening the store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	queue := waitQueueEmpty(t, st, loadDrain)
	in.drained = time.Now()
	var logFiles []string
	for _, p := range serves {
		p.stop()
		logFiles = append(logFiles, p.logs...)
	}
	logs := readServeLogs(t, logFiles)
	causes := map[int64][]string{}
	if err := st.Diagnoses(ctx, store.Filter{Host: gitlabapi.NormalizeBase(gl.URL)}, func(d store.Diagnosis) error {
		causes[d.JobID] = append(causes[d.JobID], d.CauseID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	failed := checkIntake(t, in)
	checkDiagnoses(t, fleet, failed, causes, logs, queue)
	r := measure(in, fleet, failed, causes, logs)
	r.Backend, r.Processes = st.Backend(), procs
	if r.Accepted != r.EventsSent-r.RefusedWhileDown {
		t.Errorf("%d events accepted, want the %d sent less the %d refused while down", r.Accepted, r.EventsSent, r.RefusedWhileDown)
	}
	if r.RefusedWhileDown == 0 {
		t.Error("no event was refused: the kill came and went between two events, so the test did not exercise the down time")
	}
	for i, e := range logs.errors {
		if i == 5 {
			t.Logf("... %d more errors in the serve logs", len(logs.errors)-5)
			break
		}
		t.Logf("serve logged an error: %s", e)
	}
	writeLoadReport(t, r)
}

// waitQueueEmpty waits until no job is waiting or leased, and fails the
// test after timeout.
func waitQueueEmpty(t *testing.T, st *store.Store, timeout time.Duration) store.QueueStats {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		q, err := st.QueueStats(context.Background())
		if err == nil && q.Waiting == 0 && q.Leased == 0 {
			return q
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s the queue still holds %d waiting and %d leased jobs (%d done; err %v)",
				timeout, q.Waiting, q.Leased, q.Done, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkIntake checks that every event got 2xx but those sent to the
// victim while it was down, which got no answer at all, and that their
// re-sends got 2xx. It returns the failed jobs named by an accepted event.
func checkIntake(t *testing.T, in loadIntake) map[int64]bool {
	t.Helper()
	failed := map[int64]bool{}
	for _, ds := range [][]*loadDelivery{in.plan, in.resent} {
		for _, d := range ds {
			switch {
			case d.accepted():
				for _, id := range d.ev.failed {
					failed[id] = true
				}
			case d.status != 0:
				t.Errorf("event %d (%s %s, re-send %v) answered %d while its process was up", d.seq, d.ev.kind, d.ev.key, d.resend, d.status)
			case d.resend:
				t.Errorf("re-sent event %d (%s) got no answer: %v", d.seq, d.ev.key, d.err)
			case d.proc != in.victim || d.end.Before(in.killed) || d.start.After(in.ready):
				t.Errorf("event %d (%s) to process %d got no answer outside the kill (%s to %s): %v",
					d.seq, d.ev.key, d.proc, in.killed.Format(time.StampMicro), in.ready.Format(time.StampMicro), d.err)
			}
		}
	}
	return failed
}

// checkDiagnoses checks the store and the logs against the fleet: one
// diagnosis with the log's cause for each failed job an accepted event
// named, none for the others, never two "diagnosed" lines for a job, and
// no line missing but for jobs the victim finished just before its death.
func checkDiagnoses(t *testing.T, fleet *loadFleet, failed map[int64]bool, causes map[int64][]string, logs serveLogs, queue store.QueueStats) {
	t.Helper()
	unlogged := 0
	for id, j := range fleet.jobs {
		switch rows := len(causes[id]); {
		case j.failed && !failed[id]:
			t.Errorf("job %d failed but no event naming it failed was accepted, even re-sent", id)
		case failed[id] && rows != 1:
			t.Errorf("failed job %d (%s) has %d diagnoses, want 1", id, j.log, rows)
		case failed[id] && causes[id][0] != j.cause:
			t.Errorf("job %d (%s) diagnosed %q, want %q", id, j.log, causes[id][0], j.cause)
		case !j.failed && rows > 0:
			t.Errorf("job %d succeeded but has %d diagnoses", id, rows)
		}
		if n := logs.diagnosed[id]; n > 1 {
			t.Errorf("job %d diagnosed %d times in the serve logs, want once", id, n)
		} else if n == 0 && len(causes[id]) > 0 {
			unlogged++
		}
	}
	for id := range causes {
		if fleet.jobs[id] == nil {
			t.Errorf("a diagnosis of job %d, which the fleet does not have", id)
		}
	}
	for id := range logs.diagnosed {
		if len(causes[id]) == 0 {
			t.Errorf("job %d logged as diagnosed but has no diagnosis stored", id)
		}
	}
	// A worker of the killed process may have committed its last diagnosis
	// and died before logging it: one job per worker at most.
	if unlogged > loadWorkers {
		t.Errorf("%d diagnosed jobs have no \"diagnosed\" line, want at most %d (the killed process's workers)", unlogged, loadWorkers)
	}
	if queue.Done != len(failed) {
		t.Errorf("the queue has %d jobs done, want the %d failed jobs", queue.Done, len(failed))
	}
}
