// The guard where fields are harder to reach: a contenteditable composer inside an open shadow root
// (Enter and a button named 发送 send) and a reply body in a same-origin iframe with a role=button
// "Send reply" outside any form. Held, reviewed, sent anyway exactly once, text untouched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine, screenshot } from './lib/harness.mjs';
import { afterTyping, assertNoForeignRequests } from './lib/flow.mjs';
import { dialog, expectDialog, sent, openWithGuard, setGuard, waitFor, dialogFindings, pickGuardSentences, rulesAtOrAbove, launch, freshKey, focused } from './guard-lib.mjs';

let env, checker, S;

before(async () => {
  const engine = await loadEngine();
  checker = new engine.Checker();
  S = pickGuardSentences(checker);
  env = await launch({ key: freshKey() });
});

after(async () => {
  await env?.close();
  if (env) assertNoForeignRequests(env);
  env?.cleanup();
});

const composerText = (page) => page.evaluate(() => document.querySelector('chat-box').shadowRoot.querySelector('#composer').innerText.replace(/\n$/, ''));
const frameText = (page) => page.frame({ url: /guard-frame-body/ }).evaluate(() => document.body.innerText.replace(/\n$/, ''));

test('shadow-root contenteditable chat: Enter and the 发送 button are guarded', async () => {
  await setGuard(env, { mode: 'warn' });
  const page = await openWithGuard(env, 'guard-widget.html', { mode: 'warn' });
  try {
    const composer = page.locator('chat-box #composer');
    await composer.click();
    await afterTyping(page, () => page.keyboard.type(S.clean.zh));
    await page.keyboard.press('Enter');
    await waitFor(async () => (await sent(page)).length === 1, 'clean Enter sends');
    assert.deepEqual(await sent(page), [{ from: 'chat', text: S.clean.zh }]);

    await composer.click();
    await afterTyping(page, () => page.keyboard.type(S.zh));
    await page.keyboard.press('Enter');
    await expectDialog(page);
    assert.deepEqual((await dialogFindings(page)).map((f) => f.rule).sort(), rulesAtOrAbove(checker, S.zh).sort());
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    assert.equal(await composerText(page), S.zh);
    assert.equal(await focused(page), 'chat', 'focus back in the widget');

    await page.locator('chat-box #send').click();
    await expectDialog(page);
    assert.equal((await sent(page)).length, 1);
    await dialog(page).locator('button[data-action=send]').click();
    await waitFor(async () => (await sent(page)).length === 2, 'sent anyway');
    assert.deepEqual((await sent(page))[1], { from: 'chat', text: S.zh });

    // Enter again after send anyway (the page emptied the composer): a new violating text is held again.
    await composer.click();
    await afterTyping(page, () => page.keyboard.type(S.zh2));
    await page.keyboard.press('Enter');
    await expectDialog(page);
    // The page's own scripts cannot press "Send anyway".
    await page.evaluate(() => document.querySelector('conduct-rules-guard').shadowRoot.querySelector('button[data-action=send]').click());
    assert.equal(await dialog(page).count(), 1, 'a scripted click does not send');
    assert.equal((await sent(page)).length, 2);
    // Keyboard only: focus starts on Review; Shift+Tab reaches Send anyway; Enter presses it.
    assert.equal(await focused(page), 'guard:review primary');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(page), 'guard:send');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await sent(page)).length === 3, 'sent anyway by Enter');
    assert.deepEqual((await sent(page))[2], { from: 'chat', text: S.zh2 });
    assert.equal((await sent(page)).length, 3);
  } finally {
    await page.close();
  }
});

test('iframe body with a role=button "Send reply": held; Review returns to the frame; send anyway once', async () => {
  await setGuard(env, { mode: 'justify' });
  const page = await openWithGuard(env, 'guard-widget.html', { mode: 'justify' });
  try {
    const body = page.frameLocator('#frame').locator('body');
    await body.click();
    await afterTyping(page, () => page.keyboard.type(`${S.en2}\nBest regards`));
    assert.equal(await dialog(page).count(), 0, 'Enter in a tall framed body is a line break');
    const text = `${S.en2}\nBest regards`;
    assert.equal(await frameText(page), text);
    await page.click('#mail-send');
    await expectDialog(page);
    assert.deepEqual(await sent(page), []);
    await screenshot(page, 'guard-iframe-justify');
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    assert.equal(await frameText(page), text);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'frame', 'focus back in the framed body');

    // Ctrl+Enter inside the frame is a send too (the page has no handler for it: nothing is sent).
    await page.keyboard.press('Control+Enter');
    await expectDialog(page);
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });

    await page.click('#mail-send');
    await expectDialog(page);
    await page.keyboard.type('customer requested the price list');
    await dialog(page).locator('button[data-action=send]').click();
    await waitFor(async () => (await sent(page)).length === 1, 'sent anyway');
    assert.deepEqual(await sent(page), [{ from: 'mail', text }]);
  } finally {
    await page.close();
  }
});
