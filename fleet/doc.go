// Package fleet reports on many jobs at once: it lists the failed jobs of
// a group's or a project's projects through the GitLab API, diagnoses each
// new one, keeps the results in a store, lints each project's
// configuration, and summarises all of it as a table, JSON, Markdown or a
// self-contained HTML page (`ci-doctor report`).
package fleet
