// Keystroke-to-underline latency on a 10 KB message, from the content script's own performance
// marks: 'conduct:latency' measures run from the input event to the animation frame after the
// underlines of a check that includes that keystroke were drawn.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, loadEngine, waitForUnderlines } from './lib/harness.mjs';
import { afterTyping, assertNoForeignRequests } from './lib/flow.mjs';
import { pickSentences } from './lib/sentences.mjs';

let env, S, checker;
before(async () => {
  const engine = await loadEngine();
  checker = new engine.Checker();
  S = pickSentences(checker);
  env = await setup();
});
after(async () => {
  await env?.close();
  if (env) assertNoForeignRequests(env);
  env?.cleanup();
});

/** ~10 KB (UTF-8) of mixed Chinese and English support mail with some findings in it. */
function message() {
  const parts = [
    '您好，关于贵司上周反馈的数据库备份问题，我们已经安排工程师进行排查，初步判断是存储配额不足导致的。',
    'We have reviewed the logs from the backup job and found that the storage quota was exceeded on Tuesday night.',
    '感谢您对我们公司的支持，如有任何问题请随时联系我们。',
    "Thanks for your patience, we'll follow up tomorrow with the detailed report.",
    S.violating.zh + '。', S.violating.en,
  ];
  let out = '';
  for (let i = 0; Buffer.byteLength(out) < 10 * 1024; i++) out += parts[i % parts.length] + (i % 3 === 2 ? '\n' : ' ');
  return out;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
};
const fmt = (o) => `n=${o.n} median=${o.median.toFixed(1)} ms p95=${o.p95.toFixed(1)} ms max=${o.max.toFixed(1)} ms`;

async function measure(page, focus, kind) {
  const text = message();
  const findings = checker.check(text, 'auto').length;
  await focus();
  // Paste-like insertion of the 10 KB message, then type at its end.
  await afterTyping(page, () => page.keyboard.insertText(text), { timeout: 15000 });
  await waitForUnderlines(page, (u) => u.length === findings, { timeout: 15000 });
  await page.keyboard.press('Control+End');
  const since = (t0) => page.evaluate((t) => performance.getEntriesByName('conduct:latency').filter((m) => m.startTime >= t).map((m) => m.duration), t0);
  const pageNow = () => page.evaluate(() => performance.now());
  // 1) Separate keystrokes (a pause longer than the 150 ms throttle before each).
  const single = [];
  for (const key of 'abcdefghijklmnopqrst') {
    const t0 = await pageNow();
    await page.keyboard.type(key);
    await page.waitForFunction((t) => performance.getEntriesByName('conduct:latency').some((m) => m.startTime >= t), t0, { polling: 'raf' });
    single.push(...(await since(t0)));
    await page.waitForTimeout(160);
  }
  // 2) Continuous typing, one key every 60 ms.
  const phrase = ' we will look into it today';
  const t1 = await pageNow();
  await afterTyping(page, () => page.keyboard.type(phrase, { delay: 60 }));
  await page.waitForFunction(([t, n]) => performance.getEntriesByName('conduct:latency').filter((m) => m.startTime >= t).length >= n, [t1, phrase.length], { polling: 'raf' });
  const burst = await since(t1);
  const a = stats(single), b = stats(burst);
  console.log(`# latency ${kind}, ${Buffer.byteLength(text)} bytes, ${findings} findings: single keystrokes ${fmt(a)}; continuous typing (60 ms/key) ${fmt(b)}`);
  return { a, b };
}

test('keystroke-to-underline latency on a 10 KB message (textarea)', async () => {
  const page = await env.ctx.newPage();
  await page.goto(env.url('textarea.html'));
  const { a, b } = await measure(page, () => page.click('#field'), 'textarea');
  assert.ok(a.median < 100, `median ${a.median} ms`);
  assert.ok(a.p95 < 250, `p95 ${a.p95} ms`);
  assert.ok(b.p95 < 400, `continuous typing p95 ${b.p95} ms`);
  await page.close();
});

test('keystroke-to-underline latency on a 10 KB message (contenteditable)', async () => {
  const page = await env.ctx.newPage();
  await page.goto(env.url('contenteditable.html'));
  const { a, b } = await measure(page, () => page.click('#field'), 'contenteditable');
  assert.ok(a.median < 100, `median ${a.median} ms`);
  assert.ok(a.p95 < 250, `p95 ${a.p95} ms`);
  assert.ok(b.p95 < 400, `continuous typing p95 ${b.p95} ms`);
  await page.close();
});
