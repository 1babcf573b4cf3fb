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

step "unit tests"
cargo test --locked -p app --features ssr --lib
step "integration tests (SQLite and PostgreSQL)"
cargo test --locked -p portal

step "browser tests (Chromium)"
cargo leptos build
(cd end2end && npx playwright test)
