// Managed settings (chrome.storage.managed, from a Chromium policy file for this extension's fixed
// id): they override the user's settings, show as locked on the options page and in the popup,
// and the worker refuses to change them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, rmSync, accessSync, constants } from 'node:fs';
import { POLICY_DIR } from './lib/policy-file.mjs';
import { join } from 'node:path';
import { setup, loadEngine, underlines, waitForUnderlines, screenshot } from './lib/harness.mjs';
import { afterTyping, assertNoForeignRequests } from './lib/flow.mjs';
import { pickSentences, termRule } from './lib/sentences.mjs';

const EXT_ID = 'bhmeeajmbffmldojmaipnihlgajcdlab';   // from the manifest's fixed key
const policyFile = join(POLICY_DIR, `conduct-rules-e2e-${process.pid}.json`);

let env, checker, S, d, canWrite = true;

before(async () => {
  const engine = await loadEngine();
  checker = new engine.Checker();
  S = pickSentences(checker);
  [d] = checker.check(S.apply, 'auto');
  try { mkdirSync(POLICY_DIR, { recursive: true }); accessSync(POLICY_DIR, constants.W_OK); } catch { canWrite = false; return; }
  const managed = {
    rules: { [d.rule]: { enabled: false } },
    terms: [{ rule: termRule(engine), add: ['zorblax'] }],
    allow: ['SB-Pro controller'],
    locked: ['sites'],
  };
  writeFileSync(policyFile, JSON.stringify({ '3rdparty': { extensions: { [EXT_ID]: managed } } }));
  console.log('# managed policy for the test:', JSON.stringify(managed));
  env = await setup();
});

after(async () => {
  rmSync(policyFile, { force: true });
  await env?.close();
  if (env) assertNoForeignRequests(env);
  env?.cleanup();
});

test('managed settings override, show as locked, and cannot be changed', { skip: !canWrite && 'needs a writable /etc/chromium/policies' }, async (t) => {
  if (!env) return t.skip(`cannot write ${POLICY_DIR}`);
  assert.equal(env.extId, EXT_ID, 'the manifest key gives the expected extension id');
  const page = await env.ctx.newPage();
  await page.goto(env.url('textarea.html'));
  await page.click('#field');
  await afterTyping(page, () => page.keyboard.type(`${S.apply} The zorblax report is attached.`));
  const us = await waitForUnderlines(page, (u) => u.some((x) => x.text === 'zorblax'));
  assert.ok(!us.some((x) => x.text === d.text), `managed: ${d.rule} is off`);

  const opt = await env.ctx.newPage();
  await opt.goto(env.extUrl('options/options.html'));
  const row = opt.locator(`tr[data-rule="${d.rule}"]`);
  await row.waitFor();
  assert.equal(await row.locator('input[type=checkbox]').isChecked(), false);
  assert.equal(await row.locator('input[type=checkbox]').isDisabled(), true, 'locked rule checkbox disabled');
  assert.equal(await row.locator('.lock').count(), 1, 'lock badge');
  assert.ok((await opt.locator('#allow-managed').textContent()).includes('SB-Pro controller'));
  assert.equal(await opt.locator('#sites-deny').isDisabled(), true, 'sites locked');
  await row.scrollIntoViewIfNeeded();
  await screenshot(opt, 'options-managed');
  // The worker refuses what the administrator set.
  const res = await opt.evaluate((rule) => chrome.runtime.sendMessage({ kind: 'set-rule', rule, enabled: true }), d.rule);
  assert.equal(res.kind, 'error');
  const res2 = await opt.evaluate(() => chrome.runtime.sendMessage({ kind: 'set-site', host: '127.0.0.1', enabled: false }));
  assert.equal(res2.kind, 'error');
  // A user setting for a locked rule has no effect either.
  await opt.evaluate(async (rule) => chrome.storage.sync.set({ settings: { rules: { [rule]: { enabled: true } } } }), d.rule);
  await page.fill('#field', '');
  await afterTyping(page, () => page.keyboard.type(S.apply));
  assert.ok(!(await underlines(page)).some((x) => x.text === d.text), 'user cannot re-enable a managed rule');
  await opt.close();
  await page.close();
});
