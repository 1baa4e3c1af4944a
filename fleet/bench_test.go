package fleet_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/fleet"
	"github.com/ci-doctor/ci-doctor/gitlabapi"
	"github.com/ci-doctor/ci-doctor/internal/gitlabtest"
	"github.com/ci-doctor/ci-doctor/signatures"
)

// The scale the fleet report is measured at (issue 13): 200 projects, 5,000
// failed jobs, 50 ms per request, 8 requests at once; and a fifth of the
// jobs, to show that memory does not grow with them.
const (
	benchProjects = 200
	benchLatency  = 50 * time.Millisecond
	benchInFlight = 8
)

// benchLog makes a job's log of about 256 KiB: filler lines, then one of
// the real failures, so that every log is read to its end and diagnosed.
// The filler is made once: making it per request would load the machine
// with the fake server's work, not the crawl's.
func benchLog(tails []string, id int64) string {
	return benchFiller() + tails[id%int64(len(tails))]
}

var benchFiller = sync.OnceValue(func() string {
	var b strings.Builder
	for i := 0; b.Len() < 256<<10; i++ {
		fmt.Fprintf(&b, "[%06d] compiling module %d: ok\n", i, i%97)
	}
	return b.String()
})

// newBenchServer serves a group of benchProjects projects with benchJobs
// failed jobs among them and a real configuration in each.
func newBenchServer(b *testing.B, jobs int64) *gitlabtest.Server {
	s := gitlabtest.New(b, gitlabtest.Options{Latency: benchLatency})
	s.AddToken(token, gitlabtest.PersonalToken, "read_api")
	s.AddGroup(gitlabtest.Group{ID: 1, Path: "fleet"})
	tails := []string{
		realLog(b, "docker-daemon-unreachable--compose-v1-gitlab-docker-2375.log"),
		realLog(b, "none--apt-python-pip-not-found.log"),
		realLog(b, "registry-unauthorized--buildkit-oauth-token-anon-401.log"),
	}
	for p := range int64(benchProjects) {
		id := 1000 + p
		s.AddProject(gitlabtest.Project{ID: id, Path: fmt.Sprintf("fleet/app-%03d", p)})
		addRealConfig(b, s, id, "08-ynezz-openwrt-ci")
	}
	for j := range jobs {
		id := 100000 + j
		created := now.Add(-time.Duration(j) * time.Minute)
		s.AddJob(gitlabtest.Job{ID: id, ProjectID: 1000 + j%benchProjects, PipelineID: id, Name: "build", Stage: "build",
			Status: "failed", FailureReason: "script_failure", Ref: "main", CreatedAt: created,
			Trace: func(int) string { return benchLog(tails, id) }})
	}
	return s
}

// BenchmarkFleet runs the first report over the whole fleet, then a second
// one with nothing new, and reports their times against what the latency
// and the concurrency allow, the requests made, and the peak heap.
//
//	go test -run '^$' -bench Fleet -benchtime 1x ./fleet
func BenchmarkFleet(b *testing.B) {
	for _, jobs := range []int64{1000, 5000} {
		b.Run(fmt.Sprintf("jobs=%d", jobs), func(b *testing.B) { benchmarkFleet(b, jobs) })
	}
}

func benchmarkFleet(b *testing.B, jobs int64) {
	for b.Loop() {
		s := newBenchServer(b, jobs)
		c, err := gitlabapi.New(gitlabapi.Options{Base: s.URL, Auth: gitlabapi.Auth{Token: token}, MaxInFlight: benchInFlight})
		if err != nil {
			b.Fatal(err)
		}
		m, err := diagnose.Compile(signatures.Builtin())
		if err != nil {
			b.Fatal(err)
		}
		st := openSQLite(b)
		o := fleet.Options{Group: "fleet", Since: now.Add(-30 * 24 * time.Hour), Failures: true, Readiness: true,
			Workers: benchInFlight, SignaturesVersion: "bench"}

		peak := sampleHeap()
		start := time.Now()
		cr, err := fleet.Crawl(context.Background(), c, m, st, o)
		first := time.Since(start)
		heap := peak()
		if err != nil {
			b.Fatal(err)
		}
		if int64(cr.Counts.New) != jobs {
			b.Fatalf("first run found %d new jobs, want %d", cr.Counts.New, jobs)
		}
		requests := len(s.Requests())
		ideal := time.Duration(requests) * benchLatency / benchInFlight

		o.Readiness = false
		start = time.Now()
		if _, err := fleet.Crawl(context.Background(), c, m, st, o); err != nil {
			b.Fatal(err)
		}
		second := time.Since(start)
		again := len(s.Requests()) - requests
		traces := s.RouteCount(traceRoute)

		b.ReportMetric(first.Seconds(), "first-run-s")
		b.ReportMetric(float64(requests), "first-run-requests")
		b.ReportMetric(first.Seconds()/ideal.Seconds(), "first/ideal")
		b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(second.Seconds(), "second-run-s")
		b.ReportMetric(float64(again), "second-run-requests")
		b.ReportMetric(float64(int64(traces)-jobs), "second-run-logs")
	}
}

// sampleHeap samples the heap in use every 10 ms until the returned
// function is called, which returns the highest sample.
func sampleHeap() func() uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	})
	return func() uint64 {
		close(stop)
		wg.Wait()
		return peak.Load()
	}
}
