package gitlabtest

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

// offsetLimit is the plan's offset_pagination_limit: past it GitLab refuses
// offset pages of types that have keyset pagination, Ci::Build among them
// (API::Helpers::PaginationStrategies#offset_paginator).
const offsetLimit = 50000

// listProjectJobs answers GET /projects/:id/jobs (lib/api/ci/jobs.rb):
// every job of the project, retried ones included, newest first (id DESC),
// filtered by scope. Offset pages come without_count; pagination=keyset
// pages with a cursor.
func (c *call) listProjectJobs() {
	scope, ok := c.scopeParam()
	if !ok {
		return
	}
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
	list := c.s.projJobs[p.ID]
	if c.r.URL.Query().Get("pagination") == "keyset" {
		c.keysetJobs(pg, list, scope)
		return
	}
	if pg.page*pg.perPage > offsetLimit {
		writeError(c.w, http.StatusMethodNotAllowed, "Offset pagination has a maximum allowed offset of "+
			strconv.Itoa(offsetLimit)+" for requests that return objects of type Ci::Build. "+
			"Remaining records can be retrieved using keyset pagination.")
		return
	}
	var jobs []*Job
	for i := len(list) - 1; i >= 0; i-- {
		if inScope(scope, list[i]) {
			jobs = append(jobs, list[i])
		}
	}
	pg.withoutCount = true
	lo, hi := c.paginate(pg, len(jobs), nil)
	c.writeJobs(jobs[lo:hi])
}

// keysetJobs answers a keyset page of list (the project's jobs by
// ascending id), as Gitlab::Pagination::Keyset::CursorPager does: jobs
// support only order_by=id and sort=desc (the defaults), the page starts
// after the cursor's id, and a Link header with rel="next" carrying the
// next cursor is the only pagination header, sent only when more jobs
// follow. The caller holds s.mu.
func (c *call) keysetJobs(pg pager, list []*Job, scope []string) {
	q := c.r.URL.Query()
	if order, sort := q.Get("order_by"), q.Get("sort"); (order != "" && order != "id") || (sort != "" && sort != "desc") {
		writeError(c.w, http.StatusMethodNotAllowed, "Keyset pagination is not yet available for this type of request")
		return
	}
	end := len(list)
	if cur := q.Get("cursor"); cur != "" {
		after, ok := decodeJobCursor(cur)
		if !ok {
			// GitLab's cursor parsing raises, which the API turns into a 500.
			writeMessage(c.w, http.StatusInternalServerError, "500 Internal Server Error")
			return
		}
		end, _ = slices.BinarySearchFunc(list, after, byJobID)
	}
	var jobs []*Job
	for i := end - 1; i >= 0 && len(jobs) <= pg.perPage; i-- {
		if inScope(scope, list[i]) {
			jobs = append(jobs, list[i])
		}
	}
	if len(jobs) > pg.perPage {
		jobs = jobs[:pg.perPage]
		next := encodeJobCursor(jobs[len(jobs)-1].ID)
		c.w.Header().Set("Link", "<"+c.pageURL(pg, url.Values{"cursor": {next}}, nil)+`>; rel="next"`)
	}
	c.writeJobs(jobs)
}

// jobCursor is GitLab's keyset cursor for jobs: the last id shown, as a
// string, and the direction, "n" for next, in URL-safe base64 JSON
// (Gitlab::Pagination::Keyset::Paginator::Base64CursorConverter).
type jobCursor struct {
	ID        any    `json:"id,omitempty"`
	Direction string `json:"_kd"`
}

func encodeJobCursor(id int64) string {
	b, _ := json.Marshal(jobCursor{ID: strconv.FormatInt(id, 10), Direction: "n"})
	return base64.URLEncoding.EncodeToString(b)
}

// decodeJobCursor returns the id a cursor points after, the largest id
// for a cursor without one (the first page). The id may be a JSON string,
// as GitLab writes it, or a number.
func decodeJobCursor(cur string) (int64, bool) {
	b, err := base64.URLEncoding.DecodeString(cur)
	if err != nil {
		b, err = base64.RawURLEncoding.DecodeString(cur)
	}
	var jc jobCursor
	if err != nil || json.Unmarshal(b, &jc) != nil {
		return 0, false
	}
	var s string
	switch v := jc.ID.(type) {
	case nil:
		return math.MaxInt64, true
	case string:
		s = v
	case float64:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil
}
