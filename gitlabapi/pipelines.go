package gitlabapi

import (
	"context"
	"fmt"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// maxPages bounds pagination: a pipeline has at most a few thousand jobs.
const maxPages = 50

// FailedJobs lists the failed jobs of a pipeline (not the retried ones),
// following pagination.
func (c *Client) FailedJobs(ctx context.Context, project string, pipeline int64) ([]Job, error) {
	what := fmt.Sprintf("the failed jobs of pipeline %d of %s", pipeline, project)
	opts := &gitlab.ListJobsOptions{ListOptions: gitlab.ListOptions{PerPage: 100, Page: 1}, Scope: &[]gitlab.BuildStateValue{gitlab.Failed}}
	var out []Job
	for page := 0; page < maxPages; page++ {
		jobs, resp, err := c.gl.Jobs.ListPipelineJobs(project, pipeline, opts, gitlab.WithContext(ctx))
		if err != nil {
			return nil, classify(what, err, resp)
		}
		for _, j := range jobs {
			out = append(out, jobOf(j))
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return out, nil
}

// MergeRequestPipeline returns the latest pipeline of a merge request.
func (c *Client) MergeRequestPipeline(ctx context.Context, project string, iid int64) (int64, error) {
	what := fmt.Sprintf("merge request !%d of %s", iid, project)
	mr, resp, err := c.gl.MergeRequests.GetMergeRequest(project, iid, nil, gitlab.WithContext(ctx))
	if err != nil {
		return 0, classify(what, err, resp)
	}
	if mr.HeadPipeline != nil && mr.HeadPipeline.ID != 0 {
		return mr.HeadPipeline.ID, nil
	}
	pipelines, resp, err := c.gl.MergeRequests.ListMergeRequestPipelines(project, iid, gitlab.WithContext(ctx))
	if err != nil {
		return 0, classify(what, err, resp)
	}
	if len(pipelines) == 0 {
		return 0, &Error{What: what, Msg: "it has no pipeline"}
	}
	return pipelines[0].ID, nil
}

// MergeRequestOf returns the open merge request whose pipeline ran the
// commit, or 0.
func (c *Client) MergeRequestOf(ctx context.Context, project, sha string) (int64, error) {
	mrs, resp, err := c.gl.Commits.ListMergeRequestsByCommit(project, sha, gitlab.WithContext(ctx))
	if err != nil {
		return 0, classify("the merge requests of commit "+sha, err, resp)
	}
	for _, mr := range mrs {
		if mr.State == "opened" {
			return mr.IID, nil
		}
	}
	return 0, nil
}
