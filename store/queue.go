package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// The queue is how `ci-doctor serve` turns GitLab's webhook events into
// diagnoses. The HTTP handler only calls Enqueue, which answers in
// milliseconds; workers, in this process or others sharing the database, call
// Lease, then Finish (or Retry) each job they got, and Extend while a job takes
// long. A job is a row of the queue table that goes waiting -> leased -> done,
// back to waiting on Retry, ReleaseAll or an expired lease. Done rows are kept:
// they are what makes a job diagnosed once, however many events announce it.
//
// Durability: Enqueue commits before it returns. On SQLite the store runs in
// WAL mode with SQLite's default synchronous=FULL, kept on purpose: every
// commit is fsynced, so an accepted event survives not only SIGKILL (for which
// NORMAL, whose commit is in the OS's page cache when the write returns, would
// do) but also a power cut or kernel crash, which NORMAL may roll back to an
// earlier commit. GitLab never sends an event again once it got a 2xx for it,
// so an event lost after the answer is lost for good, and the fsync is cheap:
// a one-job Enqueue takes a median 0.23 ms with FULL against 0.07 ms with
// NORMAL on the machine it was measured on (BenchmarkQueueEnqueue), far
// within the webhook's budget. PostgreSQL's durability is the server's
// (synchronous_commit, fsync), not this package's.

// QueuedJob is a failed job waiting for its diagnosis, as a webhook event described it.
type QueuedJob struct {
	Host          string // GitLab base URL
	ProjectID     int64
	JobID         int64
	Project       string // path_with_namespace
	JobName       string
	Stage         string
	Ref           string
	SHA           string
	PipelineID    int64
	WebURL        string
	FailureReason string
	FailedAt      time.Time
	// Set by the store:
	Attempts   int // leases taken so far, this one included
	EnqueuedAt time.Time
}

// QueueStats is the queue's state, for /metrics and /readyz.
type QueueStats struct {
	Waiting       int       // ready or waiting for a retry
	Leased        int       // being worked on, or whose worker died and whose lease has not been taken over yet
	Done          int       // diagnosed
	OldestWaiting time.Time // EnqueuedAt of the oldest waiting job; zero when none
}

// ErrLeaseLost is what Extend, Finish and Retry return when the caller no
// longer holds the job: its lease expired and another worker took it, it was
// released, or it is already done. The caller drops the job; whoever holds it
// now answers for it.
var ErrLeaseLost = errors.New("the job's lease was lost: it expired and another worker took the job, or the job is done")

// queueJobColumns lists the queue columns in QueuedJob field order, up to
// FailedAt; Enqueue writes them and Lease reads them back.
const queueJobColumns = `host, project_id, job_id, project, job_name, stage, ref, sha, pipeline_id, web_url,
	failure_reason, failed_at`

// enqueueJob adds a job unless the queue or diagnoses already has it; the
// diagnoses check makes an event about a job `report` already diagnosed
// harmless too. (On PostgreSQL a `report` storing the job's diagnosis at the
// same instant can slip past the check; the job is then diagnosed a second
// time and its diagnosis replaced, which costs work but loses nothing.)
const enqueueJob = `INSERT INTO queue (` + queueJobColumns + `, state, next_try_at, enqueued_at)
	SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'waiting', $13, $13
	WHERE NOT EXISTS (SELECT 1 FROM diagnoses WHERE host = $1 AND project_id = $2 AND job_id = $3)
	ON CONFLICT (host, project_id, job_id) DO NOTHING`

// leaseJobs takes the oldest due jobs: the %s is PostgreSQL's FOR UPDATE SKIP
// LOCKED, so that concurrent transactions each lock different rows instead of
// waiting for, then failing to get, the same ones; SQLite has a single writer
// and needs nothing. MATERIALIZED makes the picking run exactly once: were it
// folded into the UPDATE, the planner could evaluate the LIMIT more than once.
const leaseJobs = `WITH picked AS MATERIALIZED (
		SELECT host, project_id, job_id FROM queue
		WHERE (state = 'waiting' AND next_try_at <= $1) OR (state = 'leased' AND lease_until <= $1)
		ORDER BY enqueued_at, job_id, host, project_id
		LIMIT $2%s)
	UPDATE queue SET state = 'leased', leased_by = $3, lease_until = $4, attempts = attempts + 1
	FROM picked
	WHERE queue.host = picked.host AND queue.project_id = picked.project_id AND queue.job_id = picked.job_id
	RETURNING queue.host, queue.project_id, queue.job_id, queue.project, queue.job_name, queue.stage,
		queue.ref, queue.sha, queue.pipeline_id, queue.web_url, queue.failure_reason, queue.failed_at,
		queue.attempts, queue.enqueued_at`

// heldLease selects a job that is still leased by the caller, in the lease
// the caller got: $1..$5 are host, project id, job id, owner, attempts.
// Matching the attempts too means a worker whose lease expired and was taken
// again by the same owner name cannot act on the newer lease.
const heldLease = `host = $1 AND project_id = $2 AND job_id = $3 AND state = 'leased' AND leased_by = $4 AND attempts = $5`

// Enqueue adds jobs to the queue in one transaction and returns how many were
// new. A job already queued, leased, done or diagnosed is skipped without an
// error, so duplicate and out-of-order events are harmless. The jobs are
// stored, and on SQLite fsynced, when Enqueue returns.
func (s *Store) Enqueue(ctx context.Context, jobs []QueuedJob) (added int, err error) {
	if len(jobs) == 0 {
		return 0, nil
	}
	for _, j := range jobs {
		if j.Host == "" || j.JobID <= 0 {
			return 0, fmt.Errorf("queueing job %d of project %d: the event names no GitLab host or no job id", j.JobID, j.ProjectID)
		}
	}
	// In key order, so two PostgreSQL transactions queueing the same jobs in
	// different orders wait for each other instead of deadlocking.
	jobs = slices.SortedStableFunc(slices.Values(jobs), compareJobKeys)
	now := s.d.timeArg(time.Now())
	err = s.write(ctx, "queueing jobs", func(tx *sql.Tx) error {
		for _, j := range jobs {
			res, err := tx.ExecContext(ctx, enqueueJob, j.Host, j.ProjectID, j.JobID, j.Project, j.JobName, j.Stage,
				j.Ref, j.SHA, j.PipelineID, j.WebURL, j.FailureReason, s.d.timeArg(j.FailedAt), now)
			if err != nil {
				return fmt.Errorf("queueing job %d: %w", j.JobID, s.d.explain(err))
			}
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("queueing job %d: %w", j.JobID, s.d.explain(err))
			}
			added += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// compareJobKeys orders jobs by their key (host, project id, job id).
func compareJobKeys(a, b QueuedJob) int {
	return cmp.Or(cmp.Compare(a.Host, b.Host), cmp.Compare(a.ProjectID, b.ProjectID), cmp.Compare(a.JobID, b.JobID))
}

// Lease takes up to max jobs that are due (waiting with their retry time
// passed, or leased to a worker whose lease expired), oldest first, and
// leases them to owner until now+lease, counting an attempt for each. owner
// names one worker of one process, unique among all processes sharing the
// database (host name, process id and start time, say). Concurrent Leases,
// from any number of processes, never return the same job while its lease
// lasts. Nothing due: no jobs and no error.
func (s *Store) Lease(ctx context.Context, owner string, max int, lease time.Duration) ([]QueuedJob, error) {
	if owner == "" || max <= 0 || lease <= 0 {
		return nil, fmt.Errorf("taking jobs from the queue: need an owner, a positive count and a positive lease (got %q, %d, %s)", owner, max, lease)
	}
	lock := ""
	if s.d.backend == backendPostgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	now := time.Now()
	var jobs []QueuedJob
	const what = "taking jobs from the queue"
	err := s.write(ctx, what, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, fmt.Sprintf(leaseJobs, lock),
			s.d.timeArg(now), max, owner, s.d.timeArg(now.Add(lease)))
		if err != nil {
			return fmt.Errorf("%s: %w", what, s.d.explain(err))
		}
		defer rows.Close()
		for rows.Next() {
			var j QueuedJob
			if err := rows.Scan(&j.Host, &j.ProjectID, &j.JobID, &j.Project, &j.JobName, &j.Stage, &j.Ref, &j.SHA,
				&j.PipelineID, &j.WebURL, &j.FailureReason, timeColumn{&j.FailedAt}, &j.Attempts,
				timeColumn{&j.EnqueuedAt}); err != nil {
				return fmt.Errorf("%s: %w", what, s.d.explain(err))
			}
			jobs = append(jobs, j)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("%s: %w", what, s.d.explain(err))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// RETURNING follows no order; the picking did.
	slices.SortFunc(jobs, func(a, b QueuedJob) int {
		return cmp.Or(a.EnqueuedAt.Compare(b.EnqueuedAt), cmp.Compare(a.JobID, b.JobID), compareJobKeys(a, b))
	})
	return jobs, nil
}

// Extend keeps j leased by owner until now+lease, for a job that takes long.
// It returns ErrLeaseLost when owner no longer holds the lease Lease gave
// with j; a lease that expired but that no other worker took yet is still
// owner's and is extended.
func (s *Store) Extend(ctx context.Context, j QueuedJob, owner string, lease time.Duration) error {
	return s.write(ctx, fmt.Sprintf("extending the lease of job %d", j.JobID), func(tx *sql.Tx) error {
		return s.updateLease(ctx, tx, "extending the lease of", j, owner, "lease_until = $6", s.d.timeArg(time.Now().Add(lease)))
	})
}

// Finish stores d, j's diagnosis, and marks j done, in one transaction, if
// owner still holds j's lease; otherwise it returns ErrLeaseLost and writes
// nothing. d replaces any stored diagnosis of the job, as with PutDiagnoses.
func (s *Store) Finish(ctx context.Context, j QueuedJob, owner string, d Diagnosis) error {
	if d.Host != j.Host || d.ProjectID != j.ProjectID || d.JobID != j.JobID {
		return fmt.Errorf("finishing job %d of project %d: the diagnosis is of job %d of project %d on %s",
			j.JobID, j.ProjectID, d.JobID, d.ProjectID, d.Host)
	}
	return s.write(ctx, fmt.Sprintf("finishing job %d", j.JobID), func(tx *sql.Tx) error {
		// The queue row first: on PostgreSQL the update locks it, so no
		// Lease can take the job between this check and the commit.
		if err := s.updateLease(ctx, tx, "finishing", j, owner,
			"state = 'done', lease_until = NULL, done_at = $6", s.d.timeArg(time.Now())); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, upsertDiagnosis, s.diagnosisArgs(d)...); err != nil {
			return fmt.Errorf("storing the diagnosis of job %d: %w", j.JobID, s.d.explain(err))
		}
		return nil
	})
}

// Retry gives j's lease back after a failure that may pass (GitLab down, rate
// limited): the job is due again at at, with reason kept as its last error.
// ErrLeaseLost as for Finish.
func (s *Store) Retry(ctx context.Context, j QueuedJob, owner string, at time.Time, reason string) error {
	return s.write(ctx, fmt.Sprintf("retrying job %d", j.JobID), func(tx *sql.Tx) error {
		return s.updateLease(ctx, tx, "retrying", j, owner,
			"state = 'waiting', leased_by = NULL, lease_until = NULL, next_try_at = $6, last_error = $7",
			s.d.timeArg(at), reason)
	})
}

// ReleaseAll gives back every job leased by owner, due at once, and returns
// how many, for a clean shutdown: another worker need not wait for the leases
// to expire. A release does not count as an attempt, so each job's Attempts
// goes back down by one: a deployment that restarts workers must not bring a
// job closer to being given up.
func (s *Store) ReleaseAll(ctx context.Context, owner string) (int, error) {
	var released int64
	what := "releasing the jobs of " + owner
	err := s.write(ctx, what, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE queue SET state = 'waiting', leased_by = NULL, lease_until = NULL,
			next_try_at = $1, attempts = attempts - 1 WHERE state = 'leased' AND leased_by = $2`,
			s.d.timeArg(time.Now()), owner)
		if err == nil {
			released, err = res.RowsAffected()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", what, s.d.explain(err))
		}
		return nil
	})
	return int(released), err
}

// QueueStats counts the jobs in each state.
func (s *Store) QueueStats(ctx context.Context) (QueueStats, error) {
	var st QueueStats
	rows, err := s.db.QueryContext(ctx, "SELECT state, COUNT(*), MIN(enqueued_at) FROM queue GROUP BY state")
	if err != nil {
		return st, fmt.Errorf("reading the queue's state: %w", s.d.explain(err))
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n int
		var oldest time.Time
		if err := rows.Scan(&state, &n, timeColumn{&oldest}); err != nil {
			return st, fmt.Errorf("reading the queue's state: %w", s.d.explain(err))
		}
		switch state {
		case "waiting":
			st.Waiting, st.OldestWaiting = n, oldest
		case "leased":
			st.Leased = n
		case "done":
			st.Done = n
		}
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("reading the queue's state: %w", s.d.explain(err))
	}
	return st, nil
}

// write runs fn in a transaction and commits it; what says what for the
// errors of BEGIN and COMMIT, fn's own errors are returned as they are. On
// SQLite, where BEGIN IMMEDIATE takes the write lock, a database still locked
// by another process after the busy timeout is waited for again, for as long
// as ctx lasts: SQLite's lock is not fair (a waiter polls, ever less often,
// while a process writing back to back takes the lock again the moment it
// lets it go), so under a load of workers a Lease or Finish can wait past the
// busy timeout, and for a worker or a webhook handler waiting is better than
// failing.
func (s *Store) write(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	for err != nil && isBusy(err) && ctx.Err() == nil {
		time.Sleep(time.Millisecond)
		tx, err = s.db.BeginTx(ctx, nil)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, s.d.explain(err))
	}
	defer tx.Rollback() // a no-op after Commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", what, s.d.explain(err))
	}
	return nil
}

// execer is what updateLease runs its statement on: a transaction, or the
// store's pool.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// updateLease runs "UPDATE queue SET set" on j if owner still holds j's
// lease, set's placeholders numbered from $6 for args; it returns
// ErrLeaseLost, wrapped with what ("finishing"), when no row matched.
func (s *Store) updateLease(ctx context.Context, db execer, what string, j QueuedJob, owner, set string, args ...any) error {
	res, err := db.ExecContext(ctx, "UPDATE queue SET "+set+" WHERE "+heldLease,
		append([]any{j.Host, j.ProjectID, j.JobID, owner, j.Attempts}, args...)...)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			return fmt.Errorf("%s job %d of %s: %w", what, j.JobID, j.Project, ErrLeaseLost)
		}
	}
	if err != nil {
		return fmt.Errorf("%s job %d: %w", what, j.JobID, s.d.explain(err))
	}
	return nil
}
