#!/usr/bin/env bash
# Builds the portal (release) and serves it on the embedded default: a SQLite file under
# ./data/ and mail written to ./data/mail. Settings: PORTAL_* variables or portal.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh --release
# One node on this machine, no load balancer to drain: Ctrl-C stops at once.
export PORTAL_SHUTDOWN_DRAIN_SECS="${PORTAL_SHUTDOWN_DRAIN_SECS:-0}"
exec target/release/portal serve "$@"
