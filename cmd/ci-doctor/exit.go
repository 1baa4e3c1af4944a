package main

import (
	"errors"
	"fmt"

	"github.com/ci-doctor/ci-doctor/internal/iostreams"
)

// The exit codes, documented in the README. They are decided here and
// nowhere else, from the type of the error a command returned.
const (
	// exitOK: the command ran. For diagnose that is whether or not a known
	// cause was found: an after_script must not turn noisy because nothing
	// matched.
	exitOK = 0
	// exitFailures: the command found what it checks for: a signature
	// example that fails (signatures test), no signature for a query
	// (explain).
	exitFailures = 1
	// exitUsage: the command line is wrong.
	exitUsage = 2
	// exitInput: an input (a log, a signature folder, a job from the
	// GitLab API) could not be read or is invalid.
	exitInput = 3
	// exitInterrupted: Ctrl-C or SIGTERM stopped a long command (report)
	// after it kept what it had done; 128 + SIGINT, as shells report it.
	exitInterrupted = 130
)

// ci-doctor run exits with the wrapped command's own exit code.

// usageError is a mistake on the command line.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// inputError is an input that could not be read or used.
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

// errFailures says that the command printed what it found and should exit 1.
var errFailures = errors.New("failures found")

// errSilent stops a command whose message is already printed.
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// exitCode maps a command's error to the process's exit code and prints
// the error, once, on standard error.
func exitCode(ios *iostreams.IOStreams, err error) int {
	var usage *usageError
	var input *inputError
	var silent *silentError
	var wrapped *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &silent):
		return silent.code
	case errors.As(err, &wrapped):
		return wrapped.code
	case errors.Is(err, errFailures):
		return exitFailures
	case errors.As(err, &input):
		fmt.Fprintf(ios.ErrOut, "ci-doctor: %v\n", err)
		return exitInput
	case errors.As(err, &usage):
		fmt.Fprintf(ios.ErrOut, "ci-doctor: %v\nRun 'ci-doctor --help' for usage.\n", err)
		return exitUsage
	default:
		// Errors that none of our commands made come from cobra's own
		// parsing: an unknown command or flag, a wrong number of arguments.
		fmt.Fprintf(ios.ErrOut, "ci-doctor: %v\nRun 'ci-doctor --help' for usage.\n", err)
		return exitUsage
	}
}
