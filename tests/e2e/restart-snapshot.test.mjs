// After a service-worker restart, the first keystroke in a draft the old worker had checked
// re-checks only its sentence: the old worker left a snapshot of its sentence findings in session
// storage (53-bit hashes and findings, never text), and the new one restores it. The underlines
// must be exactly those of a whole-text check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitForUnderlines, sameTexts } from './lib/harness.mjs';
import { afterTyping } from './lib/flow.mjs';
import { extensionSuite } from './lib/suite.mjs';
import { stopWorker, currentWorker } from './lib/worker.mjs';
import { pickSentences } from './lib/sentences.mjs';
import { supportMessage } from './lib/messages.mjs';

const suite = extensionSuite();
const texts = (text) => suite.checker.check(text, 'auto').map((d) => d.text);

test('the first check after a restart re-checks one sentence and draws what a whole check finds', async () => {
  const { env, checker } = suite;
  const text = supportMessage(pickSentences(checker), 2048);
  const page = await env.ctx.newPage();
  try {
    await page.goto(env.url('textarea.html'));
    await page.click('#field');
    await afterTyping(page, () => page.keyboard.insertText(text), { timeout: 20000 });
    await waitForUnderlines(page, (u) => sameTexts(u, texts(text)), { timeout: 20000 });
    assert.ok(texts(text).length >= 2, 'the message has findings');

    // The snapshot is written once checks pause; it holds no text.
    const worker = await currentWorker(env);
    let snap;
    for (let i = 0; i < 100 && !snap?.entries?.length; i++) {
      await page.waitForTimeout(50);
      snap = (await worker.evaluate(() => chrome.storage.session.get('segments'))).segments;
    }
    assert.ok(snap?.entries?.length > 3, `a snapshot with the message's sentences: ${JSON.stringify(snap)?.slice(0, 200)}`);
    const stored = JSON.stringify(snap);
    for (const d of checker.check(text, 'auto')) assert.ok(!stored.includes(d.text), `no text in the snapshot: ${d.text}`);

    await stopWorker(env, page);
    await page.waitForTimeout(200);
    await page.keyboard.press('Control+End');
    await page.keyboard.type('x');
    const edited = `${text}x`;
    // The findings do not change with the key: wait for the new worker's first check itself.
    const fresh = await currentWorker(env);
    let marks = {};
    for (let i = 0; i < 400 && !marks.first; i++) {
      await page.waitForTimeout(50);
      marks = await fresh.evaluate(() => ({
        restored: performance.getEntriesByName('conduct:segments-restored').length,
        first: performance.getEntriesByName('conduct:first-check-chars')[0]?.detail,
      }));
    }
    await waitForUnderlines(page, (u) => sameTexts(u, texts(edited)), { timeout: 20000 });
    assert.equal(marks.restored, 1, 'the new worker restored the snapshot');
    assert.ok(marks.first && marks.first.of === edited.length, JSON.stringify(marks));
    assert.ok(marks.first.checked < 400, `one sentence checked, not the message: ${JSON.stringify(marks.first)}`);
  } finally {
    await page.close();
  }
});
