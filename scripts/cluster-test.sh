#!/usr/bin/env bash
# Runs the cluster test alone, with its figures shown: three `portal serve` processes on one
# PostgreSQL database behind HAProxy, the real SMTP server, then a node killed with kill -9
# under a login + Change Password load (server/tests/cluster). Installs HAProxy when it is
# missing and starts PostgreSQL when it is not running. The test command (scripts/test.sh)
# runs it too, with the other integration tests.
#
# CLUSTER_LOAD_SECS=60 scripts/cluster-test.sh   # a longer load (default 30 s)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '==> %s\n' "$*" >&2; }

if ! command -v haproxy >/dev/null || ! command -v cargo-nextest >/dev/null || ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  step "installing what the tests need"
  scripts/setup.sh --test
fi

export PORTAL_TEST_POSTGRES_URL="${PORTAL_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
scripts/start-postgres.sh

# The same flags as scripts/test.sh, so both share one build.
export RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components"
step "cluster test (3 nodes, HAProxy, PostgreSQL, SMTP; ${CLUSTER_LOAD_SECS:-30} s of load)"
timeout --kill-after=30s 30m cargo nextest run --locked -p portal --test cluster --no-capture
