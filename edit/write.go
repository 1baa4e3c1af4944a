package edit

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// rename is os.Rename; tests replace it to make the last step fail.
var rename = os.Rename

// WriteFile writes data to path atomically: a temporary file in the same
// directory, fsync, rename over path, keeping path's permission bits. It
// refuses with ErrStale, leaving path as it is, when the file's current
// content is not expected (it changed since it was read); the check is made
// just before the rename, to leave the least time for a change to slip in.
// The temporary file is removed on any failure, so path holds either its
// old or its new content, never a half-written one. The file must exist; a
// symbolic link is followed and its target replaced, so the link stays.
func WriteFile(path string, expected, data []byte) error {
	if err := replaceFile(path, expected, data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func replaceFile(path string, expected, data []byte) (err error) {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	info, err := os.Stat(target)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return errors.New("not a regular file")
	}

	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close() // already failed: only the first error matters
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// Look at the file last, so that a change made while we wrote (an
	// editor saving it) is not overwritten.
	cur, err := os.ReadFile(target)
	if err != nil {
		return err
	}
	if !bytes.Equal(cur, expected) {
		return ErrStale
	}
	if err := rename(tmp.Name(), target); err != nil {
		return err
	}
	syncDir(filepath.Dir(target))
	return nil
}

// syncDir makes the rename durable. It is best effort: the new content is
// already in place, and some systems cannot sync a directory.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	defer d.Close()
	d.Sync()
}
