// A compose body in a cross-origin iframe (the content script in that frame drives it, popover
// included), and fields that are not visible are not checked until they are.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, loadEngine, underlines, waitForUnderlines, underlinePoint, checkCount, screenshot, sameTexts } from './lib/harness.mjs';
import { afterTyping, assertNoForeignRequests } from './lib/flow.mjs';
import { pickSentences } from './lib/sentences.mjs';

let env, checker, S;
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

test('cross-origin compose iframe: underline, popover inside the frame, apply and undo', async () => {
  const page = await env.ctx.newPage();
  await page.goto(env.url(`iframe-xo.html?port=${new URL(env.server2.origin).port}`));
  const frameLoc = page.frameLocator('#frame');
  await frameLoc.locator('body[contenteditable]').click();
  const frame = page.frames().find((f) => f.url().startsWith(env.server2.origin));
  assert.ok(frame, 'cross-origin frame loaded');
  const [d] = checker.check(S.apply, 'auto');
  await page.keyboard.type(S.apply);
  const got = await waitForUnderlines(page, (u) => sameTexts(u, checker.check(S.apply, 'auto').map((x) => x.text)));
  assert.deepEqual(got.map((u) => u.text).sort(), checker.check(S.apply, 'auto').map((x) => x.text).sort());

  const { x, y } = await underlinePoint(page, d.text);
  await page.mouse.move(x - 20, y + 40);
  await page.mouse.move(x, y, { steps: 3 });
  const pop = frameLoc.locator('conduct-rules-overlay .popover');
  await pop.waitFor({ state: 'visible' });
  assert.equal(await pop.locator('.message').textContent(), d.message);
  await screenshot(page, 'popover-iframe-cross-origin');
  await pop.locator('button[data-action="apply"]').first().click();
  const applied = S.apply.slice(0, d.start) + d.suggestions[0] + S.apply.slice(d.end);
  await frame.waitForFunction((t) => document.body.innerText.replace(/\u00a0/g, ' ').trim() === t, applied);
  await page.keyboard.press('Control+z');
  await frame.waitForFunction((t) => document.body.innerText.replace(/\u00a0/g, ' ').trim() === t, S.apply);
  await page.close();
});

test('hidden fields are not checked; a field is checked when it scrolls into view', async () => {
  const page = await env.ctx.newPage();
  await page.goto(env.url('hidden.html'));
  await page.click('#field');
  await afterTyping(page, () => page.keyboard.type(S.violating.en));
  const want = checker.check(S.violating.en, 'auto').map((d) => d.text).sort();
  // Only the visible field: the hidden one and the one far below the fold have the same text as
  // each other but no underline.
  assert.deepEqual((await underlines(page)).map((u) => u.text).sort(), want);
  const before = await checkCount(page);
  await page.locator('#below').scrollIntoViewIfNeeded();
  const zh = checker.check(S.violating.zh, 'auto').map((d) => d.text);
  await waitForUnderlines(page, (u) => zh.every((t) => u.some((x) => x.text === t)));
  assert.ok(await checkCount(page) > before);
  await page.close();
});

test('cross-origin designMode document: underlined, and nothing is added to it (no popover there)', async () => {
  const page = await env.ctx.newPage();
  await page.goto(env.url(`iframe-xo-design.html?port=${new URL(env.server2.origin).port}`));
  await page.frameLocator('#frame').locator('body').click();
  const frame = page.frames().find((f) => f.url().includes('frame-design'));
  await frame.waitForFunction(() => document.designMode === 'on');
  const want = checker.check(S.violating.zh, 'auto').map((d) => d.text);
  await page.keyboard.type(S.violating.zh);
  const got = await waitForUnderlines(page, (u) => sameTexts(u, want));
  assert.deepEqual(got.map((u) => u.text), want);
  const { x, y } = await underlinePoint(page, want[0]);
  await page.mouse.move(x, y, { steps: 3 });
  await page.waitForTimeout(300);   // longer than the hover delay: a popover would exist by now
  assert.equal(await frame.evaluate(() => document.querySelectorAll('*').length && [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('conduct-')).length), 0);
  await page.close();
});
