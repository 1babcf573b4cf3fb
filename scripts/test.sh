#!/usr/bin/env bash
# Runs every test: the habits (format, lints), unit and integration tests against SQLite and
# PostgreSQL, then the browser tests in Chromium. Installs what is missing and starts
# PostgreSQL when it is not running. Every step has a time limit: one that overruns is
# stopped and named, so the command never hangs.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '==> %s\n' "$*" >&2; }

# limit MINUTES NAME COMMAND...: runs COMMAND, stopping it after MINUTES and saying so.
limit() {
  local minutes=$1 name=$2 status=0 started=$SECONDS
  shift 2
  timeout --kill-after=30s "${minutes}m" "$@" || status=$?
  if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    step "TIMEOUT: ${name} ran past its limit of ${minutes} minutes and was stopped"
  fi
  step "${name}: $((SECONDS - started)) s"
  return "$status"
}

# One-time installs take ~35 minutes on a fresh machine, seconds afterwards.
limit 60 "set-up" scripts/setup.sh --test

export PORTAL_TEST_POSTGRES_URL="${PORTAL_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
scripts/start-postgres.sh

# The same flags cargo-leptos uses for debug builds, so both share one build of the dependencies.
export RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components"
export PATH="$PWD/frontend/node_modules/.bin:$PATH"

# Every runner's output also goes to a log, for the summary line at the end.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run() { "$@" 2>&1 | tee -a "$log"; }

# The habits first: they are quick to fix and cheap to check.
step "format and lints"
limit 5 "cargo fmt" cargo fmt --all --check
# Who may import whom, and a map that names real things (ARCHITECTURE.md); the self-test plants
# one wrong import per rule and expects each caught.
limit 2 "layers" python3 scripts/check-layers.py
run limit 2 "layers self-test" python3 scripts/check-layers.py --self-test
limit 30 "clippy (server)" cargo clippy --locked -p portal -p app -p signin -p strength --features app/ssr,strength/assess --all-targets -- -D warnings
limit 30 "clippy (WASM client)" cargo clippy --locked -p frontend --target wasm32-unknown-unknown -- -D warnings
limit 30 "clippy (strength worker)" cargo clippy --locked -p strength --features worker --target wasm32-unknown-unknown -- -D warnings
limit 30 "clippy (login page module)" cargo clippy --locked -p signin --features page --target wasm32-unknown-unknown -- -D warnings

step "unit tests"
run limit 30 "unit tests" cargo nextest run --locked -p app -p signin -p strength --features app/ssr,strength/assess --lib
step "integration tests (SQLite, PostgreSQL, SMTP)"
run limit 30 "integration tests" cargo nextest run --locked -p portal

step "browser tests (Chromium)"
limit 30 "browser build" scripts/build.sh
(cd end2end && run limit 20 "browser tests" npx playwright test)

# One line for all runners: nextest's "N tests run: N passed, M failed" and Playwright's
# "N passed" / "N failed". (A clean run prints no "failed" at all: grep finding nothing is fine.)
total() { { grep -oE "[0-9]+ $1" "$log" || true; } | awk '{ n += $1 } END { print n + 0 }'; }
passed=$(total passed)
failed=$(total failed)
echo "summary: ${passed} passed, ${failed} failed"
