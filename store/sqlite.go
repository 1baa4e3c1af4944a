package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	// The SQLite driver is modernc.org/sqlite, SQLite translated to Go, and
	// not a cgo binding: ci-doctor's binaries are built with CGO_ENABLED=0 so
	// they stay static and run on any Linux, macOS or Windows without a C
	// library.
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteTimeLayout writes times as fixed-width UTC text, so that comparing and
// sorting the text compares and sorts the times.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z"

// openSQLite opens the SQLite file at path (absolute), creating it if needed.
func openSQLite(ctx context.Context, path string, cfg config) (*Store, error) {
	if err := ensureFile(path); err != nil {
		return nil, err
	}
	// Every connection gets these settings: WAL so readers never wait for the
	// writer; a busy timeout so a second ci-doctor waits for the first instead
	// of failing at once; foreign keys for later migrations; and BEGIN
	// IMMEDIATE for every transaction, which takes the write lock up front, so
	// a transaction never fails half-way when it turns from reading to writing
	// and two migrations never run at once.
	dsn := fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate",
		path, cfg.wait.Milliseconds())
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening database %s: %v", path, err)
	}
	explain := func(err error) error { return explainSQLite(path, cfg.wait, err) }
	if err := connect(ctx, db, cfg.wait); err != nil {
		db.Close()
		return nil, explain(err)
	}
	return &Store{db: db, d: dialect{
		backend: backendSQLite,
		where:   path,
		migrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			applied_at TEXT NOT NULL,
			tool       TEXT NOT NULL)`,
		strangers: `SELECT count(*) FROM sqlite_master
			WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> 'schema_migrations'`,
		ids:     idListSyntax{cond: "IN (SELECT value FROM json_each(%s))", open: "[", close: "]"},
		timeArg: func(t time.Time) any { return storedTime(t).Format(sqliteTimeLayout) },
		explain: explain,
	}}, nil
}

// connect makes the first connection, retrying for up to wait while the
// database is busy. The busy timeout does not cover this step: when several
// processes open a new file at once, the one that finds another switching the
// file to WAL gets SQLITE_BUSY at once, without waiting.
func connect(ctx context.Context, db *sql.DB, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		err := db.PingContext(ctx)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// isBusy tells whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code() & 0xff // extended codes carry the primary one in their low byte
	return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
}

// ensureFile creates the database file if it is missing, readable by the user
// only, and turns the usual reasons it cannot be created into clear messages
// (SQLite itself says no more than "unable to open database file").
func ensureFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	switch {
	case err == nil:
		return f.Close()
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot create database %s: directory %s does not exist", path, filepath.Dir(path))
	case errors.Is(err, syscall.EISDIR):
		return fmt.Errorf("cannot use %s as a database: it is a directory", path)
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return fmt.Errorf("cannot write database %s: %v; check that the file and directory %s are writable", path, errors.Unwrap(err), filepath.Dir(path))
	default:
		return fmt.Errorf("cannot open database %s: %v", path, err)
	}
}

// explainSQLite turns SQLite's result codes into messages that name the file
// and say what to do; other errors get the file's name as context.
func explainSQLite(path string, wait time.Duration, err error) error {
	var se *sqlite.Error
	if err == nil || !errors.As(err, &se) {
		return err
	}
	if isBusy(err) {
		return fmt.Errorf("database %s is locked by another process (waited %s): let it finish, or use another --db", path, wait)
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_NOTADB:
		return fmt.Errorf("%s is not a ci-doctor database (not a SQLite file): use another --db", path)
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM:
		return fmt.Errorf("cannot write database %s: %v; check that the file and directory %s are writable", path, se, filepath.Dir(path))
	default:
		return fmt.Errorf("database %s: %v", path, se)
	}
}
