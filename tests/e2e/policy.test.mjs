// Managed policy delivered the way an administrator does it on Linux Chromium: a JSON policy file
// in /etc/chromium/policies/managed/ with the extension's settings under
// {"3rdparty": {"extensions": {"<id>": {...}}}}. The file is machine-global, so this test loads a
// copy of the extension with its own freshly generated manifest `key` (hence its own id): the
// policy can only ever reach this test's browser, never another run's extension. The file has a
// unique name and is removed in teardown.
//
// Checks: chrome.storage.managed receives the policy; the guard runs in the managed mode (block)
// whatever the user chose; the managed extra rule flags text; the options page shows the managed
// settings as locked with the reason and refuses to clear the audit log; a managed policy that
// fails validation is reported on the options page with its location while the last valid policy
// (its guard and its rules) stays in force.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadEngine, screenshot } from './lib/harness.mjs';
import { POLICY_DIR, freshPolicyFile } from './lib/policy-file.mjs';
import { afterTyping, assertNoForeignRequests } from './lib/flow.mjs';
import { dialog, expectDialog, sent, waitMark, openWithGuard, waitFor, dialogFindings, inWorker, setGuard, auditLog, launch, freshKey } from './guard-lib.mjs';

const CODENAME = 'Project Falcon';
const CUSTOM_RULE = {
  id: 'disclosure.project-codename', category: 'disclosure', kind: 'internal', severity: 'error',
  message: { zh: '不要向客户透露内部项目代号', en: 'Do not disclose internal project code names' },
  norm: 'Internal project names stay internal.', terms: [CODENAME, '猎鹰计划'],
};
const MANAGED = {
  guard: { mode: 'block', threshold: 'warning' },
  locked: ['guard', 'audit', 'categories'],
  categories: { disclosure: { enabled: true, severity: 'error' } },
  rule: [CUSTOM_RULE],
  packs: [{ pack: { name: 'acme-internal', version: '1' }, rule: [{ ...CUSTOM_RULE, id: 'disclosure.acme-hostnames', terms: ['build-07.corp'] }] }],
  approved_commitments: ['CR-2026-0142'],
};

let env, policyFile, engine;

function writePolicy(id, settings) {
  mkdirSync(POLICY_DIR, { recursive: true });
  // Chromium re-reads a changed file only after it has been stable for a few seconds, so a
  // direct write is safe; the test also asks for an explicit reload.
  writeFileSync(policyFile, JSON.stringify({ '3rdparty': { extensions: { [id]: settings } } }, null, 2));
}

/** Asks Chromium to re-read its policy files now (chrome://policy → Reload policies). */
async function reloadPolicies(ctx) {
  const page = await ctx.newPage();
  try {
    await page.goto('chrome://policy');
    await page.locator('#reload-policies').click();
  } finally {
    await page.close();
  }
}

before(async () => {
  engine = await loadEngine();
  policyFile = freshPolicyFile('conduct-rules-e2e');
  env = await launch({ key: freshKey(), beforeLaunch: (id) => writePolicy(id, MANAGED) });
});

after(async () => {
  if (policyFile) rmSync(policyFile, { force: true });
  await env?.close();
  if (env) assertNoForeignRequests(env);
  env?.cleanup();
  assert.ok(!existsSync(policyFile), 'policy file removed');
});

test('the policy file reaches chrome.storage.managed', async () => {
  const managed = await waitFor(async () => {
    const m = await inWorker(env, () => chrome.storage.managed.get(null));
    return Object.keys(m).length && m;
  }, 'managed storage', 20000);
  assert.deepEqual(managed.guard, MANAGED.guard);
  assert.deepEqual(managed.locked, MANAGED.locked);
  assert.deepEqual(managed.rule[0].terms, CUSTOM_RULE.terms);
  assert.deepEqual(managed.packs, MANAGED.packs, 'packs survive Chromium\'s schema validation');
});

test('managed guard (block) and managed rule apply; the user cannot override a locked guard', async () => {
  await setGuard(env, { mode: 'warn' });   // ignored: `locked` has 'guard'
  const page = await openWithGuard(env, 'guard-chat.html', { mode: 'block' });
  try {
    await page.click('#msg');
    const text = `The ${CODENAME} release notes are on build-07.corp`;
    await afterTyping(page, () => page.keyboard.type(text));
    await page.keyboard.press('Enter');
    await expectDialog(page);
    assert.equal(await dialog(page).getAttribute('data-mode'), 'block');
    assert.deepEqual((await dialogFindings(page)).map((f) => f.rule), [CUSTOM_RULE.id, 'disclosure.acme-hostnames'], 'managed rule and managed pack');
    assert.equal(await dialog(page).locator('button[data-action=send]').count(), 0);
    await screenshot(page, 'guard-managed-block');
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    assert.deepEqual(await sent(page), []);
    const log = await waitFor(async () => { const l = await auditLog(env); return l.length && l; }, 'audit entry');
    assert.equal(log[0].action, 'blocked');
    assert.ok(!JSON.stringify(log).includes(CODENAME));
  } finally {
    await page.close();
  }
});

test('options page shows managed settings as locked, with the reason; audit cannot be cleared', async () => {
  const page = await env.ctx.newPage();
  try {
    await page.goto(env.extUrl('options/options.html'));
    await page.locator('#guard[data-ready=true]').waitFor({ state: 'attached' });
    assert.equal(await page.inputValue('#guard-mode'), 'block');
    assert.ok(await page.locator('#guard-mode').isDisabled(), 'guard mode locked');
    assert.ok(await page.locator('#guard-threshold').isDisabled(), 'threshold locked');
    assert.ok(await page.locator('#guard-mode-lock').isVisible());
    assert.equal(await page.locator('#guard-mode-lock').getAttribute('title'), 'Set by your administrator (managed policy)');
    assert.ok(await page.locator('#guard-locked-reason').isVisible());
    assert.ok(await page.locator('#audit-clear').isDisabled(), 'audit clear locked');
    assert.ok(await page.locator('#audit-clear-locked').isVisible());
    // The extension engineer's sections: categories locked by the same policy.
    await page.locator('#categories tr[data-category=disclosure]').waitFor();
    assert.ok(await page.locator('#cat-disclosure').isDisabled(), 'category locked');
    // The worker refuses to clear a locked log even when asked directly.
    const res = await page.evaluate(() => chrome.runtime.sendMessage({ kind: 'guard-audit-clear' }));
    assert.equal(res.kind, 'error');
    assert.ok((await auditLog(env)).length >= 1);
    await page.locator('#guard').scrollIntoViewIfNeeded();
    await screenshot(page, 'guard-options-managed');
  } finally {
    await page.close();
  }
});

test('an invalid managed policy is reported with its location; the last valid policy stays in force', async () => {
  // The new policy relaxes the guard to warn but names a rule that does not exist: it must not apply.
  writePolicy(env.extId, { ...MANAGED, guard: { mode: 'warn', threshold: 'warning' }, rules: { 'no.such-rule': { enabled: false } } });
  await reloadPolicies(env.ctx);
  await waitFor(async () => {
    const m = await inWorker(env, () => chrome.storage.managed.get(null));
    return m.rules && m.guard?.mode === 'warn';
  }, 'new managed policy delivered', 30000);
  // What the engine says about the policy text the worker built from it.
  const options = await env.ctx.newPage();
  try {
    await options.goto(env.extUrl('options/options.html'));
    await options.locator('#policy-error').waitFor({ state: 'visible', timeout: 10000 });
    const err = await options.locator('#policy-error-text').textContent();
    assert.match(err, /^policy:\d+:\d+: /, 'error has line:column');
    assert.match(err, /no\.such-rule/);
    console.log(`# reported: ${err}`);
    await screenshot(options, 'guard-options-policy-error');
  } finally {
    await options.close();
  }
  // Still block (the last valid policy's guard), and its rule still flags.
  const page = await openWithGuard(env, 'guard-chat.html', { mode: 'block' });
  try {
    await page.click('#msg');
    await afterTyping(page, () => page.keyboard.type(`猎鹰计划下周上线`));
    await page.keyboard.press('Enter');
    await expectDialog(page);
    assert.equal(await dialog(page).getAttribute('data-mode'), 'block');
    assert.ok((await dialogFindings(page)).some((f) => f.rule === CUSTOM_RULE.id));
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    assert.deepEqual(await sent(page), []);
  } finally {
    await page.close();
  }
});
