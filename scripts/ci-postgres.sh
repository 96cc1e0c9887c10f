#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1 for the test suite and print its URL.
#
#   export PAYROLL_TEST_PG_URL="$(bash scripts/ci-postgres.sh)"
#   .venv/bin/python -m pytest -m postgres      # (or the whole suite)
#   bash scripts/ci-postgres.sh stop            # optional: stop the server started last
#
# Installs Debian's postgresql package (apt-get; needs root), runs initdb and pg_ctl as the
# `postgres` user on a fresh data directory under /tmp, listens on loopback only (trust auth,
# so no password lives anywhere), creates the database `payroll_test`. Only the URL goes to
# stdout; progress goes to stderr. Port: $PAYROLL_PG_PORT or the first free port from 54329.
set -euo pipefail

STATE=/tmp/payroll-ci-postgres.state

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

if [ "${1:-}" = "stop" ]; then
    [ -f "$STATE" ] || { echo "no server recorded in $STATE" >&2; exit 0; }
    read -r datadir _port < "$STATE"
    su postgres -s /bin/sh -c "$(pg_bin)/pg_ctl -D '$datadir' -m fast stop" >&2 || true
    rm -rf "$datadir" "$STATE"
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    echo "ci-postgres.sh: run as root (it installs a package and starts the server as the postgres user)" >&2
    exit 2
fi

if [ -z "$(pg_bin || true)" ]; then
    echo "installing postgresql (apt-get)…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y postgresql >&2
fi
BIN=$(pg_bin)

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
PORT=${PAYROLL_PG_PORT:-54329}
if [ -z "${PAYROLL_PG_PORT:-}" ]; then
    while ! port_free "$PORT"; do PORT=$((PORT + 1)); done
fi

DATADIR=$(mktemp -d /tmp/payroll-pg.XXXXXX)
chown postgres:postgres "$DATADIR"
chmod 700 "$DATADIR"
echo "initdb in $DATADIR…" >&2
su postgres -s /bin/sh -c "$BIN/initdb -D '$DATADIR' --auth=trust --username=postgres --encoding=UTF8 --locale=C.UTF-8" >/dev/null
su postgres -s /bin/sh -c "$BIN/pg_ctl -D '$DATADIR' -l '$DATADIR/server.log' -w -t 60 \
    -o \"-c listen_addresses=127.0.0.1 -p $PORT -k '$DATADIR' -c fsync=off -c full_page_writes=off\" start" >&2
su postgres -s /bin/sh -c "$BIN/createdb -h 127.0.0.1 -p $PORT -U postgres payroll_test" >&2
echo "$DATADIR $PORT" > "$STATE"
echo "postgresql started on 127.0.0.1:$PORT (data $DATADIR; stop: bash scripts/ci-postgres.sh stop)" >&2
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/payroll_test"
