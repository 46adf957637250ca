// Popover actions that change settings (ignore once, turn off this rule, turn off on this site)
// and that they survive a reload; the toolbar popup; the options page (custom terms, a policy that
// throws is reported and the last valid checker stays in use); recovery after the worker stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, loadEngine, underlines, waitForUnderlines, openPopover, checkCount, screenshot, sameTexts } from './lib/harness.mjs';
import { afterTyping, assertNoForeignRequests } from './lib/flow.mjs';
import { pickSentences, termRule } from './lib/sentences.mjs';
import { norm } from './lib/pages.mjs';
import { stopWorker } from './lib/worker.mjs';

let env, checker, S, engine;

before(async () => {
  engine = await loadEngine();
  checker = new engine.Checker();
  S = pickSentences(checker);
  env = await setup();
});

after(async () => {
  await env?.close();
  if (env) assertNoForeignRequests(env);
  env?.cleanup();
});

const texts = (us) => us.map((u) => norm(u.text)).sort();
const flaggedTexts = (s) => checker.check(s, 'auto').map((d) => d.text).sort();

async function typeIn(page, url, text) {
  await page.goto(env.url(url));
  await page.click('#field');
  await afterTyping(page, () => page.keyboard.type(text));
}

async function extPage(path) {
  const p = await env.ctx.newPage();
  await p.goto(env.extUrl(path));
  return p;
}

async function resetSettings() {
  const p = await extPage('options/options.html');
  await p.evaluate(async () => { await chrome.storage.sync.clear(); await chrome.storage.local.remove('ignored'); });
  await p.close();
}

test('ignore once hides that finding, stores only a hash, and survives a reload', async () => {
  await resetSettings();
  const page = await env.ctx.newPage();
  // Two sentences: within one clause a clause-wide commitment finding would overlap the insult,
  // and the textarea mirror draws overlapping findings as one underline.
  const text = `${S.violating.zh}。${S.violating.en}`;
  const all = flaggedTexts(text);
  const zh = checker.check(text, 'auto')[0];
  await typeIn(page, 'textarea.html', text);
  assert.deepEqual(texts(await waitForUnderlines(page, (u) => sameTexts(u, all, norm))), all);
  const pop = await openPopover(page, zh.text);
  await pop.locator('button[data-action="ignore"]').click();
  const rest = all.filter((t, i) => i !== all.indexOf(zh.text));
  await waitForUnderlines(page, (u) => u.length === rest.length);

  await page.reload();
  await page.click('#field');
  await afterTyping(page, () => page.keyboard.type(text));
  assert.deepEqual(texts(await underlines(page)), rest.sort(), 'after reload the ignored finding stays hidden');

  // Elsewhere (different context) the same words are still flagged.
  await page.fill('#field', '');
  await afterTyping(page, () => page.keyboard.type(`${zh.text}${zh.text}`));
  assert.ok((await underlines(page)).length > 0, 'the same words in another context are still flagged');

  const opt = await extPage('options/options.html');
  const stored = await opt.evaluate(() => chrome.storage.local.get(null));
  assert.equal(stored.ignored.length, 1);
  assert.match(stored.ignored[0], /^[0-9a-f]{32}$/);
  assert.ok(!JSON.stringify(stored).includes(zh.text), 'the flagged text itself is never stored');
  await opt.close();
  await page.close();
});

test('turn off this rule: gone now, after a reload, and shown off on the options page; back on from there', async () => {
  await resetSettings();
  const page = await env.ctx.newPage();
  const d = checker.check(S.violating.en, 'auto')[0];
  await typeIn(page, 'textarea.html', S.violating.en);
  await waitForUnderlines(page, (u) => u.some((x) => x.text === d.text));
  const pop = await openPopover(page, d.text);
  await pop.locator('button[data-action="disable-rule"]').click();
  await waitForUnderlines(page, (u) => !u.some((x) => x.text === d.text));

  await page.reload();
  await page.click('#field');
  await afterTyping(page, () => page.keyboard.type(S.violating.en));
  assert.ok(!(await underlines(page)).some((x) => x.text === d.text), 'rule stays off after reload');

  const opt = await extPage('options/options.html');
  const cb = opt.locator(`tr[data-rule="${d.rule}"] input[type=checkbox]`);
  await cb.waitFor();
  assert.equal(await cb.isChecked(), false, 'options page shows the rule off');
  await cb.check();
  // The page rechecks by itself when the policy changes.
  await waitForUnderlines(page, (u) => u.some((x) => x.text === d.text));
  await opt.close();
  await page.close();
});

test('turn off on this site: no checks after a reload; the popup shows it and turns it back on', async () => {
  await resetSettings();
  const page = await env.ctx.newPage();
  const d = checker.check(S.violating.zh, 'auto')[0];
  await typeIn(page, 'textarea.html', S.violating.zh);
  await waitForUnderlines(page, (u) => u.length > 0);

  // Popup counts for the focused field.
  const popup = await extPage('popup/popup.html');
  const tabId = await popup.evaluate(async () => {
    for (const t of await chrome.tabs.query({})) {
      const st = await chrome.runtime.sendMessage({ kind: 'tab-state', tabId: t.id });
      if (st.host === '127.0.0.1') return t.id;
    }
    return null;
  });
  assert.ok(tabId != null, 'the worker knows the test tab');
  await popup.goto(env.extUrl(`popup/popup.html?tab=${tabId}`));
  await popup.locator('#counts').waitFor({ state: 'visible' });
  assert.equal(await popup.locator(`li[data-category="${d.category}"] .n`).textContent(), String(checker.check(S.violating.zh, 'auto').filter((x) => x.category === d.category).length));
  assert.equal(await popup.locator('#site-toggle').isChecked(), true);
  await popup.setViewportSize({ width: 320, height: 260 });
  await screenshot(popup, 'popup');

  const pop = await openPopover(page, d.text);
  await pop.locator('button[data-action="disable-site"]').click();
  await waitForUnderlines(page, (u) => u.length === 0);

  await page.reload();
  await page.click('#field');
  await page.keyboard.type(S.violating.zh);
  await page.waitForFunction(() => document.querySelector('#field').value.length > 0);
  // Give the (disabled) content script more than its throttle window to misbehave.
  await page.waitForTimeout(400);
  assert.equal(await checkCount(page), 0, 'no checks on a site that is turned off');
  assert.deepEqual(await underlines(page), []);

  await popup.reload();
  await popup.locator('#site-toggle').waitFor();
  await popup.waitForFunction(() => document.querySelector('#host').textContent === '127.0.0.1');
  assert.equal(await popup.locator('#site-toggle').isChecked(), false, 'popup shows the site off');
  await popup.locator('#site-toggle').check();
  await waitForUnderlines(page, (u) => u.length > 0);
  await popup.close();
  await page.close();
});

test('options: custom terms are flagged; a policy that throws is reported and the last valid checker stays', async () => {
  await resetSettings();
  const opt = await extPage('options/options.html');
  await opt.locator('#terms-rule option').first().waitFor({ state: 'attached' });
  await opt.selectOption('#terms-rule', termRule(engine));
  await opt.fill('#terms-new', 'zorblax');
  await opt.click('#terms-add');
  await opt.locator('#terms-list li', { hasText: 'zorblax' }).waitFor();

  const page = await env.ctx.newPage();
  assert.deepEqual(checker.check('The zorblax report is attached.', 'auto'), [], 'clean without the custom term');
  await typeIn(page, 'textarea.html', 'The zorblax report is attached.');
  await waitForUnderlines(page, (u) => u.some((x) => x.text === 'zorblax'));

  // A settings change that makes the policy invalid: terms for a rule that does not exist.
  await opt.evaluate(async () => {
    const { settings } = await chrome.storage.sync.get('settings');
    settings.terms.push({ rule: 'no.such-rule', add: ['whatever'] });
    await chrome.storage.sync.set({ settings });
  });
  await opt.locator('#policy-error').waitFor({ state: 'visible' });
  const msg = await opt.locator('#policy-error-text').textContent();
  assert.match(msg, /no\.such-rule/, 'the error names the problem');
  await opt.setViewportSize({ width: 900, height: 700 });
  await opt.evaluate(() => window.scrollTo(0, 0));
  await screenshot(opt, 'options-policy-error');

  // The last valid checker (with "zorblax") is still used.
  await page.fill('#field', '');
  await afterTyping(page, () => page.keyboard.type('Is the zorblax ready?'));
  assert.ok((await underlines(page)).some((x) => x.text === 'zorblax'), 'last valid policy still in use');
  await opt.close();
  await page.close();
  await resetSettings();
});

test('the worker is stopped: the next keystroke wakes it and still gets underlines', async () => {
  await resetSettings();
  const page = await env.ctx.newPage();
  await typeIn(page, 'textarea.html', S.violating.zh);
  await waitForUnderlines(page, (u) => u.length > 0);

  const opt = await extPage('options/options.html');
  await stopWorker(env, opt);   // throws when the worker does not stop
  await opt.close();

  await page.fill('#field', '');
  await page.click('#field');
  await afterTyping(page, () => page.keyboard.type(S.violating.en), { timeout: 10000 });
  assert.deepEqual(texts(await waitForUnderlines(page, (u) => u.length > 0)), flaggedTexts(S.violating.en));
  await page.close();
});

test('options: approved commitments, allow-phrases, severities and categories take effect live', async () => {
  await resetSettings();
  const commit = 'I guarantee it will be live on Monday, see ZX-77';
  const insult = S.violating.zh;
  const [c] = checker.check(commit, 'auto');
  const [i] = checker.check(insult, 'auto');
  assert.ok(c && c.category === 'commitment', `engine flags "${commit}" as a commitment`);
  assert.ok(i, `engine flags "${insult}"`);

  const page = await env.ctx.newPage();
  await typeIn(page, 'textarea.html', `${commit}\n${insult}`);
  await waitForUnderlines(page, (u) => u.some((x) => x.text === c.text) && u.some((x) => x.text === i.text));

  const opt = await extPage('options/options.html');
  await opt.locator('#rules tr').first().waitFor();
  // Severity of the insult's rule → info: its underline turns blue (info).
  await opt.selectOption(`tr[data-rule="${i.rule}"] select`, 'info');
  await waitForUnderlines(page, (u) => u.some((x) => x.text === i.text && x.severity === 'info'));
  // Approved commitment reference: the commitment citing it is no longer a finding.
  await opt.fill('#approved', 'ZX-77');
  await opt.locator('#approved').press('Tab');
  await waitForUnderlines(page, (u) => !u.some((x) => x.text === c.text) && u.some((x) => x.text === i.text));
  // Allow-phrase covering the insult.
  await opt.fill('#allow', insult);
  await opt.locator('#allow').press('Tab');
  await waitForUnderlines(page, (u) => u.length === 0);
  // Category off: a commitment without the approval reference is not flagged either.
  await opt.locator('#cat-commitment').uncheck();
  await page.fill('#field', '');
  await afterTyping(page, () => page.keyboard.type('I guarantee it will be live on Monday'));
  assert.deepEqual(await underlines(page), [], 'commitment category off');
  const stored = await opt.evaluate(() => chrome.storage.sync.get('settings'));
  assert.deepEqual(stored.settings.approved_commitments, ['ZX-77']);
  assert.deepEqual(stored.settings.categories, { commitment: { enabled: false } });
  await opt.close();
  await page.close();
  await resetSettings();
});
