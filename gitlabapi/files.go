package gitlabapi

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// RepoFS is a project's repository at a commit, read file by file through
// the repository files API: the configuration, its local includes and the
// Dockerfile, so that a job URL gets the same edits as a local checkout.
// It cannot list folders, so an include with a glob is not followed.
type RepoFS struct {
	c       *Client
	ctx     context.Context
	project string
	ref     string
}

// Repo returns the repository of project at ref as an fs.FS.
func (c *Client) Repo(ctx context.Context, project, ref string) *RepoFS {
	return &RepoFS{c: c, ctx: ctx, project: project, ref: ref}
}

// Open fetches a file.
func (r *RepoFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) || name == "." {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	data, resp, err := r.c.gl.RepositoryFiles.GetRawFile(r.project, name, &gitlab.GetRawFileOptions{Ref: gitlab.Ptr(r.ref)}, gitlab.WithContext(r.ctx))
	if err != nil {
		e := classify(name+" at "+r.ref, err, resp)
		if ge, ok := e.(*Error); ok && ge.Status == 404 {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: e}
	}
	return &memFile{name: name, Reader: bytes.NewReader(data), size: int64(len(data))}, nil
}

type memFile struct {
	*bytes.Reader
	name string
	size int64
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f, nil }
func (f *memFile) Close() error               { return nil }
func (f *memFile) Name() string               { return f.name }
func (f *memFile) Size() int64                { return f.size }
func (f *memFile) Mode() fs.FileMode          { return 0o444 }
func (f *memFile) ModTime() time.Time         { return time.Time{} }
func (f *memFile) IsDir() bool                { return false }
func (f *memFile) Sys() any                   { return nil }

var _ io.ReaderAt = (*memFile)(nil)
