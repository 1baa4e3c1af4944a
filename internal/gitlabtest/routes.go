package gitlabtest

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// route is one API v4 endpoint with GitLab's authentication settings.
type route struct {
	method  string
	pattern string // under /api/v4; ":name" segments are parameters
	// authAlways routes run `before { authenticate! }` and refuse anonymous
	// reads; the others only refuse anonymous writes (authenticate_non_get!).
	authAlways bool
	// jobToken routes carry `route_setting :authentication,
	// job_token_allowed: true`, so job tokens are read there.
	jobToken bool
	// readRepository routes also accept the read_repository scope on reads.
	readRepository bool
	handle         func(*call)
}

// routes lists the endpoints served. Job-token access follows the job
// token documentation (doc/ci/jobs/ci_job_token.md): GET /job, merge
// requests, reading their notes, commit merge requests and raw files. The
// newest GitLab source also opens GET /projects/:id/jobs to job tokens
// with fine-grained permissions; here it stays closed, as documented.
var routes = []*route{
	{method: "GET", pattern: "/projects/:id", handle: (*call).getProject},
	{method: "GET", pattern: "/groups/:id/projects", handle: (*call).listGroupProjects},
	{method: "GET", pattern: "/projects/:id/jobs", authAlways: true, handle: (*call).listProjectJobs},
	{method: "GET", pattern: "/projects/:id/jobs/:job_id", authAlways: true, handle: (*call).getJob},
	{method: "GET", pattern: "/projects/:id/jobs/:job_id/trace", authAlways: true, handle: (*call).getTrace},
	{method: "GET", pattern: "/job", authAlways: true, jobToken: true, handle: (*call).getTokenJob},
	{method: "GET", pattern: "/projects/:id/pipelines/:pipeline_id", handle: (*call).getPipeline},
	{method: "GET", pattern: "/projects/:id/pipelines/:pipeline_id/jobs", handle: (*call).listPipelineJobs},
	{method: "GET", pattern: "/projects/:id/merge_requests/:merge_request_iid", jobToken: true, handle: (*call).getMergeRequest},
	{method: "GET", pattern: "/projects/:id/merge_requests/:merge_request_iid/pipelines", handle: (*call).listMergeRequestPipelines},
	{method: "GET", pattern: "/projects/:id/repository/commits/:sha/merge_requests", jobToken: true, handle: (*call).listCommitMergeRequests},
	{method: "GET", pattern: "/projects/:id/merge_requests/:noteable_id/notes", authAlways: true, jobToken: true, handle: (*call).listNotes},
	{method: "POST", pattern: "/projects/:id/merge_requests/:noteable_id/notes", authAlways: true, handle: (*call).createNote},
	{method: "PUT", pattern: "/projects/:id/merge_requests/:noteable_id/notes/:note_id", authAlways: true, handle: (*call).updateNote},
	{method: "GET", pattern: "/projects/:id/repository/files/:file_path/raw", jobToken: true, readRepository: true, handle: (*call).getRawFile},
}

// intParams are the path parameters Grape declares as Integer.
var intParams = []string{"job_id", "pipeline_id", "merge_request_iid", "noteable_id", "note_id"}

// name is the route as tests and Request.Route spell it, e.g.
// "GET /projects/:id/jobs/:job_id/trace".
func (rt *route) name() string { return rt.method + " " + rt.pattern }

// scopes lists the token scopes registered for the route, in GitLab's
// order: the endpoint's own, then the API-wide api and read_api.
func (rt *route) scopes() []string {
	if rt.readRepository {
		return []string{"read_repository", "api", "read_api"}
	}
	return []string{"api", "read_api"}
}

// scopeAllows says whether a token scope opens the route for method:
// api always, read_api and read_repository only for reads.
func (rt *route) scopeAllows(scope, method string) bool {
	switch scope {
	case "api":
		return true
	case "read_api":
		return isRead(method)
	case "read_repository":
		return rt.readRepository && isRead(method)
	}
	return false
}

// matchRoute finds the route for method and the escaped path under
// /api/v4, with its decoded parameters. Without a match it returns the
// methods the path would accept, for a 405's Allow header.
func matchRoute(method, escapedPath string) (*route, map[string]string, string) {
	if method == http.MethodHead {
		method = http.MethodGet // Grape answers HEAD with the GET route
	}
	segs := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	var allowed []string
	for _, rt := range routes {
		params, ok := matchSegments(rt.pattern, segs)
		if !ok {
			continue
		}
		if rt.method == method {
			return rt, params, ""
		}
		allowed = append(allowed, rt.method)
	}
	if len(allowed) > 0 && slices.Contains(allowed, "GET") {
		allowed = append(allowed, "HEAD")
	}
	return nil, nil, strings.Join(allowed, ", ")
}

// matchSegments matches escaped path segments against a pattern; each
// parameter takes exactly one segment, so an unescaped "/" in a project
// path does not match, as in GitLab.
func matchSegments(pattern string, segs []string) (map[string]string, bool) {
	want := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	if len(want) != len(segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, w := range want {
		seg, err := url.PathUnescape(segs[i])
		if err != nil || seg == "" {
			return nil, false
		}
		if name, ok := strings.CutPrefix(w, ":"); ok {
			params[name] = seg
		} else if seg != w {
			return nil, false
		}
	}
	return params, true
}

// findRoute returns the route a test names, e.g.
// "GET /api/v4/projects/:id/jobs/:job_id/trace" or "GET /projects/:iid";
// parameter names do not matter, only where parameters sit.
func findRoute(spec string) *route {
	method, path, _ := strings.Cut(strings.TrimSpace(spec), " ")
	path = strings.TrimSpace(path)
	if i := strings.Index(path, "/api/v4/"); i >= 0 {
		path = path[i+len("/api/v4"):]
	}
	shape := func(p string) string {
		segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
		for i, s := range segs {
			if strings.HasPrefix(s, ":") {
				segs[i] = ":"
			}
		}
		return strings.Join(segs, "/")
	}
	for _, rt := range routes {
		if rt.method == strings.ToUpper(method) && shape(rt.pattern) == shape(path) {
			return rt
		}
	}
	return nil
}

// call is one authenticated request on its way through a handler.
type call struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	params map[string]string
	who    identity
}

// checkIntParams answers 400 as Grape does when an Integer path parameter
// is not one.
func (c *call) checkIntParams() bool {
	for _, name := range intParams {
		if v, ok := c.params[name]; ok {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				writeError(c.w, http.StatusBadRequest, name+" is invalid")
				return false
			}
		}
	}
	return true
}

// intParam returns an Integer path parameter checked by checkIntParams.
func (c *call) intParam(name string) int64 {
	n, _ := strconv.ParseInt(c.params[name], 10, 64)
	return n
}

// project resolves :id, numeric or a full path (case-insensitive, as
// GitLab's find_by_full_path), and answers 404 "Project Not Found" when it
// is unknown or hidden from the caller. The caller holds s.mu.
func (c *call) project() (*Project, bool) {
	id := c.params["id"]
	found := c.s.projPaths[strings.ToLower(id)]
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		found = c.s.projects[n]
	}
	if found == nil || !c.s.canRead(found, c.who) {
		writeMessage(c.w, http.StatusNotFound, "404 Project Not Found")
		return nil, false
	}
	return found, true
}

// group resolves :id of a group route, numeric or a full path
// (case-insensitive), and answers 404 "Group Not Found" (find_group!) when
// it is unknown or hidden from the caller. The caller holds s.mu.
func (c *call) group() (*Group, bool) {
	id := c.params["id"]
	found := c.s.groupPaths[strings.ToLower(id)]
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		found = c.s.groups[n]
	}
	if found == nil || !c.s.canReadGroup(found, c.who) {
		writeMessage(c.w, http.StatusNotFound, "404 Group Not Found")
		return nil, false
	}
	return found, true
}
