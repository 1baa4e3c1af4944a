package serve_test

import (
	"encoding/json"
	"path"
	"testing"

	"github.com/ci-doctor/ci-doctor/internal/artifact"
)

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

// measure counts what a run did and how fast.
func measure(in loadIntake, fleet *loadFleet, failed map[int64]bool, causes map[int64][]string, logs serveLogs) loadReport {
	all := latenciesOf(func(*loadDelivery) bool { return true }, in.plan, in.resent)
	queueing := latenciesOf(func(d *loadDelivery) bool { return len(d.ev.failed) > 0 }, in.plan, in.resent)
	r := loadReport{Jobs: len(fleet.jobs), EventsSent: len(in.plan), OutOfOrderJobs: outOfOrder(in.plan),
		Resent: len(in.resent), FailedJobs: len(failed), Diagnoses: len(causes), DiagnosedLines: logs.lines,
		Retaken: logs.retaken, LogErrors: len(logs.errors), DownSeconds: in.ready.Sub(in.killed).Seconds(),
		IntakeSeconds: in.end.Sub(in.first).Seconds(), DrainSeconds: in.drained.Sub(in.first).Seconds(),
		LatencyP50Ms: all.quantile(0.50), LatencyP99Ms: all.quantile(0.99), LatencyMaxMs: all.quantile(1),
		QueueingP99Ms: queueing.quantile(0.99)}
	for _, d := range in.plan {
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
	for _, d := range in.resent {
		if d.accepted() {
			r.ResentAccepted++
		}
	}
	for id := range causes {
		if logs.diagnosed[id] == 0 {
			r.UnloggedFinished++
		}
	}
	r.AcceptedPerSec = float64(r.Accepted+r.ResentAccepted) / r.IntakeSeconds
	r.DiagnosesPerSec = float64(r.Diagnoses) / r.DrainSeconds
	return r
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
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	artifact.Write(t, "load-"+path.Base(t.Name())+".json", append(b, '\n'))
}
