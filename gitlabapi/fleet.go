package gitlabapi

import (
	"context"
	"fmt"
	"strconv"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// Project is what the fleet report needs of a project.
type Project struct {
	ID   int64
	Path string // path_with_namespace
	// DefaultBranch is empty for a project with no commit yet.
	DefaultBranch string
	// CIConfigPath is the configuration file; empty for .gitlab-ci.yml.
	CIConfigPath string
	WebURL       string
	Archived     bool
}

func projectOf(p *gitlab.Project) Project {
	return Project{ID: p.ID, Path: p.PathWithNamespace, DefaultBranch: p.DefaultBranch,
		CIConfigPath: p.CIConfigPath, WebURL: p.WebURL, Archived: p.Archived}
}

// Project reads one project, by full path or id.
func (c *Client) Project(ctx context.Context, project string) (Project, error) {
	p, resp, err := c.gl.Projects.GetProject(project, nil, gitlab.WithContext(ctx))
	if err != nil {
		return Project{}, classify("project "+project, err, resp)
	}
	return projectOf(p), nil
}

// GroupProjects calls fn with every project of a group and its subgroups,
// archived ones and those only shared into the group left out, in the
// order of their ids (stable across offset pages, facts 6.2).
func (c *Client) GroupProjects(ctx context.Context, group string, fn func(Project) error) error {
	what := "the projects of group " + group
	opts := &gitlab.ListGroupProjectsOptions{
		ListOptions:      gitlab.ListOptions{PerPage: 100},
		IncludeSubGroups: gitlab.Ptr(true),
		WithShared:       gitlab.Ptr(false),
		Archived:         gitlab.Ptr(false),
		OrderBy:          gitlab.Ptr("id"),
		Sort:             gitlab.Ptr("asc"),
	}
	pages := gitlab.Scan2(func(page gitlab.PaginationOptionFunc) ([]*gitlab.Project, *gitlab.Response, error) {
		return c.gl.Groups.ListGroupProjects(group, opts, page, gitlab.WithContext(ctx))
	})
	for p, err := range pages {
		switch {
		case err != nil:
			return classify(what, err, nil)
		case p.Archived: // an instance that ignores archived=false
			continue
		}
		if err := fn(projectOf(p)); err != nil {
			return err
		}
	}
	return nil
}

// ProjectFailedJobs calls fn with the project's failed jobs created at or
// after since, newest first, retried ones included (each is a failure that
// cost a run). It reads keyset pages, the only pagination GitLab
// recommends for this list (facts 6.1), and stops at the first page that
// reaches past since: the list is ordered by id, which grows with time.
func (c *Client) ProjectFailedJobs(ctx context.Context, projectID int64, since time.Time, fn func(Job) error) error {
	project := strconv.FormatInt(projectID, 10)
	what := fmt.Sprintf("the failed jobs of project %d", projectID)
	opts := &gitlab.ListJobsOptions{
		ListOptions: gitlab.ListOptions{PerPage: 100, Pagination: "keyset", OrderBy: "id", Sort: "desc"},
		Scope:       &[]gitlab.BuildStateValue{gitlab.Failed},
	}
	pages := gitlab.Scan2(func(page gitlab.PaginationOptionFunc) ([]*gitlab.Job, *gitlab.Response, error) {
		return c.gl.Jobs.ListProjectJobs(project, opts, page, gitlab.WithContext(ctx))
	})
	for j, err := range pages {
		if err != nil {
			return classify(what, err, nil)
		}
		job := jobOf(j)
		if !job.CreatedAt.IsZero() && job.CreatedAt.Before(since) {
			return nil
		}
		if err := fn(job); err != nil {
			return err
		}
	}
	return nil
}
