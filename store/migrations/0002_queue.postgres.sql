-- Migration 2 (PostgreSQL): the queue of failed jobs `ci-doctor serve`
-- diagnoses. Same table as the SQLite version, with BIGINT ids and
-- TIMESTAMPTZ times.

CREATE TABLE queue (
	host           TEXT        NOT NULL,
	project_id     BIGINT      NOT NULL,
	job_id         BIGINT      NOT NULL,
	project        TEXT        NOT NULL,
	job_name       TEXT        NOT NULL,
	stage          TEXT        NOT NULL,
	ref            TEXT        NOT NULL,
	sha            TEXT        NOT NULL,
	pipeline_id    BIGINT      NOT NULL,
	web_url        TEXT        NOT NULL,
	failure_reason TEXT        NOT NULL,
	failed_at      TIMESTAMPTZ NOT NULL,
	state          TEXT        NOT NULL CHECK (state IN ('waiting', 'leased', 'done')),
	leased_by      TEXT,                 -- the worker holding the lease, or the one that finished it
	lease_until    TIMESTAMPTZ,          -- set while leased
	next_try_at    TIMESTAMPTZ NOT NULL, -- a waiting job is due from then on
	attempts       INTEGER     NOT NULL DEFAULT 0,
	last_error     TEXT        NOT NULL DEFAULT '',
	enqueued_at    TIMESTAMPTZ NOT NULL,
	done_at        TIMESTAMPTZ,
	PRIMARY KEY (host, project_id, job_id)
);

-- Lease looks for waiting jobs that are due and for leases that expired,
-- never through the done rows, which pile up.
CREATE INDEX queue_state_next_try_at ON queue (state, next_try_at);
CREATE INDEX queue_state_lease_until ON queue (state, lease_until);
