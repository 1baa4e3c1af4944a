package diagnose

import (
	"bytes"
	"regexp"
	"sync"
	"unicode/utf8"
)

var (
	runnerVersion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^Running with gitlab-runner (\S+)`) })
	executorImage = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^Using (\S+) executor with image (\S+)`) })
	preparingExec = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^Preparing the "([^"]+)" executor`) })
	// tolerates finds a command whose failure the script goes past: "docker
	// pull $IMAGE:latest || true" warms a cache that may not exist yet.
	tolerates = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\|\|\s*(?:true|:|/bin/true|exit 0|echo\b[^|&;]*)\s*;?\s*$`)
	})
)

// structure records what a line says about the job itself.
func (s *run) structure(kind structureLiteral, text []byte) {
	switch kind {
	case litRunner:
		if m := runnerVersion().FindSubmatch(text); m != nil && s.job.RunnerVersion == "" {
			s.job.RunnerVersion = string(m[1])
		}
	case litExecutor:
		if m := executorImage().FindSubmatch(text); m != nil && s.job.Image == "" {
			s.job.Image = string(m[2])
			if s.job.Executor == "" {
				s.job.Executor = string(bytes.ToLower(m[1]))
			}
		}
	case litPreparing:
		if m := preparingExec().FindSubmatch(text); m != nil && s.job.Executor == "" {
			s.job.Executor = string(m[1])
		}
	case litSucceeded, litFinished:
		// GitLab's last line of a job that succeeded; Jenkins ends a console
		// with the build's result, and a build that succeeded had no root
		// cause either, whatever its steps warned of (a surefire report that
		// could not be written for a full disk).
		if bytes.Equal(text, []byte("Job succeeded")) || bytes.Equal(text, []byte("Finished: SUCCESS")) {
			s.job.Status = "succeeded"
		}
	case litFailed:
		if bytes.HasPrefix(text, []byte("ERROR: Job failed")) {
			s.job.Status = "failed"
			s.job.FailureLine = s.cur.Num
			s.job.FailureText = clip(text)
		}
	case litCommand:
		phase := PhaseOf(s.cur.Section)
		if bytes.HasPrefix(text, []byte("$ ")) && !phase.post() {
			s.lastCommand = &Evidence{Line: s.cur.Num, Text: clip(text)}
			s.tolerant.command(s.cur.Num, tolerates().Match(text))
			if s.firstCommand == 0 {
				s.firstCommand = s.cur.Num
			}
			if len(s.report.commands) < maxCommands {
				s.report.commands = append(s.report.commands, s.lastCommand.Text[2:])
			}
		}
	}
}

// runeColumn turns a byte offset in text into a 1-based column in characters.
func runeColumn(text []byte, off int) int {
	return utf8.RuneCount(text[:off]) + 1
}
