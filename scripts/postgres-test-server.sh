#!/usr/bin/env bash
# Starts and stops a throw-away PostgreSQL cluster for the store package's
# tests, so they run against PostgreSQL as well as SQLite:
#
#   eval "$(scripts/postgres-test-server.sh start /tmp/ci-doctor-pg)"
#   go test ./store/...
#   scripts/postgres-test-server.sh stop /tmp/ci-doctor-pg
#
# start DIR creates a cluster in DIR/data (once; a second start reuses it),
# starts it listening only on a unix socket in DIR (no TCP port, so nothing is
# exposed and no port can clash), and prints the export line for eval.
# stop DIR stops it; rm -rf DIR then discards it. Authentication is "trust":
# the cluster is reachable only through the socket in DIR.
#
# As root (CI), initdb refuses to run, so the cluster belongs to the
# "postgres" user (created if missing). When no initdb is found on PATH or in
# /usr/lib/postgresql/*/bin, PostgreSQL is installed from Debian's packages.
# Everything but the export line goes to stderr.
set -euo pipefail

usage() {
	echo "usage: $0 start DIR | stop DIR" >&2
	exit 2
}

die() {
	echo "postgres-test-server: $*" >&2
	exit 1
}

# pg_bindir prints the directory holding initdb, pg_ctl and postgres.
pg_bindir() {
	local initdb
	if initdb=$(command -v initdb); then
		dirname "$(readlink -f "$initdb")"
		return
	fi
	# Debian keeps them off PATH, one directory per major version: take the newest.
	initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)
	[ -n "$initdb" ] && dirname "$initdb"
}

# install_postgres installs PostgreSQL from Debian's packages.
install_postgres() {
	[ "$(id -u)" = 0 ] || die "PostgreSQL is not installed: run 'apt-get install postgresql' as root, or run this as root"
	command -v apt-get >/dev/null || die "PostgreSQL is not installed and there is no apt-get: install it with your system's package manager"
	echo "postgres-test-server: installing PostgreSQL (apt-get)" >&2
	export DEBIAN_FRONTEND=noninteractive
	# The package lists may be empty (as in fresh containers): update once, then retry.
	apt-get install -y --no-install-recommends postgresql >&2 ||
		{ apt-get update >&2 && apt-get install -y --no-install-recommends postgresql >&2; } ||
		die "installing PostgreSQL failed (see apt-get's messages above)"
}

# as_owner runs a command as the cluster's owner: root cannot own a cluster.
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

start() {
	local dir=$1 bin
	bin=$(pg_bindir) || true
	if [ -z "$bin" ]; then
		install_postgres
		bin=$(pg_bindir) || die "PostgreSQL was installed but initdb is not found on PATH or in /usr/lib/postgresql/*/bin"
	fi
	if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
		useradd --system --user-group --home-dir /nonexistent --shell /usr/sbin/nologin postgres
	fi

	dir=$(realpath -m "$dir")
	# The DSN below carries DIR unescaped, and a unix socket path is limited to 107 bytes.
	[[ $dir =~ ^[A-Za-z0-9/._-]+$ ]] || die "$dir: use a directory whose path has only letters, digits and / . _ -"
	[ ${#dir} -le 90 ] || die "$dir: path too long for a unix socket; use a shorter one, e.g. /tmp/ci-doctor-pg"
	mkdir -p "$dir"
	if [ "$(id -u)" = 0 ]; then
		chown postgres: "$dir"
		as_owner test -w "$dir" -a -x "$dir" ||
			die "user postgres cannot write $dir (is a parent directory closed to it, e.g. /root?): use a directory under /tmp"
	fi
	chmod 0755 "$dir" # others may connect through the socket in it

	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_owner "$bin/initdb" --pgdata="$dir/data" --username=postgres --auth=trust \
			--encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
			die "initdb failed; see $dir/initdb.log"
		# Throw-away data: durability is not wanted, speed is.
		cat >>"$dir/data/postgresql.conf" <<-CONF
			listen_addresses = ''
			unix_socket_directories = '$dir'
			max_connections = 200
			fsync = off
			synchronous_commit = off
			full_page_writes = off
		CONF
	fi
	if ! as_owner "$bin/pg_ctl" --pgdata="$dir/data" status >/dev/null 2>&1; then
		as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/postgres.log" --wait start >&2 ||
			die "PostgreSQL did not start; see $dir/postgres.log"
	fi
	echo "export CI_DOCTOR_TEST_POSTGRES='postgres://postgres@/postgres?host=$dir&sslmode=disable'"
}

stop() {
	local dir=$1 bin
	[ -f "$dir/data/PG_VERSION" ] || die "$dir holds no cluster"
	bin=$(pg_bindir) || die "PostgreSQL is not installed"
	if as_owner "$bin/pg_ctl" --pgdata="$dir/data" status >/dev/null 2>&1; then
		as_owner "$bin/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >&2
	else
		echo "postgres-test-server: not running" >&2
	fi
}

[ $# -eq 2 ] || usage
case $1 in
start) start "$2" ;;
stop) stop "$2" ;;
*) usage ;;
esac
