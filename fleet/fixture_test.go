package fleet_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/gitlabapi"
	"github.com/ci-doctor/ci-doctor/internal/gitlabtest"
	"github.com/ci-doctor/ci-doctor/signatures"
	"github.com/ci-doctor/ci-doctor/store"
	"github.com/ci-doctor/ci-doctor/store/storetest"
)

// The fixture is a group "acme" with a subgroup, three live projects and
// an archived one. Jobs fail with real logs from the corpus
// (testdata/logs/real, sources in its README), and the projects'
// configurations are real ones (lint/testdata/real, sources in its README).
const token = "glpat-fleet"

// now is the fixture's clock: jobs are placed relative to it.
var now = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

// realLog reads a log of the real corpus.
func realLog(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "logs", "real", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// addRealConfig serves a real configuration folder as a project's files on
// its default branch.
func addRealConfig(t testing.TB, s *gitlabtest.Server, projectID int64, folder string) {
	t.Helper()
	root := filepath.Join("..", "lint", "testdata", "real", folder)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		s.AddFile(projectID, "main", filepath.ToSlash(rel), data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// failedJob adds a failed job created `ago` before now. As in GitLab, a
// later job has a higher id: the crawl stops listing at the first job older
// than the window.
func failedJob(s *gitlabtest.Server, id, project int64, ago time.Duration, log string) {
	created := now.Add(-ago)
	s.AddJob(gitlabtest.Job{ID: id, ProjectID: project, PipelineID: id * 10, Name: "build", Stage: "build",
		Status: "failed", FailureReason: "script_failure", Ref: "main", SHA: "0123456789abcdef0123456789abcdef01234567",
		CreatedAt: created, FinishedAt: created.Add(time.Minute), Trace: gitlabtest.FixedTrace(log)})
}

// newFixture starts the fake GitLab with the fixture.
func newFixture(t testing.TB, opts gitlabtest.Options) *gitlabtest.Server {
	s := gitlabtest.New(t, opts)
	s.AddToken(token, gitlabtest.PersonalToken, "read_api")
	s.AddToken("glpat-no-scope", gitlabtest.PersonalToken, "read_user")
	s.AddGroup(gitlabtest.Group{ID: 1, Path: "acme"})
	s.AddGroup(gitlabtest.Group{ID: 2, Path: "acme/team"})
	s.AddProject(gitlabtest.Project{ID: 10, Path: "acme/shop"})
	s.AddProject(gitlabtest.Project{ID: 11, Path: "acme/team/api"})
	s.AddProject(gitlabtest.Project{ID: 12, Path: "acme/team/docs"})
	s.AddProject(gitlabtest.Project{ID: 13, Path: "acme/old", Archived: true})
	addRealConfig(t, s, 10, "08-ynezz-openwrt-ci")         // docker:dind, docker build
	addRealConfig(t, s, 11, "01-LibreHealthIO-lh-toolkit") // no docker at all
	// acme/team/docs has no .gitlab-ci.yml.

	daemon := realLog(t, "docker-daemon-unreachable--compose-v1-gitlab-docker-2375.log")
	pip := realLog(t, "none--apt-python-pip-not-found.log")
	failedJob(s, 101, 10, 1*time.Hour, daemon)
	failedJob(s, 102, 10, 3*24*time.Hour, daemon)
	failedJob(s, 103, 11, 2*time.Hour, daemon)
	failedJob(s, 104, 11, 5*24*time.Hour, pip)
	failedJob(s, 105, 12, 6*24*time.Hour, pip)
	failedJob(s, 100, 10, 40*24*time.Hour, daemon) // before the window
	failedJob(s, 107, 13, 1*time.Hour, daemon)     // archived project
	s.AddJob(gitlabtest.Job{ID: 108, ProjectID: 12, PipelineID: 1080, Name: "pages", Stage: "deploy", Status: "failed",
		FailureReason: "script_failure", CreatedAt: now.Add(-4 * time.Hour), ErasedAt: now.Add(-3 * time.Hour)})
	s.AddJob(gitlabtest.Job{ID: 109, ProjectID: 12, PipelineID: 1090, Name: "test", Stage: "test", Status: "success",
		CreatedAt: now.Add(-4 * time.Hour), Trace: gitlabtest.FixedTrace(daemon)})
	return s
}

// env is what a crawl needs: a client of the fixture and a matcher.
type env struct {
	server  *gitlabtest.Server
	client  *gitlabapi.Client
	matcher *diagnose.Matcher
}

func newEnv(t testing.TB, opts gitlabtest.Options, inFlight int) *env {
	t.Helper()
	s := newFixture(t, opts)
	c, err := gitlabapi.New(gitlabapi.Options{Base: s.URL, Auth: gitlabapi.Auth{Token: token}, Retries: -1, MaxInFlight: inFlight})
	if err != nil {
		t.Fatal(err)
	}
	m, err := diagnose.Compile(signatures.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	return &env{server: s, client: c, matcher: m}
}

// openSQLite opens a fresh SQLite store.
func openSQLite(t testing.TB) *store.Store {
	t.Helper()
	return backends()[0].open(t)
}

// backend is a kind of store the crawl tests run against.
type backend struct {
	name string
	open func(t testing.TB) *store.Store
}

// backends lists SQLite and PostgreSQL; storetest skips the second when no
// server is given.
func backends() []backend {
	openDSN := func(dsn string, t testing.TB) *store.Store {
		st, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	return []backend{
		{"sqlite", func(t testing.TB) *store.Store { return openDSN(storetest.SQLite(t), t) }},
		{"postgres", func(t testing.TB) *store.Store { return openDSN(storetest.Postgres(t), t) }},
	}
}
