#!/usr/bin/env bash
# The extension in Debian's chromium (bench/browser.mjs): keystroke → underline p50/p95 on 1 KB and
# 10 KB messages in a textarea and a contenteditable, the first check after a service-worker
# restart and its split, and the packed extension and wasm sizes. Reports; asserts nothing.
#   scripts/bench-browser.sh [--keys N] [--restarts N] [--only keys|restarts|sizes]
# Builds what is missing: the wasm (scripts/build-wasm.sh), the root npm packages (playwright-core),
# and always reassembles target/extension (node extension/build.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[bench-browser] %s\n' "$*" >&2; }

[ -f extension/wasm/conduct_wasm_bg.wasm ] || scripts/build-wasm.sh
if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing the root npm packages (playwright-core)"
  npm ci --no-audit --no-fund --silent
fi
node extension/build.mjs >&2
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { log "error: no chromium at ${CHROMIUM:-/usr/bin/chromium} (apt-get install -y chromium)"; exit 1; }
printf '# machine: %s cores, %s; load average %s; commit %s%s\n' "$(nproc)" \
  "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" "$(git diff --quiet 2>/dev/null || echo ' (+ uncommitted changes)')"
node bench/browser.mjs "$@"
