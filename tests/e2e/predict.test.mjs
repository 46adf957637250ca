// Checks started at beforeinput (content/main.js onBeforeInput, adapters' expected()): while typing
// letters, the text a keystroke will give is known before the browser edits the field, in every
// kind of field and editor the tests know. A wrong guess costs a second round trip, so guesses must
// be right where they are made: none wrong in plain fields, few in the editors; and the underlines
// are those of the text the field really has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitForUnderlines, sameTexts } from './lib/harness.mjs';
import { afterTyping } from './lib/flow.mjs';
import { extensionSuite } from './lib/suite.mjs';
import { PAGES } from './lib/pages.mjs';
import { pickSentences } from './lib/sentences.mjs';

const suite = extensionSuite({ editors: true });

/** Sum of a mark's count over the page's frames (a cross-origin frame drives itself). */
async function marks(page, name) {
  let n = 0;
  for (const f of page.frames()) n += await f.evaluate((x) => performance.getEntriesByName(x).length, name).catch(() => 0);
  return n;
}

for (const p of PAGES) {
  test(`${p.name}: typing is checked from beforeinput, the guesses right`, async () => {
    const { env, checker } = suite;
    const S = pickSentences(checker);
    const page = await env.ctx.newPage();
    try {
      await page.goto(env.url(p.url));
      await p.ready?.(page);
      await p.field(page).click();
      await afterTyping(page, () => page.keyboard.insertText(`${S.violating.zh}。 `), { timeout: 15000 });
      const [p0, m0] = [await marks(page, 'conduct:predicted'), await marks(page, 'conduct:mispredicted')];
      await afterTyping(page, async () => {
        await page.keyboard.type(`Thanks for waiting, ${S.violating.en} x😀y`, { delay: 40 });
        // Deleting a surrogate pair (the emoji) is one character.
        for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace', { delay: 40 });
      }, { timeout: 15000 });
      const model = await p.model(page);
      await waitForUnderlines(page, (u) => sameTexts(u, checker.check(model, 'auto').map((d) => d.text)), { timeout: 15000 });
      const predicted = (await marks(page, 'conduct:predicted')) - p0, wrong = (await marks(page, 'conduct:mispredicted')) - m0;
      console.log(`${p.name}: ${predicted} checks started at beforeinput, ${wrong} guesses wrong`);
      assert.ok(predicted >= 15, `${predicted} checks started at beforeinput`);
      if (['textarea', 'input', 'contenteditable'].includes(p.name)) assert.equal(wrong, 0, 'no wrong guess in a plain field');
      else assert.ok(wrong <= predicted / 4, `${wrong} of ${predicted} guesses wrong`);
    } finally {
      await page.close();
    }
  });
}
