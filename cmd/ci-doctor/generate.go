//go:build gendocs

package main

import (
	"github.com/spf13/cobra"

	"github.com/ci-doctor/ci-doctor/internal/gencmddocs"
	"github.com/ci-doctor/ci-doctor/internal/iostreams"
)

// The command reference in docs/ is generated from the command tree, which
// only this package can build (newRootCmd is in package main, which no other
// package can import); so `go generate` runs this very program with the
// hidden gen-docs command. The gendocs build tag keeps the generator (cobra's
// doc package and its Markdown libraries) out of the binary people run, where
// its package initialisation cost every start-up. docs_test.go checks that
// docs/ is current.
//go:generate go run -tags gendocs . gen-docs ../../docs

func init() { buildCommands = append(buildCommands, newGenDocsCmd) }

func newGenDocsCmd(ios *iostreams.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:    "gen-docs DIR",
		Short:  "Write the command reference, one Markdown page per command, into DIR",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			// A fresh tree, not the one running, so that the pages are
			// those the test generates.
			return gencmddocs.Generate(newRootCmd(ios), args[0])
		},
	}
}
