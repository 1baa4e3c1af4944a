package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ci-doctor/ci-doctor/internal/redact"
)

// writeFileAtomic writes a file through redact with write, to a temporary
// file beside it that is renamed into place only once complete: a reader
// (a job uploading a report, a web server publishing it) never sees half
// of it, and a failure leaves the old file as it was. A device or a pipe
// (/dev/null, /dev/stdout) is written to directly: a rename would replace
// it with a file. A symbolic link stays one: its target is replaced.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return writeThrough(path, write)
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ci-doctor-*")
	if err != nil {
		// The temporary file's name would only puzzle: name the folder.
		return fmt.Errorf("cannot write in %s: %w", filepath.Dir(path), unwrapPath(err))
	}
	defer os.Remove(tmp.Name())
	w := redact.NewWriter(tmp)
	err = write(w)
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// writeThrough writes to a file that is not a regular file.
func writeThrough(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	w := redact.NewWriter(f)
	err = write(w)
	if err == nil {
		err = w.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
