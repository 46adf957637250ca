// The settings layer in node (no browser): user + managed → effective settings → policy text, and
// which sites are checked. The engine must accept every policy produced here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveSettings, toPolicy, siteActive, normalizeSettings } from '../../extension/src/shared/settings.js';
import { loadEngine } from './lib/harness.mjs';
import { termRule } from './lib/sentences.mjs';

test('defaults give no policy (the built-in packs)', () => {
  const { settings } = effectiveSettings(undefined, {});
  assert.equal(toPolicy(settings), null);
  assert.equal(siteActive(settings, 'mail.example.com'), true);
});

test('user settings become a docs/policy.md JSON policy the engine accepts', async () => {
  const engine = await loadEngine();
  const rule = termRule(engine);
  const user = {
    categories: { disclosure: { severity: 'error' }, commitment: { enabled: false } },
    rules: { [rule]: { severity: 'info' } },
    terms: [{ rule, add: ['zorblax', ' ', ''] }],
    allow: ['SB-Pro 控制器', 'SB-Pro 控制器'],
    approved_commitments: ['CR-2026-0142'],
    junk: 1,
  };
  const { settings } = effectiveSettings(user, {});
  const policy = JSON.parse(toPolicy(settings));
  assert.deepEqual(policy, {
    version: 1,
    categories: { disclosure: { severity: 'error' }, commitment: { enabled: false } },
    rules: { [rule]: { severity: 'info' } },
    terms: [{ rule, add: ['zorblax'] }],
    allow: ['SB-Pro 控制器'],
    approved_commitments: ['CR-2026-0142'],
  });
  const c = new engine.Checker(toPolicy(settings));
  assert.deepEqual(new engine.Checker().check('The zorblax report is attached.', 'auto'), [], 'clean without the policy');
  const [d] = c.check('The zorblax report is attached.', 'auto');
  assert.equal(d?.text, 'zorblax');
  assert.equal(d?.severity, 'info');
  assert.throws(() => new engine.Checker(JSON.stringify({ ...policy, terms: [{ rule: 'no.such-rule', add: ['x'] }] })));
});

test('managed values override, add and lock', () => {
  const user = {
    enabled: false,
    rules: { 'a.b': { enabled: true, severity: 'info' }, 'c.d': { enabled: false } },
    allow: ['mine'],
    sites: { allow: ['user.example'], deny: ['x.example'] },
  };
  const managed = {
    enabled: true,
    rules: { 'a.b': { enabled: false } },
    allow: ['corp'],
    sites: { deny: ['intranet.example'] },
    locked: ['sites', 'bogus'],
  };
  const { settings, locked } = effectiveSettings(user, managed);
  assert.equal(settings.enabled, true);
  assert.deepEqual(settings.rules, { 'a.b': { enabled: false, severity: 'info' }, 'c.d': { enabled: false } });
  assert.deepEqual(settings.allow, ['corp', 'mine']);
  assert.deepEqual(settings.sites, { allow: [], deny: ['intranet.example'] }, 'sites locked: the user values are ignored');
  assert.deepEqual(locked.keys.sort(), ['enabled', 'sites']);
  assert.deepEqual(locked.rules, ['a.b']);
  assert.equal(siteActive(settings, 'intranet.example'), false);
  assert.equal(siteActive(settings, 'x.example'), true);
});

test('site matching: exact host, subdomains, allow-list, global switch', () => {
  const s = normalizeSettings({ sites: { allow: ['example.com'], deny: ['*.internal.example.com', 'HTTPS://Bad.Example.com/path'] } });
  assert.equal(siteActive(s, 'example.com'), true);
  assert.equal(siteActive(s, 'mail.example.com'), true);
  assert.equal(siteActive(s, 'a.internal.example.com'), false);
  assert.equal(siteActive(s, 'bad.example.com'), false);
  assert.equal(siteActive(s, 'example.org'), false);
  assert.equal(siteActive(normalizeSettings({ enabled: false }), 'example.com'), false);
});
