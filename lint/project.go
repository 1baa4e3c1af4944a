package lint

import (
	"errors"
	"io/fs"

	"github.com/ci-doctor/ci-doctor/ciconfig"
)

// Project is a configuration ready to lint: its files, settings and a way
// to read its other files (the Dockerfile).
type Project struct {
	Config  *ciconfig.Config
	Options Options
	// children are the configurations of the child pipelines that the
	// trigger jobs of Config run from the project's own files.
	children []*ciconfig.Config
}

// LoadProject reads the configuration file path (relative to root) and the
// project's .ci-doctor.yml. A missing settings file is no error.
func LoadProject(root, path string) (*Project, error) {
	cfg, err := ciconfig.Load(root, path)
	if err != nil {
		return nil, err
	}
	return NewProject(cfg)
}

// NewProject makes a Project of a configuration read from any file
// system (a directory, or a repository through the API): the Dockerfile
// and .ci-doctor.yml are read from the same place.
func NewProject(cfg *ciconfig.Config) (*Project, error) {
	opts := Options{ReadFile: func(p string) ([]byte, error) { return fs.ReadFile(cfg.FS, p) }}
	data, err := fs.ReadFile(cfg.FS, ConfigFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		s, err := ParseSettings(data)
		if err != nil {
			return nil, err
		}
		opts.Ignore, opts.PrivilegedTags = s.Ignore, s.PrivilegedTags
	}
	p := &Project{Config: cfg, Options: opts}
	p.loadChildren()
	return p, nil
}
