package gitlabtest

import "time"

// TokenKind says how GitLab recognises a token: which headers and query
// parameters may carry it and which routes accept it.
type TokenKind int

const (
	// PersonalToken is a personal, project or group access token. It is
	// read from the PRIVATE-TOKEN header, the private_token parameter or
	// Authorization: Bearer.
	PersonalToken TokenKind = iota + 1
	// JobToken is a CI_JOB_TOKEN. It is read from the JOB-TOKEN header, the
	// job_token parameter or Authorization: Bearer, but only on the routes
	// GitLab opens to job tokens, and only while its job is running.
	// Register one with AddJobToken.
	JobToken
	// OAuthToken is an OAuth2 access token, read from Authorization: Bearer
	// or the access_token parameter.
	OAuthToken
)

// Project is a GitLab project.
type Project struct {
	ID int64
	// Path is the full path with every group, e.g. "group/sub/app".
	Path string
	// DefaultBranch defaults to "main".
	DefaultBranch string
	// CIConfigPath is empty for the default .gitlab-ci.yml (GitLab answers
	// null then).
	CIConfigPath string
	// Private hides the project from anonymous requests and from tokens
	// missing from Members.
	Private bool
	// Members lists the tokens that may read a private project; empty means
	// every valid token may. A job token may always read its own job's
	// project.
	Members map[string]bool
	// Archived projects answer archived: true; group project lists filter
	// on it with archived=true or false.
	Archived bool
	// Shared lists the full paths of groups the project is shared with
	// (besides its own); GET /groups/:id/projects lists it there unless
	// with_shared=false, and their members may read it.
	Shared []string
}

// Group is a group or subgroup. A project belongs to the group whose full
// path is its namespace (path.Dir of Project.Path); the subgroups of
// "acme" are the groups whose path starts with "acme/".
type Group struct {
	ID int64
	// Path is the full path, e.g. "acme/platform".
	Path string
	// Private hides the group from anonymous requests and from tokens
	// missing from Members.
	Private bool
	// Members lists the tokens that belong to the group; empty means every
	// valid token may read a private group. Members of a group may also
	// read the private projects of the group, of its subgroups and those
	// shared with it, as GitLab's inherited membership allows.
	Members map[string]bool
}

// Job is a CI job (a build).
type Job struct {
	ID, ProjectID, PipelineID int64
	Name, Stage               string
	// Status is a GitLab job status: created, pending, running, success,
	// failed, canceled, skipped, manual... A job token only authenticates
	// while its job is "running".
	Status string
	// FailureReason is exposed only when Status is "failed", as GitLab does.
	FailureReason string
	Ref, SHA      string
	AllowFailure  bool
	TagList       []string
	// User is the username of who triggered the job; empty gives null.
	User string
	// Retried jobs are left out of pipeline job lists unless the request
	// asks for include_retried=true; project job lists show them.
	Retried bool
	// CreatedAt defaults to a fixed time derived from the job id.
	// StartedAt and FinishedAt, when zero, follow Status: 5 s and 60 s
	// after CreatedAt for a job that has started or finished, else null.
	// ErasedAt, when set, marks an erased job: erased_at is shown and the
	// trace is empty. Times are shown in UTC with milliseconds, as GitLab
	// does ("2026-12-01T10:02:03.123Z").
	CreatedAt, StartedAt, FinishedAt, ErasedAt time.Time
	// Trace returns the log as the call-th GET of the trace returns it,
	// counting from 0, so a test can make the log grow between requests
	// (see GrowingTrace). Nil answers 200 with an empty body, like a job
	// with no log yet (GitLab sends build.trace.raw || '').
	Trace func(call int) string
}

// Pipeline is a CI pipeline.
type Pipeline struct {
	ID, ProjectID    int64
	SHA, Ref, Status string
	// Source defaults to "push"; merge request pipelines use
	// "merge_request_event".
	Source string
}

// MergeRequest is a merge request of a project.
type MergeRequest struct {
	// ID is the instance-wide id; it defaults to ProjectID*1000+IID.
	ID, IID, ProjectID int64
	// HeadPipelineID names a pipeline added with AddPipeline; 0 gives a
	// null head_pipeline.
	HeadPipelineID int64
	Title          string
	SourceBranch   string
	// TargetBranch defaults to the project's default branch.
	TargetBranch string
	// SHA is the head commit of the source branch.
	SHA string
	// State defaults to "opened".
	State string
}

// Note is a comment on a merge request.
type Note struct {
	ID   int64
	Body string
	// Author is the username of the token that wrote it.
	Author string
}

// FixedTrace returns a Job.Trace that always answers log.
func FixedTrace(log string) func(int) string {
	return func(int) string { return log }
}

// GrowingTrace returns a Job.Trace whose n-th read holds the first n+1
// chunks, and all of them from the last chunk on: a log that grows while
// the job runs.
func GrowingTrace(chunks ...string) func(int) string {
	return func(call int) string {
		n := min(call+1, len(chunks))
		out := ""
		for _, c := range chunks[:n] {
			out += c
		}
		return out
	}
}
