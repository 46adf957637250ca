// The extension's own UI in Chinese (browser UI language zh-CN), messages from the engine in the
// language of the text; and nothing the extension draws sits inside an editor's DOM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, loadEngine, waitForUnderlines, openPopover, screenshot } from './lib/harness.mjs';
import { afterTyping, assertNoForeignRequests } from './lib/flow.mjs';
import { pickSentences } from './lib/sentences.mjs';

let env, checker, S;
before(async () => {
  const engine = await loadEngine();
  checker = new engine.Checker();
  S = pickSentences(checker);
  env = await setup({ lang: 'zh-CN' });
});
after(async () => {
  await env?.close();
  if (env) assertNoForeignRequests(env);
  env?.cleanup();
});

test('zh-CN: popover actions, popup and options page are in Chinese', async () => {
  const page = await env.ctx.newPage();
  await page.goto(env.url('contenteditable.html'));
  await page.click('#field');
  await afterTyping(page, () => page.keyboard.type(S.apply));
  const [d] = checker.check(S.apply, 'auto');
  await waitForUnderlines(page, (u) => u.length > 0);
  const pop = await openPopover(page, d.text);
  assert.equal(await pop.locator('button[data-action="ignore"]').textContent(), '忽略此处');
  assert.equal(await pop.locator('button[data-action="disable-site"]').textContent(), '在此网站关闭');
  assert.equal(await pop.locator('.message').textContent(), d.message);
  await screenshot(page, 'popover-zh-ui');

  const opt = await env.ctx.newPage();
  await opt.goto(env.extUrl('options/options.html'));
  await opt.locator('#rules tr').first().waitFor();
  assert.equal(await opt.locator('h1').textContent(), '服务用语规范检查 — 设置');
  await opt.close();
  await page.close();
});

test('nothing is inserted into an editor: overlay host only as a child of <html> in the top document', async () => {
  const page = await env.ctx.newPage();
  for (const url of ['contenteditable.html', 'iframe.html', 'shadow.html', 'textarea.html']) {
    await page.goto(env.url(url));
    const field = url === 'iframe.html' ? page.frameLocator('#frame').locator('body') : page.locator(url === 'shadow.html' ? 'chat-widget #field' : '#field');
    await field.click();
    await afterTyping(page, () => page.keyboard.type(S.apply));
    const [d] = checker.check(S.apply, 'auto');
    await waitForUnderlines(page, (u) => u.length > 0);
    await openPopover(page, d.text);
    for (const frame of page.frames()) {
      const found = await frame.evaluate(() => {
        const out = [];
        const walk = (root) => {
          for (const el of root.querySelectorAll('*')) {
            if (el.localName.startsWith('conduct-')) out.push({ tag: el.localName, parent: el.parentNode === document.documentElement ? 'html' : el.parentNode.nodeName });
            if (el.shadowRoot && !el.localName.startsWith('conduct-')) walk(el.shadowRoot);
          }
        };
        walk(document);
        return out;
      });
      if (frame === page.mainFrame()) {
        assert.deepEqual(found, [{ tag: 'conduct-rules-overlay', parent: 'html' }], `${url}: top document`);
      } else {
        assert.deepEqual(found, [], `${url}: nothing in the iframe document`);
      }
    }
  }
  await page.close();
});
