#!/usr/bin/env bash
# Builds the portal (release) and serves it on the embedded default: a SQLite file under
# ./data/ and mail written to ./data/mail. Settings: PORTAL_* variables or portal.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh --release
exec target/release/portal serve "$@"
