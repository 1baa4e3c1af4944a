// Package serve diagnoses every failed job of a GitLab group or instance
// as it happens (`ci-doctor serve`): GitLab's webhooks deliver job and
// pipeline events to an intake that only queues the failed jobs in the
// store, workers (in this process and any other sharing the store) take
// them, read their logs, diagnose and store the result, and a read-only
// dashboard and API show the same report as `ci-doctor report`.
//
// The intake answers within milliseconds and never calls GitLab: GitLab
// disables a webhook that fails four times in a row and drops events while
// it is disabled. An event it answered with 2xx is in the store's queue,
// which survives the process; the queue keeps one row per job, so the
// several events of a job, duplicated or out of order, give one diagnosis.
package serve
