#!/usr/bin/env bash
# conduct-wasm vs harper.js in Node (bench/wasm-vs-harper.mjs), and the cost of the result transfer.
#   scripts/bench-wasm.sh [--runs N]
# Builds the package when missing (scripts/build-wasm.sh), the `transfer-bench` variant (alternative
# result transfers, never shipped) into target/conduct-wasm-transfer-bench, and installs bench/'s npm
# packages (harper.js) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[bench-wasm] %s\n' "$*" >&2; }

[ -f crates/conduct-wasm/pkg/conduct_wasm_bg.wasm ] || scripts/build-wasm.sh
if [ -z "${SKIP_TRANSFER_BUILD:-}" ]; then
  scripts/build-wasm.sh --transfer-bench
fi
if [ ! -d bench/node_modules/harper.js ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
  log "installing bench/ npm packages (harper.js)"
  (cd bench && npm ci --no-audit --no-fund --silent)
fi
printf 'machine: %s cores, %s\n' "$(nproc)" "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
node bench/wasm-vs-harper.mjs "$@"
