package lint

import (
	"bytes"
	"io/fs"
)

// overlay is a project's files with some of them changed in memory: a fix
// is planned, re-read and checked over it before anything is written. Only
// files that exist are changed, so directories are listed from the base.
type overlay struct {
	base    fs.FS
	changed map[string][]byte
}

func newOverlay(base fs.FS) *overlay {
	return &overlay{base: base, changed: map[string][]byte{}}
}

// with returns a copy of o with the given files changed as well.
func (o *overlay) with(files map[string][]byte) *overlay {
	n := newOverlay(o.base)
	for p, b := range o.changed {
		n.changed[p] = b
	}
	for p, b := range files {
		n.changed[p] = b
	}
	return n
}

// ReadFile makes fs.ReadFile read a changed file from memory.
func (o *overlay) ReadFile(name string) ([]byte, error) {
	if b, ok := o.changed[name]; ok {
		return bytes.Clone(b), nil
	}
	return fs.ReadFile(o.base, name)
}

func (o *overlay) Open(name string) (fs.File, error) {
	b, ok := o.changed[name]
	if !ok {
		return o.base.Open(name)
	}
	f, err := o.base.Open(name)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	f.Close()
	if err != nil {
		return nil, err
	}
	return &memFile{Reader: bytes.NewReader(b), info: memInfo{FileInfo: info, size: int64(len(b))}}, nil
}

// memFile is a changed file opened for reading.
type memFile struct {
	*bytes.Reader
	info memInfo
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }

// memInfo is the base file's information with the changed size.
type memInfo struct {
	fs.FileInfo
	size int64
}

func (i memInfo) Size() int64 { return i.size }
