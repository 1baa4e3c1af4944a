// Package iostreams carries a command's standard streams and environment,
// so that only main touches the process's own and tests can use buffers.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams is what a command reads from and writes to.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// InTTY, OutTTY and ErrTTY say whether In, Out and ErrOut are
	// terminals.
	InTTY, OutTTY, ErrTTY bool
	// Getenv reads the environment.
	Getenv func(string) string
	// Unredacted are the streams before secrets are masked: for what
	// ci-doctor passes through unchanged (the output of `ci-doctor run`'s
	// command) and for progress lines. Nil when these are the originals.
	Unredacted *IOStreams
}

// Raw returns the streams without masking.
func (s *IOStreams) Raw() *IOStreams {
	if s.Unredacted != nil {
		return s.Unredacted
	}
	return s
}

// System returns the process's own streams. Only main calls it.
func System() *IOStreams {
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		InTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		OutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		Getenv: os.Getenv,
	}
}

// Test returns streams over buffers and an empty environment, for tests.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	env := map[string]string{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, Getenv: func(k string) string { return env[k] }}, in, out, errOut
}

// ColorEnabled decides whether to colour Out: mode "always" or "never" as
// the user said, "auto" only on a terminal, and never when NO_COLOR is set
// or TERM is "dumb" (a flag given on the command line wins over NO_COLOR,
// as no-color.org asks).
func (s *IOStreams) ColorEnabled(mode string) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	return s.OutTTY && s.Getenv("NO_COLOR") == "" && s.Getenv("TERM") != "dumb"
}
