package gitlabapi

import (
	"context"
	"fmt"
	"strings"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// UpsertNote posts body as a note on a merge request, or updates the note
// that carries marker (a hidden HTML comment) when an earlier run posted
// one, so that reruns never pile up notes. The write itself is never
// retried: a retried POST could post twice.
func (c *Client) UpsertNote(ctx context.Context, project string, iid int64, marker, body string) (updated bool, err error) {
	what := fmt.Sprintf("the notes of merge request !%d of %s", iid, project)
	opts := &gitlab.ListMergeRequestNotesOptions{ListOptions: gitlab.ListOptions{PerPage: 100, Page: 1}}
	for page := 0; page < maxPages; page++ {
		notes, resp, err := c.gl.Notes.ListMergeRequestNotes(project, iid, opts, gitlab.WithContext(ctx))
		if err != nil {
			return false, classify(what, err, resp)
		}
		for _, n := range notes {
			if strings.Contains(n.Body, marker) {
				_, resp, err := c.gl.Notes.UpdateMergeRequestNote(project, iid, n.ID,
					&gitlab.UpdateMergeRequestNoteOptions{Body: gitlab.Ptr(body)}, gitlab.WithContext(writeContext(ctx)))
				return true, classify(what, err, resp)
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	_, resp, err := c.gl.Notes.CreateMergeRequestNote(project, iid,
		&gitlab.CreateMergeRequestNoteOptions{Body: gitlab.Ptr(body)}, gitlab.WithContext(writeContext(ctx)))
	return false, classify(what, err, resp)
}
