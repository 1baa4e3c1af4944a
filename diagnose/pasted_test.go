package diagnose

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pastings are what reaching a person by another road does to a log: a
// Markdown quote or code block, another CI system's timestamps, kubectl's
// source prefix, Cloud Build's step name, Windows line ends. Each is applied
// to every line.
var pastings = []struct {
	name string
	line func(string) string
}{
	{"quoted", func(l string) string { return "> " + l }},
	{"indented", func(l string) string { return "    " + l }},
	{"github actions timestamps", func(l string) string { return "2024-05-01T10:00:00.1234567Z " + l }},
	{"jenkins timestamps", func(l string) string { return "10:00:00  " + l }},
	{"kubectl logs --prefix", func(l string) string { return "[pod/runner-abc-project-1-concurrent-0/build] " + l }},
	{"cloud build step", func(l string) string { return `Step #1 - "build": ` + l }},
	{"crlf", func(l string) string { return l + "\r" }},
}

// TestRealCorpusPasted diagnoses every real excerpt again as each pasting
// leaves it: a failure must keep the root cause it gets as collected, and an
// excerpt that must get none still gets none. Wrapping at a terminal's width
// is not among the pastings: it cuts words, and some messages are not
// found again (see unwrap).
func TestRealCorpusPasted(t *testing.T) {
	m := builtinMatcher(t)
	for _, dir := range realDirs {
		entries, err := os.ReadDir(filepath.Join("..", dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".log") {
				continue
			}
			b, err := os.ReadFile(filepath.Join("..", dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			as := rootID(diagnoseString(t, m, string(b)).RootCause())
			lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
			for _, p := range pastings {
				pasted := make([]string, len(lines))
				for i, l := range lines {
					pasted[i] = p.line(l)
				}
				got := rootID(diagnoseString(t, m, strings.Join(pasted, "\n")+"\n").RootCause())
				if got != as {
					t.Errorf("%s/%s %s: root cause %s, as collected %s", filepath.Base(dir), e.Name(), p.name, got, as)
				}
			}
		}
	}
}

// TestRealCorpusWrapped diagnoses every real excerpt again with each line
// cut at a terminal's width, as a copy from a terminal leaves it, and
// reports how many keep their root cause. A cut word cannot always be
// found again (a generic signature may match the first piece), so this
// guards a floor rather than asking for all of them.
func TestRealCorpusWrapped(t *testing.T) {
	m := builtinMatcher(t)
	for _, width := range []int{120, 80} {
		var kept, lost, nones, caused int
		for _, dir := range realDirs {
			entries, err := os.ReadDir(filepath.Join("..", dir))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if !strings.HasSuffix(e.Name(), ".log") {
					continue
				}
				b, err := os.ReadFile(filepath.Join("..", dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				want, _, _ := strings.Cut(e.Name(), "--")
				got := rootID(diagnoseString(t, m, wrapAt(string(b), width)).RootCause())
				switch {
				case want == "none":
					nones++
					if got != "none" {
						caused++
					}
				case rootID(diagnoseString(t, m, string(b)).RootCause()) != want:
					// a miss as collected is not counted
				case got == want:
					kept++
				default:
					lost++
				}
			}
		}
		t.Logf("wrapped at %d columns: %d of %d right causes kept; %d of %d that must get none got a cause", width, kept, kept+lost, caused, nones)
		if lost*100 > (kept+lost)*8 || caused*100 > nones*4 {
			t.Errorf("wrapped at %d columns: %d of %d right causes lost, %d of %d none got a cause: worse than the floor (8 %%, 4 %%)", width, lost, kept+lost, caused, nones)
		}
	}
}

// wrapAt cuts every line of log after width characters, as a terminal does.
func wrapAt(log string, width int) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSuffix(log, "\n"), "\n") {
		r := []rune(l)
		for len(r) > width {
			b.WriteString(string(r[:width]) + "\n")
			r = r[width:]
		}
		b.WriteString(string(r) + "\n")
	}
	return b.String()
}
