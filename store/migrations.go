package store

import (
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"sync"
)

// migrationFiles holds the schema as numbered SQL files: NNNN_name.sql when
// both backends run the same SQL, or NNNN_name.sqlite.sql and
// NNNN_name.postgres.sql when they differ. Adding a migration means adding
// files, never editing a released one.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one step of the schema.
type migration struct {
	version int
	name    string
	sql     map[string]string // backend -> SQL
}

// migrationName is the file name pattern: version, name, optional backend.
var migrationName = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)(?:\.(sqlite|postgres))?\.sql$`)

// migrations is the embedded list, read once.
var migrations = sync.OnceValues(func() ([]migration, error) {
	return loadMigrations(migrationFiles, "migrations")
})

// loadMigrations reads the migrations in dir of fsys, in version order, and
// checks that versions run 1, 2, 3... and that each has SQL for both backends.
func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("reading migrations: %v", err)
	}
	var list []migration
	for _, e := range entries { // ReadDir sorts by name, so by version.
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration %s: name is not NNNN_name[.sqlite|.postgres].sql", e.Name())
		}
		version, _ := strconv.Atoi(m[1])
		if len(list) == 0 || list[len(list)-1].version != version {
			if version != len(list)+1 {
				return nil, fmt.Errorf("migration %s: version %d, want %d (versions run 1, 2, 3... without gaps)", e.Name(), version, len(list)+1)
			}
			list = append(list, migration{version: version, name: m[2], sql: map[string]string{}})
		}
		cur := &list[len(list)-1]
		if cur.name != m[2] {
			return nil, fmt.Errorf("migration %s: version %d is already named %q", e.Name(), version, cur.name)
		}
		body, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("migration %s: %v", e.Name(), err)
		}
		backends := []string{m[3]}
		if m[3] == "" {
			backends = []string{backendSQLite, backendPostgres}
		}
		for _, b := range backends {
			if _, dup := cur.sql[b]; dup {
				return nil, fmt.Errorf("migration %s: version %d has two SQL files for %s", e.Name(), version, b)
			}
			cur.sql[b] = string(body)
		}
	}
	for _, m := range list {
		for _, b := range []string{backendSQLite, backendPostgres} {
			if _, ok := m.sql[b]; !ok {
				return nil, fmt.Errorf("migration %04d_%s has no SQL for %s", m.version, m.name, b)
			}
		}
	}
	return list, nil
}
