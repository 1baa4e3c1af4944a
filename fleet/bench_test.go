package fleet_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ci-doctor/ci-doctor/internal/gitlabtest"
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

// BenchmarkFleet runs `ci-doctor report` over the whole fleet, as a user
// does (its own process, so that its peak memory is its own, not the fake
// GitLab's), then a second time with nothing new, and reports their times
// against what the latency and the concurrency allow, the requests made,
// and the report's peak RSS, at 1,000 and at 5,000 jobs.
//
//	go test -run '^$' -bench Fleet -benchtime 1x ./fleet
func BenchmarkFleet(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "ci-doctor")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/ci-doctor").CombinedOutput(); err != nil {
		b.Fatalf("building ci-doctor: %v\n%s", err, out)
	}
	for _, jobs := range []int64{1000, 5000} {
		b.Run(fmt.Sprintf("jobs=%d", jobs), func(b *testing.B) { benchmarkFleet(b, bin, jobs) })
	}
}

func benchmarkFleet(b *testing.B, bin string, jobs int64) {
	for b.Loop() {
		s := newBenchServer(b, jobs)
		db := filepath.Join(b.TempDir(), "fleet.db")
		report := func(args ...string) (time.Duration, int64) {
			cmd := exec.Command(bin, append([]string{"report", "--group", "fleet", "--quiet", "--format", "json", "--output", os.DevNull,
				"--since", now.Add(-30 * 24 * time.Hour).Format(time.DateOnly), "--concurrency", fmt.Sprint(benchInFlight)}, args...)...)
			cmd.Env = append(os.Environ(), "GITLAB_HOST="+s.URL, "GITLAB_TOKEN="+token, "CI_DOCTOR_DB="+db)
			start := time.Now()
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%v: %v\n%s", cmd.Args, err, out)
			}
			return time.Since(start), cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
		}
		first, rss := report()
		requests := len(s.Requests())
		ideal := time.Duration(requests) * benchLatency / benchInFlight
		if got := int64(s.RouteCount(traceRoute)); got != jobs {
			b.Fatalf("the first run read %d logs, want %d", got, jobs)
		}
		second, _ := report("--failures-only")
		again := len(s.Requests()) - requests

		b.ReportMetric(first.Seconds(), "first-run-s")
		b.ReportMetric(float64(requests), "first-run-requests")
		b.ReportMetric(first.Seconds()/ideal.Seconds(), "first/ideal")
		b.ReportMetric(float64(rss)/1024, "peak-RSS-MiB")
		b.ReportMetric(second.Seconds(), "second-run-s")
		b.ReportMetric(float64(again), "second-run-requests")
		b.ReportMetric(float64(int64(s.RouteCount(traceRoute))-jobs), "second-run-logs")
	}
}
