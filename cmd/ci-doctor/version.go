package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ci-doctor/ci-doctor/internal/iostreams"
	"github.com/ci-doctor/ci-doctor/internal/redact"
)

type versionOptions struct {
	format string
	// readBuildInfo is debug.ReadBuildInfo; tests replace it, since a test
	// binary carries no module version or VCS stamp.
	readBuildInfo func() (*debug.BuildInfo, bool)
}

func newVersionCmd(ios *iostreams.IOStreams) *cobra.Command {
	opts := &versionOptions{readBuildInfo: debug.ReadBuildInfo}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print ci-doctor's version, commit and Go version",
		Long: `Print the module version and, when the binary was built from a git checkout,
the commit, its time and whether the tree had uncommitted changes; all read
from the build information that the Go toolchain stamps into the binary.

"go install ...@v0.1.0" gives the version only (a module download has no
commit); "go build" in a checkout gives a pseudo-version and the commit.`,
		Example: `  ci-doctor version
  ci-doctor version --format json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runVersion(ios, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.format, "format", "f", "text", "output `format`: text or json")
	return cmd
}

// versionInfo is what the build information says about this binary; its
// JSON form is the output of `version --format json`.
type versionInfo struct {
	Version  string `json:"version"`
	Commit   string `json:"commit"`
	Time     string `json:"time"`
	Modified bool   `json:"modified"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

// shortCommit is the length of a commit in the text form: GitLab's
// CI_COMMIT_SHORT_SHA, so it matches the tags and the pipeline pages.
const shortCommit = 8

func runVersion(ios *iostreams.IOStreams, opts *versionOptions) error {
	if err := checkFormat(opts.format, []string{"text", "json"}); err != nil {
		return err
	}
	bi, _ := opts.readBuildInfo()
	v := readVersion(bi)
	if opts.format == "json" {
		return redact.EncodeJSON(ios.Out, v)
	}
	_, err := fmt.Fprintln(ios.Out, v.String())
	return err
}

// readVersion extracts the version from the build information; bi is nil
// when the binary has none.
func readVersion(bi *debug.BuildInfo) versionInfo {
	v := versionInfo{Version: "(unknown)"}
	if bi == nil {
		return v
	}
	if bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	v.Go = bi.GoVersion
	var goos, goarch string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		case "GOOS":
			goos = s.Value
		case "GOARCH":
			goarch = s.Value
		}
	}
	if goos != "" && goarch != "" {
		v.Platform = goos + "/" + goarch
	}
	return v
}

// String is the one-line form: ci-doctor v0.1.0 (commit 1a2b3c4d,
// 2026-11-27T12:00:00Z, go1.26.8, linux/amd64). The platform is there
// because the question after an "exec format error" is which one a binary
// was built for.
func (v versionInfo) String() string {
	var details []string
	if v.Commit != "" {
		commit := "commit " + v.Commit[:min(len(v.Commit), shortCommit)]
		if v.Modified {
			commit += " with uncommitted changes"
		}
		details = append(details, commit)
	}
	for _, d := range []string{v.Time, v.Go, v.Platform} {
		if d != "" {
			details = append(details, d)
		}
	}
	if len(details) == 0 {
		return "ci-doctor " + v.Version
	}
	return "ci-doctor " + v.Version + " (" + strings.Join(details, ", ") + ")"
}
