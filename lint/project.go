package lint

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ci-doctor/ci-doctor/ciconfig"
)

// Project is a configuration ready to lint: its files, settings and a way
// to read its other files (the Dockerfile).
type Project struct {
	Config  *ciconfig.Config
	Options Options
}

// LoadProject reads the configuration file path (relative to root) and the
// project's .ci-doctor.yml. A missing settings file is no error.
func LoadProject(root, path string) (*Project, error) {
	cfg, err := ciconfig.Load(root, path)
	if err != nil {
		return nil, err
	}
	opts := Options{ReadFile: func(p string) ([]byte, error) {
		return os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
	}}
	data, err := os.ReadFile(filepath.Join(root, ConfigFile))
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
	return &Project{Config: cfg, Options: opts}, nil
}
