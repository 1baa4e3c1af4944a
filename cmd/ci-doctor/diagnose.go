package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/internal/iostreams"
	"github.com/ci-doctor/ci-doctor/lint"
)

// stdinName names standard input in reports.
const stdinName = "<stdin>"

type diagnoseOptions struct {
	format   string
	color    string
	ciConfig string
	root     string
	jobName  string
	patch    bool
	// codequality is a file to write a GitLab Code Quality report to.
	codequality string
	remote      remoteOptions
	inputs      []string
}

func newDiagnoseCmd(ios *iostreams.IOStreams, g *globalOptions) *cobra.Command {
	opts := &diagnoseOptions{}
	cmd := &cobra.Command{
		Use:   "diagnose [FILE | URL]...",
		Short: "Explain why a job failed, from its log",
		Long: `Read GitLab CI job logs and print the root cause, the fix and the evidence.

With no FILE, or with -, the log is read from standard input. Each FILE is
diagnosed on its own. Logs may come straight from GitLab's trace API (with or
without the runner's timestamps), from glab, or be a few lines pasted.

A job, pipeline or merge-request URL (or --job / --pipeline) reads the logs
from GitLab, with the token glab would use (GITLAB_TOKEN, GITLAB_ACCESS_TOKEN,
OAUTH_TOKEN, or glab's config file) and the configuration at the job's commit.`,
		Example: `  glab ci trace 123 | ci-doctor diagnose
  ci-doctor diagnose job.log
  ci-doctor diagnose https://gitlab.example.com/group/app/-/jobs/123
  ci-doctor diagnose https://gitlab.example.com/group/app/-/pipelines/456
  ci-doctor diagnose --job "$CI_JOB_ID"            # in after_script
  ci-doctor diagnose --format json job1.log job2.log`,
		RunE: func(c *cobra.Command, args []string) error {
			opts.inputs = args
			if len(args) == 0 && ios.InTTY && opts.remote.job == 0 && opts.remote.pipeline == 0 {
				fmt.Fprintf(ios.ErrOut, "ci-doctor: no log given: pipe one in or name a file\n\n%s", c.UsageString())
				return &silentError{exitUsage}
			}
			return runDiagnose(ios, g, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.format, "format", "f", "text", "output `format`: text, json, markdown or line")
	cmd.Flags().StringVar(&opts.color, "color", "auto", "colour the text output: auto, always or never (auto: on a terminal without NO_COLOR)")
	cmd.Flags().StringVar(&opts.ciConfig, "ci-config", "", "the project's CI configuration, to show the exact lines to change (default: .gitlab-ci.yml here when present; in a job $CI_PROJECT_DIR/$CI_CONFIG_PATH)")
	cmd.Flags().StringVar(&opts.root, "root", "", "project root that the configuration's includes are relative to (default: the current directory, in a job $CI_PROJECT_DIR)")
	cmd.Flags().StringVar(&opts.jobName, "job-name", "", "the job the log belongs to (default: $CI_JOB_NAME, else found from the commands in the log)")
	cmd.Flags().BoolVar(&opts.patch, "patch", false, "print only the root cause's edits (and those they bring with them), as a patch that git apply accepts")
	cmd.Flags().StringVar(&opts.codequality, "codequality", "", "also write a GitLab Code Quality report to `FILE` (artifacts: reports: codequality)")
	cmd.Flags().StringVar(&opts.remote.project, "project", "", "the project of --job or --pipeline: group/app or its id (default: $CI_PROJECT_ID)")
	cmd.Flags().Int64Var(&opts.remote.job, "job", 0, "diagnose this job `ID`, read from GitLab (in after_script: $CI_JOB_ID)")
	cmd.Flags().Int64Var(&opts.remote.pipeline, "pipeline", 0, "diagnose every failed job of this pipeline `ID`")
	cmd.Flags().DurationVar(&opts.remote.wait, "wait", 2*time.Minute, "in the job's own after_script, how long to wait for the runner to upload the end of the log")
	cmd.Flags().DurationVar(&opts.remote.timeout, "timeout", 30*time.Second, "timeout of each request to GitLab")
	cmd.Flags().DurationVar(&opts.remote.poll, "poll", 5*time.Second, "how often to read the log while waiting for it (--wait)")
	cmd.Flags().DurationVar(&opts.remote.retryWait, "retry-wait", 500*time.Millisecond, "first wait before retrying a read that GitLab refused with 429 or 5xx (doubled each time, Retry-After wins)")
	cmd.Flags().BoolVar(&opts.remote.comment, "comment", false, "post the diagnosis on the merge request (updating ci-doctor's earlier note); needs a token with the api scope")
	return cmd
}

func runDiagnose(ios *iostreams.IOStreams, g *globalOptions, opts *diagnoseOptions) error {
	if err := checkOutput(opts.format, diagnose.Formats, opts.color); err != nil {
		return err
	}
	targets, inputs, err := remoteTargets(ios, opts)
	if err != nil {
		return err
	}
	if currentJobSucceeded(ios, targets) {
		fmt.Fprintf(ios.Out, "ci-doctor: job %s succeeded; nothing to diagnose\n", ios.Getenv("CI_JOB_NAME"))
		return nil
	}
	if len(inputs) == 0 && len(targets) == 0 {
		inputs = []string{"-"}
	}
	stdins := 0
	for _, in := range inputs {
		if in == "-" {
			stdins++
		}
	}
	if stdins > 1 {
		return &usageError{errors.New("standard input (-) can be read only once")}
	}
	renderer, err := diagnose.NewRenderer(opts.format, diagnose.RenderOptions{Color: ios.ColorEnabled(opts.color)})
	if err != nil {
		return &usageError{err}
	}
	m, err := g.loadMatcher(ios)
	if err != nil {
		return err
	}
	project, err := loadProject(ios, opts)
	if err != nil {
		return err
	}
	if opts.patch && project == nil {
		return &usageError{errors.New("--patch needs the CI configuration: run it in the project, or give --ci-config")}
	}
	jobName := opts.jobName
	if jobName == "" {
		jobName = ios.Getenv("CI_JOB_NAME")
	}
	reports, err := diagnoseRemote(ios, m, opts, targets)
	if err != nil {
		return err
	}
	unreadable := false
	for _, in := range inputs {
		r, err := diagnoseInput(ios, m, in)
		if err != nil {
			fmt.Fprintf(ios.ErrOut, "ci-doctor: %v\n", err)
			unreadable = true
			continue
		}
		if project != nil {
			m.Locate(r, project, jobName)
		}
		reports = append(reports, r)
	}
	if opts.patch {
		return printPatches(ios, reports, project)
	}
	if opts.codequality != "" {
		if err := writeCodeQuality(opts.codequality, reports); err != nil {
			return err
		}
	}
	if len(reports) > 0 {
		if err := render(ios, renderer, opts.format, reports); err != nil {
			return err
		}
	}
	if unreadable {
		return &silentError{exitInput}
	}
	return nil
}

// diagnoseInput reads one log, a file or standard input ("-").
func diagnoseInput(ios *iostreams.IOStreams, m *diagnose.Matcher, name string) (*diagnose.Report, error) {
	if name == "-" {
		r, err := m.Diagnose(ios.In, stdinName)
		if err != nil {
			return nil, fmt.Errorf("reading standard input: %w", err)
		}
		return r, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", name, unwrapPath(err))
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.IsDir() {
		return nil, fmt.Errorf("cannot read %s: it is a directory, not a log file", name)
	}
	r, err := m.Diagnose(f, name)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, unwrapPath(err))
	}
	return r, nil
}

// unwrapPath drops the operation and path from an *os.PathError, which the
// message already names.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// loadProject reads the CI configuration named by --ci-config, or the
// default one when it exists; nil when there is none to read, or when the
// default one cannot be read (a note says why).
func loadProject(ios *iostreams.IOStreams, opts *diagnoseOptions) (*lint.Project, error) {
	file, root := opts.ciConfig, opts.root
	if dir := ios.Getenv("CI_PROJECT_DIR"); dir != "" {
		if root == "" {
			root = dir
		}
		if file == "" {
			path := ios.Getenv("CI_CONFIG_PATH")
			if path == "" {
				path = ".gitlab-ci.yml"
			}
			if strings.Contains(path, "@") || strings.Contains(path, "://") {
				return nil, nil // the configuration lives in another project
			}
			file = filepath.Join(dir, path)
		}
	}
	explicit := opts.ciConfig != ""
	if file == "" {
		file = ".gitlab-ci.yml"
	}
	if _, err := os.Stat(file); err != nil && !explicit {
		return nil, nil
	}
	if root == "" {
		root = projectRoot(file)
	}
	rel := file
	if r, err := filepath.Rel(root, file); err == nil {
		rel = r
	}
	p, err := lint.LoadProject(root, rel)
	if err != nil && !explicit {
		// A configuration found by default is a help to the diagnosis,
		// not its input: the log is still read, without it.
		fmt.Fprintf(ios.ErrOut, "ci-doctor: note: %s is not read (%v); the log is diagnosed without it\n", file, err)
		return nil, nil
	}
	if err != nil {
		return nil, &inputError{fmt.Errorf("reading the CI configuration: %w", err)}
	}
	return p, nil
}

// printPatches prints the root causes' edits as one patch.
func printPatches(ios *iostreams.IOStreams, reports []*diagnose.Report, p *lint.Project) error {
	for _, r := range reports {
		patch, err := r.Patch(p)
		if err != nil {
			return fmt.Errorf("%s: %w", r.Source, err)
		}
		if patch == "" {
			why := "no known failure recognised"
			if rc := r.RootCause(); rc != nil {
				why = "nothing to change for " + rc.ID
				if rc.ConfigNote != "" {
					why += ": " + rc.ConfigNote
				}
			}
			fmt.Fprintf(ios.ErrOut, "ci-doctor: %s: %s\n", r.Source, why)
			continue
		}
		fmt.Fprint(ios.Out, patch)
	}
	return nil
}

// render prints the reports: a summary table first when there are several
// jobs, and inside a collapsible section of the job log when ci-doctor
// runs in a GitLab job, so that the diagnosis stands out there.
func render(ios *iostreams.IOStreams, renderer diagnose.Renderer, format string, reports []*diagnose.Report) error {
	inJob := ios.Getenv("GITLAB_CI") == "true" && format == "text"
	if inJob {
		fmt.Fprintf(ios.Out, "\x1b[0Ksection_start:%d:ci_doctor[collapsed=false]\r\x1b[0K\x1b[36;1mci-doctor: why the job failed\x1b[0;m\n", time.Now().Unix())
	}
	if format == "text" && len(reports) > 1 && reports[0].Job.Name != "" {
		if err := diagnose.RenderSummary(ios.Out, reports); err != nil {
			return err
		}
		io.WriteString(ios.Out, "\n")
	}
	if err := renderer.Render(ios.Out, reports); err != nil {
		return err
	}
	if inJob {
		fmt.Fprintf(ios.Out, "\x1b[0Ksection_end:%d:ci_doctor\r\x1b[0K\n", time.Now().Unix())
	}
	return nil
}
