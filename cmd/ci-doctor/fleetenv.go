package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/gitlabapi"
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

// fleetEnv is what report and serve work with: the GitLab instance and its
// client, the signatures, and the store.
type fleetEnv struct {
	base   string
	client *gitlabapi.Client
	m      *diagnose.Matcher
	st     *store.Store
}

// openFleet makes the client of the instance the environment names (with
// r's timeouts and at most maxInFlight requests at once, no bound when 0),
// loads the signatures and opens the store; the caller closes f.st.
func openFleet(ctx context.Context, ios *iostreams.IOStreams, g *globalOptions, db string, r *remoteOptions, maxInFlight int) (*fleetEnv, error) {
	base := gitlabapi.DefaultBase(ios.Getenv)
	if base == "" {
		return nil, &usageError{errors.New("no GitLab instance: set GITLAB_HOST (inside a job $CI_SERVER_URL is used)")}
	}
	apiOpts, err := apiOptions(ios, base, r)
	if err != nil {
		return nil, err
	}
	apiOpts.MaxInFlight = maxInFlight
	client, err := gitlabapi.New(apiOpts)
	if err != nil {
		return nil, &inputError{err}
	}
	m, err := g.loadMatcher(ios)
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, ios, db)
	if err != nil {
		return nil, err
	}
	return &fleetEnv{base: base, client: client, m: m, st: st}, nil
}
