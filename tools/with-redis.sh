#!/usr/bin/env bash
# tools/with-redis.sh CMD [ARG...]: runs CMD with SLUICE_TEST_REDIS_URL naming a Redis server
# the tests may use (tests/integration/cluster_limits.rs: two replicas sharing limits through
# it; each test uses its own key prefix, so tests never count each other's requests).
#
# - SLUICE_TEST_REDIS_URL already set (a server of your own, a CI service): CMD runs as is.
# - Otherwise a throwaway redis-server (Debian's, installed by `make test-tools`) on a free
#   loopback port, nothing persisted (`--save '' --appendonly no`), working in a temporary
#   directory, stopped and deleted when CMD ends — also when it fails or is interrupted.
#
# The exit status is CMD's.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: tools/with-redis.sh CMD [ARG...]" >&2
  exit 2
fi

if [ -n "${SLUICE_TEST_REDIS_URL:-}" ]; then
  exec "$@"
fi

server=/usr/bin/redis-server
if [ ! -x "$server" ]; then
  echo "with-redis.sh: Redis is not installed ($server is missing): run \`make test-tools\`," \
    "or set SLUICE_TEST_REDIS_URL to a server of your own (redis://host:port)" >&2
  exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/sluice-redis.XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A free loopback port (`free_port`); a lost race makes the start fail and the loop below
# retry with another.
source "$(dirname "${BASH_SOURCE[0]}")/lib/free-port.sh"

for attempt in 1 2 3 4 5; do
  port=$(free_port)
  (cd "$dir" && exec "$server" --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize no --dir "$dir" >"$dir/log" 2>&1) &
  pid=$!
  # Ready when it answers; gone when it could not bind.
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      break
    fi
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    break
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
  if [ "$attempt" = 5 ]; then
    echo "with-redis.sh: redis-server did not start; its log:" >&2
    cat "$dir/log" >&2 || true
    exit 1
  fi
done

export SLUICE_TEST_REDIS_URL="redis://127.0.0.1:$port"
echo "with-redis.sh: throwaway Redis at $SLUICE_TEST_REDIS_URL" >&2

status=0
"$@" || status=$?
exit "$status"
