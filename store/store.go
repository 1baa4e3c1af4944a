package store

import (
	"context"
	"database/sql"
	"time"
)

// Store is an open fleet database. It is safe for concurrent use.
type Store struct {
	db *sql.DB
	d  dialect
}

// dialect holds what differs between the backends; everything else (queries,
// transactions, scanning) is shared through database/sql.
type dialect struct {
	backend string
	// where names the database in messages, without any password.
	where string
	// migrationsTable creates schema_migrations if it is missing.
	migrationsTable string
	// lock, when set, is run first in every migration transaction so two
	// processes never migrate at once; SQLite needs none, its BEGIN IMMEDIATE
	// already takes the write lock.
	lock string
	// strangers, when set, counts tables that are not ci-doctor's; a SQLite
	// file holding some is someone else's database and is left alone.
	strangers string
	// ids is how a list of ids is bound as one parameter.
	ids idListSyntax
	// timeArg is how a time is passed to the database.
	timeArg func(time.Time) any
	// explain turns a driver error into one line a person can act on.
	explain func(error) error
}

// config holds what tests need to change about Open.
type config struct {
	// wait is how long to wait for a database locked by another writer
	// (SQLite) or for a connection (PostgreSQL).
	wait time.Duration
}

// defaultConfig is what Open uses.
var defaultConfig = config{wait: 5 * time.Second}

// Open opens (creating it if needed) the fleet database dsn names and brings
// its schema up to date. dsn is "" (DefaultDSN), "postgres://..." or
// "postgresql://..." (PostgreSQL), or "sqlite:PATH", "file:PATH" or a plain
// path (SQLite). A database written by a newer ci-doctor is refused with a
// *SchemaError and left untouched.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return open(ctx, dsn, defaultConfig)
}

// open is Open with its configuration injected.
func open(ctx context.Context, dsn string, cfg config) (*Store, error) {
	if dsn == "" {
		var err error
		if dsn, err = DefaultDSN(); err != nil {
			return nil, err
		}
	}
	backend, target, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	var s *Store
	switch backend {
	case backendSQLite:
		s, err = openSQLite(ctx, target, cfg)
	default:
		s, err = openPostgres(ctx, target, cfg)
	}
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	return s.db.Close()
}

// Backend is "sqlite" or "postgres".
func (s *Store) Backend() string {
	return s.d.backend
}

// String names the database for messages, never with a password: the SQLite
// file's path, or postgres://user@host:port/db.
func (s *Store) String() string {
	return s.d.where
}
