#!/usr/bin/env bash
# Installs everything the build and the tests need on a fresh machine that has only
# rustup's Rust and Node. Idempotent: each step is skipped when already satisfied.
#   scripts/setup.sh          Rust bits only (wasm target, the wasm's pinned Rust, wasm-bindgen-cli, just)
#   scripts/setup.sh --browser  also Debian's chromium + fonts and the npm packages for e2e
set -euo pipefail
cd "$(dirname "$0")/.."
WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen = "=…"` pin in Cargo.toml

log() { printf '[setup] %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The Rust that builds the wasm module (scripts/build-wasm.sh says why it is pinned), with the
# target and the standard library's source (it rebuilds std for the module).
WASM_RUST=$(cat scripts/wasm-rust-version)
if ! rustup +"$WASM_RUST" target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
  || ! rustup +"$WASM_RUST" component list --installed 2>/dev/null | grep -q '^rust-src'; then
  log "installing Rust $WASM_RUST with the wasm32 target and rust-src (builds the wasm module)"
  rustup toolchain install "$WASM_RUST" --profile minimal --component rust-src --target wasm32-unknown-unknown
fi

if ! command -v just >/dev/null 2>&1; then
  log "installing just"
  if command -v python3 >/dev/null 2>&1 && python3 -m pip install --quiet rust-just; then :
  else npm install -g --no-audit --no-fund rust-just; fi
  hash -r
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
  # --locked fails on this registry (webpki-roots version), see ../shared/TOOLCHAIN.md
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

if [ "${1:-}" = "--browser" ]; then
  if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi wqy; then
    log "installing Debian's chromium and CJK/emoji fonts"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium fonts-wqy-microhei fonts-noto-color-emoji >/dev/null
  fi
  if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages"
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
  fi
fi
log "ok"
