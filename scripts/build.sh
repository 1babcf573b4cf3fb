#!/usr/bin/env bash
# Builds the portal: the server, the app's WASM (split by page), CSS and static files into
# target/site, then two WASM modules of their own: the strength worker's into
# target/site/strength and the login page's (the `signin` crate) into target/site/signin (they
# must come after: the first build empties target/site). With --release: optimised, size-optimised WASM, and every
# file precompressed beside itself (.br at brotli's best quality, .gz), which the server sends
# as they are. Needs the tools scripts/setup.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
# wasm-opt from npm's binaryen (Debian's breaks hydration).
export PATH="$PWD/frontend/node_modules/.bin:$PATH"

# One build at a time: a second build would empty target/site under the first.
mkdir -p target
exec 9>target/.build.lock
flock 9

flags=()
if [ "${1:-}" = "--release" ]; then
  flags=(--release --precompress)
fi
# --split: every page but /login goes into a WASM chunk of its own, fetched when the page is
# first shown (app/src/pages/lazy.rs), so a first visit to /login loads only what it needs.
cargo leptos build --project portal --split "${flags[@]}"
cargo leptos build --project strength --frontend-only "${flags[@]}"
cargo leptos build --project signin --frontend-only "${flags[@]}"
