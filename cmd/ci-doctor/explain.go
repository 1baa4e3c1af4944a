package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ci-doctor/ci-doctor/internal/iostreams"
	"github.com/ci-doctor/ci-doctor/signatures"
)

func newExplainCmd(ios *iostreams.IOStreams, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "explain QUERY",
		Short: "Explain a known failure, found by id, title or error text",
		Long: `Look a failure up by a fuzzy match over the signatures' ids, titles and
error lines, and print its cause, fix and references.`,
		Example: `  ci-doctor explain nodemodule
  ci-doctor explain "pull polcy"
  ci-doctor explain "Cannot connect to the Docker daemon"`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runExplain(ios, g, strings.Join(args, " "))
		},
	}
}

func runExplain(ios *iostreams.IOStreams, g *globalOptions, query string) error {
	m, err := g.loadMatcher(ios)
	if err != nil {
		return err
	}
	sigs := m.Signatures()
	found := signatures.Lookup(sigs, query)
	if len(found) == 0 {
		fmt.Fprintf(ios.Out, "No signature matches %q.\n", query)
		if closest := signatures.Closest(sigs, query, 3); len(closest) > 0 {
			fmt.Fprintln(ios.Out, "The closest are:")
			for _, s := range closest {
				fmt.Fprintf(ios.Out, "  %s  %s\n", s.ID, s.Title)
			}
		}
		fmt.Fprintln(ios.Out, "All known failures: ci-doctor signatures list")
		return errFailures
	}
	if err := m.Explain(ios.Out, found[0]); err != nil {
		return err
	}
	if len(found) > 1 {
		var ids []string
		for _, o := range found[1:min(len(found), 4)] {
			ids = append(ids, o.ID)
		}
		fmt.Fprintf(ios.Out, "\nAlso matching %q: %s\n", query, strings.Join(ids, ", "))
	}
	return nil
}
