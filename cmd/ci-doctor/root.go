package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/internal/iostreams"
	"github.com/ci-doctor/ci-doctor/internal/redact"
	"github.com/ci-doctor/ci-doctor/signatures"
)

// signaturesEnv lists extra signature folders, separated like PATH.
const signaturesEnv = "CI_DOCTOR_SIGNATURES"

// globalOptions are the flags every command shares.
type globalOptions struct {
	signatureDirs []string
}

// run executes the command line args and returns the exit code. Every
// byte ci-doctor writes goes through redact, so that no token a log leaked
// reaches the output: text a line at a time, JSON (redact.EncodeJSON) a
// string at a time; see internal/redact.
func run(ios *iostreams.IOStreams, args []string) int {
	out, errOut := redact.NewWriter(ios.Out), redact.NewWriter(ios.ErrOut)
	safe := *ios
	safe.Out, safe.ErrOut, safe.Unredacted = out, errOut, ios
	defer out.Close()
	defer errOut.Close()
	cmd := newRootCmd(&safe)
	cmd.SetArgs(args)
	return exitCode(&safe, cmd.Execute())
}

func newRootCmd(ios *iostreams.IOStreams) *cobra.Command {
	g := &globalOptions{}
	cmd := &cobra.Command{
		Use:   "ci-doctor",
		Short: "Tell why a GitLab CI job failed and what to change",
		Long: `ci-doctor reads a failed GitLab CI job's log, recognises the failure against a
tested database of signatures and prints the cause, the fix and the evidence.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	cmd.SetIn(ios.In)
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &usageError{err} })
	cmd.PersistentFlags().StringArrayVar(&g.signatureDirs, "signatures", nil,
		"also load the signatures in `DIR` (repeatable; also $"+signaturesEnv+", folders separated by '"+string(filepath.ListSeparator)+"')")
	cmd.AddCommand(newDiagnoseCmd(ios, g), newRunCmd(ios, g), newLintCmd(ios), newSignaturesCmd(ios, g), newExplainCmd(ios, g), newReportCmd(ios, g), newServeCmd(ios, g), newVersionCmd(ios))
	for _, c := range buildCommands {
		cmd.AddCommand(c(ios))
	}
	return cmd
}

// buildCommands are the commands that only some builds have: built with the
// gendocs tag, as `go generate` does, the program has gen-docs (generate.go).
var buildCommands []func(*iostreams.IOStreams) *cobra.Command

// dirs returns the user's signature folders: the environment's, then the flags'.
func (g *globalOptions) dirs(ios *iostreams.IOStreams) []string {
	var dirs []string
	for _, d := range filepath.SplitList(ios.Getenv(signaturesEnv)) {
		if strings.TrimSpace(d) != "" {
			dirs = append(dirs, d)
		}
	}
	return append(dirs, g.signatureDirs...)
}

// loadSignatures loads and validates the built-in and the user's signatures.
func (g *globalOptions) loadSignatures(ios *iostreams.IOStreams) ([]*signatures.Signature, error) {
	sigs, err := signatures.Load(g.dirs(ios)...)
	if err != nil {
		return nil, &inputError{fmt.Errorf("invalid signatures:\n%w", err)}
	}
	return sigs, nil
}

// loadMatcher loads the signatures and compiles them for diagnosing.
func (g *globalOptions) loadMatcher(ios *iostreams.IOStreams) (*diagnose.Matcher, error) {
	sigs, err := g.loadSignatures(ios)
	if err != nil {
		return nil, err
	}
	m, err := diagnose.Compile(sigs)
	if err != nil {
		return nil, &inputError{err}
	}
	return m, nil
}

// checkOutput validates the --format and --color values of a command.
func checkOutput(format string, formats []string, color string) error {
	if err := checkFormat(format, formats); err != nil {
		return err
	}
	if err := checkFormat(color, []string{"auto", "always", "never"}); err != nil {
		return &usageError{fmt.Errorf("--color: %w", errors.Unwrap(err))}
	}
	return nil
}

// checkFormat validates a --format value against a list.
func checkFormat(format string, formats []string) error {
	for _, f := range formats {
		if f == format {
			return nil
		}
	}
	return &usageError{fmt.Errorf("unknown format %q (want %s)", format, strings.Join(formats, ", "))}
}
