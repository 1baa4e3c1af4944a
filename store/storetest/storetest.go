// Package storetest gives tests fresh stores of every backend: a SQLite
// file always, and a PostgreSQL schema of its own when
// CI_DOCTOR_TEST_POSTGRES names a server (.ci/run starts one with
// scripts/postgres-test-server.sh).
package storetest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the admin connection
)

// PostgresEnv names the variable holding the PostgreSQL the tests may use;
// with RequireEnv set to 1 (as .ci/run does), a test that needs it fails
// instead of skipping when it is missing.
const (
	PostgresEnv = "CI_DOCTOR_TEST_POSTGRES"
	RequireEnv  = "CI_DOCTOR_REQUIRE_POSTGRES"
)

// Each runs test against a fresh SQLite file and, when PostgresEnv is set,
// against a fresh PostgreSQL schema, in parallel subtests named "sqlite"
// and "postgres".
func Each(t *testing.T, test func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		test(t, SQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		test(t, Postgres(t))
	})
}

// SQLite returns the DSN of a new SQLite file in the test's folder.
func SQLite(t testing.TB) string {
	return filepath.Join(t.TempDir(), "fleet.db")
}

// Postgres creates a schema of its own in the test PostgreSQL, dropped when
// the test ends, and returns a DSN whose search_path is that schema. It
// skips the test when PostgresEnv is not set.
func Postgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		how := PostgresEnv + " is not set; to test PostgreSQL too, run\n" +
			"  eval \"$(scripts/postgres-test-server.sh start /tmp/ci-doctor-pg)\"; go test ./..."
		if os.Getenv(RequireEnv) == "1" {
			t.Fatal(how)
		}
		t.Skip(how)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	b := make([]byte, 6)
	rand.Read(b)
	schema := "ci_doctor_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("creating a test schema in %s: %v", PostgresEnv, err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("dropping the test schema: %v", err)
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}
