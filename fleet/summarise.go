package fleet

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"time"

	"github.com/ci-doctor/ci-doctor/logtemplate"
	"github.com/ci-doctor/ci-doctor/store"
)

// Unrecognised is the Timeline series of the failures no signature explains.
const Unrecognised = "unrecognised"

// Scope is what a summary covers: some of a host's projects.
type Scope struct {
	// Name is "group PATH", "project PATH" or what a dashboard shows.
	Name string
	Host string
	// ProjectIDs lists the projects; nil means every project of Host,
	// and an empty list none (a group without projects).
	ProjectIDs []int64
	// Notes say what limits the data: they are the summary's notes.
	Notes []string
}

// Scope is the summary's scope of what the crawl covered.
func (cr *Crawled) Scope() Scope {
	ids := make([]int64, len(cr.Projects))
	for i, p := range cr.Projects {
		ids[i] = p.ID
	}
	return Scope{Name: cr.Name, Host: cr.Host, ProjectIDs: ids, Notes: cr.Notes}
}

// SummaryOptions say what Summarise covers.
type SummaryOptions struct {
	// Since and Until bound the jobs' times: Since <= FailedAt < Until.
	Since, Until time.Time
	// Failures and Readiness say which halves to include.
	Failures, Readiness bool
	// Project (a full path) and Cause (a cause id, "-" for none) narrow
	// the summary, for the dashboard's filters; empty means all.
	Project, Cause string
}

// Summarise builds the report of a scope from the store, so that jobs
// stored by earlier runs (or by serve) count too.
func Summarise(ctx context.Context, st *store.Store, sc Scope, o SummaryOptions) (*Summary, error) {
	s := &Summary{Scope: sc.Name, Since: o.Since.UTC(), Until: o.Until.UTC(), Notes: sc.Notes,
		Causes: []Cause{}, Unrecognised: []Template{}, Readiness: []ProjectReadiness{}}
	s.Timeline = newTimeline(s.Since, s.Until)
	if sc.ProjectIDs != nil && len(sc.ProjectIDs) == 0 {
		return s, nil
	}
	if o.Failures {
		t := newTally(s)
		f := store.Filter{Host: sc.Host, ProjectIDs: sc.ProjectIDs, Since: o.Since, Until: o.Until, Project: o.Project, CauseID: o.Cause}
		if err := st.Diagnoses(ctx, f, func(d store.Diagnosis) error {
			t.add(d)
			return nil
		}); err != nil {
			return nil, err
		}
		t.finish()
	}
	if o.Readiness {
		rs, err := st.Readiness(ctx, sc.Host, sc.ProjectIDs)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if o.Project != "" && r.Project != o.Project {
				continue
			}
			findings := r.Findings
			if findings == nil {
				findings = map[string]int{}
			}
			s.Readiness = append(s.Readiness, ProjectReadiness{Project: r.Project, Findings: findings, Error: r.Error})
		}
	}
	return s, nil
}

// newTimeline makes the empty buckets of the window: days, or weeks when
// the window is longer than 60 days.
func newTimeline(since, until time.Time) Timeline {
	t := Timeline{Bucket: "day", Series: map[string][]int{}}
	step := 24 * time.Hour
	if until.Sub(since) > 60*24*time.Hour {
		t.Bucket, step = "week", 7*24*time.Hour
	}
	for start := since.Truncate(24 * time.Hour); start.Before(until); start = start.Add(step) {
		t.Starts = append(t.Starts, start)
	}
	return t
}

// bucket is the index of the bucket holding at, or -1.
func (t *Timeline) bucket(at time.Time) int {
	i, found := slices.BinarySearchFunc(t.Starts, at, func(start, at time.Time) int { return start.Compare(at) })
	if !found {
		i--
	}
	if i < 0 || i >= len(t.Starts) {
		return -1
	}
	return i
}

// count adds one job of a series to the bucket holding at.
func (t *Timeline) count(series string, at time.Time) {
	i := t.bucket(at)
	if i < 0 {
		return
	}
	if t.Series[series] == nil {
		t.Series[series] = make([]int, len(t.Starts))
	}
	t.Series[series][i]++
}

// group gathers the jobs of one cause or one template.
type group struct {
	title       string
	jobs        int
	projects    map[int64]bool
	first, last time.Time
	// halves counts jobs in the first and second half of the window, and
	// late those in its last quarter, for the trend.
	halves [2]int
	late   int
	// examples are the latest jobs, lines a few distinct real lines.
	examples []example
	lines    []string
}

// example is one job shown as an example.
type example struct {
	at  time.Time
	url string
}

// addJob counts one job of the group; rows come oldest first.
func (g *group) addJob(d store.Diagnosis) {
	if g.projects == nil {
		g.projects = map[int64]bool{}
		g.first = d.FailedAt
	}
	g.jobs++
	g.projects[d.ProjectID] = true
	g.last = d.FailedAt
	if g.title == "" || d.CauseTitle != "" {
		g.title = d.CauseTitle
	}
	if len(g.examples) == MaxExamples {
		g.examples = g.examples[1:]
	}
	g.examples = append(g.examples, example{d.FailedAt, d.WebURL})
	if len(g.lines) < MaxExamples && d.Evidence != "" && !slices.Contains(g.lines, d.Evidence) {
		g.lines = append(g.lines, d.Evidence)
	}
}

// addInWindow counts one job and where it falls in the report's window.
func (g *group) addInWindow(d store.Diagnosis, s *Summary) {
	g.addJob(d)
	window, at := s.Until.Sub(s.Since), d.FailedAt.Sub(s.Since)
	if at >= window/2 {
		g.halves[1]++
	} else {
		g.halves[0]++
	}
	if at >= window*3/4 {
		g.late++
	}
}

// trend compares the halves of the window (see Cause.Trend).
func (g *group) trend() string {
	first, second := g.halves[0], g.halves[1]
	switch {
	case g.late == 0:
		return "gone"
	case first == 0:
		return "new"
	case float64(second) >= 1.5*float64(first):
		return "rising"
	case float64(second) <= float64(first)/1.5:
		return "falling"
	}
	return "steady"
}

// latest returns the URLs of the newest examples, newest first.
func latest(examples []example) []string {
	sorted := slices.Clone(examples)
	slices.SortStableFunc(sorted, func(a, b example) int { return b.at.Compare(a.at) })
	urls := []string{}
	for _, e := range sorted[:min(len(sorted), MaxExamples)] {
		urls = append(urls, e.url)
	}
	return urls
}

// tally aggregates stored diagnoses into a Summary.
type tally struct {
	s         *Summary
	causes    map[string]*group
	templates map[string]*group // by template text
}

func newTally(s *Summary) *tally {
	return &tally{s: s, causes: map[string]*group{}, templates: map[string]*group{}}
}

func (t *tally) add(d store.Diagnosis) {
	t.s.Jobs++
	switch {
	case d.CauseID != "":
		t.s.Diagnosed++
		g := t.causes[d.CauseID]
		if g == nil {
			g = &group{}
			t.causes[d.CauseID] = g
		}
		g.addInWindow(d, t.s)
		t.s.Timeline.count(d.CauseID, d.FailedAt)
	default:
		t.s.Unmatched++
		t.s.Timeline.count(Unrecognised, d.FailedAt)
		if d.Template == "" {
			return // no log, or no line that looks like an error
		}
		g := t.templates[d.Template]
		if g == nil {
			g = &group{}
			t.templates[d.Template] = g
		}
		g.addInWindow(d, t.s)
	}
}

// finish sorts the causes and merges the templates Drain-style.
func (t *tally) finish() {
	for id, g := range t.causes {
		t.s.Causes = append(t.s.Causes, Cause{ID: id, Title: g.title, Jobs: g.jobs, Projects: len(g.projects),
			FirstSeen: g.first, LastSeen: g.last, Trend: g.trend(), Examples: latest(g.examples)})
	}
	slices.SortFunc(t.s.Causes, func(a, b Cause) int { return cmp.Or(b.Jobs-a.Jobs, cmp.Compare(a.ID, b.ID)) })
	t.s.Unrecognised = mergeTemplates(t.templates)
}

// mergeTemplates clusters the masked lines and sums each cluster's jobs.
func mergeTemplates(byTemplate map[string]*group) []Template {
	out := []Template{}
	for _, cl := range cluster(byTemplate) {
		out = append(out, templateOf(cl, byTemplate))
	}
	slices.SortStableFunc(out, func(a, b Template) int { return cmp.Or(b.Jobs-a.Jobs, cmp.Compare(a.ID, b.ID)) })
	return out
}

// cluster merges the templates Drain-style, weighting each by its jobs.
func cluster(byTemplate map[string]*group) []logtemplate.Group {
	texts := slices.Sorted(maps.Keys(byTemplate))
	weights := make([]int, len(texts))
	for i, text := range texts {
		weights[i] = byTemplate[text].jobs
	}
	return logtemplate.Cluster(texts, weights)
}

// templateOf sums the groups of a cluster's members.
func templateOf(cl logtemplate.Group, byTemplate map[string]*group) Template {
	tpl := Template{ID: cl.ID, Template: cl.Template, Lines: []string{}}
	projects := map[int64]bool{}
	var examples []example
	for _, member := range cl.Members {
		g := byTemplate[member]
		if g == nil {
			continue
		}
		tpl.Jobs += g.jobs
		for p := range g.projects {
			projects[p] = true
		}
		examples = append(examples, g.examples...)
		for _, line := range g.lines {
			if len(tpl.Lines) < MaxExamples && !slices.Contains(tpl.Lines, line) {
				tpl.Lines = append(tpl.Lines, line)
			}
		}
	}
	tpl.Examples = latest(examples)
	tpl.Projects = len(projects)
	return tpl
}
