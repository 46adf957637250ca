// Startup robustness: within ~10 s of browser start, after a rule is turned off from the popover and
// the settings are then reset (chrome.storage.sync cleared, ignored keys removed), a newly opened
// page's field must still be checked. It once was not (3/3 runs, 0 checks for 30 s): the worker,
// busy reloading, answered the content script's first `hello` late, the pre-send guard had already
// picked up the focused field, and the late answer turned checking on without checking the fields
// it had (a failed `hello` was not retried either). The content script now watches fields from the
// start, rechecks them when `hello` answers and retries a failed `hello` with backoff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitForUnderlines, openPopover, checkCount } from './lib/harness.mjs';
import { extensionSuite } from './lib/suite.mjs';

const suite = extensionSuite();

const reset = ({ env } = suite) => env.ctx.serviceWorkers().find((w) => w.url().includes(env.extId))
  .evaluate(async () => { await chrome.storage.sync.clear(); await chrome.storage.local.remove('ignored'); });

test('settings reset right after browser start: a new page is still checked', async () => {
  const { env, checker } = suite;
  const text = '你们这些傻逼。\nour floor price is $3,000';
  const all = checker.check(text, 'auto');
  // The exact underlines, not just their number: while the text is typed the price finding grows
  // with its clause ("our floor price", "… is $", "… is $3"), so a count alone can match a stale one.
  const want = JSON.stringify(all.map((d) => d.text).sort());
  const exact = (u) => JSON.stringify(u.map((x) => x.text).sort()) === want;
  await reset();
  let page = await env.ctx.newPage();
  await page.goto(env.url('textarea.html'));
  await page.click('#field');
  await page.keyboard.type(text);
  await waitForUnderlines(page, exact, { timeout: 10000 });
  const pop = await openPopover(page, all[1].text);
  await pop.locator('button[data-action="disable-rule"]').click();
  await page.close();
  await reset();
  page = await env.ctx.newPage();
  await page.goto(env.url('textarea.html'));
  await page.click('#field');
  await page.keyboard.type(text);
  try {
    await waitForUnderlines(page, exact, { timeout: 10000 });
  } catch (e) {
    assert.fail(`new page not checked: ${await checkCount(page)} checks; ${e.message}`);
  } finally {
    await page.close();
  }
});
