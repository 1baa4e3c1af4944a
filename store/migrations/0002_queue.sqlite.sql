-- Migration 2 (SQLite): the queue of failed jobs `ci-doctor serve` diagnoses.
-- One row per job, kept when done: the done rows are what makes a job
-- diagnosed once however many webhook events announce it. Times are
-- fixed-width UTC text, like migration 1's.

CREATE TABLE queue (
	host           TEXT    NOT NULL,
	project_id     INTEGER NOT NULL,
	job_id         INTEGER NOT NULL,
	project        TEXT    NOT NULL,
	job_name       TEXT    NOT NULL,
	stage          TEXT    NOT NULL,
	ref            TEXT    NOT NULL,
	sha            TEXT    NOT NULL,
	pipeline_id    INTEGER NOT NULL,
	web_url        TEXT    NOT NULL,
	failure_reason TEXT    NOT NULL,
	failed_at      TEXT    NOT NULL,
	state          TEXT    NOT NULL CHECK (state IN ('waiting', 'leased', 'done')),
	leased_by      TEXT,             -- the worker holding the lease, or the one that finished it
	lease_until    TEXT,             -- set while leased
	next_try_at    TEXT    NOT NULL, -- a waiting job is due from then on
	attempts       INTEGER NOT NULL DEFAULT 0,
	last_error     TEXT    NOT NULL DEFAULT '',
	enqueued_at    TEXT    NOT NULL,
	done_at        TEXT,
	PRIMARY KEY (host, project_id, job_id)
);

-- Lease looks for waiting jobs that are due and for leases that expired,
-- never through the done rows, which pile up.
CREATE INDEX queue_state_next_try_at ON queue (state, next_try_at);
CREATE INDEX queue_state_lease_until ON queue (state, lease_until);
