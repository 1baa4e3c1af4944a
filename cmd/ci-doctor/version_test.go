package main

import (
	"encoding/json"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/ci-doctor/ci-doctor/internal/iostreams"
)

// stamped is the build information of a binary built from a checkout of
// commit 1a2b3c4d with -buildvcs=true, as scripts/release.sh builds it.
func stamped(version string, modified bool) *debug.BuildInfo {
	return &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/ci-doctor/ci-doctor", Version: version},
		Settings: []debug.BuildSetting{
			{Key: "-trimpath", Value: "true"},
			{Key: "GOARCH", Value: "arm64"},
			{Key: "GOOS", Value: "linux"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"},
			{Key: "vcs.time", Value: "2026-11-27T12:00:00Z"},
			{Key: "vcs.modified", Value: strconv.FormatBool(modified)},
		},
	}
}

// released is a release build from a tagged commit.
var released = stamped("v0.1.0", false)

// TestReadVersion checks the one-line form for the ways ci-doctor gets built.
func TestReadVersion(t *testing.T) {
	for _, tt := range []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"release build", released, "ci-doctor v0.1.0 (commit 1a2b3c4d, 2026-11-27T12:00:00Z, go1.26.8, linux/arm64)"},
		{"checkout with changes", stamped("v0.1.1-0.20261127120000-1a2b3c4d5e6f+dirty", true), "ci-doctor v0.1.1-0.20261127120000-1a2b3c4d5e6f+dirty (commit 1a2b3c4d with uncommitted changes, 2026-11-27T12:00:00Z, go1.26.8, linux/arm64)"},
		{"go install module@version", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.1.0"}}, "ci-doctor v0.1.0 (go1.26.8)"},
		{"go run without VCS stamp", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, "ci-doctor (devel) (go1.26.8)"},
		{"no build information", nil, "ci-doctor (unknown)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := readVersion(tt.bi).String(); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestRunVersion checks the output of both formats.
func TestRunVersion(t *testing.T) {
	for _, tt := range []struct {
		format string
		want   string
	}{
		{"text", "ci-doctor v0.1.0 (commit 1a2b3c4d, 2026-11-27T12:00:00Z, go1.26.8, linux/arm64)\n"},
		{"json", `{
  "version": "v0.1.0",
  "commit": "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
  "time": "2026-11-27T12:00:00Z",
  "modified": false,
  "go": "go1.26.8",
  "platform": "linux/arm64"
}
`},
	} {
		ios, _, out, _ := iostreams.Test()
		opts := &versionOptions{format: tt.format, readBuildInfo: func() (*debug.BuildInfo, bool) { return released, true }}
		if err := runVersion(ios, opts); err != nil {
			t.Fatal(err)
		}
		if out.String() != tt.want {
			t.Errorf("--format %s:\ngot  %s\nwant %s", tt.format, out, tt.want)
		}
	}
}

// TestVersionThroughRoot checks that the command is registered and that the
// real build information gives a line and valid JSON.
func TestVersionThroughRoot(t *testing.T) {
	ios, _, out, errOut := iostreams.Test()
	if code := run(ios, []string{"version"}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.HasPrefix(out.String(), "ci-doctor ") || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("version printed %q", out)
	}
	ios, _, out, _ = iostreams.Test()
	if code := run(ios, []string{"version", "--format", "json"}); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var v versionInfo
	if err := json.Unmarshal(out.Bytes(), &v); err != nil || v.Version == "" {
		t.Errorf("version --format json printed %q: %v", out, err)
	}
	ios, _, _, _ = iostreams.Test()
	if code := run(ios, []string{"version", "--format", "yaml"}); code != exitUsage {
		t.Errorf("--format yaml: exit %d, want %d", code, exitUsage)
	}
}
