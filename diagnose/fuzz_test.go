package diagnose

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// addLogSeeds seeds a fuzzer with the first lines of the test logs.
func addLogSeeds(f *testing.F) {
	logs, _ := filepath.Glob("../testdata/logs/*.log")
	for _, p := range logs[:min(len(logs), 6)] {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b[:min(len(b), 4096)])
		}
	}
}

// FuzzNormalize: any bytes give visible text that is valid UTF-8, holds
// no escape or control byte but tab, and never panics.
func FuzzNormalize(f *testing.F) {
	f.Add([]byte("2026-11-27T12:54:19.022043Z 01E \x1b[31;1mERROR\x1b[0;m"))
	f.Add([]byte("section_start:1:step_script\r\x1b[0Kx\rsection_end:1:step_script\r\x1b[0K"))
	f.Add([]byte("#12 0.345 \xff\x00\x1b]0;t\x07"))
	f.Add([]byte("project-2[9](https://gitlab.com/g/p/-/jobs/1#L9)177[1](http://x#L1)"))
	addLogSeeds(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var n normalizer
		var l Line
		for _, line := range bytes.Split(raw, []byte("\n")) {
			n.normalize(line, 1, &l)
			if !utf8.Valid(l.Text) {
				t.Fatalf("invalid UTF-8 from %q: %q", line, l.Text)
			}
			for _, c := range l.Text {
				if c < 0x20 && c != '\t' || c == 0x1b {
					t.Fatalf("control byte %#x left from %q: %q", c, line, l.Text)
				}
			}
			if len(n.sections) > maxSections {
				t.Fatalf("%d open sections", len(n.sections))
			}
		}
	})
}

// FuzzDiagnose: the whole matcher over any input, with the built-in
// database: no panic, positions inside the input.
func FuzzDiagnose(f *testing.F) {
	f.Add([]byte("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n"))
	f.Add([]byte("NODE_MODULE_VERSION 108. This version of Node.js requires\nNODE_MODULE_VERSION 115. Please try re-compiling\n"))
	addLogSeeds(f)
	m := builtinMatcher(f)
	f.Fuzz(func(t *testing.T, log []byte) {
		r, err := m.Diagnose(bytes.NewReader(log), "fuzz")
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.Count(log, []byte("\n")) + 1
		for _, fd := range r.Findings {
			if fd.Line < 1 || fd.Line > lines {
				t.Fatalf("finding %s at line %d of %d", fd.ID, fd.Line, lines)
			}
		}
		if r.Lines > lines {
			t.Fatalf("%d lines counted in %d", r.Lines, lines)
		}
	})
}
