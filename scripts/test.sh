#!/usr/bin/env bash
# Runs every test: unit and integration tests against SQLite and PostgreSQL, then the browser
# tests in Chromium. Installs what is missing and starts PostgreSQL when it is not running.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

step() { printf '==> %s\n' "$*" >&2; }

export PORTAL_TEST_POSTGRES_URL="${PORTAL_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  step "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

# The same flags cargo-leptos uses for debug builds, so both share one build of the dependencies.
export RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components"

# Every runner's output also goes to a log, for the summary line at the end.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run() { "$@" 2>&1 | tee -a "$log"; }

step "unit tests"
run cargo test --locked -p app --features ssr --lib
step "integration tests (SQLite, PostgreSQL, SMTP)"
run cargo test --locked -p portal

step "browser tests (Chromium)"
cargo leptos build
(cd end2end && run npx playwright test)

# One line for all three runners: cargo's "test result: ok. N passed; M failed" and
# Playwright's "N passed" / "N failed".
total() { grep -oE "[0-9]+ $1" "$log" | awk '{ n += $1 } END { print n + 0 }'; }
passed=$(total passed)
failed=$(total failed)
echo "summary: ${passed} passed, ${failed} failed"
