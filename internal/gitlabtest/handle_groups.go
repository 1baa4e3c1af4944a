package gitlabtest

import (
	"cmp"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
)

// projectOrders are the order_by values GET /groups/:id/projects accepts.
var projectOrders = []string{"id", "name", "path", "created_at", "updated_at", "last_activity_at", "similarity", "star_count"}

// groupProjectDefaults are the declared defaults of GET
// /groups/:id/projects that GitLab writes into its Link URLs.
var groupProjectDefaults = url.Values{
	"order_by": {"created_at"}, "sort": {"desc"}, "simple": {"false"}, "owned": {"false"},
	"starred": {"false"}, "with_issues_enabled": {"false"}, "with_merge_requests_enabled": {"false"},
	"with_shared": {"true"}, "include_subgroups": {"false"}, "include_ancestor_groups": {"false"},
	"with_custom_attributes": {"false"},
}

// groupProjectsQuery is what GET /groups/:id/projects was asked for.
type groupProjectsQuery struct {
	archived, archivedGiven                     bool
	orderBy, sort                               string
	simple, withShared, subgroups, ancestorsToo bool
}

// listGroupProjects answers GET /groups/:id/projects (lib/api/groups.rb
// and GroupProjectsFinder): the projects of the group (with
// include_subgroups, of its subgroups too; with include_ancestor_groups,
// of its ancestors) plus, unless with_shared=false, the projects shared
// with the group itself, keeping those the caller may read. Offset
// pagination only.
func (c *call) listGroupProjects() {
	gq, ok := c.groupProjectsQuery()
	if !ok {
		return
	}
	pg, ok := c.parsePager()
	if !ok {
		return
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	g, ok := c.group()
	if !ok {
		return
	}
	var projects []*Project
	for _, p := range c.s.projects {
		if c.s.canRead(p, c.who) && (!gq.archivedGiven || p.Archived == gq.archived) && gq.lists(g, p) {
			projects = append(projects, p)
		}
	}
	slices.SortFunc(projects, gq.compare)
	lo, hi := c.paginate(pg, len(projects), groupProjectDefaults)
	out := make([]any, 0, hi-lo)
	for _, p := range projects[lo:hi] {
		if gq.simple {
			out = append(out, c.s.projectBasicJSON(p))
		} else {
			out = append(out, c.s.projectJSON(p))
		}
	}
	writeJSON(c.w, http.StatusOK, out)
}

// groupProjectsQuery validates the parameters in Grape's declaration order.
func (c *call) groupProjectsQuery() (groupProjectsQuery, bool) {
	var gq groupProjectsQuery
	ok := true
	gq.archivedGiven = c.r.URL.Query().Get("archived") != ""
	gq.archived, ok = c.boolParam("archived", false)
	if ok {
		gq.orderBy, ok = c.enumParam("order_by", projectOrders, "created_at")
	}
	if ok {
		gq.sort, ok = c.enumParam("sort", []string{"asc", "desc"}, "desc")
	}
	if ok {
		gq.simple, ok = c.boolParam("simple", false)
	}
	if ok {
		gq.withShared, ok = c.boolParam("with_shared", true)
	}
	if ok {
		gq.subgroups, ok = c.boolParam("include_subgroups", false)
	}
	if ok {
		gq.ancestorsToo, ok = c.boolParam("include_ancestor_groups", false)
	}
	return gq, ok
}

// lists says whether p belongs in g's list: shared projects come from g
// itself only, subgroups and ancestors counting for owned projects alone,
// as in GroupProjectsFinder.
func (gq groupProjectsQuery) lists(g *Group, p *Project) bool {
	ns, gp := strings.ToLower(path.Dir(p.Path)), strings.ToLower(g.Path)
	switch {
	case ns == gp:
		return true
	case gq.subgroups && strings.HasPrefix(ns, gp+"/"):
		return true
	case gq.ancestorsToo && strings.HasPrefix(gp, ns+"/"):
		return true
	}
	return gq.withShared && slices.ContainsFunc(p.Shared, func(s string) bool { return strings.EqualFold(s, g.Path) })
}

// compare orders projects as the API's reorder_projects does: the order_by
// column, then id, both in sort's direction. created_at orders by id (the
// API swaps it for id), similarity without a search by name ascending, and
// star_count (always 0 here) and the derived times come down to id.
func (gq groupProjectsQuery) compare(a, b *Project) int {
	dir := 1
	if gq.sort == "desc" {
		dir = -1
	}
	byID := dir * cmp.Compare(a.ID, b.ID)
	switch gq.orderBy {
	case "name", "path": // both are the last path segment here
		return cmp.Or(dir*cmp.Compare(path.Base(a.Path), path.Base(b.Path)), byID)
	case "similarity":
		return cmp.Or(cmp.Compare(path.Base(a.Path), path.Base(b.Path)), byID)
	}
	return byID
}
