// Command ci-doctor tells why a GitLab CI job failed and what to change.
//
// This package only parses the command line and calls the diagnose and
// signatures packages; see the README for usage.
package main

import (
	"os"

	"github.com/ci-doctor/ci-doctor/internal/iostreams"
)

func main() {
	os.Exit(run(iostreams.System(), os.Args[1:]))
}
