package edit

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// numbered returns the lines "1".."n", each ending with a newline.
func numbered(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%d\n", i)
	}
	return b.String()
}

// patchCases are files and edits that Patch must render so that git apply
// and patch -p1 give what Apply gives.
var patchCases = []struct {
	name  string
	files map[string]string
	edits []Edit
}{
	{"replace in the middle", map[string]string{f: numbered(20)}, []Edit{Replace(f, 10, 10, "10", "ten")}},
	{"two hunks", map[string]string{f: numbered(30)}, []Edit{Replace(f, 5, 5, "5", "five"), Delete(f, 20, 21, "20\n21")}},
	{"hunks six lines apart merged", map[string]string{f: numbered(30)}, []Edit{Replace(f, 5, 5, "5", "five"), Replace(f, 12, 12, "12", "twelve")}},
	{"hunks seven lines apart", map[string]string{f: numbered(30)}, []Edit{Replace(f, 5, 5, "5", "five"), Replace(f, 13, 13, "13", "thirteen")}},
	{
		"several files",
		map[string]string{f: numbered(10), "build/Dockerfile": "FROM alpine\nRUN true\n"},
		[]Edit{Replace(f, 2, 2, "2", "two"), Insert("build/Dockerfile", 2, "USER 1000"), Delete(f, 9, 9, "9")},
	},
	{"CRLF", map[string]string{f: strings.ReplaceAll(numbered(10), "\n", "\r\n")}, []Edit{Replace(f, 3, 4, "3\n4", "x"), Insert(f, 11, "end")}},
	{"CRLF without final newline", map[string]string{f: "a\r\nb\r\nc"}, []Edit{Insert(f, 4, "d")}},
	{"mixed endings", map[string]string{f: "a\r\nb\nc\r\nd\n"}, []Edit{Replace(f, 2, 3, "b\nc", "B\nC")}},
	{"no final newline: replace last line", map[string]string{f: "a\nb\nc"}, []Edit{Replace(f, 3, 3, "c", "C")}},
	{"no final newline: replace another line", map[string]string{f: "a\nb\nc"}, []Edit{Replace(f, 1, 1, "a", "A")}},
	{"no final newline: append", map[string]string{f: "a\nb\nc"}, []Edit{Insert(f, 4, "d")}},
	{"no final newline: delete last line", map[string]string{f: "a\nb\nc"}, []Edit{Delete(f, 3, 3, "c")}},
	{"no final newline: delete every line", map[string]string{f: "a\nb"}, []Edit{Delete(f, 1, 2, "a\nb")}},
	{"insert at line 1", map[string]string{f: numbered(8)}, []Edit{Insert(f, 1, "0")}},
	{"insert at the end", map[string]string{f: numbered(8)}, []Edit{Insert(f, 9, "9\n10")}},
	{"delete last line", map[string]string{f: numbered(8)}, []Edit{Delete(f, 8, 8, "8")}},
	{"delete every line", map[string]string{f: "a\nb\n"}, []Edit{Delete(f, 1, 2, "a\nb")}},
	{"insert into an empty file", map[string]string{f: ""}, []Edit{Insert(f, 1, "a\nb")}},
	{"replacement keeping some lines", map[string]string{f: numbered(12)}, []Edit{Replace(f, 4, 8, "4\n5\n6\n7\n8", "4\n5\nsix\n7\n8")}},
	{"path with a space", map[string]string{"my dir/ci file.yml": "a\n"}, []Edit{Replace("my dir/ci file.yml", 1, 1, "a", "b")}},
	{"path to quote", map[string]string{"ci/étape\t\"1\".yml": "a\n"}, []Edit{Replace("ci/étape\t\"1\".yml", 1, 1, "a", "b")}},
}

func TestPatchApplies(t *testing.T) {
	tools := []struct {
		name         string
		check, apply []string
	}{
		{"git apply", []string{"git", "apply", "--check", "p.diff"}, []string{"git", "apply", "p.diff"}},
		{"patch -p1", []string{"patch", "-p1", "--dry-run", "-s", "-i", "p.diff"}, []string{"patch", "-p1", "-s", "-i", "p.diff"}},
	}
	for _, tool := range tools {
		t.Run(tool.name, func(t *testing.T) {
			if _, err := exec.LookPath(tool.apply[0]); err != nil {
				t.Skipf("%s not found", tool.apply[0])
			}
			for _, tt := range patchCases {
				t.Run(tt.name, func(t *testing.T) {
					dir := t.TempDir()
					if tool.apply[0] == "git" {
						run(t, dir, "git", "init", "-q")
					}
					for p, content := range tt.files {
						writeTestFile(t, filepath.Join(dir, p), content)
					}
					patch, err := Patch(tt.edits, func(p string) ([]byte, error) { return []byte(tt.files[p]), nil })
					if err != nil {
						t.Fatal(err)
					}
					writeTestFile(t, filepath.Join(dir, "p.diff"), patch)
					run(t, dir, tool.check...)
					run(t, dir, tool.apply...)
					for _, g := range byPath(tt.edits) {
						want, err := Apply([]byte(tt.files[g[0].Path]), g)
						if err != nil {
							t.Fatal(err)
						}
						got, err := os.ReadFile(filepath.Join(dir, g[0].Path))
						if err != nil {
							t.Fatal(err)
						}
						if string(got) != string(want) {
							t.Errorf("%s after %s: %q, Apply gives %q\npatch:\n%s", g[0].Path, tool.name, got, want, patch)
						}
					}
				})
			}
		})
	}
}

// run runs a command in dir with no user or system git configuration, and
// fails the test with its output when it fails.
func run(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPatchText(t *testing.T) {
	files := map[string]string{
		"empty":    "",
		"two":      "a\nb\n",
		"unended":  "a\nb",
		"ten":      numbered(10),
		"crlf.yml": "a\r\nb\r\n",
	}
	tests := []struct {
		name  string
		edits []Edit
		patch string // Patch's output
		diff  string // Diff's output
	}{
		{
			"insert into an empty file",
			[]Edit{Insert("empty", 1, "x")},
			"diff --git a/empty b/empty\n--- a/empty\n+++ b/empty\n@@ -0,0 +1 @@\n+x\n",
			"--- a/empty\n+++ b/empty\n# empty:1\n@@ -0,0 +1 @@\n+x\n",
		},
		{
			"delete every line",
			[]Edit{Delete("two", 1, 2, "a\nb")},
			"diff --git a/two b/two\n--- a/two\n+++ b/two\n@@ -1,2 +0,0 @@\n-a\n-b\n",
			"--- a/two\n+++ b/two\n# two:1\n@@ -1,2 +0,0 @@\n-a\n-b\n",
		},
		{
			"append to a file without final newline",
			[]Edit{Insert("unended", 3, "c")},
			"diff --git a/unended b/unended\n--- a/unended\n+++ b/unended\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n\\ No newline at end of file\n",
			"--- a/unended\n+++ b/unended\n# unended:2\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n\\ No newline at end of file\n",
		},
		{
			"two files, two hunks",
			[]Edit{Replace("ten", 9, 9, "9", "nine"), Replace("crlf.yml", 1, 1, "a", "A"), Delete("ten", 1, 1, "1")},
			"diff --git a/ten b/ten\n--- a/ten\n+++ b/ten\n@@ -1,4 +1,3 @@\n-1\n 2\n 3\n 4\n@@ -6,5 +5,5 @@\n 6\n 7\n 8\n-9\n+nine\n 10\n" +
				"diff --git a/crlf.yml b/crlf.yml\n--- a/crlf.yml\n+++ b/crlf.yml\n@@ -1,2 +1,2 @@\n-a\r\n+A\r\n b\r\n",
			"--- a/ten\n+++ b/ten\n# ten:1\n@@ -1,4 +1,3 @@\n-1\n 2\n 3\n 4\n# ten:9\n@@ -6,5 +5,5 @@\n 6\n 7\n 8\n-9\n+nine\n 10\n" +
				"--- a/crlf.yml\n+++ b/crlf.yml\n# crlf.yml:1\n@@ -1,2 +1,2 @@\n-a\r\n+A\r\n b\r\n",
		},
		{"no change", []Edit{Replace("two", 1, 2, "a\nb", "a\nb")}, "", ""},
		{"no edits", nil, "", ""},
	}
	read := func(p string) ([]byte, error) { return []byte(files[p]), nil }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			patch, err := Patch(tt.edits, read)
			if err != nil {
				t.Fatal(err)
			}
			if patch != tt.patch {
				t.Errorf("Patch:\n%q\nwant:\n%q", patch, tt.patch)
			}
			diff, err := Diff(tt.edits, read)
			if err != nil {
				t.Fatal(err)
			}
			if diff != tt.diff {
				t.Errorf("Diff:\n%q\nwant:\n%q", diff, tt.diff)
			}
		})
	}
}

func TestPatchRefuses(t *testing.T) {
	errMissing := errors.New("no such file")
	read := func(p string) ([]byte, error) {
		if p == "missing.yml" {
			return nil, errMissing
		}
		return []byte("a\nb\n"), nil
	}
	tests := []struct {
		name  string
		edits []Edit
		want  error
	}{
		{"unreadable file", []Edit{Replace(f, 1, 1, "a", "x"), Replace("missing.yml", 1, 1, "a", "x")}, errMissing},
		{"stale old text", []Edit{Replace(f, 1, 1, "a", "x"), Replace("Dockerfile", 2, 2, "c", "x")}, ErrStale},
		{"overlap", []Edit{Replace(f, 1, 2, "a\nb", "x"), Insert(f, 2, "y")}, ErrOverlap},
		{"out of range", []Edit{Delete(f, 3, 3, "c")}, ErrRange},
		{"absolute path", []Edit{Replace("/etc/ci.yml", 1, 1, "a", "x")}, ErrInvalid},
		{"path leaving the project", []Edit{Replace("../ci.yml", 1, 1, "a", "x")}, ErrInvalid},
		{"unclean path", []Edit{Replace("./ci.yml", 1, 1, "a", "x")}, ErrInvalid},
		{"empty path", []Edit{Replace("", 1, 1, "a", "x")}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, render := range map[string]func([]Edit, func(string) ([]byte, error)) (string, error){"Patch": Patch, "Diff": Diff} {
				got, err := render(tt.edits, read)
				if !errors.Is(err, tt.want) {
					t.Errorf("%s: got %q, %v; want %v", name, got, err, tt.want)
				}
			}
		})
	}
}
