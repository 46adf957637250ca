// The one message protocol between the service worker and every other part of the extension
// (content scripts, popup, options page). Every message is a plain object with a `kind`; every
// request gets exactly one response object back (an `error` kind when the worker failed).
//
// Content scripts never touch the wasm: only the worker does (page CSPs block wasm compilation
// in content scripts, see shared/TOOLCHAIN.md).

/**
 * @typedef {'disrespect'|'commitment'|'disclosure'} Category
 * @typedef {'error'|'warning'|'info'} Severity
 *
 * @typedef {object} Diagnostic  A finding, spans in UTF-16 code units of the checked text.
 * @property {string} rule
 * @property {Category} category
 * @property {string|null} kind
 * @property {Severity} severity
 * @property {number} start
 * @property {number} end
 * @property {string} text
 * @property {string} message
 * @property {string} norm
 * @property {string[]} suggestions
 * @property {string} key   Hash of rule id + flagged text + context (the "ignore once" key; never the text).
 *
 * Requests (content script / popup / options → worker):
 * @typedef {{kind:'hello', host:string}} HelloRequest
 * @typedef {{kind:'check', id:number, text:string, host:string, lang?:'auto'|'zh'|'en'}} CheckRequest
 *   A content script's field adds `field` (its id, unique in the frame), `rev` (the text's revision)
 *   and `have` (the revision of the last findings it holds for the field); after the first request on
 *   a port it may send, instead of `text`, `base` (the revision the worker has) and `edit` {at, del,
 *   ins} of that text, and `len` (the new length). See ./delta.js.
 *   The worker answers `{kind:'miss', id}` when it does not have that base (new worker or port): the
 *   content script then sends the whole text. For a field the result carries `rev`, and, when the
 *   worker had the findings of revision `have`, `base` (= have), `head`, `tail` and `shift` with
 *   only the findings between them in `diagnostics` (see ./delta.js `applyFindingsDelta`).
 * @typedef {{kind:'ignore', key:string}} IgnoreRequest
 * @typedef {{kind:'set-rule', rule:string, enabled:boolean}} SetRuleRequest
 * @typedef {{kind:'set-site', host:string, enabled:boolean}} SetSiteRequest
 * @typedef {{kind:'field-state', host:string, counts:Counts|null}} FieldStateRequest
 * @typedef {{kind:'tab-state', tabId:number}} TabStateRequest
 * @typedef {{kind:'rules'}} RulesRequest
 * @typedef {{kind:'status'}} StatusRequest
 * @typedef {{kind:'validate', settings:object}} ValidateRequest
 *
 * Responses (worker → sender):
 * @typedef {{kind:'hello', active:boolean, gen:number}} HelloResponse
 * @typedef {{kind:'result', id:number, gen:number, active:boolean, diagnostics:Diagnostic[]}} CheckResponse
 * @typedef {{kind:'ok'}} OkResponse
 * @typedef {{kind:'tab-state', host:string|null, active:boolean, counts:Counts|null}} TabStateResponse
 * @typedef {{kind:'rules', rules:object[], catalog:object[], version:string}} RulesResponse
 * @typedef {{kind:'status', version:string, gen:number, policyError:string|null}} StatusResponse
 * @typedef {{kind:'validate', ok:boolean, error:string|null}} ValidateResponse
 * @typedef {{kind:'error', message:string}} ErrorResponse
 *
 * @typedef {{disrespect:number, commitment:number, disclosure:number, total:number}} Counts
 */

export const REQUEST_KINDS = Object.freeze([
  'hello', 'check', 'ignore', 'set-rule', 'set-site', 'field-state', 'tab-state', 'rules', 'status', 'validate',
]);

/** Keys in chrome.storage. `sync`: user settings; `local`: ignore keys and worker state. */
export const STORAGE = Object.freeze({
  settings: 'settings',       // sync
  ignored: 'ignored',         // local: string[] of ignore keys (hashes)
  state: 'workerState',       // local: { gen, policyError, version }
  segments: 'segments',       // session (memory only): { gen, entries } — SegmentCache.snapshot(): hashes, rule ids, numbers
});

export const CATEGORIES = Object.freeze(['disrespect', 'commitment', 'disclosure']);
export const SEVERITIES = Object.freeze(['error', 'warning', 'info']);

/**
 * Checks that a request is well formed; returns an error string or null.
 * @param {any} msg
 */
export function validateRequest(msg) {
  if (!msg || typeof msg !== 'object') return 'message is not an object';
  if (!REQUEST_KINDS.includes(msg.kind)) return `unknown message kind ${JSON.stringify(msg.kind)}`;
  switch (msg.kind) {
    case 'check':
      if (typeof msg.text !== 'string' && !(Number.isInteger(msg.base) && msg.edit && typeof msg.edit === 'object')) {
        return 'check: text must be a string';
      }
      if (!Number.isInteger(msg.id)) return 'check: id must be an integer';
      break;
    case 'ignore':
      if (typeof msg.key !== 'string' || !/^[0-9a-f]{16,64}$/.test(msg.key)) return 'ignore: bad key';
      break;
    case 'set-rule':
      if (typeof msg.rule !== 'string' || typeof msg.enabled !== 'boolean') return 'set-rule: bad arguments';
      break;
    case 'set-site':
      if (typeof msg.host !== 'string' || typeof msg.enabled !== 'boolean') return 'set-site: bad arguments';
      break;
    case 'tab-state':
      if (!Number.isInteger(msg.tabId)) return 'tab-state: tabId must be an integer';
      break;
  }
  return null;
}

const RETRYABLE = /Receiving end does not exist|message port closed|Could not establish connection|disconnected|No SW|worker/i;

/** True when the extension was reloaded or removed under this content script: give up quietly. */
export function contextInvalidated() {
  try { return !globalThis.chrome?.runtime?.id; } catch { return true; }
}

/** Name of the long-lived connection every part of the extension keeps to the worker. */
export const PORT_NAME = 'conduct';

let port = null;
let portSeq = 0;
/** Counts the ports opened: what a worker keeps per port (a field's text) is gone with its port. */
let portCount = 0;

/** The port the next request goes through (a number; changes when it is reopened), or -1 when
 * there is none open: the next request opens one. */
export function currentPort() {
  return port ? portCount : -1;
}
/** Request id → {resolve, reject, port} of the requests waiting for a response. */
const waiting = new Map();

function connect() {
  const p = chrome.runtime.connect({ name: PORT_NAME });
  portCount++;
  p.onMessage.addListener((m) => {
    const w = m && waiting.get(m.rid);
    if (w) { waiting.delete(m.rid); w.resolve(m.res); }
    closeWhenIdle();
  });
  p.onDisconnect.addListener(() => {
    void chrome.runtime.lastError;
    if (port === p) port = null;
    for (const [rid, w] of waiting) {
      if (w.port === p) { waiting.delete(rid); w.reject(new Error('worker disconnected')); }
    }
  });
  return p;
}

// The port is closed after 10 s without requests: an idle page holds no connection (an open extension
// port also kept pages out of the back/forward cache before Chrome 123); the next request reopens it.
const PORT_IDLE_MS = 10000;
let idleTimer = null;
function closeWhenIdle() {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (!port || waiting.size) return;
    const p = port;
    port = null;
    try { p.disconnect(); } catch { /* already closed */ }
  }, PORT_IDLE_MS);
}

/**
 * One message over the port (opened on first use, reopened after the worker stopped). A port
 * costs one connection per frame instead of one per message as with `runtime.sendMessage`.
 */
function post(msg) {
  return new Promise((resolve, reject) => {
    try {
      port ??= connect();
      const rid = ++portSeq;
      waiting.set(rid, { resolve, reject, port });
      port.postMessage({ rid, msg });
    } catch (e) {
      port = null;
      reject(e);
    }
  });
}

/**
 * Sends one request to the worker and resolves with its response. Retries when the worker was
 * stopped and the message was lost (a closed port, "Receiving end does not exist"), so callers
 * never see a worker restart. Rejects with an Error when the worker answered with `error`.
 * @param {object} msg
 * @param {{attempts?:number}} [opts]
 */
export async function request(msg, { attempts = 4 } = {}) {
  let lastError;
  for (let i = 0; i < attempts; i++) {
    if (contextInvalidated()) throw new Error('extension context invalidated');
    try {
      const res = await post(msg);
      if (res === undefined) throw new Error('message port closed before a response was received');
      if (res.kind === 'error') throw Object.assign(new Error(res.message), { fromWorker: true });
      return res;
    } catch (e) {
      lastError = e;
      if (e.fromWorker || !RETRYABLE.test(String(e && e.message))) throw e;
      await new Promise((r) => setTimeout(r, 20 * 2 ** i));
    }
  }
  throw lastError;
}

/** Fast non-cryptographic 53-bit hash (cyrb53) for cache keys. Not used for anything stored. */
export function quickHash(str, seed = 0) {
  let h1 = 0xdeadbeef ^ seed, h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36) + ':' + str.length;
}

/** Counts findings by category. @param {Diagnostic[]} diagnostics @returns {Counts} */
export function countByCategory(diagnostics) {
  const c = { disrespect: 0, commitment: 0, disclosure: 0, total: 0 };
  for (const d of diagnostics) { if (d.category in c) c[d.category]++; c.total++; }
  return c;
}

/** The host whose settings apply to this frame: the top-level page's host. */
export function topHost() {
  try {
    const ao = location.ancestorOrigins;
    if (ao && ao.length) return new URL(ao[ao.length - 1]).hostname;
  } catch { /* fall through */ }
  try { return window.top.location.hostname || location.hostname; } catch { return location.hostname; }
}
