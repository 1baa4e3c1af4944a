package main

import (
	"io"
	"os"
	"path/filepath"

	"github.com/ci-doctor/ci-doctor/internal/redact"
)

// writeFileAtomic writes a file through redact with write, to a temporary
// file beside it that is renamed into place only once complete: a reader
// (a job uploading a report, a web server publishing it) never sees half
// of it, and a failure leaves the old file as it was.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ci-doctor-*")
	if err != nil {
		return err
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
