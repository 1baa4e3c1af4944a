package main

import (
	"context"
	"fmt"

	"github.com/ci-doctor/ci-doctor/internal/iostreams"
	"github.com/ci-doctor/ci-doctor/store"
)

// dbEnv names the store when --db is not given.
const dbEnv = "CI_DOCTOR_DB"

// openStore opens the store of --db, else of $CI_DOCTOR_DB, else the
// default SQLite file: the one report, serve and signatures new share.
func openStore(ctx context.Context, ios *iostreams.IOStreams, db string) (*store.Store, error) {
	if db == "" {
		db = ios.Getenv(dbEnv)
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		return nil, &inputError{fmt.Errorf("the store: %w", err)}
	}
	return st, nil
}
