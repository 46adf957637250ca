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
# Absolute paths: the builds run from the directory of the texts.
old=$(realpath "$old") new=$(realpath "$new")
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
# Each build checks the texts 400 files per run (one process per text took ~40 minutes for the corpus;
# this takes seconds); the JSON reports are then compared file by file.
(cd "$work" && ls -- *.txt | xargs -n 400 "$old" check --format json > "$work/old.out" 2>&1) || true
(cd "$work" && ls -- *.txt | xargs -n 400 "$new" check --format json > "$work/new.out" 2>&1) || true
node --input-type=module -e '
  import { readFileSync } from "node:fs";
  const [work] = process.argv.slice(1);
  // The reports of one build: concatenated JSON documents, each with its files; by path.
  const byPath = (name) => {
    const out = new Map();
    const text = readFileSync(`${work}/${name}`, "utf8");
    for (const doc of text.split(/\n(?=\{\n  "version")/)) {
      let report;
      try {
        report = JSON.parse(doc);
      } catch {
        console.error(`${name}: not a JSON report: ${doc.slice(0, 300)}`);
        process.exit(2);
      }
      for (const f of report.files) out.set(f.path, JSON.stringify(f));
    }
    return out;
  };
  const [before, after] = [byPath("old.out"), byPath("new.out")];
  let differ = 0;
  for (const [path, a] of before) {
    const b = after.get(path);
    if (a === b) continue;
    differ++;
    if (differ <= 5) {
      console.log(`--- differs: ${readFileSync(`${work}/${path}`, "utf8").slice(0, 200)}`);
      console.log(`old: ${a.slice(0, 600)}\nnew: ${(b ?? "(missing)").slice(0, 600)}`);
    }
  }
  const missing = [...after.keys()].filter((p) => !before.has(p)).length;
  console.log(`${before.size} texts, ${differ + missing} with different findings`);
  process.exit(differ + missing === 0 && before.size > 0 ? 0 : 1);
' "$work"
