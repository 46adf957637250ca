// Checks as edits in the browser (extension/src/shared/delta.js): after the first check of a field
// on a port, the content script sends only the edit of the text and gets back only the findings that
// changed. The underlines must stay exactly those of a whole-text check when two fields of a page are
// typed into in quick turns, and when the worker was stopped in between (its texts gone with it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { underlines, waitForUnderlines, sameTexts } from './lib/harness.mjs';
import { afterTyping } from './lib/flow.mjs';
import { extensionSuite } from './lib/suite.mjs';
import { stopWorker } from './lib/worker.mjs';
import { pickSentences } from './lib/sentences.mjs';
import { supportMessage } from './lib/messages.mjs';

const suite = extensionSuite();

const count = (page, name) => page.evaluate((n) => performance.getEntriesByName(n).length, name);
const textOf = (page, sel) => page.evaluate((s) => {
  const el = document.querySelector(s);
  return el.localName === 'textarea' ? el.value : el.innerText;
}, sel);

/** The textarea's underlines are exactly the engine's findings `want` (positions included; the
 * mirror draws a finding that overlaps the one before it as part of that one). */
function sameMirror(got, want) {
  const a = got.filter((u) => u.via === 'mirror').map((u) => `${u.start}-${u.end} ${u.text}`).sort();
  let pos = 0;
  const b = want.filter((d) => { const ok = d.start >= pos; if (ok) pos = d.end; return ok; }).map((d) => `${d.start}-${d.end} ${d.text}`).sort();
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Runs `fn(page, S)` on a new page at fixture `file` (S: the sentences of lib/sentences.mjs), then closes it. */
async function onPage(file, fn) {
  const page = await suite.env.ctx.newPage();
  try {
    await page.goto(suite.env.url(file));
    await fn(page, pickSentences(suite.checker));
  } finally {
    await page.close();
  }
}

test('two fields typed into in quick turns keep their own underlines', async () => {
  const { checker } = suite;
  await onPage('two-fields.html', async (page, S) => {
    const a0 = supportMessage(S, 3000), b0 = supportMessage(S, 1500).split('\n').reverse().join('\n');
    await page.click('#a');
    await afterTyping(page, () => page.keyboard.insertText(a0), { timeout: 20000 });
    await page.click('#b');
    await afterTyping(page, () => page.keyboard.insertText(b0), { timeout: 20000 });
    const edits0 = await count(page, 'conduct:edit');
    // Short bursts, no pause between the fields: checks of both are in flight together.
    const bursts = [['#a', `${S.violating.en} `], ['#b', `${S.violating.zh}。`], ['#a', 'we will look into it '], ['#b', ' ok? '],
      ['#a', `${S.violating.zh}。`], ['#b', `${S.violating.en}`]];
    for (const [sel, s] of bursts) {
      await page.focus(sel);
      await page.keyboard.press('Control+End');
      await page.keyboard.type(s, { delay: 5 });
    }
    const a = await textOf(page, '#a');
    const want = checker.check(a, 'auto');
    assert.ok(a.endsWith(`${S.violating.zh}。`) && want.length > 4, 'the textarea got its bursts');
    const got = await waitForUnderlines(page, (u) => sameMirror(u, want)
      && sameTexts(u.filter((x) => x.via === 'highlight'), [...checker.check(b0 + bursts.filter(([s]) => s === '#b').map(([, s]) => s).join(''), 'auto')].map((d) => d.text)),
    { timeout: 15000 }).catch(async (e) => {
      throw new Error(`${e.message}\nwant textarea ${JSON.stringify(want.map((d) => [d.start, d.end, d.text]))}\n${JSON.stringify(a.slice(-200))}\nb ${JSON.stringify(await textOf(page, '#b'))}`);
    });
    assert.ok(got.length > want.length, 'both fields have underlines');
    assert.ok(await count(page, 'conduct:edit') > edits0 + 10, 'the keystrokes went as edits');
    assert.equal(await count(page, 'conduct:miss'), 0, 'the worker had the text of each field the edits were of');
  });
});

test('edits after a worker restart give the underlines of a whole-text check', async () => {
  const { env, checker } = suite;
  await onPage('textarea.html', async (page, S) => {
    const text = supportMessage(S, 4096);
    await page.click('#field');
    await afterTyping(page, () => page.keyboard.insertText(text), { timeout: 20000 });
    await waitForUnderlines(page, (u) => sameMirror(u, checker.check(text, 'auto')), { timeout: 20000 });
    for (let round = 0; round < 2; round++) {
      await stopWorker(env, page);
      await page.waitForTimeout(100);
      // At the end, then in the middle (findings after the edit move), then a deletion.
      await page.keyboard.press('Control+End');
      await page.keyboard.type(` ${S.violating.en}`, { delay: 15 });
      await page.evaluate(() => { const el = document.querySelector('#field'); el.setSelectionRange(40, 40); });
      await page.keyboard.type(`${S.violating.zh}。`, { delay: 15 });
      await page.keyboard.press('Backspace');
      await page.keyboard.press('Backspace');
      const now = await textOf(page, '#field');
      await waitForUnderlines(page, (u) => sameMirror(u, checker.check(now, 'auto')), { timeout: 20000 })
        .catch(async (e) => { throw new Error(`round ${round}: ${e.message}\nwant ${JSON.stringify(checker.check(now, 'auto').map((d) => [d.start, d.end, d.text]))}`); });
    }
    assert.ok(await count(page, 'conduct:edit') > 10, 'the keystrokes after the restarts went as edits');
    assert.ok((await underlines(page)).length >= 4);
  });
});

test('a textarea check starts at beforeinput; a page that changes the edit still gets the right underlines', async () => {
  const { checker } = suite;
  await onPage('textarea-filter.html', async (page, S) => {
    await page.click('#field');
    const text = supportMessage(S, 2048);
    await afterTyping(page, () => page.keyboard.insertText(text), { timeout: 20000 });
    await page.keyboard.press('Control+End');
    const predicted0 = await count(page, 'conduct:predicted');
    // "!" turns into "。" (a sentence end: the findings around it change), "#" is dropped, "~" becomes "-".
    await page.keyboard.type(` ${S.violating.zh}!${S.violating.en}#x~yz`, { delay: 30 });
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    const now = await textOf(page, '#field');
    assert.ok(now.includes(`${S.violating.zh}。${S.violating.en}x-`) && !/[!#~]/.test(now), JSON.stringify(now.slice(-80)));
    await waitForUnderlines(page, (u) => sameMirror(u, checker.check(now, 'auto')), { timeout: 20000 });
    assert.ok(await count(page, 'conduct:predicted') > predicted0 + 10, 'checks started at beforeinput');
    // "!" and "#" are not guessed (the page cancels their edits); "~" is, wrongly, and checked again.
    assert.equal(await count(page, 'conduct:mispredicted'), 1, 'the guess for "~" was wrong');
  });
});
