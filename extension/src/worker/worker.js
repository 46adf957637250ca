// Service worker: owns the wasm Checker (one per effective policy), the settings and the managed
// policy, and answers the protocol in ../shared/protocol.js. Makes no network request: the only
// fetch is of the extension's own wasm file.

import init, { Checker, version as wasmVersion } from '../../wasm/conduct_wasm.js';
import { STORAGE, validateRequest, quickHash, CATEGORIES, PORT_NAME } from '../shared/protocol.js';
import { effectiveSettings, siteActive, toPolicy, normalizeSettings, normHost } from '../shared/settings.js';
import { SegmentCache, checkSegments, segmentable, withoutQuoted } from './segments.js';
import { FieldTexts } from '../shared/delta.js';
import { GUARD_KEY } from '../guard/config.js';
import { withGuardPolicy, handleGuard, GUARD_KINDS, installGuardWorker } from '../guard/worker-guard.js';

/** Startup timings as performance marks ('conduct:<name>', ms since the worker started; read by
 * bench/browser.mjs): each name once per worker life. */
const stamped = new Set();
function stamp(name, detail = undefined) {
  if (stamped.has(name)) return;
  stamped.add(name);
  performance.mark(`conduct:${name}`, detail === undefined ? undefined : { detail });
}
stamp('worker-script');

const MAX_IGNORED = 5000;
const CONTEXT_CHARS = 24;

/** @type {Promise<void>|null} */
let wasmReady = null;
/** policy text → Checker, for non-default policies; a few at most. */
const checkers = new Map();
/** The Checker of the built-in packs (no policy), built on first use. */
let defaultChecker = null;
/** Per Checker: findings by sentence segment (incremental checking, ./segments.js). */
const segmentCaches = new WeakMap();
/** Whether this worker has read the previous worker's segment snapshot (once, at its first load). */
let segmentsRestored = false;

const state = {
  loaded: null,          // Promise of the current load
  settings: null,        // effective settings
  locked: null,
  userSettings: null,
  managed: {},
  policyText: null,
  checker: null,
  segmentable: true,     // the policy keeps the segment cuts exact (see ./segments.js)
  policyError: null,
  ignored: new Set(),
  gen: '',
};
/** Check results by generation + language + text hash (LRU). */
const resultCache = new Map();
/** tabId → { host, counts, at } for the toolbar popup. */
const tabs = new Map();

/** Fetches, compiles (streaming) and instantiates the wasm once. */
function ensureWasm() {
  if (!wasmReady) {
    stamp('wasm-start');
    wasmReady = init({ module_or_path: chrome.runtime.getURL('wasm/conduct_wasm_bg.wasm') }).then(() => { stamp('wasm-ready'); });
    wasmReady.catch(() => { wasmReady = null; });
  }
  return wasmReady;
}

function baseChecker() {
  if (!defaultChecker) {
    stamp('checker-start');
    defaultChecker = new Checker();
    stamp('checker-ready');
  }
  return defaultChecker;
}

/** The Checker for `policyText` (null/'' = the built-in packs). Throws on a bad policy. */
function checkerFor(policyText) {
  if (!policyText) return baseChecker();
  let c = checkers.get(policyText);
  if (c) { checkers.delete(policyText); checkers.set(policyText, c); return c; }
  stamp('checker-start');
  c = new Checker(policyText);
  stamp('checker-ready');
  checkers.set(policyText, c);
  for (const [oldKey, old] of checkers) {
    if (checkers.size <= 3) break;
    if (old === state.checker || old === c) continue;
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
  const cached = chrome.storage.local.get('managedCache');
  const first = await Promise.race([real, new Promise((r) => setTimeout(() => r(null), 400))]);
  const { managedCache = {} } = await cached;
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

/** Everything a load needs from storage, read in parallel (and, at worker start, while the wasm compiles). */
async function readStored() {
  const [{ [STORAGE.settings]: user, [GUARD_KEY]: userGuard = null }, managed, local, session] = await Promise.all([
    chrome.storage.sync.get([STORAGE.settings, GUARD_KEY]),
    readManaged(),
    chrome.storage.local.get([STORAGE.ignored, 'lastGoodPolicy']),
    segmentsRestored ? {} : (chrome.storage.session?.get(STORAGE.segments) ?? Promise.resolve({})).catch(() => ({})),
  ]);
  const { settings, locked } = effectiveSettings(user, managed);
  const policyText = await withGuardPolicy(toPolicy(settings), managed, userGuard);
  stamp('settings-ready');
  return { user, managed, local, settings, locked, policyText, snapshot: session[STORAGE.segments] };
}

async function load() {
  let storedDone = false;
  const stored = readStored().finally(() => { storedDone = true; });
  // While the settings are still being read (after a browser start the managed storage can take
  // 400 ms), build the checker of the last policy in force: usually the one they will give.
  const speculate = Promise.all([ensureWasm(), chrome.storage.local.get('lastGoodPolicy')]).then(([, l]) => {
    if (storedDone || state.checker) return;
    try { checkerFor(l.lastGoodPolicy || null); } catch { /* built for real below, with its error */ }
  }, () => {});
  const [{ user, managed, local, settings, locked, policyText, snapshot }] = await Promise.all([stored, ensureWasm(), speculate]);
  state.userSettings = normalizeSettings(user);
  state.managed = managed;
  state.settings = settings;
  state.locked = locked;
  state.ignored = new Set(Array.isArray(local[STORAGE.ignored]) ? local[STORAGE.ignored] : []);
  // Only the checker of the policy in force is built (the built-in one only when that is the policy).
  let error = null;
  try {
    state.checker = checkerFor(policyText);
    state.policyText = policyText;
  } catch (e) {
    error = String(e && e.message ? e.message : e);
    // Keep the last valid checker: the one in memory, else the last good policy from storage.
    if (!state.checker) {
      try { state.checker = checkerFor(local.lastGoodPolicy || null); } catch { state.checker = baseChecker(); }
    }
  }
  state.segmentable = segmentable(state.policyText);
  state.policyError = error;
  const version = wasmVersion();
  state.gen = quickHash(JSON.stringify([version, state.policyText, settings.enabled, settings.sites, [...state.ignored].sort()]));
  // The previous worker's sentence findings (same checker and settings): after a restart the
  // first keystroke in a draft re-checks its sentence, not the whole message.
  if (!segmentsRestored) {
    segmentsRestored = true;
    if (snapshot?.gen === state.gen && state.segmentable) {
      segmentCache(state.checker).restore(snapshot.entries);
      stamp('segments-restored');
    }
  }
  // Storage writes do not hold up the requests waiting for this load.
  const next = { gen: state.gen, policyError: error, version, policy: state.policyText };
  const lastGood = error ? null : policyText;
  persist(async () => {
    if (!error && (local.lastGoodPolicy ?? null) !== lastGood) await chrome.storage.local.set({ lastGoodPolicy: lastGood });
    const prev = (await chrome.storage.local.get(STORAGE.state))[STORAGE.state];
    if (!prev || prev.gen !== next.gen || prev.policyError !== next.policyError) {
      await chrome.storage.local.set({ [STORAGE.state]: next });
    }
  });
}

let writes = Promise.resolve();
/** Runs storage writes one after another, in the order the loads made them. */
function persist(write) {
  writes = writes.then(write).catch((e) => console.error('conduct: storage write failed', e));
}

/**
 * Compiles, in idle time after a load, the context regexes the engine would otherwise compile
 * lazily, on the first text that needs each one — which would land on the user's first
 * keystrokes. A few regexes per task (`warmUp(n)`), so a check that arrives meanwhile waits for one
 * slice at most; checks already waiting go first.
 */
function warmUp() {
  const c = state.checker;
  if (!c || warmed.has(c)) return;
  warmed.add(c);
  const slice = (first) => setTimeout(() => {
    if (state.checker !== c) return;   // replaced meanwhile: the new one has its own warm-up
    try {
      if (first) stamp('warm-start');
      if (c.warmUp(WARM_UP_PER_SLICE)) stamp('warm-end'); else slice(false);
    } catch (e) { console.debug('conduct: warm-up failed', e); }
  }, first ? 50 : 0);
  slice(true);
}
/** Regexes compiled per idle slice: a few ms each in wasm. */
const WARM_UP_PER_SLICE = 3;
const warmed = new WeakSet();

function reload() {
  // Loads run one after another, so a slower older load can never overwrite a newer one.
  const p = (state.loaded || Promise.resolve()).catch(() => {}).then(load);
  state.loaded = p;
  p.then(warmUp, (e) => console.error('conduct: load failed', e));
  return p;
}

function ready() {
  return state.loaded || reload();
}

// ---- diagnostics -------------------------------------------------------------------------

const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** Ignore keys by their input (rule, flagged text, context): the same findings come back on every keystroke. */
const keyCache = new Map();

/** The "ignore once" key: a hash of rule id + flagged text + surrounding context. */
async function ignoreKey(rule, text, start, end) {
  const ctx = text.slice(Math.max(0, start - CONTEXT_CHARS), start) + '\u0001' + text.slice(end, end + CONTEXT_CHARS);
  const input = `${rule}\u0000${text.slice(start, end)}\u0000${ctx}`;
  let key = keyCache.get(input);
  if (key) return key;
  key = hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(input))).slice(0, 32);
  keyCache.set(input, key);
  while (keyCache.size > 4000) keyCache.delete(keyCache.keys().next().value);
  return key;
}

function segmentCache(checker) {
  let cache = segmentCaches.get(checker);
  if (!cache) { cache = new SegmentCache(); segmentCaches.set(checker, cache); }
  return cache;
}

/** Per Checker: rule id → its rule info (`explain`), to pack and unpack segment snapshots. */
const ruleInfos = new WeakMap();
function explainer(checker) {
  let infos = ruleInfos.get(checker);
  if (!infos) { infos = new Map(); ruleInfos.set(checker, infos); }
  return (id) => {
    if (!infos.has(id)) infos.set(id, checker.explain(id));
    return infos.get(id);
  };
}

let snapshotTimer = 0;
/** Keeps a snapshot of the segment cache in session storage (memory only, this browser session;
 * hashes and findings, no text) once checks pause, for the next worker after a restart. */
function snapshotSoon(cache) {
  clearTimeout(snapshotTimer);
  const gen = state.gen;
  snapshotTimer = setTimeout(() => {
    if (gen !== state.gen || !chrome.storage.session) return;
    chrome.storage.session.set({ [STORAGE.segments]: { gen, entries: cache.snapshot(explainer(state.checker)) } }).catch(() => {});
  }, 250);
}

/** The engine's findings for `text`, sentence segments re-used from earlier checks. */
function findings(text, lang) {
  const checker = state.checker;
  if (!state.segmentable) return checker.check(text, lang);
  const cache = segmentCache(checker);
  let checked = 0;
  // Segments keep their quoted-mail findings (cached by their text alone, they cannot know
  // whether a reply header is above them); the whole text's quoted ranges drop them below.
  const found = checkSegments((s) => { checked += s.length; return checker.check(s, lang, true); }, text, cache, `${lang}\u0000`, explainer(checker));
  // How much of the first text this worker saw it had to check (the rest came from a snapshot).
  stamp('first-check-chars', { checked, of: text.length });
  snapshotSoon(cache);
  return found.length ? withoutQuoted(found, checker.quotedRanges(text)) : found;
}

async function check(text, lang) {
  if (!text) return [];
  stamp('first-check-start');
  const raw = findings(text, lang || 'auto');
  stamp('first-check-end');
  const keys = await Promise.all(raw.map((d) => ignoreKey(d.rule, text, d.start, d.end)));
  const out = [];
  raw.forEach((d, i) => {
    if (state.ignored.has(keys[i])) return;
    out.push({
      rule: d.rule, category: d.category, kind: d.kind ?? null, severity: d.severity,
      start: d.start, end: d.end, text: d.text, message: d.message, norm: d.norm,
      suggestions: Array.isArray(d.suggestions) ? [...d.suggestions] : [], key: keys[i],
    });
  });
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

/** Answers `msg`; `fields`: the FieldTexts of the port it came through (null: a one-off message). */
async function handle(msg, sender, fields = null) {
  if (GUARD_KINDS.includes(msg?.kind)) { await ready(); return handleGuard(msg, sender, state); }
  const bad = validateRequest(msg);
  if (bad) return { kind: 'error', message: bad };
  let text = null;
  if (msg.kind === 'check') {
    // Taken at once, in the order the port delivered the messages.
    text = fields ? fields.text(msg) : (typeof msg.text === 'string' ? msg.text : null);
    if (text === null) return { kind: 'miss', id: msg.id };
  }
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
        const key = `${state.gen}|${msg.lang || 'auto'}|${quickHash(text)}`;
        diagnostics = resultCache.get(key);
        if (diagnostics) { resultCache.delete(key); resultCache.set(key, diagnostics); }
        else {
          diagnostics = await check(text, msg.lang);
          resultCache.set(key, diagnostics);
          while (resultCache.size > 32) resultCache.delete(resultCache.keys().next().value);
        }
      }
      const result = { kind: 'result', id: msg.id, gen: state.gen, active, diagnostics };
      return fields ? fields.reply(msg, text, result) : result;
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
        kind: 'rules', version: wasmVersion(), rules: state.checker.rules(), catalog: baseChecker().rules(),
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

const errorResponse = (e) => ({ kind: 'error', message: String(e && e.message ? e.message : e) });

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id) return false;
  handle(msg, sender).then(sendResponse, (e) => sendResponse(errorResponse(e)));
  return true;
});

// The extension's own long-lived connections (shared/protocol.js `request`): {rid, msg} → {rid, res}.
chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== PORT_NAME || port.sender?.id !== chrome.runtime.id) return;
  // The last text and findings of each field of this port's frame (checks and results as edits).
  const fields = new FieldTexts();
  port.onMessage.addListener((m) => {
    if (!m || !Number.isInteger(m.rid)) return;
    handle(m.msg, port.sender, fields).catch(errorResponse).then((res) => {
      try { port.postMessage({ rid: m.rid, res }); } catch { /* the other side went away */ }
    });
  });
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

// At worker start: the wasm compiles while the settings are read; then the policy's checker.
ensureWasm();
reload();
