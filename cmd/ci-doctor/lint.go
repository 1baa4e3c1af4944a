package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ci-doctor/ci-doctor/internal/iostreams"
	"github.com/ci-doctor/ci-doctor/lint"
)

type lintOptions struct {
	format string
	color  string
	root   string
	fix    bool
	files  []string
}

func newLintCmd(ios *iostreams.IOStreams) *cobra.Command {
	opts := &lintOptions{}
	cmd := &cobra.Command{
		Use:   "lint [FILE...]",
		Short: "Find what will fail on runners without privileged mode, before it runs",
		Long: `Check a .gitlab-ci.yml (and the local files it includes) for what fails on
Kubernetes runners without privileged mode: docker:dind, docker commands,
docker images and variables, pull_policy, buildctl without a daemon, BuildKit
without its sandbox flag or shell entrypoint, crane without login, a node image
that differs from the Dockerfile's.

Suppress a finding with "# ci-doctor: ignore <rule-id>" on its line or the line
above, or in the project's .ci-doctor.yml.`,
		Example: `  ci-doctor lint
  ci-doctor lint --fix
  ci-doctor lint --format codequality > gl-code-quality-report.json`,
		RunE: func(c *cobra.Command, args []string) error {
			opts.files = args
			return runLint(ios, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.format, "format", "f", "text", "output `format`: "+strings.Join(lint.Formats, ", "))
	cmd.Flags().StringVar(&opts.color, "color", "auto", "colour the text output: auto, always or never")
	cmd.Flags().StringVar(&opts.root, "root", "", "project root that includes are relative to (default: the current directory, or the file's directory when it is outside)")
	cmd.Flags().BoolVar(&opts.fix, "fix", false, "fix what can be fixed safely: plan every fix in memory, check the result, then write all files or none")
	return cmd
}

func runLint(ios *iostreams.IOStreams, opts *lintOptions) error {
	if err := checkOutput(opts.format, lint.Formats, opts.color); err != nil {
		return err
	}
	files := opts.files
	if len(files) == 0 {
		files = []string{".gitlab-ci.yml"}
	}
	var all []lint.Finding
	for _, file := range files {
		root := opts.root
		if root == "" {
			root = projectRoot(file)
		}
		findings, err := lintFile(ios, root, file, opts.fix)
		if err != nil {
			return err
		}
		all = append(all, findings...)
	}
	if err := lint.Render(ios.Out, opts.format, all, lint.RenderOptions{Color: ios.ColorEnabled(opts.color)}); err != nil {
		return err
	}
	if opts.format == "text" {
		switch n := len(all); n {
		case 0:
			fmt.Fprintln(ios.ErrOut, "no findings")
		default:
			fmt.Fprintf(ios.ErrOut, "%d finding(s)\n", n)
		}
	}
	if len(all) > 0 {
		return errFailures
	}
	return nil
}

// projectRoot is the current directory, unless the file lies outside it.
func projectRoot(file string) string {
	if rel, err := filepath.Rel(".", file); err == nil && !strings.HasPrefix(rel, "..") && !filepath.IsAbs(rel) {
		return "."
	}
	return filepath.Dir(file)
}

// lintFile lints one configuration and, with fix, plans every fix in
// memory, writes the plan all or nothing and reports what is left: the
// findings no fix could remove, and those whose fix was refused, saying why.
func lintFile(ios *iostreams.IOStreams, root, file string, fix bool) ([]lint.Finding, error) {
	// A missing file is named as it was given: the project names its
	// files by their path below its root ("/" for "/ci.yml").
	if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
		return nil, &inputError{fmt.Errorf("cannot read %s: %w", file, unwrapPath(err))}
	}
	rel := file
	if r, err := filepath.Rel(root, file); err == nil {
		rel = r
	}
	p, err := lint.LoadProject(root, rel)
	if err != nil {
		// A missing file, a YAML error (with file:line) or bad settings.
		return nil, &inputError{err}
	}
	for _, prob := range p.Config.Problems {
		fmt.Fprintf(ios.ErrOut, "ci-doctor: warning: %s\n", prob)
	}
	for _, ext := range p.Config.Externals {
		fmt.Fprintf(ios.ErrOut, "ci-doctor: note: %s:%d: include of %s %s is not read locally; its jobs are not linted\n", ext.File.Path, ext.Start, ext.Kind, ext.Target)
	}
	if !fix {
		findings, err := lint.Refusals(p)
		if err != nil {
			return nil, &inputError{err}
		}
		return findings, nil
	}
	plan, err := lint.Plan(p, lint.Selection{})
	if err != nil {
		return nil, &inputError{err}
	}
	if len(plan.Changes) == 0 {
		return plan.Left, nil
	}
	if err := plan.Write(root); err != nil {
		// Nothing was written: the findings are still there, and say so.
		fmt.Fprintf(ios.ErrOut, "ci-doctor: %v\n", err)
		return p.Lint(), nil
	}
	var paths []string
	for _, c := range plan.Changes {
		paths = append(paths, c.Path)
	}
	fmt.Fprintf(ios.ErrOut, "fixed %d finding(s) in %s\n", len(plan.Fixed), strings.Join(paths, ", "))
	// A fix's note says what it could not do itself (credentials that the
	// replaced image carried): the fixed file does not show it.
	for _, f := range plan.Fixed {
		if f.Note != "" && !lint.PointerNote(f.Note) {
			fmt.Fprintf(ios.ErrOut, "ci-doctor: note: %s: job %s: %s\n", f.Path, strings.Join(f.Jobs, ", "), f.Note)
		}
	}
	return plan.Left, nil
}
