package store

import (
	"context"
	"database/sql"
	"fmt"
	"runtime/debug"
	"time"
)

// SchemaError is Open's refusal of a database whose schema is newer than this
// ci-doctor knows: changing it could lose data the newer version relies on.
type SchemaError struct {
	Have int // highest schema version applied to the database
	Know int // highest schema version this ci-doctor knows
}

// Error says what happened and what to do.
func (e *SchemaError) Error() string {
	return fmt.Sprintf("written by a newer ci-doctor (schema %d; this one knows %d): upgrade ci-doctor, or use another --db", e.Have, e.Know)
}

// migrate applies the migrations the database lacks, each in its own
// transaction that first takes the backend's migration lock, so that of two
// processes opening one database at once, the second waits and then finds
// the work done.
func (s *Store) migrate(ctx context.Context) error {
	list, err := migrations()
	if err != nil {
		return err
	}
	for {
		done, err := s.migrateOnce(ctx, list)
		if err != nil || done {
			return err
		}
	}
}

// migrateOnce applies the first missing migration, or reports that none is
// missing; a newer database is left exactly as it was.
func (s *Store) migrateOnce(ctx context.Context, list []migration) (done bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, s.d.explain(err)
	}
	defer tx.Rollback() // a no-op after Commit
	have, err := s.schemaVersion(ctx, tx)
	if err != nil {
		return false, s.d.explain(err)
	}
	know := len(list)
	switch {
	case have > know:
		return false, fmt.Errorf("%s: %w", s.d.where, &SchemaError{Have: have, Know: know})
	case have == know:
		return true, nil
	}
	m := list[have]
	if _, err := tx.ExecContext(ctx, m.sql[s.d.backend]); err != nil {
		return false, fmt.Errorf("applying schema migration %04d_%s: %w", m.version, m.name, s.d.explain(err))
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at, tool) VALUES ($1, $2, $3)",
		m.version, s.d.timeArg(time.Now()), toolVersion()); err != nil {
		return false, s.d.explain(err)
	}
	if err := tx.Commit(); err != nil {
		return false, s.d.explain(err)
	}
	return false, nil
}

// schemaVersion locks the schema for tx and returns the highest version
// applied (0 for a new database), refusing a SQLite file that holds another
// program's tables.
func (s *Store) schemaVersion(ctx context.Context, tx *sql.Tx) (int, error) {
	if s.d.lock != "" {
		if _, err := tx.ExecContext(ctx, s.d.lock); err != nil {
			return 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, s.d.migrationsTable); err != nil {
		return 0, err
	}
	var have int
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&have); err != nil {
		return 0, err
	}
	if have == 0 && s.d.strangers != "" {
		var n int
		if err := tx.QueryRowContext(ctx, s.d.strangers).Scan(&n); err != nil {
			return 0, err
		}
		if n > 0 {
			return 0, fmt.Errorf("%s is not a ci-doctor database (it holds %d other tables): use another --db", s.d.where, n)
		}
	}
	return have, nil
}

// toolVersion names this ci-doctor in schema_migrations, so a database shows
// which version changed its schema.
func toolVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return "ci-doctor " + bi.Main.Version
	}
	return "ci-doctor (devel)"
}
