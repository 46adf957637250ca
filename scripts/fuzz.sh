#!/usr/bin/env bash
# Runs each cargo-fuzz target for N seconds (default 60) on nightly. Crashes land in
# fuzz/artifacts/<target>/; add each as a regression case in crates/conduct-rules/tests/regressions.rs.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs="${1:-60}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz
for target in check_text parse_policy; do
  echo "== $target for ${secs}s"
  cargo +nightly fuzz run "$target" -- -max_total_time="$secs" -max_len=4096 2>&1 | tail -n 4
done
