package gitlabtest

import (
	"net/http"
	"path"
	"slices"
	"strings"
)

// identity is who a request authenticated as.
type identity struct {
	tok *token // nil for an anonymous request
	job *Job   // the running job, when tok is its job token
}

// insufficientScope is GitLab's body for a token without the scope a route
// needs (rack-oauth2's Bearer::Forbidden, raised from lib/api/api_guard.rb).
// Its scope field lists every scope registered for the route, space
// separated, whatever the method: a read_api token POSTing a note gets
// "api read_api" (a 149-byte body, as reported against GitLab 16.x).
type insufficientScope struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	Scope            string `json:"scope"`
}

// authenticate finds who sent r, the way GitLab's auth finders do, and
// answers 401 or 403 itself when the credentials are refused.
//
// Order (lib/gitlab/auth/auth_finders.rb): a Bearer token is tried as the
// running job's token on job-token routes, then as an OAuth or access
// token; then PRIVATE-TOKEN or private_token; then, on job-token routes
// only, JOB-TOKEN, job_token or token. Elsewhere a job token is ignored, so
// the request is anonymous. Unknown tokens get 401, never anonymity.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, rt *route) (identity, bool) {
	s.mu.Lock()
	who, status := s.identify(r, rt)
	s.mu.Unlock()
	switch {
	case status == http.StatusUnauthorized:
		writeMessage(w, status, "401 Unauthorized")
		return who, false
	case status == http.StatusForbidden:
		writeJSON(w, status, insufficientScope{
			Error:            "insufficient_scope",
			ErrorDescription: "The request requires higher privileges than provided by the access token.",
			Scope:            strings.Join(rt.scopes(), " "),
		})
		return who, false
	case who.tok == nil && (rt.authAlways || !isRead(r.Method)):
		writeMessage(w, http.StatusUnauthorized, "401 Unauthorized")
		return who, false
	}
	return who, true
}

// identify returns the identity and 0, or the refusal status (401 or 403);
// the caller holds s.mu.
func (s *Server) identify(r *http.Request, rt *route) (identity, int) {
	q := r.URL.Query()
	if b := bearer(r); b != "" {
		if rt.jobToken {
			if job := s.runningJob(b); job != nil {
				return identity{tok: s.tokens[b], job: job}, 0
			}
		}
		return s.accessToken(b, r, rt, PersonalToken, OAuthToken)
	}
	if p := firstNonEmpty(q.Get("private_token"), r.Header.Get("Private-Token")); p != "" {
		return s.accessToken(p, r, rt, PersonalToken)
	}
	if !rt.jobToken {
		return identity{}, 0
	}
	jt := firstNonEmpty(q.Get("job_token"), q.Get("token"), r.Header.Get("Job-Token"))
	if jt == "" {
		return identity{}, 0
	}
	job := s.runningJob(jt)
	if job == nil {
		return identity{}, http.StatusUnauthorized
	}
	return identity{tok: s.tokens[jt], job: job}, 0
}

// accessToken checks a PAT or OAuth token and its scopes; the caller holds
// s.mu.
func (s *Server) accessToken(value string, r *http.Request, rt *route, kinds ...TokenKind) (identity, int) {
	tok := s.tokens[value]
	if tok == nil || !slices.Contains(kinds, tok.kind) {
		return identity{}, http.StatusUnauthorized
	}
	if !slices.ContainsFunc(tok.scopes, func(sc string) bool { return rt.scopeAllows(sc, r.Method) }) {
		return identity{}, http.StatusForbidden
	}
	return identity{tok: tok}, 0
}

// runningJob returns the job whose token value is, if that job is running;
// the caller holds s.mu.
func (s *Server) runningJob(value string) *Job {
	tok := s.tokens[value]
	if tok == nil || tok.kind != JobToken {
		return nil
	}
	job := s.jobs[tok.jobID]
	if job == nil || job.Status != "running" {
		return nil
	}
	return job
}

// canRead says whether who may see project p; GitLab answers 404, not 403,
// to hide the private ones. Members of the project's group or of a group
// it is shared with, or of their ancestors, may read it too. The caller
// holds s.mu.
func (s *Server) canRead(p *Project, who identity) bool {
	switch {
	case who.job != nil && who.job.ProjectID == p.ID:
		return true
	case !p.Private:
		return true
	case who.tok == nil:
		return false
	case len(p.Members) == 0 || p.Members[who.tok.value]:
		return true
	case s.groupMember(path.Dir(p.Path), who.tok.value):
		return true
	}
	return slices.ContainsFunc(p.Shared, func(g string) bool { return s.groupMember(g, who.tok.value) })
}

// canReadGroup says whether who may see group g, like canRead for
// projects. The caller holds s.mu.
func (s *Server) canReadGroup(g *Group, who identity) bool {
	switch {
	case !g.Private:
		return true
	case who.tok == nil:
		return false
	}
	return len(g.Members) == 0 || s.groupMember(g.Path, who.tok.value)
}

// groupMember says whether token value is a member of the group at
// fullPath or of one of its ancestors, as GitLab's inherited membership
// has it. The caller holds s.mu.
func (s *Server) groupMember(fullPath, value string) bool {
	for p := strings.ToLower(fullPath); p != "." && p != "/" && p != ""; p = path.Dir(p) {
		if g := s.groupPaths[p]; g != nil && g.Members[value] {
			return true
		}
	}
	return false
}

// bearer returns the token of an "Authorization: Bearer" header or of the
// access_token parameter (Doorkeeper's access_token_methods).
func bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if ok && strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(tok) != "" {
		return strings.TrimSpace(tok)
	}
	return r.URL.Query().Get("access_token")
}

// isRead says whether GitLab treats method as a read (GET or HEAD).
func isRead(method string) bool { return method == http.MethodGet || method == http.MethodHead }

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
