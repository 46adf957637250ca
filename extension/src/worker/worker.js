// Service worker: owns the wasm Checker (one per effective policy), the settings and the managed
// policy, and answers the protocol in ../shared/protocol.js. Makes no network request: the only
// fetch is of the extension's own wasm file.

import init, { Checker, version as wasmVersion } from '../../wasm/conduct_wasm.js';
import { STORAGE, validateRequest, quickHash, CATEGORIES } from '../shared/protocol.js';
import { effectiveSettings, siteActive, toPolicy, normalizeSettings, normHost } from '../shared/settings.js';
import { withGuardPolicy, handleGuard, GUARD_KINDS, installGuardWorker } from '../guard/worker-guard.js';

/** Startup timings as performance marks ('conduct:<name>', ms since the worker started; read by
 * bench/browser.mjs): each name once per worker life. */
const stamped = new Set();
function stamp(name) {
  if (stamped.has(name)) return;
  stamped.add(name);
  performance.mark(`conduct:${name}`);
}
stamp('worker-script');

const MAX_IGNORED = 5000;
const CONTEXT_CHARS = 24;

/** @type {Promise<void>|null} */
let wasmReady = null;
/** policy text ('' = built-in packs) → Checker; a few at most. */
const checkers = new Map();
let baseChecker = null;

const state = {
  loaded: null,          // Promise of the current load
  settings: null,        // effective settings
  locked: null,
  userSettings: null,
  managed: {},
  policyText: null,
  checker: null,
  policyError: null,
  ignored: new Set(),
  gen: '',
};
/** Check results by generation + language + text hash (LRU). */
const resultCache = new Map();
/** tabId → { host, counts, at } for the toolbar popup. */
const tabs = new Map();

function ensureWasm() {
  if (!wasmReady) {
    stamp('wasm-start');
    wasmReady = init({ module_or_path: chrome.runtime.getURL('wasm/conduct_wasm_bg.wasm') }).then(() => { stamp('wasm-ready'); });
    wasmReady.catch(() => { wasmReady = null; });
  }
  return wasmReady;
}

function checkerFor(policyText) {
  const key = policyText || '';
  let c = checkers.get(key);
  if (c) { checkers.delete(key); checkers.set(key, c); return c; }
  c = policyText ? new Checker(policyText) : new Checker();   // throws on a bad policy
  checkers.set(key, c);
  while (checkers.size > 3) {
    const [oldKey, old] = checkers.entries().next().value;
    if (old === state.checker) break;
    checkers.delete(oldKey);
    try { old.free?.(); } catch { /* already freed */ }
  }
  return c;
}

let managedRead = false;

/**
 * The managed settings. At browser start the policy service can take seconds to answer; the first
 * read then waits at most 400 ms and uses the copy cached at the last successful read, and the
 * worker reloads as soon as the real value arrives (if it differs).
 */
async function readManaged() {
  const real = chrome.storage.managed.get(null).then((v) => v || {}, () => ({}));
  if (managedRead) return real;
  const first = await Promise.race([real, new Promise((r) => setTimeout(() => r(null), 400))]);
  const { managedCache = {} } = await chrome.storage.local.get('managedCache');
  const settle = async (v) => {
    managedRead = true;
    if (JSON.stringify(v) !== JSON.stringify(managedCache)) await chrome.storage.local.set({ managedCache: v });
    return v;
  };
  if (first) return settle(first);
  real.then(async (v) => {
    await settle(v);
    if (JSON.stringify(v) !== JSON.stringify(managedCache)) reload();
  });
  return managedCache;
}

async function load() {
  await ensureWasm();
  if (!baseChecker) { stamp('checker-start'); baseChecker = checkerFor(null); stamp('checker-ready'); }
  const [{ [STORAGE.settings]: user }, managed, local] = await Promise.all([
    chrome.storage.sync.get(STORAGE.settings),
    readManaged(),
    chrome.storage.local.get([STORAGE.ignored, 'lastGoodPolicy']),
  ]);
  stamp('settings-ready');
  const { settings, locked } = effectiveSettings(user, managed);
  state.userSettings = normalizeSettings(user);
  state.managed = managed;
  state.settings = settings;
  state.locked = locked;
  state.ignored = new Set(Array.isArray(local[STORAGE.ignored]) ? local[STORAGE.ignored] : []);
  const policyText = await withGuardPolicy(toPolicy(settings), managed);
  let error = null;
  try {
    state.checker = checkerFor(policyText);
    state.policyText = policyText;
    if ((local.lastGoodPolicy ?? null) !== policyText) await chrome.storage.local.set({ lastGoodPolicy: policyText });
  } catch (e) {
    error = String(e && e.message ? e.message : e);
    // Keep the last valid checker: the one in memory, else the last good policy from storage.
    if (!state.checker) {
      try { state.checker = checkerFor(local.lastGoodPolicy || null); } catch { state.checker = baseChecker; }
    }
  }
  state.policyError = error;
  const version = wasmVersion();
  state.gen = quickHash(JSON.stringify([version, state.policyText, settings.enabled, settings.sites, [...state.ignored].sort()]));
  const prev = (await chrome.storage.local.get(STORAGE.state))[STORAGE.state];
  const next = { gen: state.gen, policyError: error, version, policy: state.policyText };
  if (!prev || prev.gen !== next.gen || prev.policyError !== next.policyError) {
    await chrome.storage.local.set({ [STORAGE.state]: next });
  }
}

function reload() {
  // Loads run one after another, so a slower older load can never overwrite a newer one.
  const p = (state.loaded || Promise.resolve()).catch(() => {}).then(load);
  state.loaded = p;
  p.catch((e) => console.error('conduct: load failed', e));
  return p;
}

function ready() {
  return state.loaded || reload();
}

// ---- diagnostics -------------------------------------------------------------------------

const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** The "ignore once" key: a hash of rule id + flagged text + surrounding context. */
async function ignoreKey(rule, text, start, end) {
  const ctx = text.slice(Math.max(0, start - CONTEXT_CHARS), start) + '\u0001' + text.slice(end, end + CONTEXT_CHARS);
  const data = new TextEncoder().encode(`${rule}\u0000${text.slice(start, end)}\u0000${ctx}`);
  return hex(await crypto.subtle.digest('SHA-256', data)).slice(0, 32);
}

async function check(text, lang) {
  if (text) stamp('first-check-start');
  const raw = text ? state.checker.check(text, lang || 'auto') : [];
  if (text) stamp('first-check-end');
  const out = [];
  for (const d of raw) {
    const key = await ignoreKey(d.rule, text, d.start, d.end);
    if (state.ignored.has(key)) continue;
    out.push({
      rule: d.rule, category: d.category, kind: d.kind ?? null, severity: d.severity,
      start: d.start, end: d.end, text: d.text, message: d.message, norm: d.norm,
      suggestions: Array.isArray(d.suggestions) ? [...d.suggestions] : [], key,
    });
  }
  return out;
}

// ---- settings writes -----------------------------------------------------------------------

async function updateUserSettings(mutate) {
  const { [STORAGE.settings]: raw } = await chrome.storage.sync.get(STORAGE.settings);
  const s = normalizeSettings(raw);
  mutate(s);
  await chrome.storage.sync.set({ [STORAGE.settings]: s });
  await reload();
}

function hostOf(msg, sender) {
  if (typeof msg.host === 'string' && msg.host) return normHost(msg.host);
  try { return new URL(sender.tab?.url || sender.url).hostname; } catch { return ''; }
}

// ---- protocol ------------------------------------------------------------------------------

async function handle(msg, sender) {
  if (GUARD_KINDS.includes(msg?.kind)) { await ready(); return handleGuard(msg, sender, state); }
  const bad = validateRequest(msg);
  if (bad) return { kind: 'error', message: bad };
  await ready();
  const s = state.settings;
  switch (msg.kind) {
    case 'hello':
      return { kind: 'hello', active: siteActive(s, hostOf(msg, sender)), gen: state.gen };
    case 'check': {
      const active = siteActive(s, hostOf(msg, sender));
      let diagnostics = [];
      if (active) {
        // Small cache by policy generation + text hash: reloads, other frames and tabs with the
        // same text (a quoted thread, a draft reopened) cost no wasm call.
        const key = `${state.gen}|${msg.lang || 'auto'}|${quickHash(msg.text)}`;
        diagnostics = resultCache.get(key);
        if (diagnostics) { resultCache.delete(key); resultCache.set(key, diagnostics); }
        else {
          diagnostics = await check(msg.text, msg.lang);
          resultCache.set(key, diagnostics);
          while (resultCache.size > 32) resultCache.delete(resultCache.keys().next().value);
        }
      }
      return { kind: 'result', id: msg.id, gen: state.gen, active, diagnostics };
    }
    case 'ignore': {
      const list = [...state.ignored, msg.key];
      while (list.length > MAX_IGNORED) list.shift();
      await chrome.storage.local.set({ [STORAGE.ignored]: [...new Set(list)] });
      await reload();
      return { kind: 'ok' };
    }
    case 'set-rule': {
      if (state.locked.keys.includes('rules') || state.locked.rules.includes(msg.rule)) {
        return { kind: 'error', message: 'locked by your administrator' };
      }
      await updateUserSettings((u) => { u.rules[msg.rule] = { ...u.rules[msg.rule], enabled: msg.enabled }; });
      return { kind: 'ok' };
    }
    case 'set-site': {
      const host = normHost(msg.host);
      if (!host) return { kind: 'error', message: 'no host' };
      if (state.locked.keys.includes('sites') || (msg.enabled && state.locked.sitesDeny.includes(host))) {
        return { kind: 'error', message: 'locked by your administrator' };
      }
      await updateUserSettings((u) => {
        if (msg.enabled) {
          u.sites.deny = u.sites.deny.filter((h) => h !== host);
          if (u.sites.allow.length && !u.sites.allow.includes(host)) u.sites.allow.push(host);
        } else if (!u.sites.deny.includes(host)) {
          u.sites.deny.push(host);
        }
      });
      return { kind: 'ok' };
    }
    case 'field-state': {
      const tabId = sender.tab?.id;
      if (tabId != null) {
        const st = { host: hostOf(msg, sender), counts: msg.counts ?? null, at: Date.now() };
        tabs.set(tabId, st);
        // Kept for the popup across worker restarts (session storage: memory only, this browser session).
        chrome.storage.session?.set({ [`tab:${tabId}`]: st }).catch(() => {});
      }
      return { kind: 'ok' };
    }
    case 'tab-state': {
      let t = tabs.get(msg.tabId);
      if (!t) {
        try { t = (await chrome.storage.session.get(`tab:${msg.tabId}`))[`tab:${msg.tabId}`]; } catch { t = undefined; }
        if (t) tabs.set(msg.tabId, t);
      }
      const host = t?.host ?? null;
      return { kind: 'tab-state', host, active: host ? siteActive(s, host) : false, counts: t?.counts ?? null,
        locked: state.locked.keys.includes('sites') || (host ? state.locked.sitesDeny.includes(host) : false) };
    }
    case 'rules':
      return {
        kind: 'rules', version: wasmVersion(), rules: state.checker.rules(), catalog: baseChecker.rules(),
        settings: state.userSettings, effective: s, locked: state.locked, policyError: state.policyError,
        categories: CATEGORIES,
      };
    case 'status':
      return { kind: 'status', version: wasmVersion(), gen: state.gen, policyError: state.policyError };
    case 'validate': {
      const { settings } = effectiveSettings(msg.settings, state.managed);
      try {
        const text = toPolicy(settings);
        const c = text ? new Checker(text) : null;
        c?.free?.();
        return { kind: 'validate', ok: true, error: null };
      } catch (e) {
        return { kind: 'validate', ok: false, error: String(e && e.message ? e.message : e) };
      }
    }
  }
  return { kind: 'error', message: 'unhandled' };
}

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id) return false;
  handle(msg, sender).then(sendResponse, (e) => sendResponse({ kind: 'error', message: String(e && e.message ? e.message : e) }));
  return true;
});

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'sync' && STORAGE.settings in changes) reload();
  else if (area === 'managed') reload();
  else if (area === 'local' && STORAGE.ignored in changes) reload();
});

chrome.tabs?.onRemoved?.addListener((tabId) => {
  tabs.delete(tabId);
  chrome.storage.session?.remove(`tab:${tabId}`).catch(() => {});
});
installGuardWorker(reload);

reload();
