// conduct-wasm vs harper.js in Node, plus the cost of returning findings from the wasm.
// Run through scripts/bench-wasm.sh (builds what is missing). Options: --runs N (default 100).
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 100;
const fixture = (name) => readFileSync(`${root}crates/conduct-rules/benches/fixtures/${name}`, 'utf8');
const EMAILS = { en: fixture('email-en.txt'), zh: fixture('email-zh.txt'), mixed: fixture('email-mixed.txt') };

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const us = (ms) => `${(ms * 1000).toFixed(1)} µs`;
const ms = (x) => `${x.toFixed(2)} ms`;
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const sizeOf = (file) => { const b = readFileSync(file); return { raw: b.length, gz: gzipSync(b, { level: 9 }).length }; };
const time = (f) => { const t = performance.now(); const r = f(); return [performance.now() - t, r]; };
const timeAsync = async (f) => { const t = performance.now(); const r = await f(); return [performance.now() - t, r]; };

async function loadConduct(dir) {
  const bytes = readFileSync(dir + '/conduct_wasm_bg.wasm');
  const m = await import(dir + '/conduct_wasm.js');
  const [initMs] = time(() => m.initSync({ module: bytes }));
  const [buildMs, checker] = time(() => new m.Checker());
  return { m, checker, initMs, buildMs, size: sizeOf(dir + '/conduct_wasm_bg.wasm') };
}

console.log(`node ${process.version}, ${RUNS} warm runs per measurement (medians; p90 in brackets); load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);

// --- conduct-wasm ------------------------------------------------------------------------------
const PKG = root + 'crates/conduct-wasm/pkg';
if (!existsSync(PKG + '/conduct_wasm_bg.wasm')) throw new Error('run `just wasm` first');
const conduct = await loadConduct(PKG);
const [firstCheckMs, firstFound] = time(() => conduct.checker.check(EMAILS.en));

// --- harper.js ---------------------------------------------------------------------------------
const { LocalLinter, Dialect } = await import('harper.js');
const { binary } = await import('harper.js/binary');
const [harperSetupMs, harper] = await timeAsync(async () => {
  const l = new LocalLinter({ binary, dialect: Dialect.American });
  await l.setup();
  return l;
});
const [harperFirstMs, harperLints] = await timeAsync(() => harper.lint(EMAILS.en, { language: 'plaintext' }));
const harperWasm = fileURLToPath(new URL('./node_modules/harper.js/dist/harper_wasm_bg.wasm', import.meta.url));

// --- alternating warm runs on the 5 KB English email ----------------------------------------------
const ours = [], theirs = [];
for (let i = 0; i < 5; i++) { conduct.checker.check(EMAILS.en); await harper.lint(EMAILS.en, { language: 'plaintext' }); }
for (let i = 0; i < RUNS; i++) {
  let t = performance.now();
  conduct.checker.check(EMAILS.en);
  ours.push(performance.now() - t);
  t = performance.now();
  await harper.lint(EMAILS.en, { language: 'plaintext' });
  theirs.push(performance.now() - t);
}

const rows = [
  ['', 'conduct-wasm', 'harper.js 2.10.0'],
  ['module size (raw / gzip -9)', `${kb(conduct.size.raw)} / ${kb(conduct.size.gz)}`, (() => { const s = sizeOf(harperWasm); return `${kb(s.raw)} / ${kb(s.gz)}`; })()],
  ['init (compile + instantiate)', ms(conduct.initMs), ''],
  ['setup (new Checker / LocalLinter.setup)', ms(conduct.buildMs), ms(harperSetupMs)],
  ['first check of the 5 KB English email', ms(firstCheckMs), ms(harperFirstMs)],
  [`warm check, 5 KB English (${EMAILS.en.length} chars)`, `${us(median(ours))} [${us(pct(ours, 0.9))}]`, `${ms(median(theirs))} [${ms(pct(theirs, 0.9))}]`],
  ['warm check, fastest run', us(Math.min(...ours)), ms(Math.min(...theirs))],
  ['findings on it', String(firstFound.length), String(harperLints.length)],
];
const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows) console.log(`${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2]}`);
console.log(`\nharper.js / conduct-wasm (warm median, 5 KB English): ${(median(theirs) / median(ours)).toFixed(0)}×; first call ${(harperFirstMs / firstCheckMs).toFixed(0)}×; setup ${(harperSetupMs / (conduct.initMs + conduct.buildMs)).toFixed(1)}×`);
console.log(`load average after: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);

// --- our other emails, and what the result transfer costs ----------------------------------------------
// Functions measured together run round-robin, so that load from other processes hits them alike.
function roundRobin(fns, runs = RUNS) {
  const names = Object.keys(fns);
  for (let i = 0; i < 10; i++) for (const n of names) fns[n]();
  const xs = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < runs; i++) {
    for (const n of names) { const t = performance.now(); fns[n](); xs[n].push(performance.now() - t); }
  }
  return xs;
}
const VARIANT = root + 'target/conduct-wasm-transfer-bench';
const variant = existsSync(VARIANT + '/conduct_wasm_bg.wasm') ? await loadConduct(VARIANT) : null;
console.log(`\nconduct-wasm per email, warm median [p90]${variant ? '; transfer = the same findings converted and returned without checking (transfer-bench build)' : ''}:`);
for (const [lang, text] of Object.entries(EMAILS)) {
  const n = conduct.checker.check(text).length;
  const fns = { check: () => conduct.checker.check(text) };
  if (variant) {
    variant.checker.prepare(text);
    fns.transfer = () => variant.checker.transferSerde();
  }
  const xs = roundRobin(fns);
  let line = `  ${lang.padEnd(5)} ${String(Buffer.byteLength(text)).padStart(5)} B, ${String(n).padStart(2)} findings: check() ${us(median(xs.check))} [${us(pct(xs.check, 0.9))}]`;
  if (variant) {
    const [a, b] = [median(xs.check), median(xs.transfer)];
    line += `; of which result conversion + transfer ${us(b)} (${(100 * b / a).toFixed(1)}%)`;
  }
  console.log(line);
}

if (variant) {
  // The transfer alone: `prepare` checks once and keeps the findings; each transfer* call converts
  // them (UTF-16 spans included) and hands them to JS its own way.
  const dense = ('这个傻逼系统又挂了，我保证明天修好。You idiot, I guarantee it. Our internal price is low.\n').repeat(60).slice(0, 5000);
  console.log(`\nresult transfer strategies (transfer-bench build; conversion + transfer only, round-robin; warm median):`);
  for (const [name, text] of [['5 KB English email', EMAILS.en], ['5 KB mixed email', EMAILS.mixed], ['5 KB dense with violations', dense]]) {
    const c = variant.checker;
    const n = c.prepare(text);
    const xs = roundRobin({
      'JSON string + JSON.parse called from wasm': () => c.transferJson(),
      'JSON string returned, JSON.parse in JS': () => JSON.parse(c.transferJsonString()),
      'serde-wasm-bindgen (shipped)': () => c.transferSerde(),
      'js-sys Object + Reflect.set, strings cached per rule': () => c.transferObjects(),
    }, Math.max(RUNS, 200));
    console.log(`  ${name} (${n} findings):`);
    for (const [k, v] of Object.entries(xs)) console.log(`    ${k.padEnd(54)} ${us(median(v)).padStart(10)}`);
  }
}
