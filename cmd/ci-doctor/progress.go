package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ci-doctor/ci-doctor/fleet"
	"github.com/ci-doctor/ci-doctor/internal/iostreams"
)

// progressBar draws report's progress on one line of a terminal's stderr:
// projects and jobs done of those known, the rate, and the time left. It
// is a few lines of our own, not a library: it redraws one status line of
// counters that only ever grow, which needs no terminal layout.
type progressBar struct {
	w     io.Writer // nil draws nothing
	start time.Time
	mu    sync.Mutex
	last  time.Time
	shown bool
}

// newProgressBar draws on stderr only when it is a terminal and not quiet.
func newProgressBar(ios *iostreams.IOStreams, quiet bool) *progressBar {
	p := &progressBar{start: time.Now()}
	if ios.ErrTTY && !quiet {
		// Progress holds no secret, and must not wait for a newline.
		p.w = ios.Raw().ErrOut
	}
	return p
}

// update redraws at most ten times a second.
func (p *progressBar) update(c fleet.Counts) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last, p.shown = now, true
	fmt.Fprintf(p.w, "\r\x1b[K%s", progressLine(c, now.Sub(p.start)))
}

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

// done clears the line.
func (p *progressBar) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
