package gitlabtest

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// token is a registered credential.
type token struct {
	value  string
	kind   TokenKind
	scopes []string
	user   string
	jobID  int64
}

type mrKey struct{ projectID, iid int64 }

type fileKey struct {
	projectID int64
	ref, path string
}

// storedNote is a Note with what the API shows besides.
type storedNote struct {
	Note
	mrID    int64
	created int64 // position in creation order, for created_at
	updated int64 // position in update order, for order_by=updated_at
}

// AddToken registers a personal (or project/group) access token or an
// OAuth token with its scopes; no scopes means "api". Job tokens need
// their job: use AddJobToken. The token's user is named "user<N>" until
// SetUsername renames it.
func (s *Server) AddToken(value string, kind TokenKind, scopes ...string) {
	s.t.Helper()
	if kind == JobToken {
		s.t.Fatalf("gitlabtest: AddToken: job tokens belong to a job, use AddJobToken")
		return
	}
	if len(scopes) == 0 {
		scopes = []string{"api"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[value] = &token{value: value, kind: kind, scopes: slices.Clone(scopes), user: s.newUser()}
}

// AddJobToken registers the CI_JOB_TOKEN of job jobID. It authenticates
// only while that job (added with AddJob, before or after) is running.
func (s *Server) AddJobToken(value string, jobID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[value] = &token{value: value, kind: JobToken, user: s.newUser(), jobID: jobID}
}

// SetUsername renames the user behind a registered token; notes show it
// as their author.
func (s *Server) SetUsername(value, username string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	tok := s.tokens[value]
	if tok == nil {
		s.t.Fatalf("gitlabtest: SetUsername: unknown token")
		return
	}
	s.userID(username)
	tok.user = username
}

// AddGroup adds or replaces a group.
func (s *Server) AddGroup(g Group) {
	g.Members = maps.Clone(g.Members)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.groups[g.ID]; old != nil {
		delete(s.groupPaths, strings.ToLower(old.Path))
	}
	s.groups[g.ID] = &g
	s.groupPaths[strings.ToLower(g.Path)] = &g
}

// AddProject adds or replaces a project.
func (s *Server) AddProject(p Project) {
	if p.DefaultBranch == "" {
		p.DefaultBranch = "main"
	}
	p.Members = maps.Clone(p.Members)
	p.Shared = slices.Clone(p.Shared)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.projects[p.ID]; old != nil {
		delete(s.projPaths, strings.ToLower(old.Path))
	}
	s.projects[p.ID] = &p
	s.projPaths[strings.ToLower(p.Path)] = &p
}

// AddJob adds or replaces a job and resets its trace read count.
func (s *Server) AddJob(j Job) {
	j.TagList = slices.Clone(j.TagList)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.jobs[j.ID]; old != nil {
		s.unindexJob(old)
	}
	s.jobs[j.ID] = &j
	s.indexJob(&j)
	delete(s.traceCalls, j.ID)
}

// indexJob puts j in its project's id-ordered list: an append when jobs
// come in id order, as they usually do. The caller holds s.mu.
func (s *Server) indexJob(j *Job) {
	list := s.projJobs[j.ProjectID]
	i, _ := slices.BinarySearchFunc(list, j.ID, byJobID)
	s.projJobs[j.ProjectID] = slices.Insert(list, i, j)
}

// unindexJob takes j out of its project's list; the caller holds s.mu.
func (s *Server) unindexJob(j *Job) {
	list := s.projJobs[j.ProjectID]
	if i, found := slices.BinarySearchFunc(list, j.ID, byJobID); found {
		s.projJobs[j.ProjectID] = slices.Delete(list, i, i+1)
	}
}

// byJobID orders jobs by id, for binary searches.
func byJobID(j *Job, id int64) int { return cmp.Compare(j.ID, id) }

// AddPipeline adds or replaces a pipeline.
func (s *Server) AddPipeline(p Pipeline) {
	if p.Source == "" {
		p.Source = "push"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pipelines[p.ID] = &p
}

// AddMergeRequest adds or replaces a merge request.
func (s *Server) AddMergeRequest(mr MergeRequest) {
	if mr.ID == 0 {
		mr.ID = mr.ProjectID*1000 + mr.IID
	}
	if mr.State == "" {
		mr.State = "opened"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mrs[mrKey{mr.ProjectID, mr.IID}] = &mr
}

// AddFile stores a file of a project's repository at ref (a branch, tag or
// SHA). The raw file route looks files up by this exact ref string.
func (s *Server) AddFile(projectID int64, ref, path string, content []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileKey{projectID, ref, path}] = slices.Clone(content)
}

// AddNote stores a note on a merge request, as if its author had posted
// it, and returns it with its id.
func (s *Server) AddNote(projectID, mrIID int64, body, author string) Note {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.userID(author)
	mr := s.mrs[mrKey{projectID, mrIID}]
	var mrID int64
	if mr != nil {
		mrID = mr.ID
	}
	return s.storeNote(projectID, mrIID, mrID, body, author).Note
}

// Notes returns the notes of a merge request in creation order, as stored.
func (s *Server) Notes(projectID, mrIID int64) []Note {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Note
	for _, n := range s.notes[mrKey{projectID, mrIID}] {
		out = append(out, n.Note)
	}
	return out
}

// JobWebURL returns a job's web page, <URL>/<project path>/-/jobs/<id>, as
// GitLab shows it in web_url; "" if the job or its project is unknown.
func (s *Server) JobWebURL(jobID int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[jobID]
	if j == nil || s.projects[j.ProjectID] == nil {
		return ""
	}
	return s.projectURL(s.projects[j.ProjectID]) + "/-/jobs/" + strconv.FormatInt(jobID, 10)
}

// MergeRequestWebURL returns a merge request's web page,
// <URL>/<project path>/-/merge_requests/<iid>; "" if the project is
// unknown.
func (s *Server) MergeRequestWebURL(projectID, iid int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.projects[projectID]
	if p == nil {
		return ""
	}
	return s.projectURL(p) + "/-/merge_requests/" + strconv.FormatInt(iid, 10)
}

// storeNote appends a note; the caller holds s.mu.
func (s *Server) storeNote(projectID, iid, mrID int64, body, author string) *storedNote {
	s.lastNoteID++
	s.noteClock++
	n := &storedNote{
		Note:    Note{ID: s.lastNoteID, Body: body, Author: author},
		mrID:    mrID,
		created: s.noteClock,
		updated: s.noteClock,
	}
	k := mrKey{projectID, iid}
	s.notes[k] = append(s.notes[k], n)
	return n
}

// newUser names a fresh user; the caller holds s.mu.
func (s *Server) newUser() string {
	for n := len(s.users) + 1; ; n++ {
		name := fmt.Sprintf("user%d", n)
		if _, taken := s.users[name]; !taken {
			s.userID(name)
			return name
		}
	}
}

// userID returns the id of a username, giving new names the next id; the
// caller holds s.mu.
func (s *Server) userID(name string) int64 {
	id, ok := s.users[name]
	if !ok {
		id = int64(len(s.users) + 1)
		s.users[name] = id
	}
	return id
}

// projectURL is the project's web page; the caller holds s.mu.
func (s *Server) projectURL(p *Project) string { return s.URL + "/" + p.Path }
