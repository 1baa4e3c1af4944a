package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ci-doctor/ci-doctor/bench/ere"
	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/internal/iostreams"
	"github.com/ci-doctor/ci-doctor/internal/redact"
	"github.com/ci-doctor/ci-doctor/signatures"
)

func newSignaturesCmd(ios *iostreams.IOStreams, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "signatures",
		Short: "List and test the signature database",
	}
	cmd.AddCommand(newSignaturesListCmd(ios, g), newSignaturesTestCmd(ios, g), newSignaturesPatternsCmd(ios, g), newSignaturesNewCmd(ios))
	return cmd
}

// formatOptions are the flags of the signatures subcommands that only
// choose an output format.
type formatOptions struct {
	format string
}

func newSignaturesListCmd(ios *iostreams.IOStreams, g *globalOptions) *cobra.Command {
	opts := &formatOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the known failures (built-in and your own)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runSignaturesList(ios, g, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.format, "format", "f", "text", "output `format`: text or json")
	return cmd
}

// signatureJSON is the stable JSON form of a signature in `signatures list`.
type signatureJSON struct {
	ID         string                 `json:"id"`
	Title      string                 `json:"title"`
	Priority   int                    `json:"priority"`
	File       string                 `json:"file"`
	Patterns   []string               `json:"patterns"`
	Cause      string                 `json:"cause"`
	Fix        string                 `json:"fix"`
	References []signatures.Reference `json:"references"`
}

func runSignaturesList(ios *iostreams.IOStreams, g *globalOptions, opts *formatOptions) error {
	if err := checkFormat(opts.format, []string{"text", "json"}); err != nil {
		return err
	}
	sigs, err := g.loadSignatures(ios)
	if err != nil {
		return err
	}
	if opts.format == "json" {
		out := make([]signatureJSON, 0, len(sigs))
		for _, s := range sigs {
			j := signatureJSON{ID: s.ID, Title: s.Title, Priority: s.Priority, File: s.File, Cause: s.Cause, Fix: s.Fix, References: s.References}
			for _, p := range s.Patterns {
				j.Patterns = append(j.Patterns, p.Source)
			}
			out = append(out, j)
		}
		return redact.EncodeJSON(ios.Out, out)
	}
	tw := tabwriter.NewWriter(ios.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPRIORITY\tTITLE")
	for _, s := range sigs {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", s.ID, s.Priority, s.Title)
	}
	return tw.Flush()
}

func newSignaturesTestCmd(ios *iostreams.IOStreams, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "test [DIR]",
		Short: "Run every signature's examples and report those that fail",
		Long: `Run the examples of every signature (examples.match must produce it,
examples.no_match must not). With DIR, test the signatures in DIR, checked
against the built-in ones for duplicate ids.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runSignaturesTest(ios, g, args)
		},
	}
}

func runSignaturesTest(ios *iostreams.IOStreams, g *globalOptions, args []string) error {
	if len(args) == 1 {
		g.signatureDirs = append(g.signatureDirs, args[0])
	}
	sigs, err := g.loadSignatures(ios)
	if err != nil {
		return err
	}
	m, err := diagnose.Compile(sigs)
	if err != nil {
		return &inputError{err}
	}
	tested := sigs
	if len(args) == 1 {
		tested, err = signatures.LoadDir(args[0])
		if err != nil {
			return &inputError{err}
		}
	}
	failures, n := m.CheckExamples(tested)
	for _, f := range failures {
		fmt.Fprintln(ios.Out, f.Error())
	}
	fmt.Fprintf(ios.Out, "%d signatures, %d examples, %d failed\n", len(tested), n, len(failures))
	if len(failures) > 0 {
		return errFailures
	}
	return nil
}

func newSignaturesPatternsCmd(ios *iostreams.IOStreams, g *globalOptions) *cobra.Command {
	opts := &formatOptions{}
	cmd := &cobra.Command{
		Use:   "patterns",
		Short: "Print the database's patterns for grep -E -f and rg -f",
		Long: `Print every pattern of the database (built-in and your own), one a line, in
a form that GNU grep -E -f and ripgrep's rg --no-unicode -f accept, so that
they can be given the same work as ci-doctor (bench/run.sh does). The RE2
syntax that ERE lacks is translated; what is approximated is listed in
bench/ere. With --format literals, print instead the literals that
ci-doctor's prefilter scans for, lower-case, for grep -F -i -f.`,
		Example: `  ci-doctor signatures patterns > patterns.txt
  grep -c -E -f patterns.txt job.log`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runSignaturesPatterns(ios, g, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.format, "format", "f", "grep", "output `format`: grep (ERE patterns) or literals")
	return cmd
}

func runSignaturesPatterns(ios *iostreams.IOStreams, g *globalOptions, opts *formatOptions) error {
	if err := checkFormat(opts.format, []string{"grep", "literals"}); err != nil {
		return err
	}
	sigs, err := g.loadSignatures(ios)
	if err != nil {
		return err
	}
	var lines []string
	if opts.format == "literals" {
		m, err := diagnose.Compile(sigs)
		if err != nil {
			return &inputError{err}
		}
		lines = m.Literals()
	} else {
		seen := map[string]bool{}
		for _, s := range sigs {
			for _, role := range signatures.Roles {
				for _, p := range s.PatternsOf(role) {
					e, err := ere.Translate(p.Source)
					if err != nil {
						return fmt.Errorf("%s:%d: %w", s.File, p.Line, err)
					}
					if !seen[e] {
						seen[e] = true
						lines = append(lines, e)
					}
				}
			}
		}
	}
	for _, l := range lines {
		fmt.Fprintln(ios.Out, l)
	}
	return nil
}
