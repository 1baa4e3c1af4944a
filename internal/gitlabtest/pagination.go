package gitlabtest

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Offset pagination as GitLab's PaginationParams and OffsetHeaderBuilder
// do it: page defaults to 1, per_page to 20 and at most 100; headers
// X-Page, X-Per-Page, X-Next-Page and X-Prev-Page (empty when there is
// none), X-Total, X-Total-Pages (at least 1) and a Link header with
// rel="prev", "next", "first" and "last" in that order. Lists GitLab
// paginates without_count (project jobs) leave out X-Total, X-Total-Pages
// and rel="last".
const (
	defaultPerPage = 20
	maxPerPage     = 100
)

// pager is a validated page request.
type pager struct {
	page, perPage int
	// withoutCount answers as Kaminari's without_count does: no totals.
	withoutCount bool
}

// parsePager reads page and per_page, answering 400 like Grape's
// validators when they are not integers or per_page is 0.
func (c *call) parsePager() (pager, bool) {
	q := c.r.URL.Query()
	pg := pager{page: 1, perPage: defaultPerPage}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			writeError(c.w, http.StatusBadRequest, "page is invalid")
			return pg, false
		}
		pg.page = max(n, 1) // Kaminari treats page 0 or less as page 1
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			writeError(c.w, http.StatusBadRequest, "per_page is invalid")
			return pg, false
		case n == 0:
			writeError(c.w, http.StatusBadRequest, "per_page has a value not allowed")
			return pg, false
		case n > 0:
			pg.perPage = min(n, maxPerPage) // Kaminari ignores negative values
		}
	}
	return pg, true
}

// paginate writes the pagination headers for total items and returns the
// slice bounds of the requested page. defaults are the route's declared
// parameter defaults, which Grape puts in the Link URLs.
func (c *call) paginate(pg pager, total int, defaults url.Values) (lo, hi int) {
	pages := max((total+pg.perPage-1)/pg.perPage, 1)
	next, prev := "", ""
	// Kaminari has neither a next nor a previous page out of range.
	inRange := pg.page <= (total+pg.perPage-1)/pg.perPage
	if inRange && pg.page < pages {
		next = strconv.Itoa(pg.page + 1)
	}
	if inRange && pg.page > 1 {
		prev = strconv.Itoa(pg.page - 1)
	}
	var links []string
	if prev != "" {
		links = append(links, "<"+c.pageURL(pg, url.Values{"page": {prev}}, defaults)+`>; rel="prev"`)
	}
	if next != "" {
		links = append(links, "<"+c.pageURL(pg, url.Values{"page": {next}}, defaults)+`>; rel="next"`)
	}
	links = append(links, "<"+c.pageURL(pg, url.Values{"page": {"1"}}, defaults)+`>; rel="first"`)
	if !pg.withoutCount {
		links = append(links, "<"+c.pageURL(pg, url.Values{"page": {strconv.Itoa(pages)}}, defaults)+`>; rel="last"`)
	}
	h := c.w.Header()
	h.Set("X-Per-Page", strconv.Itoa(pg.perPage))
	h.Set("X-Page", strconv.Itoa(pg.page))
	h.Set("X-Next-Page", next)
	h.Set("X-Prev-Page", prev)
	h.Set("Link", strings.Join(links, ", "))
	if !pg.withoutCount {
		h.Set("X-Total", strconv.Itoa(total))
		h.Set("X-Total-Pages", strconv.Itoa(pages))
	}
	lo = min((pg.page-1)*pg.perPage, total)
	return lo, min(lo+pg.perPage, total)
}

// pageURL is the request URL for another page: the request's with set's
// values (page, cursor) put in. Like GitLab it carries every Grape
// parameter, path ones (id, pipeline_id...) and defaults (page=1 too)
// included, encoded with Rails' to_query: keys sorted, arrays as
// key[]=value.
func (c *call) pageURL(pg pager, set, defaults url.Values) string {
	params := map[string][]string{}
	arrays := map[string]bool{}
	params["page"] = []string{"1"}
	for k, v := range defaults {
		params[k] = v
	}
	for k, v := range c.r.URL.Query() {
		if name, ok := strings.CutSuffix(k, "[]"); ok {
			params[name], arrays[name] = v, true
		} else if k == "scope" {
			params[k], arrays[k] = v, true // Grape coerces a single scope to an array
		} else {
			params[k] = v[len(v)-1:] // Rack keeps the last repeated value
		}
	}
	for k, v := range c.params {
		params[k] = []string{v}
	}
	for k, v := range set {
		params[k] = v
	}
	params["per_page"] = []string{strconv.Itoa(pg.perPage)}
	var parts []string
	for k, vs := range params {
		if !arrays[k] {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(vs[0]))
			continue
		}
		var els []string
		for _, v := range vs {
			els = append(els, url.QueryEscape(k+"[]")+"="+url.QueryEscape(v))
		}
		parts = append(parts, strings.Join(els, "&"))
	}
	slices.Sort(parts)
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.r.Host + c.r.URL.EscapedPath() + "?" + strings.Join(parts, "&")
}
