// IME composition (CDP Input.imeSetComposition, as a Chinese IME drives the page): nothing is
// checked while the composition is open; the committed text is checked at compositionend.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, loadEngine, underlines, waitForUnderlines, checkCount, sameTexts } from './lib/harness.mjs';
import { afterTyping, assertNoForeignRequests } from './lib/flow.mjs';
import { PAGES } from './lib/pages.mjs';

let env, checker;
before(async () => {
  const engine = await loadEngine();
  checker = new engine.Checker();
  env = await setup();
});
after(async () => {
  await env?.close();
  if (env) assertNoForeignRequests(env);
  env?.cleanup();
});

const PREFIX = '你们这些';
const WORD = '傻逼';

for (const p of PAGES.filter((x) => ['textarea', 'contenteditable', 'iframe'].includes(x.name))) {
  test(`${p.name}: not checked mid-composition, checked after compositionend`, async () => {
    const want = checker.check(PREFIX + WORD, 'auto').map((d) => d.text);
    assert.ok(want.length, 'engine flags the composed sentence');
    const page = await env.ctx.newPage();
    try {
      await page.goto(env.url(p.url));
      if (p.ready) await p.ready(page);
      await p.field(page).click();
      await afterTyping(page, () => page.keyboard.type(PREFIX));
      const cdp = await env.ctx.newCDPSession(page);
      const before = await checkCount(page);
      // The IME shows pinyin first, then candidates; each step changes the field's text.
      for (const [text, n] of [['s', 1], ['sha', 3], ['sha b', 5], ['傻逼', 2]]) {
        await cdp.send('Input.imeSetComposition', { text, selectionStart: n, selectionEnd: n });
      }
      // Longer than the 150 ms throttle: a check would have run by now if one were scheduled.
      await page.waitForTimeout(400);
      assert.equal(await checkCount(page), before, 'no check while composing');
      assert.deepEqual(await underlines(page), [], 'no underline while composing');
      await cdp.send('Input.insertText', { text: WORD });   // commits: compositionend
      const got = await waitForUnderlines(page, (u) => sameTexts(u, want));
      assert.deepEqual(got.map((u) => u.text), want);
      assert.ok(await checkCount(page) > before, 'checked after compositionend');
    } finally {
      await page.close();
    }
  });
}
