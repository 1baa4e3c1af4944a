package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"

	"github.com/spf13/cobra"

	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/internal/iostreams"
)

type runOptions struct {
	format string
	argv   []string
}

func newRunCmd(ios *iostreams.IOStreams, g *globalOptions) *cobra.Command {
	opts := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run [flags] -- COMMAND [ARG...]",
		Short: "Run a command and, when it fails, diagnose its output (no token needed)",
		Long: `Run COMMAND, pass its output through unchanged, keep its exit code, and when
it fails print the diagnosis of its own output. This needs no GitLab token:
wrap the commands of a job's script with it.`,
		Example: `  ci-doctor run -- docker build -t app .
  ci-doctor run -- sh -c 'npm ci && npm test'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.argv = args
			return runRun(ios, g, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.format, "format", "f", "text", "format of the diagnosis: text, json, markdown or line")
	cmd.Flags().SetInterspersed(false)
	return cmd
}

// exitError carries a wrapped command's exit code out of run.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func runRun(ios *iostreams.IOStreams, g *globalOptions, opts *runOptions) error {
	if err := checkFormat(opts.format, diagnose.Formats); err != nil {
		return err
	}
	m, err := g.loadMatcher(ios)
	if err != nil {
		return err
	}
	renderer, err := diagnose.NewRenderer(opts.format, diagnose.RenderOptions{Color: ios.ColorEnabled("auto")})
	if err != nil {
		return &usageError{err}
	}
	// The output goes to the terminal as it comes and, through a pipe, to
	// the diagnosis, which reads it as it streams: memory stays flat
	// however much the command prints.
	pr, pw := io.Pipe()
	done := make(chan *diagnose.Report, 1)
	go func() {
		r, _ := m.Diagnose(pr, opts.argv[0])
		io.Copy(io.Discard, pr) // never block the command's output
		done <- r
	}()
	cmd := exec.CommandContext(context.Background(), opts.argv[0], opts.argv[1:]...)
	// The command's own output passes through unchanged (the runner masks
	// it); only what ci-doctor prints is redacted.
	raw := ios.Raw()
	cmd.Stdin = ios.In
	cmd.Stdout = io.MultiWriter(raw.Out, pw)
	cmd.Stderr = io.MultiWriter(raw.ErrOut, pw)
	runErr := cmd.Run()
	pw.Close()
	report := <-done
	code := 0
	var ee *exec.ExitError
	switch {
	case runErr == nil:
		return nil
	case errors.As(runErr, &ee):
		code = ee.ExitCode()
		if code < 0 {
			code = 128 + 9 // killed by a signal
		}
	default:
		fmt.Fprintf(ios.ErrOut, "ci-doctor: cannot run %s: %v\n", opts.argv[0], unwrapPath(runErr))
		return &exitError{code: 127}
	}
	if report != nil {
		report.Job.Status = "failed"
		// In a job, the checkout is the job's commit: show the lines to change.
		if p, err := loadProject(ios, &diagnoseOptions{}); err == nil && p != nil {
			m.Locate(report, p, ios.Getenv("CI_JOB_NAME"))
		}
		if err := render(ios, renderer, opts.format, []*diagnose.Report{report}); err != nil {
			return err
		}
	}
	return &exitError{code: code}
}
