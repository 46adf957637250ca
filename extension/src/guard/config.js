// Pre-send guard settings: defaults, normalisation, and the effective guard (managed over user).
// Shared by the worker, the content-side guard and the options page.
//
// Where the settings live:
//   * chrome.storage.sync `guard`     the user's { mode, threshold, send_names, sites }
//   * chrome.storage.managed `guard`  the administrator's, same shape; `locked` may name
//                                     'guard' (the user's guard settings are ignored) and
//                                     'audit' (the user may not clear the audit log)
// `mode` and `threshold` also go into the engine policy (`[guard]`, docs/policy.md), so a bad
// value is reported by `new Checker(policy)` like any other policy error and the last valid policy
// (and its guard) stays in force.

export const GUARD_KEY = 'guard';          // chrome.storage.sync
export const AUDIT_KEY = 'guardAudit';     // chrome.storage.local
export const AUDIT_MAX = 2000;
export const MODES = Object.freeze(['warn', 'justify', 'block']);
export const USER_MODES = Object.freeze(['warn', 'justify', 'block', 'off']);
export const THRESHOLDS = Object.freeze(['info', 'warning', 'error']);
export const ACTIONS = Object.freeze(['reviewed', 'sent_anyway', 'blocked']);
export const DEFAULT_GUARD = Object.freeze({ mode: 'warn', threshold: 'warning' });

/** Accessible names of send buttons recognised everywhere (compared case-insensitively). */
export const DEFAULT_SEND_NAMES = Object.freeze([
  'send', 'send now', 'send message', 'send email', 'submit', 'reply', 'post',
  '发送', '发 送', '提交', '送出', '傳送', '发出', '发送消息', '回复',
]);

export const SEVERITY_RANK = Object.freeze({ info: 0, warning: 1, error: 2 });

const strList = (v) => (Array.isArray(v) ? v.filter((s) => typeof s === 'string').map((s) => s.trim()).filter(Boolean) : []);
const uniq = (a) => [...new Set(a)];
const normHost = (h) => String(h).trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/[/:].*$/, '');

/** Brings a stored/managed guard object into shape; unknown or invalid values are dropped. */
export function normalizeGuard(raw, { allowOff = true } = {}) {
  const g = {};
  if (!raw || typeof raw !== 'object') return g;
  if ((allowOff ? USER_MODES : MODES).includes(raw.mode)) g.mode = raw.mode;
  if (THRESHOLDS.includes(raw.threshold)) g.threshold = raw.threshold;
  const names = strList(raw.send_names);
  if (names.length) g.send_names = uniq(names);
  if (raw.sites && typeof raw.sites === 'object') {
    const sites = {};
    for (const [host, v] of Object.entries(raw.sites)) {
      if (!v || typeof v !== 'object') continue;
      const s = {};
      const n = strList(v.send_names);
      if (n.length) s.send_names = n;
      if (typeof v.enter_sends === 'boolean') s.enter_sends = v.enter_sends;
      if (Object.keys(s).length) sites[normHost(host)] = s;
    }
    if (Object.keys(sites).length) g.sites = sites;
  }
  return g;
}

/**
 * The guard in force: managed values override the user's; `locked: ['guard']` ignores the user's.
 * @returns {{mode:string, threshold:string, send_names:string[], sites:object,
 *   locked:{all:boolean, mode:boolean, threshold:boolean, audit:boolean}, managedRaw:object|null}}
 */
export function effectiveGuard(userRaw, managedRaw) {
  const lockedList = strList(managedRaw && managedRaw.locked);
  const all = lockedList.includes('guard');
  const m = normalizeGuard(managedRaw && managedRaw.guard, { allowOff: false });
  const u = all ? {} : normalizeGuard(userRaw);
  const sites = { ...(u.sites || {}) };
  for (const [h, v] of Object.entries(m.sites || {})) sites[h] = { ...sites[h], ...v };
  return {
    mode: m.mode ?? u.mode ?? DEFAULT_GUARD.mode,
    threshold: m.threshold ?? u.threshold ?? DEFAULT_GUARD.threshold,
    send_names: uniq([...(m.send_names || []), ...(u.send_names || [])]),
    sites,
    locked: { all, mode: all || 'mode' in m, threshold: all || 'threshold' in m, audit: lockedList.includes('audit') },
    managedRaw: managedRaw && typeof managedRaw.guard === 'object' ? managedRaw.guard : null,
  };
}

/** The `[guard]` table of a policy text (JSON, as the worker builds it), or null. */
export function guardOfPolicy(policyText) {
  if (!policyText) return null;
  try {
    const p = JSON.parse(policyText);
    return p && p.guard && typeof p.guard === 'object' ? p.guard : null;
  } catch { return null; }
}

/** Per-site settings for a host (exact host or a `*.domain` / parent-domain entry). */
export function siteGuard(sites, host) {
  const h = normHost(host || '');
  if (sites[h]) return sites[h];
  for (const [pat, v] of Object.entries(sites || {})) {
    const p = pat.replace(/^\*\./, '');
    if (h === p || h.endsWith('.' + p)) return v;
  }
  return {};
}
