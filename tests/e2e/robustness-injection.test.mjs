// No injection: markup in a rule's message, norm and suggestion, and in the flagged text itself, is shown
// as text by the popover, the textarea mirror and the guard's dialog — never parsed into elements.
//
// User settings can only add *terms* to built-in rules (src/shared/settings.js); a rule with its own
// message and suggestions only comes from the administrator's managed `rule` (src/guard/worker-guard.js).
// So the message/suggestion route uses a managed policy file the way managed.test.mjs does (fresh manifest
// key → an extension id no other run uses; the file is removed in teardown), and the flagged-text route
// uses custom terms in the user's chrome.storage.sync settings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadEngine, screenshot } from './lib/harness.mjs';
import { POLICY_DIR, freshPolicyFile } from './lib/policy-file.mjs';
import { assertNoForeignRequests } from './lib/flow.mjs';
import { termRule } from './lib/sentences.mjs';
import { launch, freshKey, inWorker, waitFor, openWithGuard, expectDialog, dialog } from './guard-lib.mjs';

const IMG = '<img src=x onerror="window.__pwned=1">';
const BOLD = '<b>bold</b>';
const RULE = {
  id: 'disclosure.robust-xss-probe', category: 'disclosure', kind: 'internal', severity: 'error',
  message: { zh: `消息 ${IMG} ${BOLD}`, en: `Message ${IMG} ${BOLD}` },
  norm: `Norm ${IMG} ${BOLD}`,
  suggestions: { zh: [`建议 ${IMG} ${BOLD}`], en: [`Suggestion ${IMG} ${BOLD}`] },
  terms: ['zorblax'],
};
const SENTENCE = 'The zorblax report is attached.';

let env, policyFile, engine;

before(async () => {
  engine = await loadEngine();
  policyFile = freshPolicyFile('conduct-rules-robust');
  env = await launch({
    key: freshKey(),
    beforeLaunch: (id) => {
      mkdirSync(POLICY_DIR, { recursive: true });
      writeFileSync(policyFile, JSON.stringify({ '3rdparty': { extensions: { [id]: { rule: [RULE] } } } }, null, 2));
    },
  });
  await waitFor(async () => {
    const m = await inWorker(env, () => chrome.storage.managed.get(null));
    return Array.isArray(m.rule) && m.rule[0]?.id === RULE.id;
  }, 'managed rule delivered', 20000);
});

after(async () => {
  if (policyFile) rmSync(policyFile, { force: true });
  await env?.close();
  if (env) assertNoForeignRequests(env);
  env?.cleanup();
});

/** Elements and text of a shadow root (the extension's overlay or guard host). */
async function shadowReport(page, hostName) {
  return page.evaluate((name) => {
    const roots = [...document.querySelectorAll(name)].map((h) => h.shadowRoot).filter(Boolean);
    const tags = new Set();
    let text = '';
    for (const r of roots) {
      for (const el of r.querySelectorAll('*')) tags.add(el.localName);
      text += r.textContent;
    }
    return { hosts: roots.length, tags: [...tags].sort(), imgs: roots.reduce((n, r) => n + r.querySelectorAll('img, b, script, iframe, svg').length, 0), text,
      pwned: typeof window.__pwned, pageImgs: document.querySelectorAll('img').length };
  }, hostName);
}

async function hoverUnderline(page, text) {
  const p = await page.waitForFunction((want) => {
    const host = document.querySelector('conduct-rules-overlay');
    for (const m of host?.shadowRoot?.querySelectorAll('.mirror .m') ?? []) {
      if (m.textContent === want) { const r = m.getClientRects()[0]; return { x: r.left + Math.min(r.width / 2, 12), y: r.top + r.height / 2 }; }
    }
    return false;
  }, text, { timeout: 10000 }).then((h) => h.jsonValue());
  await page.mouse.move(p.x - 30, p.y + 40);
  await page.mouse.move(p.x, p.y, { steps: 3 });
  const pop = page.locator('conduct-rules-overlay .popover');
  await pop.waitFor({ state: 'visible', timeout: 5000 });
  return pop;
}

test('a managed rule whose message, norm and suggestion carry markup: shown as text in the popover and the guard dialog', async () => {
  const checker = new engine.Checker(JSON.stringify({ version: 1, rule: [RULE] }));
  const [d] = checker.check(SENTENCE, 'auto');
  assert.ok(d && d.rule === RULE.id && d.message.includes(IMG), 'the engine flags the probe with the markup message');
  const page = await openWithGuard(env, 'guard-chat.html', { mode: 'warn' });
  try {
    await page.click('#msg');
    await page.keyboard.type(SENTENCE);
    const pop = await hoverUnderline(page, 'zorblax');
    assert.equal(await pop.locator('.message').textContent(), d.message);
    assert.equal(await pop.locator('.norm').textContent(), d.norm);
    assert.equal(await pop.locator('button[data-action="apply"]').first().textContent(), d.suggestions[0]);
    const rep = await shadowReport(page, 'conduct-rules-overlay');
    assert.ok(rep.text.includes('<img src=x onerror='), 'markup shown literally');
    assert.ok(rep.text.includes(BOLD));
    assert.equal(rep.imgs, 0, `no img/b/script element in the overlay's shadow root; tags: ${rep.tags}`);
    assert.equal(rep.pageImgs, 0, 'no img element in the page');
    assert.equal(rep.pwned, 'undefined', 'window.__pwned is not set');
    await screenshot(page, 'robust-injection-popover');

    // Applying the suggestion inserts it as text too (the field value, not markup).
    await pop.locator('button[data-action="apply"]').first().click();
    await page.waitForFunction((s) => document.querySelector('#msg').value.includes(s), d.suggestions[0]);
    await page.keyboard.press('Control+z');
    await page.waitForFunction((s) => document.querySelector('#msg').value === s, SENTENCE);

    // The guard's dialog lists the same finding.
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await expectDialog(page);
    const g = await shadowReport(page, 'conduct-rules-guard');
    assert.ok(g.hosts >= 1);
    assert.ok(g.text.includes(d.message), 'dialog shows the message as text');
    assert.ok(g.text.includes(d.suggestions[0]), 'dialog shows the suggestion as text');
    assert.equal(g.imgs, 0, `no img/b/script element in the guard's shadow root; tags: ${g.tags}`);
    assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined');
    await screenshot(page, 'robust-injection-guard');
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    assert.deepEqual(page.errors.map(String), []);
  } finally {
    await page.close();
  }
});

test('custom terms (user settings) that are markup: flagged text shown as text in mirror, popover and guard dialog', async () => {
  const rule = termRule(engine);
  await inWorker(env, ({ rule: r, add }) => chrome.storage.sync.set({ settings: { terms: [{ rule: r, add }] } }), { rule, add: [IMG, BOLD] });
  const text = `see ${IMG} and ${BOLD} now`;
  const checker = new engine.Checker(JSON.stringify({ version: 1, terms: [{ rule, add: [IMG, BOLD] }], rule: [RULE] }));
  const want = checker.check(text, 'auto').map((x) => x.text);
  assert.deepEqual(want, [IMG, BOLD], 'the engine flags both markup terms');
  const page = await openWithGuard(env, 'guard-chat.html', { mode: 'warn' });
  try {
    await page.click('#msg');
    await page.keyboard.type(text);
    const pop = await hoverUnderline(page, IMG);
    assert.equal(await pop.locator('.flagged').textContent(), `“${IMG}”`);
    const marks = await page.evaluate(() => [...document.querySelector('conduct-rules-overlay').shadowRoot.querySelectorAll('.mirror .m')].map((m) => m.textContent));
    assert.deepEqual(marks, want, 'mirror marks hold the markup as text');
    const rep = await shadowReport(page, 'conduct-rules-overlay');
    assert.equal(rep.imgs, 0, `no img/b element in the overlay; tags: ${rep.tags}`);
    assert.equal(rep.pageImgs, 0);
    await page.keyboard.press('Escape');
    await page.click('#msg');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await expectDialog(page);
    const g = await shadowReport(page, 'conduct-rules-guard');
    assert.ok(g.text.includes(`“${IMG}”`) && g.text.includes(`“${BOLD}”`), 'dialog shows the flagged markup as text');
    assert.equal(g.imgs, 0, `no img/b element in the guard dialog; tags: ${g.tags}`);
    assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined');
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
  } finally {
    await page.close();
    await inWorker(env, () => chrome.storage.sync.clear());
  }
});
