// Package store keeps ci-doctor's fleet data: one diagnosis per failed GitLab
// job, keyed by (GitLab host, project id, job id), and the latest readiness
// (lint) result of each project, so that a second `ci-doctor report` fetches
// and diagnoses only what is new.
//
// Two backends sit behind one API: SQLite (a local file, the default, through
// the pure-Go modernc.org/sqlite) and PostgreSQL (through pgx), both driven by
// database/sql with the same queries, so they cannot drift apart. The schema is
// a numbered list of migrations embedded from migrations/, applied on Open and
// recorded in schema_migrations.
//
// Logs are never stored, and text arrives already redacted by the caller.
// Times are stored in UTC to the microsecond (PostgreSQL's precision; SQLite
// is truncated to match so both backends return the same values).
package store
