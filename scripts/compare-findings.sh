#!/usr/bin/env bash
# Behaviour identity: checks every text of tests/corpus (and any extra TSV directories given) with
# two builds of the `conduct` CLI and reports the texts whose JSON findings differ. Use it to show
# that a refactor or a size/speed change keeps every finding:
#
#   git stash; cargo build --release -p conduct-cli; cp target/release/conduct /tmp/conduct-before; git stash pop
#   cargo build --release -p conduct-cli
#   scripts/compare-findings.sh /tmp/conduct-before target/release/conduct [DIR ...]
#
# Exit status 0 when every text gives byte-identical output, 1 otherwise (the first differences shown).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 OLD_CONDUCT NEW_CONDUCT [TSV_DIR ...]" >&2; exit 2; }
old=$1 new=$2
shift 2
for bin in "$old" "$new"; do [ -x "$bin" ] || { echo "not an executable: $bin" >&2; exit 2; }; done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One file per corpus row (tests/lib/corpus.mjs reads the TSV format).
node --input-type=module -e '
  import { writeFileSync } from "node:fs";
  import { join, resolve } from "node:path";
  const { corpusRows } = await import(resolve("tests/lib/corpus.mjs"));
  const [out, ...dirs] = process.argv.slice(1);
  let n = 0;
  for (const dir of dirs) for (const { text } of corpusRows(dir)) writeFileSync(join(out, String(n++).padStart(6, "0") + ".txt"), text);
  console.error(`${n} texts`);
' "$work" tests/corpus "$@"
differ=0 total=0
for f in "$work"/*.txt; do
  total=$((total + 1))
  if ! cmp -s <("$old" check --format json "$f" 2>&1) <("$new" check --format json "$f" 2>&1); then
    differ=$((differ + 1))
    if [ "$differ" -le 5 ]; then
      echo "--- differs: $(head -c 200 "$f")"
      diff <("$old" check --format json "$f" 2>&1) <("$new" check --format json "$f" 2>&1) | head -20 || true
    fi
  fi
done
echo "$total texts, $differ with different findings"
[ "$differ" -eq 0 ]
