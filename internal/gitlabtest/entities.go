package gitlabtest

import (
	"strconv"
	"time"
)

// The JSON shapes below follow GitLab's API entities (lib/api/entities),
// keeping the fields clients read. Builders run with s.mu held.

type userJSON struct {
	ID        int64  `json:"id"`
	Username  string `json:"username"`
	Name      string `json:"name"`
	State     string `json:"state"`
	Locked    bool   `json:"locked"`
	AvatarURL string `json:"avatar_url"`
	WebURL    string `json:"web_url"`
}

func (s *Server) userJSON(username string) *userJSON {
	if username == "" {
		return nil
	}
	return &userJSON{
		ID: s.userID(username), Username: username, Name: username, State: "active",
		AvatarURL: "https://www.gravatar.com/avatar/0?s=80&d=identicon", WebURL: s.URL + "/" + username,
	}
}

type commitJSON struct {
	ID          string   `json:"id"`
	ShortID     string   `json:"short_id"`
	CreatedAt   string   `json:"created_at"`
	ParentIDs   []string `json:"parent_ids"`
	Title       string   `json:"title"`
	Message     string   `json:"message"`
	AuthorName  string   `json:"author_name"`
	AuthorEmail string   `json:"author_email"`
	WebURL      string   `json:"web_url"`
}

type pipelineBasicJSON struct {
	ID        int64  `json:"id"`
	IID       int64  `json:"iid"`
	ProjectID int64  `json:"project_id"`
	SHA       string `json:"sha"`
	Ref       string `json:"ref"`
	Status    string `json:"status"`
	Source    string `json:"source"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	WebURL    string `json:"web_url"`
}

// pipelineJSON is Entities::Ci::Pipeline, as GET pipeline and an MR's
// head_pipeline show it.
type pipelineJSON struct {
	pipelineBasicJSON
	BeforeSHA      string    `json:"before_sha"`
	Tag            bool      `json:"tag"`
	YAMLErrors     *string   `json:"yaml_errors"`
	User           *userJSON `json:"user"`
	StartedAt      *string   `json:"started_at"`
	FinishedAt     *string   `json:"finished_at"`
	CommittedAt    *string   `json:"committed_at"`
	Duration       *int64    `json:"duration"`
	QueuedDuration *float64  `json:"queued_duration"`
	Coverage       *string   `json:"coverage"`
}

func (s *Server) pipelineBasicJSON(p *Pipeline) pipelineBasicJSON {
	out := pipelineBasicJSON{
		ID: p.ID, IID: p.ID, ProjectID: p.ProjectID, SHA: p.SHA, Ref: p.Ref, Status: p.Status,
		Source: p.Source, CreatedAt: timestamp(p.ID), UpdatedAt: timestamp(p.ID + 60),
	}
	if proj := s.projects[p.ProjectID]; proj != nil {
		out.WebURL = s.projectURL(proj) + "/-/pipelines/" + strconv.FormatInt(p.ID, 10)
	}
	return out
}

func (s *Server) pipelineJSON(p *Pipeline) pipelineJSON {
	out := pipelineJSON{
		pipelineBasicJSON: s.pipelineBasicJSON(p),
		BeforeSHA:         "0000000000000000000000000000000000000000",
	}
	if started(p.Status) {
		t := timestamp(p.ID + 5)
		out.StartedAt = &t
	}
	if finished(p.Status) {
		t, d := timestamp(p.ID+60), int64(55)
		out.FinishedAt, out.Duration = &t, &d
	}
	return out
}

// jobJSON is Entities::Ci::Job, as GET job, GET /job and pipeline job
// lists show it.
type jobJSON struct {
	ID                int64             `json:"id"`
	Status            string            `json:"status"`
	Stage             string            `json:"stage"`
	Name              string            `json:"name"`
	Ref               string            `json:"ref"`
	Tag               bool              `json:"tag"`
	Coverage          *float64          `json:"coverage"`
	AllowFailure      bool              `json:"allow_failure"`
	CreatedAt         string            `json:"created_at"`
	StartedAt         *string           `json:"started_at"`
	FinishedAt        *string           `json:"finished_at"`
	ErasedAt          *string           `json:"erased_at"`
	Duration          *float64          `json:"duration"`
	QueuedDuration    *float64          `json:"queued_duration"`
	User              *userJSON         `json:"user"`
	Commit            commitJSON        `json:"commit"`
	Pipeline          pipelineBasicJSON `json:"pipeline"`
	FailureReason     string            `json:"failure_reason,omitempty"`
	WebURL            string            `json:"web_url"`
	Project           jobProjectJSON    `json:"project"`
	Artifacts         []any             `json:"artifacts"`
	Runner            any               `json:"runner"`
	ArtifactsExpireAt *string           `json:"artifacts_expire_at"`
	Archived          bool              `json:"archived"`
	TagList           []string          `json:"tag_list"`
}

type jobProjectJSON struct {
	CIJobTokenScopeEnabled bool `json:"ci_job_token_scope_enabled"`
}

func (s *Server) jobJSON(j *Job) jobJSON {
	pl := s.pipelines[j.PipelineID]
	if pl == nil {
		// A job added without its pipeline still names one, as GitLab's do.
		pl = &Pipeline{ID: j.PipelineID, ProjectID: j.ProjectID, SHA: j.SHA, Ref: j.Ref, Status: j.Status, Source: "push"}
	}
	times := j.times()
	out := jobJSON{
		ID: j.ID, Status: j.Status, Stage: j.Stage, Name: j.Name, Ref: j.Ref,
		AllowFailure: j.AllowFailure,
		CreatedAt:    formatTime(times.created),
		StartedAt:    nullTime(times.started),
		FinishedAt:   nullTime(times.finished),
		ErasedAt:     nullTime(j.ErasedAt),
		User:         s.userJSON(j.User),
		Commit:       s.commitJSON(j.ProjectID, j.SHA),
		Pipeline:     s.pipelineBasicJSON(pl),
		Project:      jobProjectJSON{CIJobTokenScopeEnabled: true},
		Artifacts:    []any{},
		TagList:      append([]string{}, j.TagList...),
	}
	if j.Status == "failed" {
		out.FailureReason = j.FailureReason
	}
	if proj := s.projects[j.ProjectID]; proj != nil {
		out.WebURL = s.projectURL(proj) + "/-/jobs/" + strconv.FormatInt(j.ID, 10)
	}
	if !times.started.IsZero() {
		q := times.started.Sub(times.created).Seconds()
		out.QueuedDuration = &q
		if !times.finished.IsZero() {
			d := times.finished.Sub(times.started).Seconds()
			out.Duration = &d
		}
	}
	return out
}

// jobTimes are a job's times with the defaults of Job's documentation
// filled in; zero means null.
type jobTimes struct{ created, started, finished time.Time }

func (j *Job) times() jobTimes {
	t := jobTimes{created: j.CreatedAt, started: j.StartedAt, finished: j.FinishedAt}
	if t.created.IsZero() {
		t.created = baseTime.Add(time.Duration(j.ID) * time.Second)
	}
	if t.started.IsZero() && started(j.Status) {
		t.started = t.created.Add(5 * time.Second)
	}
	if t.finished.IsZero() && finished(j.Status) {
		t.finished = t.created.Add(60 * time.Second)
	}
	return t
}

func (s *Server) commitJSON(projectID int64, sha string) commitJSON {
	out := commitJSON{
		ID: sha, ShortID: sha[:min(8, len(sha))], CreatedAt: timestamp(0), ParentIDs: []string{},
		AuthorName: "Example Author", AuthorEmail: "author@example.com",
	}
	if proj := s.projects[projectID]; proj != nil {
		out.WebURL = s.projectURL(proj) + "/-/commit/" + sha
	}
	return out
}

// mergeRequestBasicJSON is Entities::MergeRequestBasic, as commit merge
// request lists show it.
type mergeRequestBasicJSON struct {
	ID              int64                `json:"id"`
	IID             int64                `json:"iid"`
	ProjectID       int64                `json:"project_id"`
	Title           string               `json:"title"`
	Description     string               `json:"description"`
	State           string               `json:"state"`
	CreatedAt       string               `json:"created_at"`
	UpdatedAt       string               `json:"updated_at"`
	TargetBranch    string               `json:"target_branch"`
	SourceBranch    string               `json:"source_branch"`
	Author          *userJSON            `json:"author"`
	SourceProjectID int64                `json:"source_project_id"`
	TargetProjectID int64                `json:"target_project_id"`
	Draft           bool                 `json:"draft"`
	SHA             string               `json:"sha"`
	MergeCommitSHA  *string              `json:"merge_commit_sha"`
	Reference       string               `json:"reference"`
	References      mergeRequestRefsJSON `json:"references"`
	WebURL          string               `json:"web_url"`
}

type mergeRequestRefsJSON struct {
	Short    string `json:"short"`
	Relative string `json:"relative"`
	Full     string `json:"full"`
}

// mergeRequestJSON is Entities::MergeRequest, as GET merge request shows it.
type mergeRequestJSON struct {
	mergeRequestBasicJSON
	Pipeline     *pipelineBasicJSON `json:"pipeline"`
	HeadPipeline *pipelineJSON      `json:"head_pipeline"`
	DiffRefs     diffRefsJSON       `json:"diff_refs"`
}

type diffRefsJSON struct {
	BaseSHA  string `json:"base_sha"`
	HeadSHA  string `json:"head_sha"`
	StartSHA string `json:"start_sha"`
}

func (s *Server) mergeRequestBasicJSON(mr *MergeRequest) mergeRequestBasicJSON {
	target := mr.TargetBranch
	ref := "!" + strconv.FormatInt(mr.IID, 10)
	out := mergeRequestBasicJSON{
		ID: mr.ID, IID: mr.IID, ProjectID: mr.ProjectID, Title: mr.Title, State: mr.State,
		CreatedAt: timestamp(mr.ID), UpdatedAt: timestamp(mr.ID + 60),
		SourceBranch: mr.SourceBranch, SourceProjectID: mr.ProjectID, TargetProjectID: mr.ProjectID,
		SHA: mr.SHA, Reference: ref, References: mergeRequestRefsJSON{Short: ref, Relative: ref, Full: ref},
	}
	if proj := s.projects[mr.ProjectID]; proj != nil {
		if target == "" {
			target = proj.DefaultBranch
		}
		out.WebURL = s.projectURL(proj) + "/-/merge_requests/" + strconv.FormatInt(mr.IID, 10)
		out.References.Full = proj.Path + ref
	}
	out.TargetBranch = target
	return out
}

func (s *Server) mergeRequestJSON(mr *MergeRequest) mergeRequestJSON {
	out := mergeRequestJSON{
		mergeRequestBasicJSON: s.mergeRequestBasicJSON(mr),
		DiffRefs:              diffRefsJSON{HeadSHA: mr.SHA},
	}
	if pl := s.pipelines[mr.HeadPipelineID]; pl != nil && pl.ProjectID == mr.ProjectID {
		basic, full := s.pipelineBasicJSON(pl), s.pipelineJSON(pl)
		out.Pipeline, out.HeadPipeline = &basic, &full
	}
	return out
}

// noteJSON is Entities::Note.
type noteJSON struct {
	ID           int64     `json:"id"`
	Type         *string   `json:"type"`
	Body         string    `json:"body"`
	Attachment   *string   `json:"attachment"`
	Author       *userJSON `json:"author"`
	CreatedAt    string    `json:"created_at"`
	UpdatedAt    string    `json:"updated_at"`
	System       bool      `json:"system"`
	NoteableID   int64     `json:"noteable_id"`
	NoteableType string    `json:"noteable_type"`
	ProjectID    int64     `json:"project_id"`
	Resolvable   bool      `json:"resolvable"`
	Confidential bool      `json:"confidential"`
	Internal     bool      `json:"internal"`
	NoteableIID  int64     `json:"noteable_iid"`
}

func (s *Server) noteJSON(projectID, iid int64, n *storedNote) noteJSON {
	return noteJSON{
		ID: n.ID, Body: n.Body, Author: s.userJSON(n.Author),
		CreatedAt: timestamp(n.created), UpdatedAt: timestamp(n.updated),
		NoteableID: n.mrID, NoteableType: "MergeRequest", ProjectID: projectID, NoteableIID: iid,
	}
}

// started says whether a job or pipeline in status has begun running.
func started(status string) bool {
	switch status {
	case "created", "pending", "waiting_for_resource", "preparing", "scheduled", "manual", "skipped":
		return false
	}
	return true
}

// finished says whether status is final.
func finished(status string) bool {
	switch status {
	case "success", "failed", "canceled":
		return true
	}
	return false
}
