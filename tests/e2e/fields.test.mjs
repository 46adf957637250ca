// On every kind of field: a violating sentence is underlined exactly where the engine says, a clean
// one is not; the popover shows the finding's message; "apply" changes the editor's own model and
// Ctrl+Z restores it. Screenshots with the popover open go to target/e2e-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, loadEngine, underlines, waitForUnderlines, openPopover, popover, screenshot, sameTexts } from './lib/harness.mjs';
import { PAGES, readModel, norm } from './lib/pages.mjs';
import { afterTyping, clearField, assertNoForeignRequests } from './lib/flow.mjs';
import { pickSentences } from './lib/sentences.mjs';

let env, engine, checker, CLEAN, VIOLATING, APPLY;

before(async () => {
  engine = await loadEngine();
  checker = new engine.Checker();
  ({ clean: CLEAN, violating: VIOLATING, apply: APPLY } = pickSentences(checker));
  console.log(`# sentences: ${JSON.stringify({ VIOLATING, APPLY })}`);
  env = await setup({ editors: true });
});

after(async () => {
  await env?.close();
  if (env) assertNoForeignRequests(env);
  env?.cleanup();
});

const expectedTexts = (sentence) => checker.check(sentence, 'auto').map((d) => norm(d.text)).sort();
const underlineTexts = (us) => us.map((u) => norm(u.text)).sort();

for (const p of PAGES) {
  test(`${p.name}: underlines exactly the flagged text, popover, apply and undo`, async () => {
    const page = await env.ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    try {
      await page.goto(env.url(p.url));
      if (p.ready) await p.ready(page);
      const field = p.field(page);
      await field.click();

      // Clean sentences: checked, nothing underlined.
      for (const lang of ['zh', 'en']) {
        assert.deepEqual(expectedTexts(CLEAN[lang]), [], `engine flags the clean ${lang} sentence`);
        await clearField(page);
        await afterTyping(page, () => page.keyboard.type(CLEAN[lang]));
        assert.deepEqual(await underlines(page), [], `${p.name}: clean ${lang} sentence underlined`);
      }

      // Violating sentences: exactly the engine's spans.
      for (const sentence of [VIOLATING.en, VIOLATING.zh, APPLY]) {
        const want = expectedTexts(sentence);
        assert.ok(want.length > 0, `engine does not flag "${sentence}"`);
        await clearField(page);
        await afterTyping(page, () => page.keyboard.type(sentence));
        const got = await waitForUnderlines(page, (u) => sameTexts(u, want, norm));
        assert.deepEqual(underlineTexts(got), want, `${p.name}: underlines for "${sentence}"`);
        for (const u of got.filter((x) => x.via === 'mirror')) {
          assert.equal(sentence.slice(u.start, u.end), u.text, 'mirror mark offsets');
        }
      }

      // The sentence with a suggestion is in the field now. Popover on its first finding.
      assert.ok(APPLY, 'the engine has no rule whose finding carries a suggestion to apply');
      const sentence = APPLY;
      const [d] = checker.check(sentence, 'auto');
      assert.equal(await readModel(p, page), sentence, `${p.name}: model before apply`);
      if (p.undoGroupMs) await page.waitForTimeout(p.undoGroupMs);
      const pop = await openPopover(page, d.text);
      assert.equal(await pop.locator('.message').textContent(), d.message);
      assert.equal(await pop.getAttribute('data-rule'), d.rule);
      if (d.norm) assert.equal(await pop.locator('.norm').textContent(), d.norm);
      await screenshot(page, `popover-${p.name}`);

      // Apply the first suggestion: through the editor's input path into its model.
      await pop.locator('button[data-action="apply"]').first().click();
      const applied = sentence.slice(0, d.start) + d.suggestions[0] + sentence.slice(d.end);
      await page.waitForFunction(() => true);
      await waitFor(async () => (await readModel(p, page)) === norm(applied), () => readModel(p, page), `${p.name}: model after apply`);
      await assertPopoverClosed(page);

      // Ctrl+Z restores the original text in the model.
      await page.keyboard.press('Control+z');
      await waitFor(async () => (await readModel(p, page)) === sentence, () => readModel(p, page), `${p.name}: model after Ctrl+Z`);
      // …and the finding is underlined again.
      await waitForUnderlines(page, (u) => u.some((x) => norm(x.text) === norm(d.text)));
      assert.deepEqual(errors, [], `${p.name}: page errors`);
    } finally {
      await page.close();
    }
  });
}

test('keyboard: Alt+Shift+K opens the popover with focus inside, Escape returns to the field', async () => {
  const page = await env.ctx.newPage();
  try {
    await page.goto(env.url('textarea.html'));
    await page.click('#field');
    await afterTyping(page, () => page.keyboard.type(`${VIOLATING.zh}。${VIOLATING.en}`));
    const n = (await waitForUnderlines(page, (u) => u.length >= 2)).length;
    // Screen readers are told how many findings the focused field has.
    await page.waitForFunction((k) => document.querySelector('conduct-rules-overlay')?.shadowRoot
      .querySelector('[role="status"]')?.textContent.includes(String(k)), n);
    await page.keyboard.press('Alt+Shift+K');
    const pop = popover(page);
    await pop.waitFor({ state: 'visible' });
    const first = await pop.getAttribute('data-rule');
    const focusedInPopover = await page.evaluate(() => {
      const host = document.querySelector('conduct-rules-overlay');
      return document.activeElement === host && !!host.shadowRoot.activeElement?.closest('.popover');
    });
    assert.ok(focusedInPopover, 'keyboard focus is inside the popover');
    // Alt+Shift+K again moves to the next finding.
    await page.keyboard.press('Alt+Shift+K');
    await page.waitForFunction((r) => document.querySelector('conduct-rules-overlay').shadowRoot.querySelector('.popover').dataset.rule !== r, first);
    await page.keyboard.press('Escape');
    await pop.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'field', 'focus returns to the field');
  } finally {
    await page.close();
  }
});

test('fields added later and in dark pages are checked; popover readable on dark pages', async () => {
  const page = await env.ctx.newPage();
  try {
    await page.goto(env.url('textarea-dark.html'));
    // A field inserted after load (MutationObserver).
    await page.evaluate(() => {
      const ta = document.createElement('textarea');
      ta.id = 'late';
      ta.rows = 3;
      document.body.appendChild(ta);
    });
    await page.click('#late');
    await afterTyping(page, () => page.keyboard.type(VIOLATING.zh));
    const want = expectedTexts(VIOLATING.zh);
    const got = await waitForUnderlines(page, (u) => sameTexts(u, want, norm));
    assert.deepEqual(underlineTexts(got), want);
    await page.click('#field');
    await afterTyping(page, () => page.keyboard.type(VIOLATING.en));
    await waitForUnderlines(page, (u) => sameTexts(u, [...want, ...expectedTexts(VIOLATING.en)], norm));
    const [d] = checker.check(VIOLATING.en, 'auto');
    const pop = await openPopover(page, d.text);
    assert.ok(await pop.evaluate((el) => el.classList.contains('dark')), 'dark popover on a dark page');
    await screenshot(page, 'popover-dark-page');
  } finally {
    await page.close();
  }
});

async function waitFor(pred, current, what, timeout = 5000) {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > timeout) assert.fail(`${what}: timed out; now ${JSON.stringify(await current())}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function assertPopoverClosed(page) {
  await popover(page).waitFor({ state: 'hidden', timeout: 2000 });
}
