-- Migration 1 (SQLite): diagnoses and readiness. Times are fixed-width UTC
-- text (see sqliteTimeLayout), so text order is time order.

CREATE TABLE diagnoses (
	host               TEXT    NOT NULL,
	project_id         INTEGER NOT NULL,
	job_id             INTEGER NOT NULL,
	project            TEXT    NOT NULL,
	job_name           TEXT    NOT NULL,
	stage              TEXT    NOT NULL,
	ref                TEXT    NOT NULL,
	pipeline_id        INTEGER NOT NULL,
	web_url            TEXT    NOT NULL,
	failed_at          TEXT    NOT NULL,
	failure_reason     TEXT    NOT NULL,
	cause_id           TEXT    NOT NULL,
	cause_title        TEXT    NOT NULL,
	evidence           TEXT    NOT NULL,
	template_id        TEXT    NOT NULL,
	template           TEXT    NOT NULL,
	note               TEXT    NOT NULL,
	tool_version       TEXT    NOT NULL,
	signatures_version TEXT    NOT NULL,
	diagnosed_at       TEXT    NOT NULL,
	PRIMARY KEY (host, project_id, job_id)
);

-- Reports select a host's failures in a time window, in time order.
CREATE INDEX diagnoses_host_failed_at ON diagnoses (host, failed_at);
-- "Which other jobs failed with this unexplained line?"
CREATE INDEX diagnoses_template_id ON diagnoses (template_id);

CREATE TABLE readiness (
	host       TEXT    NOT NULL,
	project_id INTEGER NOT NULL,
	project    TEXT    NOT NULL,
	ref        TEXT    NOT NULL,
	sha        TEXT    NOT NULL,
	findings   TEXT    NOT NULL, -- JSON object: lint rule id -> count
	error      TEXT    NOT NULL,
	checked_at TEXT    NOT NULL,
	PRIMARY KEY (host, project_id)
);
