package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	// pgx's database/sql adapter rather than pgxpool: with database/sql both
	// backends share one code path (queries, transactions, row scanning) and
	// only the SQL dialect differs, where pgxpool would need a second copy of
	// every query function.
	"github.com/jackc/pgx/v5/stdlib"
)

// migrationLockKey is the pg_advisory_xact_lock key taken while migrating:
// "ci-docto" in ASCII, a key other programs are unlikely to use.
const migrationLockKey int64 = 0x63692d646f63746f

// openPostgres connects to the PostgreSQL database the URL dsn names.
func openPostgres(ctx context.Context, dsn string, cfg config) (*Store, error) {
	pc, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("invalid PostgreSQL URL (want postgres://user:password@host:5432/db): %s", hidePassword(dsn, reason(err)))
	}
	// Without a timeout a host that drops packets hangs the command for
	// minutes; a connect_timeout in the URL still wins.
	if pc.ConnectTimeout == 0 {
		pc.ConnectTimeout = cfg.wait
	}
	where := postgresWhere(pc)
	db := stdlib.OpenDB(*pc)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		why := reason(err)
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			why = fmt.Sprintf("no answer within %s", pc.ConnectTimeout)
		}
		return nil, fmt.Errorf("cannot connect to PostgreSQL at %s: %s", where, hidePassword(dsn, why))
	}
	return &Store{db: db, d: dialect{
		backend: backendPostgres,
		where:   where,
		migrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			applied_at TIMESTAMPTZ NOT NULL,
			tool       TEXT NOT NULL)`,
		// Taken before schema_migrations is created: two concurrent CREATE
		// TABLE IF NOT EXISTS can otherwise collide in the catalog.
		lock:    fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", migrationLockKey),
		ids:     idListSyntax{cond: "= ANY(%s::bigint[])", open: "{", close: "}"},
		timeArg: func(t time.Time) any { return storedTime(t) },
		explain: func(err error) error { return explainPostgres(where, err) },
	}}, nil
}

// postgresWhere names the database as postgres://user@host:port/db.
func postgresWhere(pc *pgx.ConnConfig) string {
	return fmt.Sprintf("postgres://%s@%s/%s", pc.User, net.JoinHostPort(pc.Host, strconv.Itoa(int(pc.Port))), pc.Database)
}

// reason is the heart of the driver's explanation, on one line: the server's
// message, or the network's ("connect: connection refused", "lookup db...: no
// such host"), without pgx's prefixes, which repeat the user, database and
// address the caller already names.
func reason(err error) string {
	var server *pgconn.PgError
	var lookup *net.DNSError
	var network *net.OpError
	var ce *pgconn.ConnectError
	var pe *pgconn.ParseConfigError
	switch {
	case errors.As(err, &server):
		return fmt.Sprintf("%s: %s (SQLSTATE %s)", server.Severity, server.Message, server.Code)
	case errors.As(err, &lookup):
		return lookup.Error()
	case errors.As(err, &network):
		err = network.Err
	case errors.As(err, &ce) && errors.Unwrap(ce) != nil:
		err = errors.Unwrap(ce)
	case errors.As(err, &pe) && errors.Unwrap(pe) != nil:
		err = errors.Unwrap(pe)
	}
	// A *url.Error quotes the whole URL, password included.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

// hidePassword removes dsn's password from msg: the drivers' messages are
// meant to be safe, but this one must be, since it ends up in CI logs.
func hidePassword(dsn, msg string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return msg
	}
	pw, ok := u.User.Password()
	if !ok || pw == "" {
		return msg
	}
	msg = strings.ReplaceAll(msg, pw, "xxxxx")
	return strings.ReplaceAll(msg, url.PathEscape(pw), "xxxxx")
}

// explainPostgres gives PostgreSQL's errors the database's name as context.
func explainPostgres(where string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("database %s: %v", where, err)
}
