#!/usr/bin/env node
// The extension measured in Debian's chromium (headless, playwright-core, the e2e harness):
//   * keystroke → underlines on a 1 KB and a 10 KB message, in a textarea and a contenteditable:
//     p50/p95 of input event → underlines drawn ('conduct:drawn'), of input event → the frame after
//     ('conduct:latency'), and how many keystrokes had their underlines painted with the character;
//   * the first check after the service worker was stopped, and how it splits (worker start, wasm
//     compile + instantiate, `new Checker()`, first `check()`, reply + drawing);
//   * the packed extension (zip, deflate level 9) and the wasm, raw and gzip -9.
// 'drawn' starts at the input event (the field already edited); 'beforeinput → drawn' includes the
// browser's own edit of the field, during which a textarea's check already runs (content/main.js).
// It reports; it asserts nothing about time. Budgets (BENCHMARKS.md): ≤ 4 ms p95 keystroke →
// underline at 10 KB; ≤ 150 ms first check after a worker restart.
//
//   node bench/browser.mjs [--keys N] [--restarts N] [--only keys|restarts|sizes]   (scripts/bench-browser.sh builds first)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync, deflateRawSync } from 'node:zlib';
import { setup, loadEngine, waitForUnderlines, ROOT } from '../tests/e2e/lib/harness.mjs';
import { afterTyping } from '../tests/e2e/lib/flow.mjs';
import { pickSentences } from '../tests/e2e/lib/sentences.mjs';
import { supportMessage } from '../tests/e2e/lib/messages.mjs';
import { singleKeystrokes, continuousTyping, stats, fmtStats } from '../tests/e2e/lib/latency.mjs';
import { stopWorker, currentWorker } from '../tests/e2e/lib/worker.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const KEYS = arg('keys', 40);
const RESTARTS = arg('restarts', 5);
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;   // keys | restarts | sizes
const EDITORS = [['textarea', 'textarea.html'], ['contenteditable', 'contenteditable.html']];
const SIZES = [1024, 10 * 1024];

const ms = (x) => (x == null || Number.isNaN(x) ? '   n/a' : x.toFixed(1).padStart(6));

/** Opens `file`, pastes `text` into its field and waits for the underlines of the whole text. */
async function openWith(env, file, text, findings) {
  const page = await env.ctx.newPage();
  await page.goto(env.url(file));
  await page.click('#field');
  await afterTyping(page, () => page.keyboard.insertText(text), { timeout: 20000 });
  await waitForUnderlines(page, (u) => u.length === findings, { timeout: 20000 });
  await page.keyboard.press('Control+End');
  return page;
}

async function keystrokes(env, checker, S) {
  const keys = Array.from({ length: KEYS }, (_, i) => 'abcdefghijklmnopqrstuvwxyz'[i % 26]);
  const rows = [];
  for (const size of SIZES) {
    const text = supportMessage(S, size);
    const findings = checker.check(text, 'auto').length;
    for (const [editor, file] of EDITORS) {
      const page = await openWith(env, file, text, findings);
      const single = await singleKeystrokes(page, keys);
      const burst = await continuousTyping(page, ' we will look into it today');
      await page.close();
      rows.push({ editor, size: Buffer.byteLength(text), findings, single, burst });
    }
  }
  console.log(`\n## Keystroke → underlines (${KEYS} separate keystrokes 160 ms apart; then 27 keys at 60 ms/key)\n`);
  console.log('| editor | message | findings | drawn p50 | drawn p95 | of which worker round trip p50 / p95 | beforeinput → drawn p50 / p95 | next frame p50 | next frame p95 | same frame | typing 60 ms/key: drawn p50 / p95 |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const d = stats(r.single.drawn), f = stats(r.single.frame), b = stats(r.burst.drawn), rt = stats(r.single.roundtrip), k = stats(r.single.keyed);
    console.log(`| ${r.editor} | ${r.size} B | ${r.findings} | ${ms(d.median)} | ${ms(d.p95)} | ${ms(rt.median)} / ${ms(rt.p95)} | ${ms(k.median)} / ${ms(k.p95)} | ${ms(f.median)} | ${ms(f.p95)} | ` +
      `${r.single.sameFrame}/${r.single.drawn.length} | ${ms(b.median)} / ${ms(b.p95)} |`);
  }
  for (const r of rows) {
    console.log(`# ${r.editor} ${r.size} B: drawn ${fmtStats(stats(r.single.drawn))}; next frame ${fmtStats(stats(r.single.frame))}; ` +
      `continuous: drawn ${fmtStats(stats(r.burst.drawn))}, next frame ${fmtStats(stats(r.burst.frame))}`);
  }
}

/** The worker's startup marks (ms since its time origin) and its time origin. */
const workerMarks = async (env) => (await currentWorker(env)).evaluate(() => ({
  origin: performance.timeOrigin,
  marks: Object.fromEntries(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('conduct:')).map((m) => [m.name.slice(8), m.startTime])),
  firstChecked: performance.getEntriesByName('conduct:first-check-chars')[0]?.detail ?? null,
}));

async function restarts(env, checker, S) {
  const text = supportMessage(S, 1024);
  const page = await openWith(env, 'textarea.html', text, checker.check(text, 'auto').length);
  const runs = [];
  for (let r = 0; r < RESTARTS; r++) {
    // Chrome stops an idle worker after 30 s; let it finish what it does when checks pause (the
    // segment snapshot, 250 ms after the last check) before stopping it.
    await page.waitForTimeout(500);
    await stopWorker(env, page);
    await page.waitForTimeout(300);
    const t0 = await page.evaluate(() => performance.now());
    await page.keyboard.type('xyz'[r % 3]);
    await page.waitForFunction((t) => performance.getEntriesByName('conduct:latency').some((m) => m.startTime >= t), t0, { polling: 'raf', timeout: 30000 });
    const p = await page.evaluate((t) => {
      const drawn = performance.getEntriesByName('conduct:drawn').find((m) => m.startTime >= t);
      const frame = performance.getEntriesByName('conduct:latency').find((m) => m.startTime >= t);
      return { origin: performance.timeOrigin, input: drawn.startTime, drawn: drawn.duration, frame: frame.duration };
    }, t0);
    const w = await workerMarks(env);
    // Worker times on the page's clock (both origins are wall-clock ms), relative to the keystroke.
    const at = (name) => (w.marks[name] == null ? NaN : w.origin + w.marks[name] - (p.origin + p.input));
    const span = (a, b) => (w.marks[a] == null || w.marks[b] == null ? NaN : w.marks[b] - w.marks[a]);
    runs.push({
      total: p.drawn, frame: p.frame,
      wake: w.origin - (p.origin + p.input),          // keystroke → the worker's global scope exists
      script: w.marks['worker-script'],                 // → worker.js and its imports evaluated
      wasm: span('wasm-start', 'wasm-ready'),           // fetch + compile + instantiate
      checker: span('checker-start', 'checker-ready'),  // new Checker()
      settings: span('worker-script', 'settings-ready'),// storage reads (in parallel with the above)
      check: span('first-check-start', 'first-check-end'),
      checkEnd: at('first-check-end'),
      checked: w.firstChecked,                          // chars of the text checked (the rest restored)
    });
  }
  // A message the stopped worker never saw (every sentence changed), pasted over the old one: no
  // snapshot helps, so the first check compiles what it needs.
  const unseen = [];
  for (let r = 0; r < Math.min(RESTARTS, 4); r++) {
    await page.waitForTimeout(500);
    await stopWorker(env, page);
    await page.waitForTimeout(300);
    await page.keyboard.press('Control+a');
    const fresh = text.replace(/[。？?；;]/g, (m) => `${r}${m}`) + ` ${r}`;
    const t0 = await page.evaluate(() => performance.now());
    await page.keyboard.insertText(fresh);
    await page.waitForFunction((t) => performance.getEntriesByName('conduct:drawn').some((m) => m.startTime >= t), t0, { polling: 'raf', timeout: 30000 });
    const drawn = await page.evaluate((t) => performance.getEntriesByName('conduct:drawn').find((m) => m.startTime >= t).duration, t0);
    const w = await workerMarks(env);
    unseen.push({ drawn, checker: w.marks['checker-ready'] - w.marks['checker-start'], check: w.marks['first-check-end'] - w.marks['first-check-start'], checked: w.firstChecked });
  }
  // A page load starts the worker (the content script's hello); the message is pasted 2 s later.
  const late = [];
  for (let r = 0; r < RESTARTS; r++) {
    await stopWorker(env, page);
    await page.goto(env.url('textarea.html'));
    await page.waitForTimeout(2000);
    await page.click('#field');
    const t0 = await page.evaluate(() => performance.now());
    await page.keyboard.insertText(`${text} ${r}`);
    await page.waitForFunction((t) => performance.getEntriesByName('conduct:drawn').some((m) => m.startTime >= t), t0, { polling: 'raf', timeout: 30000 });
    late.push(await page.evaluate((t) => performance.getEntriesByName('conduct:drawn').find((m) => m.startTime >= t).duration, t0));
  }
  await page.close();
  // A run whose worker was already starting when the key was pressed (woken by something else
  // right after the stop) measures no restart: shown, left out of the median.
  const valid = runs.filter((r) => r.wake >= 0);
  const med = (k) => stats(valid.map((r) => r[k]).filter((x) => !Number.isNaN(x))).median;
  console.log(`\n## First check after the service worker was stopped (${RESTARTS} restarts; 1 KB message in a textarea, one keystroke)\n`);
  console.log('| run | keystroke → drawn | → next frame | wake (→ worker scope) | script eval | wasm compile+instantiate | new Checker() | settings read | first check() | → check done | reply + draw |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const row = (name, g) => console.log(`| ${name} | ${ms(g('total'))} | ${ms(g('frame'))} | ${ms(g('wake'))} | ${ms(g('script'))} | ${ms(g('wasm'))} | ` +
    `${ms(g('checker'))} | ${ms(g('settings'))} | ${ms(g('check'))} | ${ms(g('checkEnd'))} | ${ms(g('total') - g('checkEnd'))} |`);
  runs.forEach((r, i) => row(`${i + 1}${r.wake < 0 ? ' (worker already starting: left out)' : ''}`, (k) => r[k]));
  row(`**median** of ${valid.length}`, med);
  console.log(`\nEngine (new Checker() + first check()) ${ms(med('checker') + med('check')).trim()} ms of ${ms(med('total')).trim()} ms (medians).`);
  console.log(`Characters the first check had to check, of the whole text (the rest came from the previous worker's segment snapshot): ` +
    runs.map((r) => (r.checked ? `${r.checked.checked}/${r.checked.of}` : 'n/a')).join(', '));
  console.log(`\nA message the stopped worker never saw, pasted over the old one (no snapshot applies): paste → underlines drawn ` +
    `${unseen.map((u) => u.drawn.toFixed(1)).join(', ')} ms (median ${stats(unseen.map((u) => u.drawn)).median.toFixed(1)} ms); ` +
    `new Checker() ${stats(unseen.map((u) => u.checker)).median.toFixed(1)} ms, first check() ${stats(unseen.map((u) => u.check)).median.toFixed(1)} ms ` +
    `(medians; checked ${unseen.map((u) => (u.checked ? `${u.checked.checked}/${u.checked.of}` : 'n/a')).join(', ')} chars)`);
  console.log(`\nWorker started by a page load, the 1 KB message pasted 2 s later: paste → underlines drawn ` +
    `${late.map((x) => x.toFixed(1)).join(', ')} ms (median ${stats(late).median.toFixed(1)} ms)`);
}

/** Size of a zip (deflate, level 9) of `dir`, computed: local headers + data + central directory. */
function zipSize(dir) {
  const files = [];
  const walk = (d) => { for (const n of readdirSync(d)) { const p = join(d, n); if (statSync(p).isDirectory()) walk(p); else files.push(p); } };
  walk(dir);
  let size = 22;
  for (const f of files) {
    const name = Buffer.byteLength(relative(dir, f));
    const raw = readFileSync(f);
    size += 30 + name + Math.min(raw.length, deflateRawSync(raw, { level: 9 }).length) + 46 + name;
  }
  return { files: files.length, size };
}

function sizes(extDir) {
  const wasm = readFileSync(join(extDir, 'wasm', 'conduct_wasm_bg.wasm'));
  const z = zipSize(extDir);
  console.log('\n## Sizes\n');
  console.log(`- packed extension (zip -9 of ${relative(ROOT, extDir) || extDir}, ${z.files} files): ${z.size} bytes (${(z.size / 1024).toFixed(0)} KB)`);
  console.log(`- wasm: ${wasm.length} bytes raw (${(wasm.length / 1024).toFixed(0)} KB), ${gzipSync(wasm, { level: 9 }).length} bytes gzip -9 (${(gzipSync(wasm, { level: 9 }).length / 1024).toFixed(0)} KB)`);
}

const engine = await loadEngine();
const checker = new engine.Checker();
const S = pickSentences(checker);
const env = await setup();
try {
  const version = await env.ctx.serviceWorkers()[0]?.evaluate(() => navigator.userAgent).catch(() => '?');
  console.log(`# conduct-rules in-browser benchmark — ${new Date().toISOString()}; ${version}`);
  if (!ONLY || ONLY === 'keys') await keystrokes(env, checker, S);
  if (!ONLY || ONLY === 'restarts') await restarts(env, checker, S);
  if (!ONLY || ONLY === 'sizes') sizes(join(ROOT, 'target', 'extension'));
} finally {
  await env.close();
  env.cleanup();
}
