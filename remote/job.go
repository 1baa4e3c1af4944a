package remote

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"github.com/ci-doctor/ci-doctor/ciconfig"
	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/gitlabapi"
	"github.com/ci-doctor/ci-doctor/lint"
)

// Options say how to diagnose a job read from GitLab.
type Options struct {
	// Current is set when ci-doctor runs inside the job it diagnoses (in
	// its after_script): the log is then polled until it holds the
	// after_script marker, or until Wait has passed.
	Current bool
	Wait    time.Duration
	// PollEvery is the time between polls.
	PollEvery time.Duration
	// Local is the job's own checkout, used instead of the API when set
	// (in a job, the files at the job's commit are already there).
	Local *lint.Project
	// ConfigPath is the project's CI configuration file; ".gitlab-ci.yml"
	// when empty.
	ConfigPath string
}

// Job diagnoses one job.
func Job(ctx context.Context, c *gitlabapi.Client, m *diagnose.Matcher, project string, id int64, o Options) (*diagnose.Report, error) {
	job, err := c.Job(ctx, project, id)
	if err != nil {
		return nil, err
	}
	var notes []string
	switch {
	case o.Current:
		complete, err := c.WaitForScriptEnd(ctx, project, id, o.Wait, o.PollEvery)
		if err != nil {
			return nil, err
		}
		if !complete {
			notes = append(notes, fmt.Sprintf("the log was incomplete after waiting %s for the runner to upload it: this diagnosis covers what had arrived", o.Wait))
		}
	case job.Status == "running" || job.Status == "pending" || job.Status == "created":
		notes = append(notes, "the job is still "+job.Status+": this diagnosis is partial, of the log so far")
	}
	trace := c.TraceReader(ctx, project, id)
	defer trace.Close()
	r, err := m.Diagnose(trace, job.WebURL)
	if err != nil {
		return nil, err
	}
	if r.Lines == 0 {
		notes = append(notes, "GitLab returned no log for the job: it may have been erased or may have expired")
	}
	r.Notes = append(r.Notes, notes...)
	r.Job.Name, r.Job.Stage, r.Job.URL = job.Name, job.Stage, job.WebURL
	p := o.Local
	if p == nil {
		p, err = RepoProject(ctx, c, project, job.SHA, o.ConfigPath)
		if err != nil {
			r.Notes = append(r.Notes, "configuration not read: "+err.Error())
		}
	}
	if p != nil {
		m.Locate(r, p, job.Name)
	}
	return r, nil
}

// RepoProject reads the configuration at a commit (or a branch) through
// the API, with the includes it names; path is ".gitlab-ci.yml" when empty.
func RepoProject(ctx context.Context, c *gitlabapi.Client, project, sha, path string) (*lint.Project, error) {
	if path == "" {
		path = ".gitlab-ci.yml"
	}
	// Includes of other projects are read through the API too, as GitLab
	// reads them: their settings (a pull_policy) can then be named.
	fetch := func(other, ref, file string) ([]byte, error) {
		if ref == "" {
			ref = "HEAD"
		}
		return fs.ReadFile(c.Repo(ctx, other, ref), file)
	}
	cfg, err := ciconfig.LoadFSWith(c.Repo(ctx, project, sha), project+"@"+short(sha), path, fetch)
	if err != nil {
		return nil, err
	}
	return lint.NewProject(cfg)
}

func short(sha string) string {
	if len(sha) > 8 {
		return sha[:8]
	}
	return sha
}
