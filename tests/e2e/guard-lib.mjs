// Helpers shared by guard*.test.mjs and policy*.test.mjs: the guard's dialog, the fixture pages'
// record of what they sent, the audit log and the guard settings, read and written through the
// extension's own service worker.
import assert from 'node:assert/strict';

export const dialog = (page) => page.locator('conduct-rules-guard .dialog');

/** Waits for the guard's dialog; on failure says what the guard and the page did instead. */
export async function expectDialog(page, timeout = 8000) {
  try {
    await dialog(page).waitFor({ timeout });
  } catch (e) {
    const state = await page.evaluate(() => ({
      sent: window.sent,
      hosts: document.querySelectorAll('conduct-rules-guard').length,
      marks: performance.getEntriesByType('mark').filter((m) => m.name.startsWith('conduct:guard')).map((m) => `${m.name}@${Math.round(m.startTime)}`),
      active: document.activeElement?.id || document.activeElement?.localName,
    })).catch((err) => String(err));
    throw new Error(`no guard dialog: ${e.message.split('\n')[0]}; state ${JSON.stringify(state)}`);
  }
}

/** The extension's current service worker (Chromium may have restarted it). */
export async function sw(env) {
  const found = env.ctx.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${env.extId}/`));
  return found ?? env.ctx.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith(`chrome-extension://${env.extId}/`) });
}

export async function inWorker(env, fn, arg) {
  return (await sw(env)).evaluate(fn, arg);
}

/** Sets the user's guard settings and waits until the worker serves them. */
export async function setGuard(env, guard) {
  await inWorker(env, (g) => chrome.storage.sync.set({ guard: g }), guard);
}

export async function auditLog(env) {
  return inWorker(env, async () => (await chrome.storage.local.get('guardAudit')).guardAudit ?? []);
}

export async function clearAudit(env) {
  await inWorker(env, () => chrome.storage.local.set({ guardAudit: [] }));
}

/** Everything the extension keeps (local + sync storage) as one string. */
export async function allStorage(env) {
  return inWorker(env, async () => JSON.stringify([await chrome.storage.local.get(null), await chrome.storage.sync.get(null)]));
}

export async function sent(page) {
  return page.evaluate(() => window.sent);
}

/** Waits until performance mark `name` (set by the content script) was made at least `n` times. */
export async function waitMark(page, name, n = 1, timeout = 5000) {
  await page.waitForFunction(([m, k]) => performance.getEntriesByName(m).length >= k, [name, n], { timeout, polling: 16 });
}

export async function markCount(page, name) {
  return page.evaluate((m) => performance.getEntriesByName(m).length, name);
}

/** Opens `url` with the guard in `mode`/`threshold` and waits until the content script has that config. */
export async function openWithGuard(env, url, { mode, threshold = 'warning' }) {
  const page = await env.ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(env.url(url));
  await waitMark(page, `conduct:guard-config:${mode}:${threshold}`, 1, 10000);
  page.errors = errors;
  return page;
}

/** Waits until `pred()` is truthy (polling), failing with `what` and the last value. */
export async function waitFor(pred, what, timeout = 5000) {
  const t0 = Date.now();
  let last;
  for (;;) {
    last = await pred();
    if (last) return last;
    if (Date.now() - t0 > timeout) assert.fail(`${what}: timed out (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The findings the dialog lists: [{rule, severity}]. */
export async function dialogFindings(page) {
  return dialog(page).locator('li.finding').evaluateAll((lis) => lis.map((li) => ({ rule: li.dataset.rule, severity: li.dataset.severity })));
}

/** Which element has focus: 'guard:<class>' inside the dialog, else the page element's id. */
export async function focused(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    if (a?.localName === 'conduct-rules-guard') return `guard:${a.shadowRoot.activeElement?.className ?? ''}`;
    return a?.id ?? a?.localName ?? null;
  });
}

/** Sentences: violating ones with a finding at or above 'warning', and which rules must be listed. */
export function pickGuardSentences(checker) {
  const atLeastWarning = (s) => checker.check(s, 'auto').some((d) => d.severity !== 'info');
  const brief = { zh: ['你们这些傻逼', '这套系统我保证下周二之前上线'], en: ['I guarantee it will be live on Monday', 'our floor price is $3,000, half the list price'] };
  const isZh = (s) => /[\u4e00-\u9fff]/.test(s);
  const examples = checker.rules().flatMap((r) => r.flag).filter((s) => s.length <= 60 && !/[\n\t]/.test(s));
  const pick = (lang, skip = []) => [...brief[lang], ...examples.filter((s) => (lang === 'zh' ? isZh(s) : !isZh(s)))]
    .find((s) => atLeastWarning(s) && !skip.includes(s));
  const zh = pick('zh');
  const en = pick('en');
  return { zh, en, zh2: pick('zh', [zh]), en2: pick('en', [en]), clean: { zh: '感谢您对我们公司的支持', en: "Thanks for your patience, we'll follow up tomorrow." } };
}

export function rulesAtOrAbove(checker, text, threshold = 'warning') {
  const rank = { info: 0, warning: 1, error: 2 };
  return checker.check(text, 'auto').filter((d) => rank[d.severity] >= rank[threshold]).map((d) => d.rule);
}
