// The size budget of the shipped module (deterministic for a given source): 300 KB gzipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { WASM } from './pkg.mjs';

const BUDGET_GZIP = 300 * 1024;

test('the wasm module fits the size budget (300 KB gzip -9)', () => {
  const raw = readFileSync(WASM);
  const gz = gzipSync(raw, { level: 9 }).length;
  console.log(`conduct_wasm_bg.wasm: ${raw.length} bytes raw, ${gz} bytes gzip -9 (budget ${BUDGET_GZIP})`);
  assert.ok(gz <= BUDGET_GZIP, `${gz} bytes gzipped exceeds the budget of ${BUDGET_GZIP} bytes`);
});

test('the extension has the same module', () => {
  const ext = new URL('../../extension/wasm/conduct_wasm_bg.wasm', import.meta.url);
  assert.ok(readFileSync(ext).equals(readFileSync(WASM)), 'extension/wasm/ is stale: run `just wasm`');
});
