// Helpers shared by guard*.test.mjs and policy*.test.mjs: the guard's dialog, the fixture pages'
// record of what they sent, the audit log and the guard settings, read and written through the
// extension's own service worker.
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync, createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM } from './lib/harness.mjs';
import { EXT_OUT, EXT_SRC, ARTIFACTS } from './lib/paths.mjs';
import { startServer } from './lib/server.mjs';
import { flagExamples } from '../lib/pack-examples.mjs';

/** A fresh RSA key → the manifest `key` and the extension id Chromium derives from it. */
export function freshKey() {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const id = [...createHash('sha256').update(der).digest('hex').slice(0, 32)].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
  return { key: der.toString('base64'), id };
}

/**
 * Like lib/harness.mjs setup(), but Chromium loads a private copy of the assembled extension, so
 * another test run rebuilding target/extension cannot pull files from under this browser.
 * `key`: a manifest key for the copy (its own extension id), e.g. from freshKey(): then no policy file
 * another test writes for the fixed id can reach this browser. `lang`: browser UI language.
 * `beforeLaunch(id)`: runs once the id is known, before Chromium starts (policy files).
 */
export async function launch({ key = null, beforeLaunch = null, lang = null } = {}) {
  const { build } = await import(join(EXT_SRC, 'build.mjs'));
  build(EXT_OUT);
  const profile = mkdtempSync(join(tmpdir(), 'conduct-guard-e2e-'));
  const extDir = join(profile, 'extension');
  cpSync(EXT_OUT, extDir, { recursive: true });
  let id = null;
  if (key) {
    const manifest = JSON.parse(readFileSync(join(extDir, 'manifest.json'), 'utf8'));
    manifest.key = key.key;
    writeFileSync(join(extDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
    id = key.id;
  }
  if (beforeLaunch) await beforeLaunch(id);
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await startServer();
  const netlog = join(profile, 'netlog.json');
  const ctx = await chromium.launchPersistentContext(join(profile, 'user-data'), {
    executablePath: CHROMIUM, headless: true, ignoreDefaultArgs: ['--disable-extensions'],
    viewport: { width: 900, height: 640 }, locale: lang || 'en-US',
    env: { ...process.env, ...(lang ? { LANGUAGE: lang.replace('-', '_'), LANG: `${lang.replace('-', '_')}.UTF-8` } : {}) },
    args: [
      ...(lang ? [`--lang=${lang}`] : []),
      `--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`,
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
      `--log-net-log=${netlog}`, '--net-log-capture-mode=Default',
    ],
  });
  const requests = [];
  const record = (source) => (req) => requests.push({ url: req.url(), source, type: req.resourceType() });
  ctx.on('request', record('context'));
  ctx.on('serviceworker', (w) => w.on?.('request', record('worker')));
  const isOurs = (w) => w.url().startsWith('chrome-extension://') && (!id || w.url().startsWith(`chrome-extension://${id}/`));
  const worker = ctx.serviceWorkers().find(isOurs) ?? await ctx.waitForEvent('serviceworker', { predicate: isOurs, timeout: 15000 });
  const extId = new URL(worker.url()).host;
  return {
    ctx, server, extId, worker, requests, profile, netlog,
    url: (p) => `${server.origin}/${p.replace(/^\//, '')}`,
    extUrl: (p) => `chrome-extension://${extId}/${p.replace(/^\//, '')}`,
    async close() { await ctx.close().catch(() => {}); await server.close(); },
    networkReport() {
      const allowed = (u) => /^(chrome-extension:\/\/|data:|blob:|about:|chrome:\/\/|devtools:)/.test(u) || u.startsWith(server.origin + '/') || u === server.origin;
      const ours = (i) => i && (i.startsWith(server.origin) || i.startsWith(`chrome-extension://${extId}`));
      const net = parseNetlog(netlog).filter((r) => !allowed(r.url) && !r.url.startsWith('http://127.0.0.1'));
      return { foreign: requests.filter((r) => !allowed(r.url)), foreignFromPages: net.filter((r) => ours(r.initiator)), background: net.filter((r) => !ours(r.initiator)) };
    },
    cleanup() { rmSync(profile, { recursive: true, force: true }); },
  };
}

function parseNetlog(path) {
  if (!existsSync(path)) return [];
  let text = readFileSync(path, 'utf8').trim();
  if (!text.endsWith('}')) text = text.replace(/,\s*$/, '') + ']}';
  let log;
  try { log = JSON.parse(text); } catch { return []; }
  const out = [];
  for (const ev of log.events || []) {
    const p = ev.params;
    if (p && typeof p.url === 'string' && /^(https?|wss?|ftp):/.test(p.url)) out.push({ url: p.url, initiator: p.initiator || null });
  }
  return out;
}

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
  const examples = flagExamples().filter((s) => s.length <= 60 && !/[\n\t]/.test(s));
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
