// The guard's dialog in the extension's Chinese UI (browser UI language zh-CN): title, intro and
// buttons from _locales/zh_CN, the findings' messages from the engine in the language of the text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine, screenshot } from './lib/harness.mjs';
import { afterTyping, assertNoForeignRequests } from './lib/flow.mjs';
import { dialog, expectDialog, sent, openWithGuard, setGuard, pickGuardSentences, launch, freshKey } from './guard-lib.mjs';

let env, checker, S;

before(async () => {
  const engine = await loadEngine();
  checker = new engine.Checker();
  S = pickGuardSentences(checker);
  env = await launch({ key: freshKey(), lang: 'zh-CN' });
});

after(async () => {
  await env?.close();
  if (env) assertNoForeignRequests(env);
  env?.cleanup();
});

test('zh-CN: the dialog speaks Chinese', async () => {
  await setGuard(env, { mode: 'justify' });
  const page = await openWithGuard(env, 'guard-chat.html', { mode: 'justify' });
  try {
    await page.click('#msg');
    await afterTyping(page, () => page.keyboard.type(S.zh2));
    await page.keyboard.press('Enter');
    await expectDialog(page);
    const d = dialog(page);
    assert.equal(await d.locator('h2').textContent(), '发送前请检查');
    assert.equal(await d.locator('button[data-action=review]').textContent(), '返回修改');
    assert.equal(await d.locator('button[data-action=send]').textContent(), '仍然发送');
    assert.equal(await d.locator('label').textContent(), '仍要发送的理由');
    const want = checker.check(S.zh2, 'auto').filter((x) => x.severity !== 'info').map((x) => x.message);
    assert.deepEqual(await d.locator('li.finding .message').allTextContents(), want);
    await screenshot(page, 'guard-dialog-zh');
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
    assert.deepEqual(await sent(page), []);
  } finally {
    await page.close();
  }
});
