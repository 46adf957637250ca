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
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync, createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, loadEngine, screenshot } from './lib/harness.mjs';
import { EXT_OUT, EXT_SRC, ARTIFACTS } from './lib/paths.mjs';
import { startServer } from './lib/server.mjs';
import { afterTyping, assertNoForeignRequests } from './lib/flow.mjs';
import { dialog, expectDialog, sent, waitMark, openWithGuard, waitFor, dialogFindings, inWorker, setGuard, auditLog } from './guard-lib.mjs';

const POLICY_DIR = '/etc/chromium/policies/managed';
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
  approved_commitments: ['CR-2026-0142'],
};

let env, policyFile, engine;

/** A fresh RSA key → the manifest `key` and the extension id Chromium derives from it. */
function freshKey() {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const id = [...createHash('sha256').update(der).digest('hex').slice(0, 32)].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
  return { key: der.toString('base64'), id };
}

function writePolicy(id, settings) {
  mkdirSync(POLICY_DIR, { recursive: true });
  const tmp = `${policyFile}.tmp`;
  writeFileSync(tmp, JSON.stringify({ '3rdparty': { extensions: { [id]: settings } } }, null, 2));
  cpSync(tmp, policyFile);
  rmSync(tmp);
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

/** Files left by an earlier run that was killed (its process is gone) are removed. */
function removeStalePolicies() {
  if (!existsSync(POLICY_DIR)) return;
  for (const f of readdirSync(POLICY_DIR)) {
    const m = /^conduct-rules-e2e-(\d+)-[0-9a-f]+\.json$/.exec(f);
    if (!m) continue;
    try { process.kill(Number(m[1]), 0); } catch { rmSync(join(POLICY_DIR, f), { force: true }); }
  }
}

before(async () => {
  removeStalePolicies();
  engine = await loadEngine();
  const { build } = await import(join(EXT_SRC, 'build.mjs'));
  build(EXT_OUT);
  const profile = mkdtempSync(join(tmpdir(), 'conduct-policy-e2e-'));
  const extDir = join(profile, 'extension');
  cpSync(EXT_OUT, extDir, { recursive: true });
  const { key, id } = freshKey();
  const manifest = JSON.parse(readFileSync(join(extDir, 'manifest.json'), 'utf8'));
  manifest.key = key;
  writeFileSync(join(extDir, 'manifest.json'), JSON.stringify(manifest, null, 2));

  policyFile = join(POLICY_DIR, `conduct-rules-e2e-${process.pid}-${randomBytes(4).toString('hex')}.json`);
  writePolicy(id, MANAGED);

  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await startServer();
  const ctx = await chromium.launchPersistentContext(join(profile, 'user-data'), {
    executablePath: CHROMIUM, headless: true, ignoreDefaultArgs: ['--disable-extensions'],
    viewport: { width: 900, height: 640 }, locale: 'en-US',
    args: [
      `--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`,
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
    ],
  });
  const requests = [];
  const record = (source) => (req) => requests.push({ url: req.url(), source });
  ctx.on('request', record('context'));
  ctx.on('serviceworker', (w) => w.on?.('request', record('worker')));
  const worker = ctx.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${id}/`))
    ?? await ctx.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith(`chrome-extension://${id}/`), timeout: 15000 });
  env = {
    ctx, server, extId: id, worker, requests, profile,
    url: (p) => `${server.origin}/${p.replace(/^\//, '')}`,
    extUrl: (p) => `chrome-extension://${id}/${p.replace(/^\//, '')}`,
    networkReport() {
      const allowed = (u) => /^(chrome-extension:\/\/|data:|blob:|about:|chrome:\/\/|devtools:)/.test(u) || u.startsWith(server.origin);
      return { foreign: requests.filter((r) => !allowed(r.url)), foreignFromPages: [], background: [] };
    },
  };
});

after(async () => {
  if (policyFile) rmSync(policyFile, { force: true });
  await env?.ctx.close().catch(() => {});
  await env?.server.close();
  if (env) assertNoForeignRequests(env);
  if (env) rmSync(env.profile, { recursive: true, force: true });
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
});

test('managed guard (block) and managed rule apply; the user cannot override a locked guard', async () => {
  await setGuard(env, { mode: 'warn' });   // ignored: `locked` has 'guard'
  const page = await openWithGuard(env, 'guard-chat.html', { mode: 'block' });
  try {
    await page.click('#msg');
    const text = `The ${CODENAME} release notes are attached`;
    await afterTyping(page, () => page.keyboard.type(text));
    await page.keyboard.press('Enter');
    await expectDialog(page);
    assert.equal(await dialog(page).getAttribute('data-mode'), 'block');
    assert.deepEqual((await dialogFindings(page)).map((f) => f.rule), [CUSTOM_RULE.id]);
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
