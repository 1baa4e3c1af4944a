package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/gitlabapi"
	"github.com/ci-doctor/ci-doctor/internal/iostreams"
	"github.com/ci-doctor/ci-doctor/remote"
)

// remoteOptions are diagnose's flags for jobs read from GitLab.
type remoteOptions struct {
	project   string
	job       int64
	pipeline  int64
	wait      time.Duration
	poll      time.Duration
	timeout   time.Duration
	retryWait time.Duration
	comment   bool
}

// remoteTarget is a job, pipeline or merge request to read from GitLab.
type remoteTarget struct {
	target gitlabapi.Target
	// candidates are the splits of a URL whose relative root is unknown.
	candidates []gitlabapi.Target
}

// remoteTargets collects the targets named by URLs and flags.
func remoteTargets(ios *iostreams.IOStreams, opts *diagnoseOptions) ([]remoteTarget, []string, error) {
	var targets []remoteTarget
	var files []string
	for _, in := range opts.inputs {
		if !gitlabapi.IsURL(in) {
			files = append(files, in)
			continue
		}
		cands, err := gitlabapi.ParseURL(in, gitlabapi.KnownBases(ios.Getenv)...)
		if err != nil {
			return nil, nil, &usageError{err}
		}
		targets = append(targets, remoteTarget{target: cands[0], candidates: cands})
	}
	r := &opts.remote
	if r.job != 0 || r.pipeline != 0 {
		project := r.project
		if project == "" {
			project = ios.Getenv("CI_PROJECT_ID")
		}
		if project == "" {
			return nil, nil, &usageError{errors.New("--job and --pipeline need --project (group/app or its id); inside a job it defaults to $CI_PROJECT_ID")}
		}
		base := gitlabapi.DefaultBase(ios.Getenv)
		if base == "" {
			return nil, nil, &usageError{errors.New("no GitLab instance: set GITLAB_HOST (or run inside a job, where $CI_SERVER_URL is set), or give a job URL")}
		}
		if r.job != 0 {
			t := gitlabapi.Target{Base: base, Project: project, Kind: gitlabapi.KindJob, ID: r.job}
			targets = append(targets, remoteTarget{target: t, candidates: []gitlabapi.Target{t}})
		}
		if r.pipeline != 0 {
			t := gitlabapi.Target{Base: base, Project: project, Kind: gitlabapi.KindPipeline, ID: r.pipeline}
			targets = append(targets, remoteTarget{target: t, candidates: []gitlabapi.Target{t}})
		}
	}
	return targets, files, nil
}

// currentJobSucceeded is the after_script shortcut: the job ci-doctor runs
// in succeeded, so there is nothing to diagnose and no API to call.
func currentJobSucceeded(ios *iostreams.IOStreams, targets []remoteTarget) bool {
	if ios.Getenv("CI_JOB_STATUS") != "success" || len(targets) != 1 {
		return false
	}
	t := targets[0].target
	return t.Kind == gitlabapi.KindJob && strconv.FormatInt(t.ID, 10) == ios.Getenv("CI_JOB_ID")
}

// apiOptions builds the client's options: the token as glab finds it, the
// instance's CA inside a job, the timeout.
func apiOptions(ios *iostreams.IOStreams, base string, r *remoteOptions) (gitlabapi.Options, error) {
	auth := gitlabapi.ResolveAuth(ios.Getenv, base)
	if auth.Token == "" {
		msg := "no GitLab token: set GITLAB_TOKEN (or GITLAB_ACCESS_TOKEN, OAUTH_TOKEN, or log in with glab) to a token with the read_api scope"
		if auth.JobToken != "" {
			msg = "GitLab does not let CI_JOB_TOKEN read job logs. Add a masked CI/CD variable GITLAB_TOKEN holding a project access token with the read_api scope (Reporter role; api to post merge-request notes), " +
				"or run the script through `ci-doctor run -- <command>`, which needs no token"
		}
		return gitlabapi.Options{}, &inputError{errors.New(msg)}
	}
	return gitlabapi.Options{Base: base, Auth: auth, Timeout: r.timeout, RetryWait: r.retryWait, CAFile: ios.Getenv("CI_SERVER_TLS_CA_FILE")}, nil
}

// diagnoseRemote reads and diagnoses the targets.
func diagnoseRemote(ios *iostreams.IOStreams, m *diagnose.Matcher, opts *diagnoseOptions, targets []remoteTarget) ([]*diagnose.Report, error) {
	ctx := context.Background()
	r := &opts.remote
	var reports []*diagnose.Report
	for _, rt := range targets {
		apiOpts, err := apiOptions(ios, rt.target.Base, r)
		if err != nil {
			return nil, err
		}
		t, client, err := gitlabapi.Resolve(ctx, rt.candidates, apiOpts)
		if err != nil {
			return nil, &inputError{err}
		}
		o := remote.Options{Wait: r.wait, PollEvery: r.poll}
		if t.Kind == gitlabapi.KindJob && strconv.FormatInt(t.ID, 10) == ios.Getenv("CI_JOB_ID") {
			// In the job's own after_script: wait for its log, and use
			// its checkout, which is the job's commit.
			o.Current = true
			if p, err := loadProject(ios, opts); err == nil && p != nil {
				o.Local = p
			}
		}
		switch t.Kind {
		case gitlabapi.KindJob:
			rep, err := remote.Job(ctx, client, m, t.Project, t.ID, o)
			if err != nil {
				return nil, &inputError{err}
			}
			reports = append(reports, rep)
		case gitlabapi.KindPipeline, gitlabapi.KindMergeRequest:
			pipeline := t.ID
			if t.Kind == gitlabapi.KindMergeRequest {
				if pipeline, err = client.MergeRequestPipeline(ctx, t.Project, t.ID); err != nil {
					return nil, &inputError{err}
				}
			}
			results, err := remote.Pipeline(ctx, client, m, t.Project, pipeline, o, progressFunc(ios))
			if err != nil {
				return nil, &inputError{err}
			}
			if len(results) == 0 {
				fmt.Fprintf(ios.ErrOut, "ci-doctor: pipeline %d of %s has no failed job\n", pipeline, t.Project)
			}
			for _, res := range results {
				if res.Err != nil {
					fmt.Fprintf(ios.ErrOut, "ci-doctor: job %s (%d): %v\n", res.Job.Name, res.Job.ID, res.Err)
					continue
				}
				reports = append(reports, res.Report)
			}
		}
		if r.comment {
			if err := postComment(ctx, ios, client, t, reports); err != nil {
				return reports, err
			}
		}
	}
	return reports, nil
}

// progressFunc draws "diagnosing 3/7 failed jobs" on a terminal's stderr.
func progressFunc(ios *iostreams.IOStreams) func(done, total int) {
	if !ios.OutTTY {
		return nil
	}
	// Progress holds no secret, and must not wait for a newline.
	line := &statusLine{w: ios.Raw().ErrOut}
	return func(done, total int) {
		line.draw(fmt.Sprintf("diagnosing failed jobs: %d/%d", done, total))
		if done == total {
			line.clear()
		}
	}
}

// postComment puts the diagnosis on the merge request the pipeline belongs
// to, replacing ci-doctor's earlier note for the same job or pipeline.
func postComment(ctx context.Context, ios *iostreams.IOStreams, c *gitlabapi.Client, t gitlabapi.Target, reports []*diagnose.Report) error {
	iid := int64(0)
	if t.Kind == gitlabapi.KindMergeRequest {
		iid = t.ID
	} else if v := ios.Getenv("CI_MERGE_REQUEST_IID"); v != "" {
		iid, _ = strconv.ParseInt(v, 10, 64)
	}
	if iid == 0 && len(reports) > 0 && t.Kind == gitlabapi.KindJob {
		if job, err := c.Job(ctx, t.Project, t.ID); err == nil {
			iid, _ = c.MergeRequestOf(ctx, t.Project, job.SHA)
		}
	}
	if iid == 0 {
		fmt.Fprintln(ios.ErrOut, "ci-doctor: --comment: the pipeline belongs to no open merge request; nothing posted")
		return nil
	}
	marker := fmt.Sprintf("<!-- ci-doctor %s %d -->", t.Kind, t.ID)
	if t.Kind == gitlabapi.KindJob && len(reports) == 1 && reports[0].Job.Name != "" {
		marker = remote.JobMarker(reports[0].Job.Name)
	}
	updated, err := remote.PostNote(ctx, c, t.Project, iid, marker, reports)
	if err != nil {
		return &inputError{err}
	}
	verb := "posted"
	if updated {
		verb = "updated"
	}
	fmt.Fprintf(ios.ErrOut, "ci-doctor: %s the diagnosis on merge request !%d\n", verb, iid)
	return nil
}

// writeCodeQuality writes the Code Quality report atomically, so that a
// job never uploads half a report.
func writeCodeQuality(path string, reports []*diagnose.Report) error {
	err := writeFileAtomic(path, func(w io.Writer) error { return diagnose.WriteCodeQuality(w, reports) })
	if err != nil {
		return &inputError{fmt.Errorf("--codequality: %w", err)}
	}
	return nil
}
