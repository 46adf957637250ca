// User settings (chrome.storage.sync), managed settings (chrome.storage.managed) and the policy
// text they turn into (docs/policy.md, JSON form) for `new Checker(policy)`.
//
// Managed values override user values and are shown as locked on the options page:
//   * a category or rule set by the administrator cannot be changed by the user;
//   * managed terms, allow-phrases, approved commitments and denied sites are added to the user's
//     and cannot be removed; a non-empty managed `sites.allow` replaces the user's;
//   * a key named in managed `locked` ignores the user's value for that key entirely.

import { CATEGORIES, SEVERITIES } from './protocol.js';

export const LOCKABLE = Object.freeze(['enabled', 'categories', 'rules', 'terms', 'allow', 'approved_commitments', 'sites']);

/** @returns {Settings} */
export function defaultSettings() {
  return {
    enabled: true,
    categories: {},            // { [category]: { enabled?: boolean, severity?: Severity } }
    rules: {},                 // { [ruleId]: { enabled?: boolean, severity?: Severity } }
    terms: [],                 // [{ rule, add: string[] }]
    allow: [],                 // string[]
    approved_commitments: [],  // string[]
    sites: { allow: [], deny: [] },
  };
}

const strList = (v) => (Array.isArray(v) ? v.filter((s) => typeof s === 'string').map((s) => s.trim()).filter(Boolean) : []);
const uniq = (a) => [...new Set(a)];

function cleanToggles(obj, keyOk) {
  const out = {};
  if (!obj || typeof obj !== 'object') return out;
  for (const [k, v] of Object.entries(obj)) {
    if (!keyOk(k) || !v || typeof v !== 'object') continue;
    const e = {};
    if (typeof v.enabled === 'boolean') e.enabled = v.enabled;
    if (SEVERITIES.includes(v.severity)) e.severity = v.severity;
    if (Object.keys(e).length) out[k] = e;
  }
  return out;
}

/** Brings anything read from storage into the settings shape (unknown keys dropped). */
export function normalizeSettings(raw) {
  const s = defaultSettings();
  if (!raw || typeof raw !== 'object') return s;
  if (typeof raw.enabled === 'boolean') s.enabled = raw.enabled;
  s.categories = cleanToggles(raw.categories, (k) => CATEGORIES.includes(k));
  s.rules = cleanToggles(raw.rules, (k) => /^[a-z0-9._-]+$/.test(k));
  if (Array.isArray(raw.terms)) {
    for (const t of raw.terms) {
      if (t && typeof t.rule === 'string' && t.rule) {
        const add = strList(t.add);
        if (add.length) s.terms.push({ rule: t.rule, add });
      }
    }
  }
  s.allow = uniq(strList(raw.allow));
  s.approved_commitments = uniq(strList(raw.approved_commitments));
  if (raw.sites && typeof raw.sites === 'object') {
    s.sites.allow = uniq(strList(raw.sites.allow).map(normHost));
    s.sites.deny = uniq(strList(raw.sites.deny).map(normHost));
  }
  return s;
}

export function normHost(h) {
  return String(h).trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/[/:].*$/, '');
}

/**
 * Layers managed settings over user settings.
 * @returns {{settings: Settings, locked: {keys:string[], categories:string[], rules:string[],
 *   terms:string[], allow:string[], approved_commitments:string[], sitesDeny:string[], sitesAllow:boolean}}}
 */
export function effectiveSettings(userRaw, managedRaw) {
  const user = normalizeSettings(userRaw);
  const managed = normalizeSettings(managedRaw);
  const has = (k) => managedRaw && typeof managedRaw === 'object' && k in managedRaw;
  const lockedKeys = new Set(strList(managedRaw && managedRaw.locked).filter((k) => LOCKABLE.includes(k)));
  const take = (k) => (lockedKeys.has(k) ? defaultSettings()[k] : user[k]);

  const s = defaultSettings();
  s.enabled = has('enabled') ? managed.enabled : take('enabled');
  if (has('enabled')) lockedKeys.add('enabled');
  s.categories = { ...take('categories') };
  for (const [k, v] of Object.entries(managed.categories)) s.categories[k] = { ...s.categories[k], ...v };
  s.rules = { ...take('rules') };
  for (const [k, v] of Object.entries(managed.rules)) s.rules[k] = { ...s.rules[k], ...v };
  s.terms = [...managed.terms, ...take('terms')];
  s.allow = uniq([...managed.allow, ...take('allow')]);
  s.approved_commitments = uniq([...managed.approved_commitments, ...take('approved_commitments')]);
  const us = take('sites');
  s.sites.allow = managed.sites.allow.length ? managed.sites.allow : us.allow;
  s.sites.deny = uniq([...managed.sites.deny, ...us.deny]);

  return {
    settings: s,
    locked: {
      keys: [...lockedKeys],
      categories: Object.keys(managed.categories),
      rules: Object.keys(managed.rules),
      terms: managed.terms.flatMap((t) => t.add.map((a) => `${t.rule}\u0000${a}`)),
      allow: managed.allow,
      approved_commitments: managed.approved_commitments,
      sitesDeny: managed.sites.deny,
      sitesAllow: managed.sites.allow.length > 0,
    },
  };
}

/** Whether checking is on for a host under these (effective) settings. */
export function siteActive(settings, host) {
  if (!settings.enabled) return false;
  const h = normHost(host || '');
  const matches = (pat) => h === pat || (pat.startsWith('*.') ? h.endsWith(pat.slice(1)) : h.endsWith('.' + pat));
  if (settings.sites.deny.some(matches)) return false;
  if (settings.sites.allow.length && !settings.sites.allow.some(matches)) return false;
  return true;
}

/**
 * The policy text (docs/policy.md, JSON) for these effective settings. Returns null when nothing
 * differs from the built-in packs, so the worker can use `new Checker()`.
 */
export function toPolicy(settings) {
  const p = { version: 1 };
  if (Object.keys(settings.categories).length) p.categories = settings.categories;
  if (Object.keys(settings.rules).length) p.rules = settings.rules;
  const terms = settings.terms.filter((t) => t.add.length);
  if (terms.length) p.terms = terms;
  if (settings.allow.length) p.allow = settings.allow;
  if (settings.approved_commitments.length) p.approved_commitments = settings.approved_commitments;
  if (Object.keys(p).length === 1) return null;
  return JSON.stringify(p);
}

/**
 * @typedef {object} Settings
 * @property {boolean} enabled
 * @property {Object<string,{enabled?:boolean,severity?:string}>} categories
 * @property {Object<string,{enabled?:boolean,severity?:string}>} rules
 * @property {{rule:string, add:string[]}[]} terms
 * @property {string[]} allow
 * @property {string[]} approved_commitments
 * @property {{allow:string[], deny:string[]}} sites
 */
