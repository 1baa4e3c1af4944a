package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Backend names, as Store.Backend returns them.
const (
	backendSQLite   = "sqlite"
	backendPostgres = "postgres"
)

// acceptedDSNs is the list of forms every DSN error names, so a user who typed
// a wrong one learns the right ones from the message alone.
const acceptedDSNs = `"postgres://user@host:5432/db", "postgresql://...", "sqlite:PATH", "file:PATH" or a plain file path`

// parseDSN tells which backend dsn names and what that backend is given: the
// PostgreSQL URL unchanged, or the SQLite file's absolute path.
func parseDSN(dsn string) (backend, target string, err error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return backendPostgres, dsn, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		return sqlitePath(dsn, strings.TrimPrefix(dsn, "sqlite:"))
	case strings.HasPrefix(dsn, "file:"):
		return sqlitePath(dsn, strings.TrimPrefix(dsn, "file:"))
	case strings.Contains(dsn, "://"):
		scheme, _, _ := strings.Cut(dsn, "://")
		return "", "", fmt.Errorf("unsupported database %q: use %s", scheme+"://...", acceptedDSNs)
	default:
		return sqlitePath(dsn, dsn)
	}
}

// sqlitePath checks and absolutises the path part of a SQLite DSN. An absolute
// path makes messages name the file unambiguously, and keeps SQLite's special
// names (":memory:") from turning into a database that each pooled connection
// sees differently.
func sqlitePath(dsn, path string) (string, string, error) {
	// "file:///abs/path" is the URI spelling of "/abs/path".
	if strings.HasPrefix(path, "///") {
		path = path[2:]
	}
	if path == "" {
		return "", "", fmt.Errorf("database %q names no file: use %s", dsn, acceptedDSNs)
	}
	// The SQLite driver reads everything after a '?' as its own options.
	if strings.Contains(path, "?") {
		return "", "", fmt.Errorf("database path %q contains '?', which SQLite would read as options: rename the file", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", "", fmt.Errorf("database path %q: %v", path, err)
	}
	return backendSQLite, abs, nil
}

// DefaultDSN is where the fleet database lives when no --db is given: the
// SQLite file fleet.db in the user's cache directory (ci-doctor/ under
// os.UserCacheDir), whose directory it creates readable by the user only.
func DefaultDSN() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding a place for the fleet database: %v; pass --db", err)
	}
	dir := filepath.Join(cache, "ci-doctor")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("creating %s for the fleet database: %v; pass --db", dir, err)
	}
	return "sqlite:" + filepath.Join(dir, "fleet.db"), nil
}
