package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/ci-doctor/ci-doctor/store/storetest"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseDSN(t *testing.T) {
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	tests := []struct {
		dsn, backend, target, wantErr string
	}{
		{dsn: "postgres://u:pw@db:5432/fleet", backend: "postgres", target: "postgres://u:pw@db:5432/fleet"},
		{dsn: "postgresql://u@db/fleet", backend: "postgres", target: "postgresql://u@db/fleet"},
		{dsn: "sqlite:/var/fleet.db", backend: "sqlite", target: "/var/fleet.db"},
		{dsn: "sqlite:fleet.db", backend: "sqlite", target: abs("fleet.db")},
		{dsn: "file:/var/fleet.db", backend: "sqlite", target: "/var/fleet.db"},
		{dsn: "file:///var/fleet.db", backend: "sqlite", target: "/var/fleet.db"},
		{dsn: "/var/fleet.db", backend: "sqlite", target: "/var/fleet.db"},
		{dsn: "fleet.db", backend: "sqlite", target: abs("fleet.db")},
		{dsn: ":memory:", backend: "sqlite", target: abs(":memory:")},
		{dsn: "mysql://u@db/fleet", wantErr: `unsupported database "mysql://...": use "postgres://user@host:5432/db"`},
		{dsn: "sqlite:", wantErr: `names no file: use "postgres://`},
		{dsn: "sqlite:/var/fleet.db?mode=ro", wantErr: "contains '?'"},
	}
	for _, tt := range tests {
		backend, target, err := parseDSN(tt.dsn)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseDSN(%q) error = %v, want one containing %q", tt.dsn, err, tt.wantErr)
			}
			continue
		}
		if err != nil || backend != tt.backend || target != tt.target {
			t.Errorf("parseDSN(%q) = %q, %q, %v; want %q, %q", tt.dsn, backend, target, err, tt.backend, tt.target)
		}
	}
}

func TestBackendAndString(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		want := "sqlite"
		if strings.HasPrefix(dsn, "postgres://") {
			want = "postgres"
			// The test server trusts everyone, so any password gets in.
			dsn = strings.Replace(dsn, "postgres://postgres@", "postgres://postgres:hunter2@", 1)
		}
		s := openT(t, dsn)
		if s.Backend() != want {
			t.Errorf("Backend() = %q, want %q", s.Backend(), want)
		}
		where := s.String()
		if strings.Contains(where, "hunter2") {
			t.Errorf("String() = %q shows the password", where)
		}
		if want == "sqlite" && where != dsn {
			t.Errorf("String() = %q, want the path %q", where, dsn)
		}
		if want == "postgres" && !strings.HasPrefix(where, "postgres://postgres@") {
			t.Errorf("String() = %q, want postgres://postgres@host:port/db", where)
		}
	})
}

func TestDefaultDSN(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache) // os.UserCacheDir on Linux
	t.Setenv("HOME", cache)           // and on macOS
	want, err := os.UserCacheDir()
	if err != nil {
		t.Skip(err)
	}
	want = filepath.Join(want, "ci-doctor", "fleet.db")
	dsn, err := DefaultDSN()
	if err != nil || dsn != "sqlite:"+want {
		t.Fatalf("DefaultDSN() = %q, %v; want %q", dsn, err, "sqlite:"+want)
	}
	if fi, err := os.Stat(filepath.Dir(want)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("DefaultDSN's directory: %v, %v; want mode 0700", fi.Mode(), err)
	}
	s := openT(t, "")
	if s.String() != want {
		t.Errorf(`Open("") opened %s, want %s`, s, want)
	}
	if fi, err := os.Stat(want); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("new database file: %v; want mode 0600", err)
	}
}

func TestOpenSQLiteErrors(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("these are notes, not a database\n", 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE accounts (id INTEGER)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	tests := []struct {
		name, dsn string
		want      []string
	}{
		{"missing directory", filepath.Join(dir, "nope", "fleet.db"),
			[]string{"cannot create database " + filepath.Join(dir, "nope", "fleet.db"), "directory " + filepath.Join(dir, "nope") + " does not exist"}},
		{"a directory", dir, []string{"cannot use " + dir + " as a database: it is a directory"}},
		{"not SQLite", notDB, []string{notDB + " is not a ci-doctor database (not a SQLite file)"}},
		{"another program's SQLite", foreign, []string{foreign + " is not a ci-doctor database (it holds 1 other tables)"}},
		{"unsupported scheme", "mysql://u@db/fleet", []string{`"sqlite:PATH"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(context.Background(), tt.dsn)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	if fi, err := os.Stat(foreign); err != nil || fi.Size() == 0 {
		t.Errorf("the other program's database was damaged: %v", err)
	}
}

func TestOpenUnwritableDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		// Permissions do not stop root; sysfs refuses everyone.
		dir = "/sys"
	}
	if f, err := os.Create(filepath.Join(dir, "probe")); err == nil {
		f.Close()
		os.Remove(f.Name())
		t.Skipf("%s is writable here: nothing to test", dir)
	}
	path := filepath.Join(dir, "fleet.db")
	_, err := Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "cannot write database "+path) || !strings.Contains(err.Error(), dir+" are writable") {
		t.Errorf("Open in a read-only directory: %v, want a message naming %s and its directory", err, path)
	}
}

func TestLockedSQLite(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	cfg := config{wait: 300 * time.Millisecond}

	// lock holds the write lock on path from another connection, as another
	// ci-doctor writing would (in WAL mode), until the test ends.
	lock := func(path string) {
		db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)&_txlock=immediate")
		if err != nil {
			t.Fatal(err)
		}
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tx.Rollback(); db.Close() })
	}
	check := func(what, path string, err error, start time.Time) {
		t.Helper()
		want := fmt.Sprintf("database %s is locked by another process (waited 300ms)", path)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error containing %q", what, err, want)
		}
		if took := time.Since(start); took < cfg.wait || took > 10*cfg.wait {
			t.Errorf("%s failed after %v, want about %v", what, took, cfg.wait)
		}
	}

	// A ci-doctor database being written by someone else.
	used := filepath.Join(dir, "used.db")
	s, err := open(ctx, used, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	lock(used)
	start := time.Now()
	check("PutDiagnoses", used, s.PutDiagnoses(ctx, []Diagnosis{diagnosis(1, 1)}), start)
	// Reading goes on: WAL readers do not wait for the writer.
	if _, err := s.Known(ctx, diagnosis(1, 1).Host, 7, []int64{1}); err != nil {
		t.Errorf("Known while another process writes: %v", err)
	}

	// A new database someone else is creating.
	fresh := filepath.Join(dir, "fresh.db")
	if err := os.WriteFile(fresh, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	lock(fresh)
	start = time.Now()
	s2, err := open(ctx, fresh, cfg)
	if err == nil {
		s2.Close()
	}
	check("Open", fresh, err, start)
}

func TestPostgresClosedPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	start := time.Now()
	_, err = Open(context.Background(), "postgres://ci:s3cret-pw@"+addr+"/fleet?sslmode=disable")
	took := time.Since(start)
	if err == nil {
		t.Fatal("Open succeeded")
	}
	msg := err.Error()
	t.Logf("after %v: %s", took, msg)
	if want := "cannot connect to PostgreSQL at postgres://ci@" + addr + "/fleet: connect: connection refused"; msg != want {
		t.Errorf("message %q does not name the server and the reason", msg)
	}
	if strings.Contains(msg, "s3cret-pw") || strings.Contains(msg, "\n") {
		t.Errorf("message %q shows the password or spans lines", msg)
	}
	if took > 5*time.Second {
		t.Errorf("failing took %v", took)
	}
}

func TestPostgresTimeout(t *testing.T) {
	// A server that accepts the connection and never answers: the connect
	// timeout, not the kernel, must end the wait.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	start := time.Now()
	_, err = open(context.Background(), "postgres://ci@"+l.Addr().String()+"/fleet?sslmode=disable", config{wait: 200 * time.Millisecond})
	took := time.Since(start)
	want := "cannot connect to PostgreSQL at postgres://ci@" + l.Addr().String() + "/fleet: no answer within 200ms"
	if err == nil || err.Error() != want || took > 2*time.Second {
		t.Errorf("Open of a silent server: %v after %v, want %q after about 200ms", err, took, want)
	}
}

func TestPostgresBadURL(t *testing.T) {
	_, err := Open(context.Background(), "postgres://ci:s3cret-pw@db:notaport/fleet")
	if err == nil || !strings.HasPrefix(err.Error(), "invalid PostgreSQL URL") || strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("Open of a malformed URL: %v, want a clear error without the password", err)
	}
	var se *SchemaError
	if errors.As(err, &se) {
		t.Error("a malformed URL is not a schema problem")
	}
}

func TestPostgresServerRefuses(t *testing.T) {
	dsn := storetest.Postgres(t)
	bad := strings.Replace(dsn, "/postgres?", "/no_such_db?", 1)
	if bad == dsn {
		t.Skipf("cannot find the database name in %s to replace it", storetest.PostgresEnv)
	}
	_, err := Open(context.Background(), bad)
	if err == nil || !strings.Contains(err.Error(), `FATAL: database "no_such_db" does not exist (SQLSTATE 3D000)`) {
		t.Errorf("Open of a missing database: %v, want the server's reason", err)
	}
}
