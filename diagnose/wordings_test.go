package diagnose

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSourceWordings diagnoses each line of testdata/wordings/source.tsv:
// error messages built from the format strings of the tools that print
// them (the repository, commit and file:line are in the row), wrapped as
// their callers wrap them. Each must get its expected root cause, unless
// its note says why it is a miss; a listed miss that starts to pass must
// be taken off the list.
func TestSourceWordings(t *testing.T) {
	m := builtinMatcher(t)
	b, err := os.ReadFile(filepath.Join("..", "testdata/wordings/source.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	// Plain tab-separated fields, no CSV quoting: the lines hold quotes of
	// their own.
	records := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")[1:]
	rows, hits := 0, 0
	for i, record := range records {
		rec := strings.Split(record, "\t")
		if len(rec) != 6 {
			t.Fatalf("source.tsv line %d: %d fields, want 6", i+2, len(rec))
		}
		want, place, line, note := rec[0], rec[1]+" "+rec[3], rec[4], rec[5]
		rep, err := m.Diagnose(strings.NewReader(line+"\n"), place)
		if err != nil {
			t.Fatal(err)
		}
		got := rootID(rep.RootCause())
		rows++
		miss := strings.HasPrefix(note, "miss: ")
		switch {
		case got == want && miss:
			t.Errorf("%s: %q is listed as a miss but gets %s now: clear its note", place, line, got)
		case got != want && !miss:
			t.Errorf("%s: %q: root cause %s, want %s", place, line, got, want)
		case got == want:
			hits++
		}
	}
	t.Logf("source wordings: %d of %d get their expected root cause", hits, rows)
}
