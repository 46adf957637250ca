// Keystroke-to-underline latency on a 10 KB message, from the content script's own performance
// marks: 'conduct:latency' measures run from the input event to the animation frame after the
// underlines of a check that includes that keystroke were drawn.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, loadEngine, waitForUnderlines } from './lib/harness.mjs';
import { afterTyping, assertNoForeignRequests } from './lib/flow.mjs';
import { pickSentences } from './lib/sentences.mjs';
import { supportMessage } from './lib/messages.mjs';
import { singleKeystrokes, continuousTyping, stats, fmtStats } from './lib/latency.mjs';

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

async function measure(page, focus, kind) {
  const text = supportMessage(S, 10 * 1024);
  const findings = checker.check(text, 'auto').length;
  await focus();
  // Paste-like insertion of the 10 KB message, then type at its end.
  await afterTyping(page, () => page.keyboard.insertText(text), { timeout: 15000 });
  await waitForUnderlines(page, (u) => u.length === findings, { timeout: 15000 });
  await page.keyboard.press('Control+End');
  // 1) Separate keystrokes (a pause longer than any throttle before each).
  const single = await singleKeystrokes(page, 'abcdefghijklmnopqrst');
  // 2) Continuous typing, one key every 60 ms.
  const burst = await continuousTyping(page, ' we will look into it today', { delay: 60 });
  const a = stats(single.frame), b = stats(burst.frame);
  console.log(`# latency ${kind}, ${Buffer.byteLength(text)} bytes, ${findings} findings: single keystrokes ${fmtStats(a)} ` +
    `(drawn: ${fmtStats(stats(single.drawn))}); continuous typing (60 ms/key) ${fmtStats(b)}`);
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
