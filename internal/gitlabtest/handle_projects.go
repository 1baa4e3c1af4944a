package gitlabtest

import (
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
)

// getProject answers GET /projects/:id.
func (c *call) getProject() {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	p, ok := c.project()
	if !ok {
		return
	}
	writeJSON(c.w, http.StatusOK, c.s.projectJSON(p))
}

// getRawFile answers GET /projects/:id/repository/files/:file_path/raw
// (lib/api/files.rb): ref defaults to the default branch; an unknown ref
// is "404 Commit Not Found", a missing file "404 File Not Found".
func (c *call) getRawFile() {
	q := c.r.URL.Query()
	if _, given := q["ref"]; given && q.Get("ref") == "" {
		writeError(c.w, http.StatusBadRequest, "ref is empty")
		return
	}
	file := c.params["file_path"]
	if strings.HasPrefix(file, "/") || slices.Contains(strings.Split(file, "/"), "..") {
		writeError(c.w, http.StatusBadRequest, "file_path should be a valid file path")
		return
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	p, ok := c.project()
	if !ok {
		return
	}
	ref := q.Get("ref")
	if ref == "" {
		ref = p.DefaultBranch
	}
	if !c.s.knownRef(p, ref) {
		writeMessage(c.w, http.StatusNotFound, "404 Commit Not Found")
		return
	}
	content, ok := c.s.files[fileKey{p.ID, ref, file}]
	if !ok {
		writeMessage(c.w, http.StatusNotFound, "404 File Not Found")
		return
	}
	name := path.Base(file)
	h := c.w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Disposition", `inline; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape(name))
	h.Set("X-Gitlab-File-Name", name)
	h.Set("X-Gitlab-File-Path", file)
	h.Set("X-Gitlab-Ref", ref)
	h.Set("X-Gitlab-Size", strconv.Itoa(len(content)))
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(content)
}

// knownRef says whether ref names a branch, tag or commit of p: its default
// branch, or a ref or SHA that a file, pipeline, job or merge request of p
// uses. The caller holds s.mu.
func (s *Server) knownRef(p *Project, ref string) bool {
	if ref == p.DefaultBranch {
		return true
	}
	for k := range s.files {
		if k.projectID == p.ID && k.ref == ref {
			return true
		}
	}
	for _, pl := range s.pipelines {
		if pl.ProjectID == p.ID && (pl.SHA == ref || pl.Ref == ref) {
			return true
		}
	}
	for _, j := range s.projJobs[p.ID] {
		if j.SHA == ref || j.Ref == ref {
			return true
		}
	}
	for _, mr := range s.mrs {
		if mr.ProjectID == p.ID && (mr.SHA == ref || mr.SourceBranch == ref) {
			return true
		}
	}
	return false
}
