// Worker side of the pre-send guard: folds the guard (and managed extra rules and packs) into the policy the
// worker hands to `new Checker(policy)`, answers the guard's messages and writes the audit log.
//
// Messages (content script / options page → worker), besides ../shared/protocol.js:
//   {kind:'guard-config', host}         → {kind:'guard-config', active, mode, threshold, send_names,
//                                           enter_sends: boolean|null, locked, gen, policyError}
//   {kind:'guard-audit', entry}         → {kind:'ok'}     entry: {rules, mode, action, reason}
//   {kind:'guard-audit-clear'}          → {kind:'ok'} | {kind:'error'} when managed `locked` has 'audit'

import { GUARD_KEY, DEFAULT_GUARD, effectiveGuard, guardOfPolicy, siteGuard } from './config.js';
import { makeEntry, appendEntry, clearLog } from './audit.js';
import { siteActive, normHost } from '../shared/settings.js';

export const GUARD_KINDS = Object.freeze(['guard-config', 'guard-audit', 'guard-audit-clear']);

let current = effectiveGuard(null, null);

async function readUserGuard() {
  try { return (await chrome.storage.sync.get(GUARD_KEY))[GUARD_KEY] ?? null; } catch { return null; }
}

/**
 * The policy text with the effective `[guard]` and the administrator's extra rules (`rule`, `packs`) added, pretty
 * printed so a policy error's line:column points at a readable line. `policyText` is what
 * settings.toPolicy returned (JSON or null); `userGuard` the user's stored guard settings when the caller
 * read them already (else they are read here).
 */
export async function withGuardPolicy(policyText, managed, userGuard) {
  current = effectiveGuard(userGuard !== undefined ? userGuard : await readUserGuard(), managed);
  const p = policyText ? JSON.parse(policyText) : { version: 1 };
  const raw = current.managedRaw;
  // A managed mode/threshold goes in as given, so the engine reports an invalid one with its location.
  const mode = raw && typeof raw.mode === 'string' ? raw.mode : current.mode;
  const threshold = raw && typeof raw.threshold === 'string' ? raw.threshold : current.threshold;
  if (mode !== 'off' && (mode !== DEFAULT_GUARD.mode || threshold !== DEFAULT_GUARD.threshold)) p.guard = { mode, threshold };
  const rules = managedRules(managed);
  if (rules.length) p.rule = rules;
  if (Object.keys(p).length === 1) return null;
  return JSON.stringify(p, null, 2);
}

/** The administrator's extra rules: `rule`, then the rules of each pack in `packs` (pack files in JSON form). */
export function managedRules(managed) {
  if (!managed || typeof managed !== 'object') return [];
  const out = Array.isArray(managed.rule) ? [...managed.rule] : [];
  if (Array.isArray(managed.packs)) for (const pack of managed.packs) if (pack && Array.isArray(pack.rule)) out.push(...pack.rule);
  return out;
}

/** The guard of the policy in force (the last valid one when the newest failed). */
function guardInForce(state) {
  if (current.mode === 'off' && !state.policyError) return { mode: 'off', threshold: current.threshold };
  const g = guardOfPolicy(state.policyText);
  if (state.policyError) return g ? { mode: g.mode, threshold: g.threshold ?? 'warning' } : { ...DEFAULT_GUARD };
  return { mode: current.mode, threshold: current.threshold };
}

function hostOf(msg, sender) {
  if (typeof msg.host === 'string' && msg.host) return normHost(msg.host);
  try { return new URL(sender.tab?.url || sender.url).hostname; } catch { return ''; }
}

export async function handleGuard(msg, sender, state) {
  switch (msg.kind) {
    case 'guard-config': {
      const host = hostOf(msg, sender);
      const g = guardInForce(state);
      const site = siteGuard(current.sites, host);
      return {
        kind: 'guard-config', active: siteActive(state.settings, host), mode: g.mode, threshold: g.threshold,
        send_names: [...current.send_names, ...(site.send_names || [])],
        enter_sends: typeof site.enter_sends === 'boolean' ? site.enter_sends : null,
        locked: current.locked, user: current, gen: state.gen, policyError: state.policyError,
      };
    }
    case 'guard-audit': {
      const entry = makeEntry(msg.entry, hostOf(msg, sender));
      if (!entry) return { kind: 'error', message: 'guard-audit: bad entry' };
      await appendEntry(entry);
      return { kind: 'ok' };
    }
    case 'guard-audit-clear':
      if (current.locked.audit) return { kind: 'error', message: 'locked by your administrator' };
      await clearLog();
      return { kind: 'ok' };
  }
  return { kind: 'error', message: 'unhandled' };
}

/** Reloads the worker's policy when the user's guard settings change. */
export function installGuardWorker(reload) {
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === 'sync' && GUARD_KEY in changes) reload();
  });
}
