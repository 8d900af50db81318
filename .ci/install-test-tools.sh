#!/usr/bin/env bash
# Installs what the tests need beyond the build tools: Debian's Chromium for Playwright,
# Debian's PostgreSQL 15 (the second storage backend: tools/with-postgres.sh starts a
# throwaway server from it), Debian's redis-server (limits shared by replicas:
# tools/with-redis.sh starts a throwaway one), Debian's nginx (the round-robin balancer in
# front of the Playwright cluster project's replicas, end2end/support/cluster.ts) and the
# end2end npm packages from the committed lock file; Debian's prometheus for `promtool`
# (the metrics exposition and alert rules are checked with it, tests/integration/observability.rs). Never
# downloads a browser build. Idempotent: installs only what is missing, updating the package
# lists once first.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# `postgresql` is v15 on Debian 12 and brings pg_trgm (the search index) and psql.
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql)
# Only the binary is used: tools/with-redis.sh starts its own server on a free port.
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
# Only the binary too: end2end/support/cluster.ts runs it with its own configuration.
[ -x /usr/sbin/nginx ] || missing+=(nginx)
# Only `promtool` is used (checks /metrics and deploy/prometheus/alerts.yml).
[ -x /usr/bin/promtool ] || missing+=(prometheus)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]}"
  if [[ " ${missing[*]} " == *" postgresql "* ]]; then
    # The tests start their own server; the package must not create and start a cluster
    # of its own on port 5432.
    as_root mkdir -p /etc/postgresql-common/createcluster.d
    echo 'create_main_cluster = false' |
      as_root tee /etc/postgresql-common/createcluster.d/sluice-no-main-cluster.conf >/dev/null
  fi
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  if [[ " ${missing[*]} " == *" redis-server "* ]]; then
    # The package starts a system server on port 6379; the tests need none.
    as_root systemctl disable --now redis-server >/dev/null 2>&1 ||
      as_root service redis-server stop >/dev/null 2>&1 || true
  fi
  if [[ " ${missing[*]} " == *" prometheus "* ]]; then
    # The package starts a Prometheus server (and its node exporter); the tests need none.
    for service in prometheus prometheus-node-exporter; do
      as_root systemctl disable --now "$service" >/dev/null 2>&1 ||
        as_root service "$service" stop >/dev/null 2>&1 || true
    done
  fi
  if [[ " ${missing[*]} " == *" nginx "* ]]; then
    # The package starts a system server on port 80; the tests need none.
    as_root systemctl disable --now nginx >/dev/null 2>&1 ||
      as_root service nginx stop >/dev/null 2>&1 || true
  fi
fi

stamp=end2end/node_modules/.sluice-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s end2end/package-lock.json "$stamp"; then
  echo "installing end2end npm packages (npm ci)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  cp end2end/package-lock.json "$stamp"
fi
