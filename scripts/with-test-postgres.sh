#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL: a new cluster in a temporary
# directory, on a free loopback port, removed afterwards. The command sees
# SLIPWAY_TEST_DATABASE_URL (a superuser URL; tests create their own databases).
# As root, the server runs as the unprivileged 'postgres' user (or 'nobody').
set -euo pipefail

find_bin() {
    local name=$1
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
        if [ -x "$dir/$name" ]; then echo "$dir/$name"; return; fi
    done
    echo "with-test-postgres: $name not found; install PostgreSQL (apt-get install postgresql)" >&2
    exit 1
}
INITDB=$(find_bin initdb)
PG_CTL=$(find_bin pg_ctl)

as_server_user() {
    if [ "$(id -u)" = 0 ]; then
        local user=postgres
        id postgres >/dev/null 2>&1 || user=nobody
        runuser -u "$user" -- "$@"
    else
        "$@"
    fi
}

ROOT=$(mktemp -d /tmp/slipway-test-pg.XXXXXX)
chmod 755 "$ROOT"
if [ "$(id -u)" = 0 ]; then
    chown "$(id -u postgres 2>/dev/null || id -u nobody)" "$ROOT"
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

cleanup() {
    as_server_user "$PG_CTL" stop -D "$ROOT/data" -m immediate -w >/dev/null 2>&1 || true
    rm -rf "$ROOT"
}
trap cleanup EXIT

as_server_user "$INITDB" -D "$ROOT/data" -U postgres --auth=trust -E UTF8 --no-instructions >"$ROOT/initdb.log" 2>&1 \
    || { cat "$ROOT/initdb.log" >&2; exit 1; }
as_server_user "$PG_CTL" start -D "$ROOT/data" -l "$ROOT/server.log" -w -t 60 \
    -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$ROOT -c max_connections=200 -c fsync=off" >/dev/null \
    || { cat "$ROOT/server.log" >&2; exit 1; }

export SLIPWAY_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/postgres?sslmode=disable"
echo "with-test-postgres: PostgreSQL on 127.0.0.1:$PORT" >&2
set +e
"$@"
status=$?
set -e
exit $status
