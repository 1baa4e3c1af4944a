package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteFileAtomicKeepsDevicesAndLinks: --output /dev/null must not
// replace the device with a file (seen: a benchmark did), and a link must
// stay a link.
func TestWriteFileAtomicKeepsDevicesAndLinks(t *testing.T) {
	write := func(w io.Writer) error { _, err := io.WriteString(w, "report\n"); return err }
	if err := writeFileAtomic(os.DevNull, write); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&os.ModeDevice == 0 {
		t.Fatalf("%s is no longer a device: %v %v", os.DevNull, fi.Mode(), err)
	}
	dir := t.TempDir()
	target, link := filepath.Join(dir, "report.html"), filepath.Join(dir, "index.html")
	os.WriteFile(target, []byte("old"), 0o644)
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	if err := writeFileAtomic(link, write); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a file")
	}
	if b, _ := os.ReadFile(target); string(b) != "report\n" {
		t.Errorf("target holds %q, want the report", b)
	}
}

func TestWriteFileAtomicNamesAMissingFolder(t *testing.T) {
	err := writeFileAtomic(filepath.Join(t.TempDir(), "missing", "r.html"), func(io.Writer) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "missing: no such file or directory") || strings.Contains(err.Error(), ".ci-doctor-") {
		t.Errorf("err = %v, want the missing folder named, not the temporary file", err)
	}
}
