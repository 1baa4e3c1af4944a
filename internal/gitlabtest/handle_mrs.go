package gitlabtest

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
)

// projectMergeRequest finds merge request :merge_request_iid (or
// :noteable_id on note routes) of the project, answering "404 Not found"
// when there is none. The caller holds s.mu.
func (c *call) projectMergeRequest() (*MergeRequest, bool) {
	p, ok := c.project()
	if !ok {
		return nil, false
	}
	iid := c.intParam("merge_request_iid")
	if _, onNotes := c.params["noteable_id"]; onNotes {
		iid = c.intParam("noteable_id")
	}
	mr := c.s.mrs[mrKey{p.ID, iid}]
	if mr == nil {
		writeMessage(c.w, http.StatusNotFound, "404 Not found")
		return nil, false
	}
	return mr, true
}

// getMergeRequest answers GET /projects/:id/merge_requests/:merge_request_iid.
func (c *call) getMergeRequest() {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	mr, ok := c.projectMergeRequest()
	if !ok {
		return
	}
	writeJSON(c.w, http.StatusOK, c.s.mergeRequestJSON(mr))
}

// listMergeRequestPipelines answers GET
// /projects/:id/merge_requests/:merge_request_iid/pipelines: the project's
// pipelines on the source branch, on refs/merge-requests/<iid>/head, or
// the head pipeline, newest first.
func (c *call) listMergeRequestPipelines() {
	pg, ok := c.parsePager()
	if !ok {
		return
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	mr, ok := c.projectMergeRequest()
	if !ok {
		return
	}
	mrRef := "refs/merge-requests/" + strconv.FormatInt(mr.IID, 10) + "/head"
	var pls []*Pipeline
	for _, pl := range c.s.pipelines {
		if pl.ProjectID == mr.ProjectID && (pl.Ref == mr.SourceBranch || pl.Ref == mrRef || pl.ID == mr.HeadPipelineID) {
			pls = append(pls, pl)
		}
	}
	slices.SortFunc(pls, func(a, b *Pipeline) int { return cmp.Compare(b.ID, a.ID) })
	lo, hi := c.paginate(pg, len(pls), nil)
	out := []pipelineBasicJSON{}
	for _, pl := range pls[lo:hi] {
		out = append(out, c.s.pipelineBasicJSON(pl))
	}
	writeJSON(c.w, http.StatusOK, out)
}

// listCommitMergeRequests answers GET
// /projects/:id/repository/commits/:sha/merge_requests: the project's merge
// requests whose head is sha, or "404 Commit Not Found".
func (c *call) listCommitMergeRequests() {
	pg, ok := c.parsePager()
	if !ok {
		return
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	p, ok := c.project()
	if !ok {
		return
	}
	sha := c.params["sha"]
	if !c.s.knownRef(p, sha) {
		writeMessage(c.w, http.StatusNotFound, "404 Commit Not Found")
		return
	}
	var mrs []*MergeRequest
	for _, mr := range c.s.mrs {
		if mr.ProjectID == p.ID && mr.SHA == sha {
			mrs = append(mrs, mr)
		}
	}
	slices.SortFunc(mrs, func(a, b *MergeRequest) int { return cmp.Compare(b.ID, a.ID) })
	lo, hi := c.paginate(pg, len(mrs), nil)
	out := []mergeRequestBasicJSON{}
	for _, mr := range mrs[lo:hi] {
		out = append(out, c.s.mergeRequestBasicJSON(mr))
	}
	writeJSON(c.w, http.StatusOK, out)
}
