package edit

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFile(t *testing.T) {
	const old, data = "image: alpine\n", "image: alpine:3.20\n"
	errRename := errors.New("injected rename failure")
	tests := []struct {
		name     string
		mode     fs.FileMode
		expected string                              // what the caller read
		symlink  bool                                // write through a symbolic link to the file
		rename   func(oldpath, newpath string) error // replaces os.Rename when set
		want     error                               // nil: the file must hold data afterwards
	}{
		{name: "mode 0644", mode: 0o644, expected: old},
		{name: "mode 0600", mode: 0o600, expected: old},
		{name: "mode 0755", mode: 0o755, expected: old},
		{name: "through a symbolic link", mode: 0o640, expected: old, symlink: true},
		{name: "file changed since read", mode: 0o600, expected: "image: debian\n", want: ErrStale},
		{name: "rename fails", mode: 0o755, expected: old, rename: func(string, string) error { return errRename }, want: errRename},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, ".gitlab-ci.yml")
			if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil { // whatever the umask
				t.Fatal(err)
			}
			target, entries := path, 1
			if tt.symlink {
				target, entries = filepath.Join(dir, "link.yml"), 2
				if err := os.Symlink(".gitlab-ci.yml", target); err != nil {
					t.Fatal(err)
				}
			}
			if tt.rename != nil {
				rename = tt.rename
				t.Cleanup(func() { rename = os.Rename })
			}

			err := WriteFile(target, []byte(tt.expected), []byte(data))
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}

			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := old // a failed write leaves the original
			if tt.want == nil {
				want = data
			}
			if string(got) != want {
				t.Errorf("file holds %q, want %q", got, want)
			}
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode() != tt.mode {
				t.Errorf("mode %v, want %v", info.Mode(), tt.mode)
			}
			if l, err := os.Lstat(target); err != nil || tt.symlink != (l.Mode()&fs.ModeSymlink != 0) {
				t.Errorf("%s is no longer what it was: %v", target, err)
			}
			if list, _ := os.ReadDir(dir); len(list) != entries {
				t.Errorf("directory holds %v, want %d entries: a temporary file left behind", list, entries)
			}
		})
	}
}

func TestWriteFileMissing(t *testing.T) {
	err := WriteFile(filepath.Join(t.TempDir(), "missing.yml"), nil, []byte("x\n"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v, want a not-exist error", err)
	}
}
