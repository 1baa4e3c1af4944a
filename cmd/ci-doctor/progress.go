package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ci-doctor/ci-doctor/fleet"
	"github.com/ci-doctor/ci-doctor/internal/iostreams"
)

// statusLine redraws one line of a terminal at most ten times a second,
// for progress. It is a few lines of our own, not a library: it redraws
// one status line of counters that only ever grow, which needs no
// terminal layout. A nil writer draws nothing.
type statusLine struct {
	w     io.Writer
	mu    sync.Mutex
	last  time.Time
	shown bool
}

// draw shows text in place of what was there.
func (s *statusLine) draw(text string) {
	if s.w == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if now.Sub(s.last) < 100*time.Millisecond {
		return
	}
	s.last, s.shown = now, true
	fmt.Fprintf(s.w, "\r\x1b[K%s", text)
}

// clear takes the line away.
func (s *statusLine) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shown {
		fmt.Fprint(s.w, "\r\x1b[K")
		s.shown = false
	}
}

// progressBar draws report's progress: projects and jobs done of those
// known, the rate, and the time left.
type progressBar struct {
	line  statusLine
	start time.Time
}

// newProgressBar draws on stderr only when it is a terminal and not quiet.
func newProgressBar(ios *iostreams.IOStreams, quiet bool) *progressBar {
	p := &progressBar{start: time.Now()}
	if ios.ErrTTY && !quiet {
		// Progress holds no secret, and must not wait for a newline.
		p.line.w = ios.Raw().ErrOut
	}
	return p
}

// update redraws the line.
func (p *progressBar) update(c fleet.Counts) {
	p.line.draw(progressLine(c, time.Since(p.start)))
}

// done clears the line.
func (p *progressBar) done() { p.line.clear() }

// progressLine says "projects 12/200, jobs 340/1200, 45.0 jobs/s, 19s left".
func progressLine(c fleet.Counts, elapsed time.Duration) string {
	line := fmt.Sprintf("projects %d/%d, new jobs diagnosed %d/%d", c.ProjectsDone, c.Projects, c.Diagnosed, c.New)
	if elapsed <= 0 || c.Diagnosed == 0 {
		return line
	}
	rate := float64(c.Diagnosed) / elapsed.Seconds()
	line += fmt.Sprintf(", %.1f jobs/s", rate)
	if c.ProjectsDone == c.Projects && c.New > c.Diagnosed {
		// Only once every project is listed is the number of jobs known.
		left := time.Duration(float64(c.New-c.Diagnosed) / rate * float64(time.Second))
		line += fmt.Sprintf(", %s left", left.Round(time.Second))
	}
	return line
}
