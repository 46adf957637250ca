// Unit tests (node, no browser) of the guard's pure parts: effective guard (managed over user,
// locks), the policy the worker builds from it, audit entries (whitelisted fields only) and CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveGuard, normalizeGuard, guardOfPolicy, siteGuard } from '../../extension/src/guard/config.js';
import { makeEntry, toCSV, toJSON } from '../../extension/src/guard/audit.js';
import { loadEngine } from './lib/harness.mjs';

// worker-guard.js reads the user's guard from chrome.storage.sync.
let syncGuard = null;
globalThis.chrome = { storage: { sync: { get: async () => ({ guard: syncGuard }) }, onChanged: { addListener() {} } } };
const { withGuardPolicy, managedRules } = await import('../../extension/src/guard/worker-guard.js');
const withGuardPolicySync = (managed) => JSON.stringify({ version: 1, rule: managedRules(managed) });

test('effective guard: defaults, user values, managed override, locked', () => {
  assert.deepEqual(pick(effectiveGuard(null, null)), { mode: 'warn', threshold: 'warning' });
  assert.deepEqual(pick(effectiveGuard({ mode: 'off', threshold: 'error' }, {})), { mode: 'off', threshold: 'error' });
  const g = effectiveGuard({ mode: 'warn', threshold: 'info', send_names: ['Go'] }, { guard: { mode: 'block' } });
  assert.deepEqual(pick(g), { mode: 'block', threshold: 'info' });
  assert.deepEqual(g.locked, { all: false, mode: true, threshold: false, audit: false });
  assert.deepEqual(g.send_names, ['Go']);
  const l = effectiveGuard({ mode: 'warn', threshold: 'info', send_names: ['Go'] }, { locked: ['guard', 'audit'] });
  assert.deepEqual(pick(l), { mode: 'warn', threshold: 'warning' }, 'locked guard ignores the user');
  assert.deepEqual(l.send_names, []);
  assert.deepEqual(l.locked, { all: true, mode: true, threshold: true, audit: true });
  assert.deepEqual(normalizeGuard({ mode: 'off' }, { allowOff: false }), {}, 'administrators cannot set off');
  assert.deepEqual(normalizeGuard({ mode: 'bogus', threshold: 'fatal', sites: { 'HTTPS://Mail.Example.com/x': { enter_sends: false } } }),
    { sites: { 'mail.example.com': { enter_sends: false } } });
  assert.deepEqual(siteGuard({ 'example.com': { enter_sends: true } }, 'mail.example.com'), { enter_sends: true });
  assert.deepEqual(siteGuard({ 'example.com': { enter_sends: true } }, 'example.org'), {});
});

test('policy: [guard] only when it differs from the default; managed rules added; the engine accepts it', async () => {
  const { Checker } = await loadEngine();
  syncGuard = null;
  assert.equal(await withGuardPolicy(null, {}), null);
  syncGuard = { mode: 'off' };
  assert.equal(await withGuardPolicy(null, {}), null, 'off is not an engine mode');
  syncGuard = { mode: 'justify' };
  const p1 = await withGuardPolicy('{"version":1,"allow":["x"]}', {});
  assert.deepEqual(JSON.parse(p1), { version: 1, allow: ['x'], guard: { mode: 'justify', threshold: 'warning' } });
  assert.deepEqual(guardOfPolicy(p1), { mode: 'justify', threshold: 'warning' });
  new Checker(p1).free();
  const rule = { id: 'disclosure.codename', category: 'disclosure', severity: 'error', message: { zh: '代号', en: 'code name' }, norm: 'n', terms: ['Falcon'] };
  const p2 = await withGuardPolicy(null, { guard: { mode: 'block', threshold: 'error' }, rule: [rule] });
  const c = new Checker(p2);
  assert.equal(c.check('Falcon ships', 'en')[0].rule, 'disclosure.codename');
  c.free();
  // Packs (pack files in JSON form) add their rules too; a duplicate id is the engine's error.
  const pack = { pack: { name: 'acme' }, rule: [{ ...rule, id: 'disclosure.acme-internal', terms: ['Zeus'] }] };
  const c2 = new Checker(await withGuardPolicy(null, { rule: [rule], packs: [pack] }));
  assert.deepEqual(c2.check('Falcon and Zeus', 'en').map((d) => d.rule), ['disclosure.codename', 'disclosure.acme-internal']);
  c2.free();
  assert.throws(() => new Checker(withGuardPolicySync({ rule: [rule], packs: [{ rule: [rule] }] })), /duplicate rule id/);
  // A bad managed mode goes to the engine as given, so its error is located.
  const p3 = await withGuardPolicy(null, { guard: { mode: 'strict' } });
  assert.throws(() => new Checker(p3), /policy:\d+:\d+: .*guard/);
});

test('audit entries keep whitelisted fields only; CSV quotes and defuses formulas', () => {
  const now = new Date('2026-11-27T10:00:00Z');
  const e = makeEntry({ rules: ['commitment.deadline', 'commitment.deadline', 'BAD id'], mode: 'justify', action: 'sent_anyway', reason: '  ok, "approved"  ', text: 'secret', findings: [{ text: 'secret' }] }, 'mail.example.com', now);
  assert.deepEqual(e, { time: '2026-11-27T10:00:00.000Z', site: 'mail.example.com', rules: ['commitment.deadline'], mode: 'justify', action: 'sent_anyway', reason: 'ok, "approved"' });
  assert.equal(makeEntry({ rules: ['a.b'], mode: 'warn', action: 'deleted' }, 'h'), null);
  assert.equal(makeEntry({ rules: ['a.b'], mode: 'off', action: 'reviewed' }, 'h'), null);
  assert.equal(makeEntry({ rules: [], mode: 'warn', action: 'reviewed' }, 'h'), null);
  assert.equal(makeEntry({ rules: ['a.b'], mode: 'warn', action: 'reviewed', reason: 'x'.repeat(900) }, 'h').reason.length, 500);
  const csv = toCSV([e, { ...e, reason: '=1+1', rules: ['a.b', 'c.d'] }]);
  assert.equal(csv.split('\r\n')[0], 'time,site,rules,mode,action,reason');
  assert.ok(csv.includes('"ok, ""approved"""'));
  assert.ok(csv.includes(",a.b c.d,justify,sent_anyway,'=1+1\r\n"));
  assert.deepEqual(JSON.parse(toJSON([e])), [e]);
});

function pick(g) { return { mode: g.mode, threshold: g.threshold }; }
