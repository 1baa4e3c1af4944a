package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/internal/iostreams"
)

// stdinName names standard input in reports.
const stdinName = "<stdin>"

type diagnoseOptions struct {
	format string
	color  string
	inputs []string
}

func newDiagnoseCmd(ios *iostreams.IOStreams, g *globalOptions) *cobra.Command {
	opts := &diagnoseOptions{}
	cmd := &cobra.Command{
		Use:   "diagnose [FILE...]",
		Short: "Explain why a job failed, from its log",
		Long: `Read GitLab CI job logs and print the root cause, the fix and the evidence.

With no FILE, or with -, the log is read from standard input. Each FILE is
diagnosed on its own. Logs may come straight from GitLab's trace API (with or
without the runner's timestamps), from glab, or be a few lines pasted.`,
		Example: `  glab ci trace 123 | ci-doctor diagnose
  ci-doctor diagnose job.log
  ci-doctor diagnose --format json job1.log job2.log`,
		RunE: func(c *cobra.Command, args []string) error {
			opts.inputs = args
			if len(args) == 0 && ios.InTTY {
				fmt.Fprintf(ios.ErrOut, "ci-doctor: no log given: pipe one in or name a file\n\n%s", c.UsageString())
				return &silentError{exitUsage}
			}
			return runDiagnose(ios, g, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.format, "format", "f", "text", "output `format`: text, json, markdown or line")
	cmd.Flags().StringVar(&opts.color, "color", "auto", "colour the text output: auto, always or never (auto: on a terminal without NO_COLOR)")
	return cmd
}

func runDiagnose(ios *iostreams.IOStreams, g *globalOptions, opts *diagnoseOptions) error {
	if err := checkFormat(opts.format, diagnose.Formats); err != nil {
		return err
	}
	if err := checkFormat(opts.color, []string{"auto", "always", "never"}); err != nil {
		return &usageError{fmt.Errorf("--color: %w", errors.Unwrap(err))}
	}
	inputs := opts.inputs
	if len(inputs) == 0 {
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
	var reports []*diagnose.Report
	unreadable := false
	for _, in := range inputs {
		r, err := diagnoseInput(ios, m, in)
		if err != nil {
			fmt.Fprintf(ios.ErrOut, "ci-doctor: %v\n", err)
			unreadable = true
			continue
		}
		reports = append(reports, r)
	}
	if len(reports) > 0 {
		if err := renderer.Render(ios.Out, reports); err != nil {
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
