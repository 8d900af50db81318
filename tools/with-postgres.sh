#!/usr/bin/env bash
# tools/with-postgres.sh CMD [ARG...]: runs CMD with SLUICE_TEST_DATABASE_URL naming a
# PostgreSQL server the tests may create databases on (the tests make one fresh database per
# app or store, see tests/integration/support/test_database.rs and end2end/playwright.config.ts).
#
# - SLUICE_TEST_DATABASE_URL already set (a server of your own, a CI service): CMD runs as is.
# - Otherwise a throwaway PostgreSQL 15 (Debian's, installed by `make test-tools`): `initdb`
#   into a temporary directory, started on a free loopback port with the socket in that
#   directory (never the system's /var/run/postgresql), fsync off (nothing here must survive a
#   power cut; `SLUICE_PG_FSYNC=on` keeps it on, for `make bench`: durable commits), then
#   stopped and deleted when CMD ends — also when it fails or is interrupted.
#   As root it runs as the `postgres` user (PostgreSQL refuses to run as root); otherwise as
#   the current user.
#
# The exit status is CMD's.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: tools/with-postgres.sh CMD [ARG...]" >&2
  exit 2
fi

if [ -n "${SLUICE_TEST_DATABASE_URL:-}" ]; then
  exec "$@"
fi

bin=/usr/lib/postgresql/15/bin
if [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "with-postgres.sh: PostgreSQL 15 is not installed ($bin/initdb is missing): run \`make test-tools\`," \
    "or set SLUICE_TEST_DATABASE_URL to a server of your own (postgres://user@host:port/db)" >&2
  exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/sluice-pg.XXXXXX")
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
  as_server_user() { runuser -u postgres -- "$@"; }
else
  as_server_user() { "$@"; }
fi
chmod 700 "$dir"

started=false
cleanup() {
  if $started; then
    as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# C.UTF-8, as a Debian or container cluster has by default: the locale's character classes
# decide what ILIKE and lower() fold (a `C` cluster folds ASCII only, so searches for "école"
# would miss "ÉCOLE"); the collation stays byte order, as SQLite's.
if ! as_server_user "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
  >"$dir/initdb.log" 2>&1; then
  echo "with-postgres.sh: initdb failed:" >&2
  cat "$dir/initdb.log" >&2
  exit 1
fi

# A free loopback port (`free_port`); a lost race makes the start fail and the loop below
# retry with another.
source "$(dirname "${BASH_SOURCE[0]}")/lib/free-port.sh"

for attempt in 1 2 3 4 5; do
  port=$(free_port)
  if as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=${SLUICE_PG_FSYNC:-off} -c max_connections=300" \
    start >/dev/null; then
    started=true
    break
  fi
  if [ "$attempt" = 5 ] || ! grep -q "could not bind" "$dir/log" 2>/dev/null; then
    echo "with-postgres.sh: the PostgreSQL server did not start; its log:" >&2
    cat "$dir/log" >&2 || true
    exit 1
  fi
done

export SLUICE_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "with-postgres.sh: throwaway PostgreSQL at $SLUICE_TEST_DATABASE_URL" >&2

status=0
"$@" || status=$?
exit "$status"
