// The guard's local audit log (chrome.storage.local `guardAudit`): when, where (host), which rules,
// the guard mode, what the user did and the reason they typed. Never the message text: an entry is
// rebuilt here from whitelisted fields only, whatever the sender put in it.

import { ACTIONS, MODES, AUDIT_KEY, AUDIT_MAX } from './config.js';

const RULE_ID = /^[a-z0-9][a-z0-9._-]{0,99}$/;
export const REASON_MAX = 500;

/** A clean audit entry, or null when the request is malformed. */
export function makeEntry(raw, host, now = new Date()) {
  if (!raw || typeof raw !== 'object') return null;
  if (!ACTIONS.includes(raw.action) || !MODES.includes(raw.mode)) return null;
  const rules = Array.isArray(raw.rules) ? [...new Set(raw.rules.filter((r) => typeof r === 'string' && RULE_ID.test(r)))] : [];
  if (!rules.length) return null;
  const reason = typeof raw.reason === 'string' ? raw.reason.trim().slice(0, REASON_MAX) : '';
  return {
    time: now.toISOString(),
    site: String(host || '').slice(0, 253),
    rules,
    mode: raw.mode,
    action: raw.action,
    reason: reason || null,
  };
}

let chain = Promise.resolve();

/** Appends an entry (writes are serialised so concurrent sends never lose one). */
export function appendEntry(entry) {
  const p = chain.then(async () => {
    const { [AUDIT_KEY]: list = [] } = await chrome.storage.local.get(AUDIT_KEY);
    const next = Array.isArray(list) ? list.concat([entry]) : [entry];
    while (next.length > AUDIT_MAX) next.shift();
    await chrome.storage.local.set({ [AUDIT_KEY]: next });
  });
  chain = p.catch(() => {});
  return p;
}

export async function readLog() {
  const { [AUDIT_KEY]: list = [] } = await chrome.storage.local.get(AUDIT_KEY);
  return Array.isArray(list) ? list : [];
}

export function clearLog() {
  const p = chain.then(() => chrome.storage.local.set({ [AUDIT_KEY]: [] }));
  chain = p.catch(() => {});
  return p;
}

export const CSV_COLUMNS = Object.freeze(['time', 'site', 'rules', 'mode', 'action', 'reason']);

function csvCell(v) {
  let s = v == null ? '' : Array.isArray(v) ? v.join(' ') : String(v);
  // Spreadsheet formula injection: a cell starting with = + - @ is read as text.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCSV(entries) {
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of entries) lines.push(CSV_COLUMNS.map((c) => csvCell(e[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function toJSON(entries) {
  return JSON.stringify(entries, null, 2) + '\n';
}
