package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"github.com/ci-doctor/ci-doctor/store/storetest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// rawDB opens dsn with the bare driver, to look at or change the database
// behind the store's back.
func rawDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if strings.HasPrefix(dsn, "postgres") {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// appliedMigrations lists schema_migrations as "version tool" lines.
func appliedMigrations(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query("SELECT version, applied_at, tool FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var version, tool string
		var at time.Time
		if err := rows.Scan(&version, timeColumn{&at}, &tool); err != nil {
			t.Fatal(err)
		}
		if at.IsZero() || tool == "" {
			t.Errorf("migration %s recorded without time or tool: %v %q", version, at, tool)
		}
		got = append(got, version+" "+at.String()+" "+tool)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestMigrationsAppliedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		list, err := migrations()
		if err != nil {
			t.Fatal(err)
		}
		s, err := Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		first := appliedMigrations(t, s.db)
		s.Close()
		if len(first) != len(list) {
			t.Fatalf("schema_migrations has %d rows, want %d: %q", len(first), len(list), first)
		}
		// Reopening changes nothing: same rows, same times.
		s = openT(t, dsn)
		if again := appliedMigrations(t, s.db); strings.Join(again, "\n") != strings.Join(first, "\n") {
			t.Errorf("reopening changed schema_migrations:\n%q\nto\n%q", first, again)
		}
	})
}

func TestNewerSchemaRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := openT(t, dsn)
		if err := s.PutDiagnoses(ctx, []Diagnosis{diagnosis(1, 1)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.Exec("INSERT INTO schema_migrations (version, applied_at, tool) VALUES (999, $1, 'ci-doctor v99')",
			s.d.timeArg(day)); err != nil {
			t.Fatal(err)
		}
		before := appliedMigrations(t, s.db)
		s.Close()
		sum := fileSum(t, dsn)

		_, err := Open(ctx, dsn)
		var se *SchemaError
		if !errors.As(err, &se) || se.Have != 999 || se.Know != len(before)-1 {
			t.Fatalf("Open of a newer database: %v, want a *SchemaError{999, %d}", err, len(before)-1)
		}
		want := fmt.Sprintf("written by a newer ci-doctor (schema 999; this one knows %d): upgrade ci-doctor, or use another --db", se.Know)
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not contain %q", err, want)
		}

		if fileSum(t, dsn) != sum {
			t.Error("the refused SQLite file changed")
		}
		db := rawDB(t, dsn)
		if after := appliedMigrations(t, db); strings.Join(after, "\n") != strings.Join(before, "\n") {
			t.Errorf("schema_migrations changed from %q to %q", before, after)
		}
		var n int
		if err := db.QueryRow("SELECT count(*) FROM diagnoses").Scan(&n); err != nil || n != 1 {
			t.Errorf("diagnoses: %d rows, %v; want the 1 stored", n, err)
		}
	})
}

// fileSum is the SHA-256 of a SQLite database file, "" for PostgreSQL.
func fileSum(t *testing.T, dsn string) string {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres") {
		return ""
	}
	b, err := os.ReadFile(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

func TestConcurrentOpens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				s, err := Open(context.Background(), dsn)
				if err == nil {
					err = s.Close()
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("Open %d of %d at once: %v", i+1, n, err)
			}
		}
		list, _ := migrations()
		s := openT(t, dsn)
		if got := appliedMigrations(t, s.db); len(got) != len(list) {
			t.Errorf("schema_migrations after %d concurrent opens: %q, want %d rows", n, got, len(list))
		}
	})
}
