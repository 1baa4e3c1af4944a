package serve_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sync"
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
	loadKillAt  = loadEvents / 2
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
		t.Skip("the load test runs ci-doctor serve under 10,000 events for about a minute; run it with\n" +
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

// loadReport is what a run measured; it is logged and written as JSON.
type loadReport struct {
	Backend          string  `json:"backend"`
	Processes        int     `json:"processes"`
	Jobs             int     `json:"jobs"`
	EventsSent       int     `json:"events_sent"`
	Duplicates       int     `json:"duplicates"`
	OutOfOrderJobs   int     `json:"out_of_order_jobs"` // final status sent before running
	Accepted         int     `json:"accepted"`
	RefusedWhileDown int     `json:"refused_while_down"` // no answer: connection refused, or cut by the kill
	CutByKill        int     `json:"cut_by_kill"`        // of those, in flight when the process died
	Resent           int     `json:"resent"`
	ResentAccepted   int     `json:"resent_accepted"`
	FailedJobs       int     `json:"failed_jobs"`
	Diagnoses        int     `json:"diagnoses"`
	DiagnosedLines   int     `json:"diagnosed_log_lines"`
	Retaken          int     `json:"diagnosed_after_lease_expired"`
	UnloggedFinished int     `json:"diagnosed_without_log_line"` // finished just before the kill
	LogErrors        int     `json:"log_errors"`
	DownSeconds      float64 `json:"down_seconds"` // SIGKILL to ready again
	IntakeSeconds    float64 `json:"intake_wall_seconds"`
	DrainSeconds     float64 `json:"first_event_to_queue_empty_seconds"`
	AcceptedPerSec   float64 `json:"events_accepted_per_second"`
	DiagnosesPerSec  float64 `json:"diagnoses_per_second"`
	LatencyP50Ms     float64 `json:"intake_latency_p50_ms"`
	LatencyP99Ms     float64 `json:"intake_latency_p99_ms"`
	LatencyMaxMs     float64 `json:"intake_latency_max_ms"`
	// The same over the events that name a failed job, the only ones
	// that write to the store before the answer.
	QueueingP99Ms float64 `json:"intake_latency_p99_queueing_ms"`
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
	victim := len(serves) - 1
	sender := newLoadSender(gl.URL, serves)

	// The kill: when the plan's middle event is about to go, SIGKILL one
	// process and start it again at once, while the senders go on.
	var kill sync.Once
	var killed, ready time.Time
	var restartErr error
	restarted := make(chan struct{})
	killHalfWay := func(d *loadDelivery) {
		if d.seq != loadKillAt {
			return
		}
		kill.Do(func() {
			go func() {
				defer close(restarted)
				killed = time.Now()
				serves[victim].kill()
				restartErr = serves[victim].restart()
				ready = time.Now()
			}()
		})
	}
	first := time.Now()
	for b := 0; b < len(plan); b += loadBurst {
		sender.send(plan[b:min(b+loadBurst, len(plan))], killHalfWay)
		time.Sleep(loadPause)
	}
	<-restarted
	if restartErr != nil {
		t.Fatalf("restarting serve after SIGKILL: %v", restartErr)
	}
	// What got no answer is sent again, as a person would with GitLab's
	// "Resend request".
	var resent []*loadDelivery
	for _, d := range plan {
		if d.status == 0 {
			resent = append(resent, &loadDelivery{ev: d.ev, dup: d.dup, resend: true, proc: d.proc, seq: d.seq})
		}
	}
	sender.send(resent, nil)
	intakeEnd := time.Now()

	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("opening the store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	queue := waitQueueEmpty(t, st, loadDrain)
	drained := time.Now()
	var logFiles []string
	for _, p := range serves {
		p.stop()
		logFiles = append(logFiles, p.logs...)
	}
	logs := readServeLogs(t, logFiles)
	rows := map[int64]int{}
	causes := map[int64]string{}
	if err := st.Diagnoses(ctx, store.Filter{Host: gitlabapi.NormalizeBase(gl.URL)}, func(d store.Diagnosis) error {
		rows[d.JobID]++
		causes[d.JobID] = d.CauseID
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	failed := checkIntake(t, plan, resent, victim, killed, ready)
	checkDiagnoses(t, fleet, failed, rows, causes, logs, queue)

	lat := latenciesOf(func(*loadDelivery) bool { return true }, plan, resent)
	queueing := latenciesOf(func(d *loadDelivery) bool { return len(d.ev.failed) > 0 }, plan, resent)
	r := loadReport{Backend: st.Backend(), Processes: procs, Jobs: len(fleet.jobs), EventsSent: len(plan),
		OutOfOrderJobs: outOfOrder(plan), Resent: len(resent), FailedJobs: len(failed), Diagnoses: len(rows),
		DiagnosedLines: logs.lines, LogErrors: len(logs.errors), DownSeconds: ready.Sub(killed).Seconds(),
		IntakeSeconds: intakeEnd.Sub(first).Seconds(), DrainSeconds: drained.Sub(first).Seconds(),
		LatencyP50Ms: lat.quantile(0.50), LatencyP99Ms: lat.quantile(0.99), LatencyMaxMs: lat.quantile(1),
		QueueingP99Ms: queueing.quantile(0.99), Retaken: logs.retaken}
	for _, d := range plan {
		if d.dup {
			r.Duplicates++
		}
		switch {
		case d.accepted():
			r.Accepted++
		case d.status == 0:
			r.RefusedWhileDown++
			if !d.refused() {
				r.CutByKill++
			}
		}
	}
	for _, d := range resent {
		if d.accepted() {
			r.ResentAccepted++
		}
	}
	for id := range failed {
		if rows[id] > 0 && logs.diagnosed[id] == 0 {
			r.UnloggedFinished++
		}
	}
	if r.Accepted != r.EventsSent-r.RefusedWhileDown {
		t.Errorf("%d events accepted, want the %d sent less the %d refused while down", r.Accepted, r.EventsSent, r.RefusedWhileDown)
	}
	if r.RefusedWhileDown == 0 {
		t.Error("no event was refused: the kill came and went between two events, so the test did not exercise the down time")
	}
	r.AcceptedPerSec = float64(r.Accepted+r.ResentAccepted) / r.IntakeSeconds
	r.DiagnosesPerSec = float64(r.Diagnoses) / r.DrainSeconds
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
func checkIntake(t *testing.T, plan, resent []*loadDelivery, victim int, killed, ready time.Time) map[int64]bool {
	t.Helper()
	failed := map[int64]bool{}
	for _, ds := range [][]*loadDelivery{plan, resent} {
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
			case d.proc != victim || d.end.Before(killed) || d.start.After(ready):
				t.Errorf("event %d (%s) to process %d got no answer outside the kill (%s to %s): %v",
					d.seq, d.ev.key, d.proc, killed.Format(time.StampMicro), ready.Format(time.StampMicro), d.err)
			}
		}
	}
	return failed
}

// checkDiagnoses checks the store and the logs against the fleet: one
// diagnosis with the log's cause for each failed job an accepted event
// named, none for the others, never two "diagnosed" lines for a job, and
// no line missing but for jobs the victim finished just before its death.
func checkDiagnoses(t *testing.T, fleet *loadFleet, failed map[int64]bool, rows map[int64]int, causes map[int64]string, logs serveLogs, queue store.QueueStats) {
	t.Helper()
	unlogged := 0
	for id, j := range fleet.jobs {
		switch {
		case j.failed && !failed[id]:
			t.Errorf("job %d failed but no event naming it failed was accepted, even re-sent", id)
		case failed[id] && rows[id] != 1:
			t.Errorf("failed job %d (%s) has %d diagnoses, want 1", id, j.log, rows[id])
		case failed[id] && causes[id] != j.cause:
			t.Errorf("job %d (%s) diagnosed %q, want %q", id, j.log, causes[id], j.cause)
		case !j.failed && rows[id] > 0:
			t.Errorf("job %d succeeded but has %d diagnoses", id, rows[id])
		}
		if n := logs.diagnosed[id]; n > 1 {
			t.Errorf("job %d diagnosed %d times in the serve logs, want once", id, n)
		} else if n == 0 && rows[id] > 0 {
			unlogged++
		}
	}
	for id := range rows {
		if fleet.jobs[id] == nil {
			t.Errorf("a diagnosis of job %d, which the fleet does not have", id)
		}
	}
	for id := range logs.diagnosed {
		if rows[id] == 0 {
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

// writeLoadReport logs the figures and writes them to
// $CI_DOCTOR_ARTIFACTS/load-<subtest>.json.
func writeLoadReport(t *testing.T, r loadReport) {
	t.Helper()
	t.Logf("%s, %d process(es): %d events sent (%d duplicates, %d jobs out of order), %d accepted, %d refused while down (%d cut by the kill), %d re-sent (%d accepted); down %.2f s",
		r.Backend, r.Processes, r.EventsSent, r.Duplicates, r.OutOfOrderJobs, r.Accepted, r.RefusedWhileDown, r.CutByKill, r.Resent, r.ResentAccepted, r.DownSeconds)
	t.Logf("%d failed jobs of %d, %d diagnoses, %d \"diagnosed\" lines (%d after a lease expired; %d diagnosed jobs without one), %d error lines",
		r.FailedJobs, r.Jobs, r.Diagnoses, r.DiagnosedLines, r.Retaken, r.UnloggedFinished, r.LogErrors)
	t.Logf("intake %.1f s: %.0f events accepted/s; first event to queue empty %.1f s: %.1f diagnoses/s; intake latency p50 %.1f ms, p99 %.1f ms (%.1f ms for events that queue a job), max %.1f ms",
		r.IntakeSeconds, r.AcceptedPerSec, r.DrainSeconds, r.DiagnosesPerSec, r.LatencyP50Ms, r.LatencyP99Ms, r.QueueingP99Ms, r.LatencyMaxMs)
	dir := os.Getenv("CI_DOCTOR_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "ci-doctor-artifacts")
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	file := filepath.Join(dir, "load-"+path.Base(t.Name())+".json")
	if err == nil {
		err = os.WriteFile(file, append(b, '\n'), 0o644)
	}
	if err != nil {
		t.Errorf("writing the figures: %v", err)
		return
	}
	t.Logf("figures in %s", file)
}
