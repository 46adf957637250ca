// Size of the shipped module (deterministic for a given source), gzip -9 as a server would send it.
//
// The budget is 300 KB gzipped. CEILING_GZIP is what the test enforces: the budget itself once the
// module fits it; until then a ceiling just above the size reached, so that growth fails here
// while the distance to the budget is printed on every run. The budget is missed: 343,734 bytes
// gzip -9 (834,243 raw) on 2026-11-27, after the context regexes moved from the regex crate to
// regex-automata's forward lazy DFA alone (−51 KB gzip) and the term automaton to aho-corasick's
// noncontiguous NFA used directly (−15 KB). What is left is mostly the packs' own data (~77 KB
// gzipped), regex parsing and NFA compilation, serde_json, core/alloc (sorting, formatting) and the
// normalisation tables (~18 KB gzipped); see BENCHMARKS.md. Lower the ceiling when the module shrinks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { WASM } from './pkg.mjs';

const BUDGET_GZIP = 300 * 1024;
const CEILING_GZIP = 350 * 1024;

test('the wasm module stays within its size ceiling (gzip -9)', () => {
  const raw = readFileSync(WASM);
  const gz = gzipSync(raw, { level: 9 }).length;
  const budget = gz > BUDGET_GZIP
    ? `${gz - BUDGET_GZIP} bytes over the ${BUDGET_GZIP}-byte budget`
    : `${BUDGET_GZIP - gz} bytes under the ${BUDGET_GZIP}-byte budget`;
  console.log(`conduct_wasm_bg.wasm: ${raw.length} bytes raw, ${gz} bytes gzip -9 (${budget})`);
  assert.ok(CEILING_GZIP >= BUDGET_GZIP, 'the ceiling is never below the budget');
  assert.ok(gz <= CEILING_GZIP, `${gz} bytes gzipped exceeds the ceiling of ${CEILING_GZIP} bytes (${budget})`);
});

test('the extension has the same module', () => {
  const ext = new URL('../../extension/wasm/conduct_wasm_bg.wasm', import.meta.url);
  assert.ok(readFileSync(ext).equals(readFileSync(WASM)), 'extension/wasm/ is stale: run `just wasm`');
});
