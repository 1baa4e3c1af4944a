package diagnose

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// repeatReader yields n copies of a chunk without holding them in memory.
type repeatReader struct {
	chunk []byte
	n     int
	off   int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	c := copy(p, r.chunk[r.off:])
	r.off += c
	if r.off == len(r.chunk) {
		r.off = 0
		r.n--
	}
	return c, nil
}

func TestTenMillionShortLines(t *testing.T) {
	m := matcher(t, daemonSig)
	r, err := m.Diagnose(&repeatReader{chunk: []byte("ok\n"), n: 10_000_000}, "many")
	if err != nil {
		t.Fatal(err)
	}
	if r.Lines != 10_000_000 || len(r.Findings) != 0 {
		t.Errorf("lines %d, findings %d", r.Lines, len(r.Findings))
	}
}

func TestOneHundredMiBLine(t *testing.T) {
	m := matcher(t, daemonSig)
	head := strings.NewReader("Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?")
	body := &repeatReader{chunk: bytes.Repeat([]byte("x"), 1<<20), n: 100}
	r, err := m.Diagnose(io.MultiReader(head, body, strings.NewReader("\nlast line\n")), "huge")
	if err != nil {
		t.Fatal(err)
	}
	if r.Lines != 2 || r.RootCause() == nil || r.Job.LongLines != 1 {
		t.Errorf("lines %d, root %v, long lines %d", r.Lines, r.RootCause(), r.Job.LongLines)
	}
}

// A log that grows while it is read (a job still writing it): the
// diagnosis follows until the end of input.
func TestLogGrowsWhileRead(t *testing.T) {
	m := matcher(t, daemonSig)
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte("$ docker build .\n"))
		time.Sleep(20 * time.Millisecond)
		pw.Write([]byte("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the"))
		time.Sleep(20 * time.Millisecond)
		pw.Write([]byte(" docker daemon running?\nERROR: Job failed: exit code 1\n"))
		pw.Close()
	}()
	r, err := m.Diagnose(pr, "growing")
	if err != nil {
		t.Fatal(err)
	}
	if rc := r.RootCause(); rc == nil || rc.Line != 2 {
		t.Errorf("root cause = %+v", rc)
	}
}

// A reader that fails (stdin closed with an error, an I/O error) is an
// error, not a diagnosis of half a log.
func TestReadError(t *testing.T) {
	m := matcher(t, daemonSig)
	boom := errors.New("input/output error")
	_, err := m.Diagnose(io.MultiReader(strings.NewReader("line\n"), &failingReader{boom}), "bad")
	if !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
}

type failingReader struct{ err error }

func (f *failingReader) Read([]byte) (int, error) { return 0, f.err }

// RE2 is linear: a pattern that backtracking engines take exponential time
// on finishes on a 1 MiB line. (No wall-time assertion: an exponential
// engine would simply never return, and the test binary's timeout would
// catch it.)
func TestPathologicalPattern(t *testing.T) {
	m := matcher(t, `id: evil
title: Evil
priority: 50
patterns: ['(?:aaaaa+)+$', '(?:xxxxx+x+)+y']
fix: f`)
	line := strings.Repeat("a", 1<<20) + "!\n" + strings.Repeat("x", 1<<16) + "\n"
	if _, err := m.Diagnose(strings.NewReader(line), "evil"); err != nil {
		t.Fatal(err)
	}
}
