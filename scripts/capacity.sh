#!/usr/bin/env bash
# What each operation costs the shared database: PostgreSQL commits (each statement outside a
# transaction counts one, reads too) and rows written per login, page view, Forgot? request
# (known and unknown address) and password change, read from pg_stat_database, plus this
# machine's ceiling for such writes (pgbench). The figures behind the capacity table in
# docs/deploy.md.
#
#     scripts/capacity.sh                     # PORTAL_BIN=target/release/portal for a release build
#     CAPACITY_OPS=100 scripts/capacity.sh    # operations per kind (default 50)
#
# Each kind runs on a portal of its own, started and stopped around it: a backend flushes its
# statistics when it exits, so stopping the portal makes the counts whole. A run with no
# operation gives what starting and stopping cost, which is taken off. Needs PostgreSQL on
# PORTAL_TEST_POSTGRES_URL's server (127.0.0.1:5432, trust) and curl; makes and drops a
# database of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${PORTAL_BIN:-target/debug/portal}
ops=${CAPACITY_OPS:-50}
server=${PORTAL_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
server=${server%/*}
db="capacity_$$"
port=$((20000 + $$ % 20000))
base="http://127.0.0.1:${port}"
work=$(mktemp -d)
password='Tq7#vLm2@pXz9!kR'

[ -x "$bin" ] || { echo "no portal binary at $bin: cargo build -p portal (or set PORTAL_BIN)" >&2; exit 2; }
psql "$server/postgres" -qc "CREATE DATABASE $db" >/dev/null
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true
  psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export PORTAL_DATABASE_URL="$server/$db" PORTAL_LISTEN="127.0.0.1:${port}" PORTAL_PUBLIC_URL="$base" \
  PORTAL_SMTP_URL="file://$work/mail" PORTAL_CAPTCHA=off PORTAL_SHUTDOWN_DRAIN_SECS=0 \
  PORTAL_SECRET_KEY="capacity-deployment-key-0123456789abcdef0123456789abcdef" \
  PORTAL_CAPTCHA_KEY="capacity-captcha-key-0123456789abcdef0123456789abcdef" \
  PORTAL_LOGIN_ATTEMPTS_PER_ADDRESS=1000000 PORTAL_RESET_LIMIT_PER_ACCOUNT=1000000 \
  PORTAL_RESET_LIMIT_PER_ADDRESS=1000000 PORTAL_SITE_ROOT="$work/site" RUST_LOG=warn

"$bin" migrate >/dev/null
for i in $(seq 1 "$ops"); do
  printf '%s\n' "$password" | "$bin" user add "user$i@example.com" --password-stdin >/dev/null
done

# transactions and rows written so far in the database
counts() {
  psql "$server/postgres" -Atc "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted
                                FROM pg_stat_database WHERE datname = '$db'" | tr '|' ' '
}
start() {
  "$bin" serve >"$work/portal.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -fs "$base/readyz" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "the portal did not get ready:" >&2; cat "$work/portal.log" >&2; exit 1
}
stop() { kill -TERM "$pid"; wait "$pid" || true; pid=; sleep 0.5; }
post() { curl -fs -o /dev/null -H "Origin: $base" "$@"; }
login() { post -c "$work/jar$1" --data-urlencode "email=user$1@example.com" --data-urlencode "password=$2" "$base/api/login"; }

# measure NAME COMMAND: runs COMMAND (which does $ops operations) on a fresh portal; prints
# transactions and rows per operation, less what a portal's start and stop cost.
measure() {
  local name=$1 before after
  shift
  before=$(counts)
  start
  "$@"
  stop
  after=$(counts)
  set -- $before $after
  local commits=$(($3 - $1 - base_commits)) rows=$(($4 - $2 - base_rows))
  awk -v n="$name" -v c="$commits" -v r="$rows" -v o="$ops" \
    'BEGIN { printf "| %-34s | %6.1f | %6.1f |\n", n, c / o, r / o }'
}

nothing() { :; }
logins() { for i in $(seq 1 "$ops"); do login "$i" "$password"; done; }
page_views() { for i in $(seq 1 "$ops"); do curl -fs -o /dev/null -b "$work/jar1" "$base/account"; done; }
forgot() { for i in $(seq 1 "$ops"); do post --data-urlencode "email=$1$i@example.com" "$base/api/request_password_reset"; done; }
changes() {
  for i in $(seq 1 "$ops"); do
    post -b "$work/jar$i" --data-urlencode "current_password=$password" --data-urlencode "new_password=Zk4!pW9@qL2#vR7x" \
      --data-urlencode "confirm_password=Zk4!pW9@qL2#vR7x" "$base/api/change_password"
  done
}

base_commits=0 base_rows=0
set -- $(counts)
start; stop
set -- "$@" $(counts)
base_commits=$(($3 - $1)) base_rows=$(($4 - $2))
echo "PostgreSQL writes per operation ($ops of each; $bin; a portal's start and stop: $base_commits transactions, $base_rows rows, taken off)"
echo "| operation                          | commits (reads too) | rows written |"
echo "|---|---|---|"
measure "login (success, new session)" logins
measure "page view (/account, signed in)" page_views
measure "Forgot?, known address" forgot user
measure "Forgot?, unknown address" forgot nobody
measure "Change Password" changes

echo
echo "this machine's ceiling for small write transactions (pgbench -N, 8 clients, 15 s; load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
psql "$server/postgres" -qc "CREATE DATABASE ${db}_bench" >/dev/null
pgbench -q -i -s 4 "$server/${db}_bench" >/dev/null 2>&1
pgbench -N -c 8 -j 2 -T 15 "$server/${db}_bench" 2>/dev/null | grep -E "^tps|latency average"
psql "$server/postgres" -qc "DROP DATABASE ${db}_bench WITH (FORCE)" >/dev/null
