package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ci-doctor/ci-doctor/store/storetest"
)

// queued is the webhook event of job id in project 7 of gitlab.example.com,
// the job diagnosis(id, ...) describes.
func queued(id int64) QueuedJob {
	return QueuedJob{
		Host: "https://gitlab.example.com", ProjectID: 7, JobID: id, Project: "group/app",
		JobName: "test", Stage: "test", Ref: "main", SHA: "0123abcd", PipelineID: 100,
		WebURL:        fmt.Sprintf("https://gitlab.example.com/group/app/-/jobs/%d", id),
		FailureReason: "script_failure", FailedAt: day.Add(time.Duration(id) * time.Minute),
	}
}

// queuedRange is jobs from..to, in that order (to < from counts down).
func queuedRange(from, to int64) []QueuedJob {
	var jobs []QueuedJob
	step := int64(1)
	if to < from {
		step = -1
	}
	for id := from; ; id += step {
		jobs = append(jobs, queued(id))
		if id == to {
			return jobs
		}
	}
}

// enqueueT enqueues jobs and checks how many were new.
func enqueueT(t *testing.T, s *Store, want int, jobs ...QueuedJob) {
	t.Helper()
	added, err := s.Enqueue(context.Background(), jobs)
	if err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	if added != want {
		t.Fatalf("Enqueue of %d jobs added %d, want %d", len(jobs), added, want)
	}
}

// leaseT leases up to max jobs for owner and returns their ids.
func leaseT(t *testing.T, s *Store, owner string, max int, lease time.Duration) ([]QueuedJob, []int64) {
	t.Helper()
	jobs, err := s.Lease(context.Background(), owner, max, lease)
	if err != nil {
		t.Fatalf("Lease: %v", err)
	}
	ids := make([]int64, len(jobs))
	for i, j := range jobs {
		ids[i] = j.JobID
	}
	return jobs, ids
}

// statsT returns the queue's stats.
func statsT(t *testing.T, s *Store) QueueStats {
	t.Helper()
	st, err := s.QueueStats(context.Background())
	if err != nil {
		t.Fatalf("QueueStats: %v", err)
	}
	return st
}

func TestQueueEnqueueLeaseFinish(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		ctx := context.Background()
		enqueueT(t, s, 1, queued(1))
		jobs, _ := leaseT(t, s, "w1", 10, time.Minute)
		if len(jobs) != 1 {
			t.Fatalf("Lease got %d jobs, want 1", len(jobs))
		}
		got := jobs[0]
		if got.EnqueuedAt.IsZero() || time.Since(got.EnqueuedAt) > time.Minute || got.Attempts != 1 {
			t.Errorf("store's fields: EnqueuedAt %v, Attempts %d; want about now and 1", got.EnqueuedAt, got.Attempts)
		}
		want := queued(1)
		want.Attempts, want.EnqueuedAt = got.Attempts, got.EnqueuedAt
		if got != want {
			t.Errorf("leased job:\n got  %+v\n want %+v", got, want)
		}
		if err := s.Finish(ctx, got, "w1", diagnosis(1, 1)); err != nil {
			t.Fatalf("Finish: %v", err)
		}
		if ds := collect(t, s, Filter{Host: want.Host}); len(ds) != 1 || ds[0] != diagnosis(1, 1) {
			t.Errorf("stored diagnoses %+v, want the one Finish stored", ds)
		}
		if st := statsT(t, s); st != (QueueStats{Done: 1}) {
			t.Errorf("stats after Finish: %+v, want 1 done", st)
		}
		enqueueT(t, s, 0, queued(1)) // a late duplicate event
		if _, ids := leaseT(t, s, "w1", 10, time.Minute); len(ids) != 0 {
			t.Errorf("Lease after Finish got jobs %v", ids)
		}
		if err := s.Finish(ctx, got, "w1", diagnosis(1, 1)); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("second Finish: %v, want ErrLeaseLost", err)
		}

		// A job `report` already diagnosed is not queued.
		if err := s.PutDiagnoses(ctx, []Diagnosis{diagnosis(2, 2)}); err != nil {
			t.Fatal(err)
		}
		enqueueT(t, s, 0, queued(2))
		// Same job id on another host or project: another job.
		other, elsewhere := queued(2), queued(2)
		other.ProjectID, elsewhere.Host = 8, "https://other.example.com"
		enqueueT(t, s, 2, other, elsewhere)
	})
}

func TestQueueEnqueueDuplicates(t *testing.T) {
	tests := []struct {
		name    string
		batches [][]int64
		added   []int
	}{
		{"in one batch", [][]int64{{1, 2, 1, 1}}, []int{2}},
		{"across batches", [][]int64{{1, 2}, {2, 3}, {3, 1}}, []int{2, 1, 0}},
		{"out of order", [][]int64{{5, 3}, {1, 2, 3, 4, 5}}, []int{2, 3}},
		{"empty batch", [][]int64{{}}, []int{0}},
	}
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		for i, tt := range tests {
			// Each case on a project of its own.
			for b, ids := range tt.batches {
				var jobs []QueuedJob
				for _, id := range ids {
					j := queued(id)
					j.ProjectID = int64(100 + i)
					jobs = append(jobs, j)
				}
				added, err := s.Enqueue(context.Background(), jobs)
				if err != nil || added != tt.added[b] {
					t.Errorf("%s: batch %d %v added %d, %v; want %d", tt.name, b+1, ids, added, err, tt.added[b])
				}
			}
		}
	})
}

func TestQueueEnqueueThousand(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		start := time.Now()
		enqueueT(t, s, 1000, queuedRange(1, 1000)...)
		t.Logf("Enqueue of 1000 jobs: %v", time.Since(start))
		if st := statsT(t, s); st.Waiting != 1000 || st.Leased != 0 || st.Done != 0 {
			t.Errorf("stats: %+v, want 1000 waiting", st)
		}
		enqueueT(t, s, 1, queuedRange(1000, 1001)...)
	})
}

func TestQueueEnqueueRefusesIncompleteEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		noHost, noJob := queued(1), queued(2)
		noHost.Host, noJob.JobID = "", 0
		for _, j := range []QueuedJob{noHost, noJob} {
			if _, err := s.Enqueue(context.Background(), []QueuedJob{queued(3), j}); err == nil {
				t.Errorf("Enqueue of %+v succeeded", j)
			}
		}
		if st := statsT(t, s); st.Waiting != 0 {
			t.Errorf("a refused batch queued %d jobs", st.Waiting)
		}
	})
}

func TestQueueLeaseOrderMaxAndRetry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		ctx := context.Background()
		// Oldest first is arrival order, not job id order.
		for _, id := range []int64{5, 3, 1, 4} {
			enqueueT(t, s, 1, queued(id))
		}
		jobs, ids := leaseT(t, s, "w1", 2, time.Minute)
		if !slices.Equal(ids, []int64{5, 3}) {
			t.Fatalf("first Lease of 2: %v, want [5 3]", ids)
		}
		five, three := jobs[0], jobs[1]
		if _, ids := leaseT(t, s, "w2", 1, time.Minute); !slices.Equal(ids, []int64{1}) {
			t.Fatalf("second Lease of 1: %v, want [1]", ids)
		}
		if err := s.Retry(ctx, five, "w1", time.Now().Add(time.Hour), "GitLab answered 502"); err != nil {
			t.Fatalf("Retry: %v", err)
		}
		if err := s.Retry(ctx, three, "w1", time.Now().Add(-time.Second), "rate limited"); err != nil {
			t.Fatalf("Retry: %v", err)
		}
		// 3 is due again and older than 4; 5 is not due for an hour.
		jobs, ids = leaseT(t, s, "w3", 10, time.Minute)
		if !slices.Equal(ids, []int64{3, 4}) || jobs[0].Attempts != 2 || jobs[1].Attempts != 1 {
			t.Fatalf("Lease after Retry: %v attempts %v, want [3 4] with attempts 2 and 1", ids, jobs)
		}
		var lastError string
		if err := s.db.QueryRow("SELECT last_error FROM queue WHERE job_id = 5").Scan(&lastError); err != nil || lastError != "GitLab answered 502" {
			t.Errorf("last_error of job 5: %q, %v", lastError, err)
		}
		if err := s.Retry(ctx, three, "w1", time.Now(), "again"); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("Retry of a job w3 now holds: %v, want ErrLeaseLost", err)
		}
		st := statsT(t, s)
		if st.Waiting != 1 || st.Leased != 3 || st.Done != 0 {
			t.Errorf("stats: %+v, want 1 waiting (for a retry), 3 leased", st)
		}
	})
}

func TestQueueLeaseRefusesBadArguments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		for _, tt := range []struct {
			owner string
			max   int
			lease time.Duration
		}{{"", 1, time.Minute}, {"w", 0, time.Minute}, {"w", 1, 0}} {
			if _, err := s.Lease(context.Background(), tt.owner, tt.max, tt.lease); err == nil {
				t.Errorf("Lease(%q, %d, %s) succeeded", tt.owner, tt.max, tt.lease)
			}
		}
	})
}

func TestQueueExpiredLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		ctx := context.Background()
		enqueueT(t, s, 1, queued(1))
		jobs, _ := leaseT(t, s, "dead", 1, time.Millisecond)
		time.Sleep(20 * time.Millisecond)
		taken, _ := leaseT(t, s, "w3", 1, time.Minute)
		if len(taken) != 1 || taken[0].JobID != 1 {
			t.Fatalf("Lease after expiry: %+v, want job 1", taken)
		}
		dead := jobs[0]
		for name, err := range map[string]error{
			"Extend": s.Extend(ctx, dead, "dead", time.Hour),
			"Retry":  s.Retry(ctx, dead, "dead", time.Now(), "x"),
			"Finish": s.Finish(ctx, dead, "dead", diagnosis(1, 1)),
		} {
			if !errors.Is(err, ErrLeaseLost) {
				t.Errorf("%s by the worker whose lease expired: %v, want ErrLeaseLost", name, err)
			}
		}
		if ds := collect(t, s, Filter{Host: dead.Host}); len(ds) != 0 {
			t.Errorf("a Finish that lost its lease stored %+v", ds)
		}
		if err := s.Finish(ctx, taken[0], "w3", diagnosis(1, 1)); err != nil {
			t.Errorf("Finish by the new holder: %v", err)
		}
	})
}

func TestQueueLeaseOwnerAndAttemptsMustMatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		ctx := context.Background()
		enqueueT(t, s, 1, queued(1))
		jobs, _ := leaseT(t, s, "w1", 1, time.Millisecond)
		time.Sleep(20 * time.Millisecond)
		// The same owner takes its expired job again: the old lease is gone.
		again, _ := leaseT(t, s, "w1", 1, time.Minute)
		if err := s.Finish(ctx, jobs[0], "w1", diagnosis(1, 1)); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("Finish in an older lease of the same owner: %v, want ErrLeaseLost", err)
		}
		if err := s.Finish(ctx, again[0], "w2", diagnosis(1, 1)); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("Finish by another owner: %v, want ErrLeaseLost", err)
		}
		wrong := diagnosis(2, 1)
		if err := s.Finish(ctx, again[0], "w1", wrong); err == nil || errors.Is(err, ErrLeaseLost) {
			t.Errorf("Finish with another job's diagnosis: %v, want a plain error", err)
		}
		if err := s.Finish(ctx, again[0], "w1", diagnosis(1, 1)); err != nil {
			t.Errorf("Finish in the current lease: %v", err)
		}
	})
}

func TestQueueExtendKeepsLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		ctx := context.Background()
		enqueueT(t, s, 1, queued(1))
		jobs, _ := leaseT(t, s, "w1", 1, time.Millisecond)
		time.Sleep(20 * time.Millisecond)
		// Expired, but nobody took it: still w1's to extend.
		if err := s.Extend(ctx, jobs[0], "w1", time.Hour); err != nil {
			t.Fatalf("Extend: %v", err)
		}
		if _, ids := leaseT(t, s, "w2", 1, time.Minute); len(ids) != 0 {
			t.Fatalf("Lease took extended jobs %v", ids)
		}
		if err := s.Extend(ctx, jobs[0], "w2", time.Hour); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("Extend by another owner: %v, want ErrLeaseLost", err)
		}
		if err := s.Finish(ctx, jobs[0], "w1", diagnosis(1, 1)); err != nil {
			t.Errorf("Finish after Extend: %v", err)
		}
		if err := s.Extend(ctx, jobs[0], "w1", time.Hour); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("Extend of a done job: %v, want ErrLeaseLost", err)
		}
	})
}

func TestQueueReleaseAll(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		ctx := context.Background()
		enqueueT(t, s, 4, queuedRange(1, 4)...)
		mine, _ := leaseT(t, s, "stopping", 3, time.Hour)
		leaseT(t, s, "other", 1, time.Hour)
		n, err := s.ReleaseAll(ctx, "stopping")
		if err != nil || n != 3 {
			t.Fatalf("ReleaseAll: %d, %v; want 3", n, err)
		}
		if st := statsT(t, s); st.Waiting != 3 || st.Leased != 1 {
			t.Errorf("stats after ReleaseAll: %+v, want 3 waiting, 1 leased", st)
		}
		if err := s.Finish(ctx, mine[0], "stopping", diagnosis(1, 1)); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("Finish of a released job: %v, want ErrLeaseLost", err)
		}
		// Due at once, and the release cost no attempt.
		jobs, ids := leaseT(t, s, "next", 10, time.Hour)
		if !slices.Equal(ids, []int64{1, 2, 3}) {
			t.Fatalf("Lease after ReleaseAll: %v, want [1 2 3]", ids)
		}
		for _, j := range jobs {
			if j.Attempts != 1 {
				t.Errorf("job %d: Attempts %d after a release and a new lease, want 1", j.JobID, j.Attempts)
			}
		}
		if n, err := s.ReleaseAll(ctx, "stopping"); err != nil || n != 0 {
			t.Errorf("second ReleaseAll: %d, %v; want 0", n, err)
		}
	})
}

func TestQueueStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		ctx := context.Background()
		if st := statsT(t, s); st != (QueueStats{}) {
			t.Errorf("stats of an empty queue: %+v", st)
		}
		enqueueT(t, s, 2, queuedRange(1, 2)...)
		enqueueT(t, s, 3, queuedRange(3, 5)...)
		jobs, _ := leaseT(t, s, "w", 3, time.Hour) // 1, 2 and 3
		if err := s.Finish(ctx, jobs[0], "w", diagnosis(1, 1)); err != nil {
			t.Fatal(err)
		}
		// 4 and 5 wait since their Enqueue: job 3's EnqueuedAt.
		want := QueueStats{Waiting: 2, Leased: 2, Done: 1, OldestWaiting: jobs[2].EnqueuedAt}
		if st := statsT(t, s); st != want {
			t.Errorf("stats: %+v, want %+v", st, want)
		}
		if err := s.Retry(ctx, jobs[1], "w", time.Now().Add(time.Hour), "later"); err != nil {
			t.Fatal(err)
		}
		// A job waiting for a retry is waiting, and the oldest.
		want = QueueStats{Waiting: 3, Leased: 1, Done: 1, OldestWaiting: jobs[1].EnqueuedAt}
		if st := statsT(t, s); st != want {
			t.Errorf("stats after Retry: %+v, want %+v", st, want)
		}
	})
}

// TestQueueConcurrentWorkers runs workers as separate processes would, each
// with a store of its own, while two webhook handlers queue the same jobs in
// opposite orders; leases are short, so some expire under load and are taken
// over. Every job must be finished exactly once.
func TestQueueConcurrentWorkers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		const workers, jobs, batch = 8, 2000, 10
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		// Every store is open, as the processes would be, before the load starts.
		stores := make([]*Store, workers+2)
		for i := range stores {
			stores[i] = openT(t, dsn)
		}
		var finished [jobs + 1]atomic.Int32
		var lost, added atomic.Int32
		var longest atomic.Int64 // the longest Lease or Finish, in nanoseconds
		timed := func(start time.Time) {
			for took := int64(time.Since(start)); ; {
				if old := longest.Load(); took <= old || longest.CompareAndSwap(old, took) {
					return
				}
			}
		}
		errs := make(chan error, len(stores))
		var wg sync.WaitGroup
		start := time.Now()
		for i, ids := range [][2]int64{{1, jobs}, {jobs, 1}} {
			s, all := stores[workers+i], queuedRange(ids[0], ids[1])
			wg.Go(func() {
				for chunk := range slices.Chunk(all, batch) {
					n, err := s.Enqueue(ctx, chunk)
					if err != nil {
						errs <- err
						return
					}
					added.Add(int32(n))
				}
			})
		}
		for w, s := range stores[:workers] {
			owner := fmt.Sprintf("worker-%d", w)
			wg.Go(func() {
				for {
					start := time.Now()
					got, err := s.Lease(ctx, owner, 5, 200*time.Millisecond)
					timed(start)
					if err != nil {
						errs <- err
						return
					}
					if len(got) == 0 {
						st, err := s.QueueStats(ctx)
						if err != nil {
							errs <- err
							return
						}
						if st.Done == jobs {
							return
						}
						time.Sleep(5 * time.Millisecond)
						continue
					}
					for _, j := range got {
						d := diagnosis(j.JobID, 1)
						d.Note = owner
						start := time.Now()
						err := s.Finish(ctx, j, owner, d)
						timed(start)
						switch {
						case err == nil:
							finished[j.JobID].Add(1)
						case errors.Is(err, ErrLeaseLost):
							lost.Add(1)
						default:
							errs <- err
							return
						}
					}
				}
			})
		}
		wg.Wait()
		elapsed := time.Since(start)
		close(errs)
		for err := range errs {
			t.Errorf("unexpected error: %v", err)
		}
		if added.Load() != jobs {
			t.Errorf("the two handlers added %d jobs, want %d", added.Load(), jobs)
		}
		for id := 1; id <= jobs; id++ {
			if n := finished[id].Load(); n != 1 {
				t.Errorf("job %d finished %d times, want once", id, n)
			}
		}
		s := stores[0]
		if ds := collect(t, s, Filter{Host: queued(1).Host}); len(ds) != jobs {
			t.Errorf("%d diagnoses stored, want %d", len(ds), jobs)
		}
		if st := statsT(t, s); st != (QueueStats{Done: jobs}) {
			t.Errorf("stats at the end: %+v, want %d done", st, jobs)
		}
		t.Logf("%d workers finished %d jobs in %v (%.0f jobs/s, enqueueing alongside); %d Finish calls lost their lease; the longest Lease or Finish took %v",
			workers, jobs, elapsed, jobs/elapsed.Seconds(), lost.Load(), time.Duration(longest.Load()))
	})
}

func TestQueueWaitsForSQLitePastBusyTimeout(t *testing.T) {
	dsn := storetest.SQLite(t)
	s, err := open(context.Background(), dsn, config{wait: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	enqueueT(t, s, 1, queued(1))
	// Another process holds the write lock for 15 busy timeouts.
	conn, err := rawDB(t, dsn).Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	const hold = 300 * time.Millisecond
	time.AfterFunc(hold, func() { conn.ExecContext(context.Background(), "COMMIT") })

	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.Lease(short, "w", 1, time.Minute); err == nil {
		t.Error("Lease got the job while another process held the lock")
	}
	start := time.Now()
	jobs, err := s.Lease(context.Background(), "w", 1, time.Minute)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("Lease: %d jobs, %v; want to wait for the lock and get job 1", len(jobs), err)
	}
	if waited := time.Since(start); waited < hold/2 {
		t.Errorf("Lease returned after %v, before the lock was let go", waited)
	}
}

// helperDSN is set in the child process TestQueueSurvivesSIGKILL starts.
const helperDSN = "CI_DOCTOR_QUEUE_HELPER_DSN"

// TestQueueHelperProcess is the child of TestQueueSurvivesSIGKILL: it
// queues jobs 1, 2, 3... one per Enqueue, as webhook events, printing each id
// once Enqueue returned, until it is killed.
func TestQueueHelperProcess(t *testing.T) {
	dsn := os.Getenv(helperDSN)
	if dsn == "" {
		t.Skip("runs only as the child of TestQueueSurvivesSIGKILL")
	}
	s, err := Open(context.Background(), dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for id := int64(1); ; id++ {
		if _, err := s.Enqueue(context.Background(), []QueuedJob{queued(id)}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println(id) // os.Stdout is not buffered: the parent sees it at once
	}
}

func TestQueueSurvivesSIGKILL(t *testing.T) {
	dsn := storetest.SQLite(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestQueueHelperProcess$")
	cmd.Env = append(os.Environ(), helperDSN+"="+dsn)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() // should the test stop early
	// Killed with SIGKILL (Process.Kill on Unix) while it queues more, so
	// likely in the middle of a transaction, and without closing the store.
	var acked int64
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		id, err := strconv.ParseInt(lines.Text(), 10, 64)
		if err != nil {
			t.Fatalf("child printed %q", lines.Text())
		}
		acked = id
		if id == 200 {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
		}
	}
	cmd.Wait()
	if acked < 200 {
		t.Fatalf("the child stopped after %d jobs, before it was killed", acked)
	}
	s := openT(t, dsn)
	var check string
	if err := s.db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check after SIGKILL: %q, %v", check, err)
	}
	var n int64
	if err := s.db.QueryRow("SELECT COUNT(*) FROM queue WHERE job_id <= $1", acked).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != acked {
		t.Errorf("after SIGKILL %d of the %d jobs the child had queued are in the queue", n, acked)
	}
	t.Logf("child killed after %d acknowledged jobs; all there, queue holds %d", acked, statsT(t, s).Waiting)
}

func TestQueueSQLiteSyncsEveryCommit(t *testing.T) {
	// Enqueue's durability on a power cut rests on synchronous=FULL (2) in
	// WAL mode; see queue.go.
	s := openT(t, storetest.SQLite(t))
	var mode int
	var journal string
	if err := s.db.QueryRow("PRAGMA synchronous").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&journal); err != nil {
		t.Fatal(err)
	}
	if mode != 2 || journal != "wal" {
		t.Errorf("SQLite runs with synchronous=%d, journal_mode=%s; want 2 (FULL) and wal", mode, journal)
	}
}

// benchBackends runs bench on SQLite and, when it is set up, PostgreSQL.
func benchBackends(b *testing.B, bench func(b *testing.B, s *Store)) {
	for _, backend := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(backend.name, func(b *testing.B) {
			s, err := Open(context.Background(), backend.dsn(b))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			bench(b, s)
		})
	}
}

// BenchmarkQueueEnqueue is the webhook path: one job per Enqueue. It reports
// the median and 99th percentile latency.
func BenchmarkQueueEnqueue(b *testing.B) {
	benchBackends(b, func(b *testing.B, s *Store) {
		var took []time.Duration
		id := int64(0)
		for b.Loop() {
			id++
			start := time.Now()
			if _, err := s.Enqueue(context.Background(), []QueuedJob{queued(id)}); err != nil {
				b.Fatal(err)
			}
			took = append(took, time.Since(start))
		}
		slices.Sort(took)
		b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
	})
}

// BenchmarkQueueLeaseFinish is one worker draining the queue, 10 jobs a
// Lease; it reports jobs per second.
func BenchmarkQueueLeaseFinish(b *testing.B) {
	benchBackends(b, func(b *testing.B, s *Store) {
		ctx := context.Background()
		for chunk := range slices.Chunk(queuedRange(1, int64(b.N)), 1000) {
			if _, err := s.Enqueue(ctx, chunk); err != nil {
				b.Fatal(err)
			}
		}
		b.ResetTimer()
		done := 0
		for done < b.N {
			jobs, err := s.Lease(ctx, "bench", 10, time.Minute)
			if err != nil || len(jobs) == 0 {
				b.Fatalf("Lease: %d jobs, %v", len(jobs), err)
			}
			for _, j := range jobs {
				if err := s.Finish(ctx, j, "bench", diagnosis(j.JobID, 1)); err != nil {
					b.Fatal(err)
				}
				done++
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
	})
}

func TestDropEndsAJobWithoutADiagnosis(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		ctx := context.Background()
		j := QueuedJob{Host: "https://gitlab.example.com", ProjectID: 7, JobID: 1, Project: "group/app", FailedAt: day}
		if _, err := s.Enqueue(ctx, []QueuedJob{j}); err != nil {
			t.Fatal(err)
		}
		leased, err := s.Lease(ctx, "a", 1, time.Minute)
		if err != nil || len(leased) != 1 {
			t.Fatalf("Lease: %v, %d jobs", err, len(leased))
		}
		if err := s.Drop(ctx, leased[0], "b", "404"); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("Drop by another owner: %v, want ErrLeaseLost", err)
		}
		if err := s.Drop(ctx, leased[0], "a", "404 Not Found"); err != nil {
			t.Fatal(err)
		}
		st, _ := s.QueueStats(ctx)
		if st.Done != 1 || st.Waiting+st.Leased != 0 {
			t.Errorf("stats %+v, want the job done", st)
		}
		if n, _ := s.Enqueue(ctx, []QueuedJob{j}); n != 0 {
			t.Error("a dropped job was queued again")
		}
		if got := collect(t, s, Filter{Host: j.Host}); len(got) != 0 {
			t.Errorf("a dropped job has a diagnosis: %+v", got)
		}
	})
}
