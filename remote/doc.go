// Package remote diagnoses jobs read from GitLab: one job (waiting, in
// after_script, for the runner to upload the end of the log), every failed
// job of a pipeline, concurrently, with the configuration read at the
// job's commit so that a URL gets the same edits as a local checkout.
// It joins gitlabapi (the API) and diagnose (the diagnosis), which know
// nothing of each other.
package remote
