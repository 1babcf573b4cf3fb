#!/usr/bin/env bash
# Installs what building the portal needs, and with --test what testing it needs.
# Every step checks first, so running it again costs seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
# The CLI must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

step() { printf '==> %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null || true)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
  step "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 30 minutes on 2 cores, once)"
  # no_downloads: take wasm-bindgen and wasm-opt from PATH instead of the internet.
  cargo install --locked cargo-leptos --version "$CARGO_LEPTOS_VERSION" --features no_downloads
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 6 minutes, once)"
  # Not --locked: its lockfile pins a crate version the registry here lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

npm_ci() { # DIR: install its locked npm packages unless they are installed and up to date
  if [ ! -f "$1/node_modules/.package-lock.json" ] || [ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]; then
    step "installing npm packages in $1"
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# wasm-opt for release builds: npm's binaryen (Debian's 108 breaks hydration).
npm_ci frontend

if [ "${1:-}" = "--test" ]; then
  # Runs each Rust test in a process of its own and ends one that overruns (.config/nextest.toml).
  if ! cargo nextest --version >/dev/null 2>&1; then
    step "installing cargo-nextest (a few minutes, once)"
    cargo install --locked cargo-nextest
  fi
  if [ ! -x /usr/bin/chromium ]; then
    step "installing Debian's Chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  npm_ci end2end
  # The mail tests talk to a real SMTP server: Python's aiosmtpd.
  if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
    step "installing aiosmtpd for the mail tests"
    python3 -m pip install --quiet aiosmtpd==1.4.6
  fi
  # The cluster test (scripts/cluster-test.sh) puts three portals behind a real HAProxy. It
  # runs its own haproxy with its own configuration: the system service stays stopped.
  if ! command -v haproxy >/dev/null; then
    step "installing Debian's HAProxy for the cluster test"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
    service haproxy stop >/dev/null 2>&1 || true
  fi
fi
