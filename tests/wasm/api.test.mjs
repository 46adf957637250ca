// The wasm package's JS API, as the extension uses it. Run: `just wasm && node --test tests/wasm/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { wasm, PKG } from './pkg.mjs';
import { packExamples } from '../lib/pack-examples.mjs';

const { Checker, version } = wasm;
const checker = new Checker();

const CATEGORIES = ['disrespect', 'commitment', 'disclosure'];
const SEVERITIES = ['info', 'warning', 'error'];

/** Every finding's span must be the finding's text, in UTF-16 units of the checked string. */
function assertSpans(text, found) {
  for (const d of found) {
    assert.ok(Number.isInteger(d.start) && Number.isInteger(d.end) && d.start <= d.end && d.end <= text.length, `span ${d.start}..${d.end}`);
    assert.equal(text.slice(d.start, d.end), d.text, `span of ${d.rule}`);
  }
}

function assertDiagnosticShape(d) {
  assert.deepEqual(Object.keys(d).sort(), ['category', 'end', 'kind', 'message', 'norm', 'rule', 'severity', 'start', 'suggestions', 'text']);
  assert.equal(typeof d.rule, 'string');
  assert.ok(CATEGORIES.includes(d.category), d.category);
  assert.ok(d.kind === null || typeof d.kind === 'string');
  assert.ok(SEVERITIES.includes(d.severity), d.severity);
  assert.ok(d.message.length > 0 && d.norm.length > 0);
  assert.ok(Array.isArray(d.suggestions) && d.suggestions.every((s) => typeof s === 'string'));
}

test('version() is the crate version', () => {
  const cargo = readFileSync(new URL('../../Cargo.toml', import.meta.url), 'utf8');
  assert.equal(version(), cargo.match(/^version = "(.*)"/m)[1]);
  assert.equal(JSON.parse(readFileSync(PKG + 'package.json', 'utf8')).name, 'conduct-wasm');
});

test('warmUp compiles the lazy regexes a few at a time, then reports done; checks are unchanged', () => {
  const fresh = new Checker();
  const text = '没问题，我保证下周二之前全部上线！';
  const before = fresh.check(text).map((d) => [d.rule, d.start, d.end]);
  let steps = 0;
  while (!fresh.warmUp(5)) steps++;
  assert.ok(steps > 5, `more than one slice of work (${steps} steps)`);
  assert.equal(fresh.warmUp(5), true, 'nothing left');
  assert.deepEqual(fresh.check(text).map((d) => [d.rule, d.start, d.end]), before);
  fresh.free();
});

test('a clean professional text has no findings', () => {
  assert.deepEqual(checker.check('您好，这个问题我们已经定位，预计周五给出修复方案。'), []);
  assert.deepEqual(checker.check('Hello, we have located the issue and expect to propose a fix on Friday.'), []);
  assert.deepEqual(checker.check(''), []);
});

test('flags a violating Chinese text, with Chinese messages', () => {
  const text = '王经理您好：\n\n感谢您的耐心。这个傻*逼系统又挂了。没问题，我保证下周二之前全部上线！';
  const found = checker.check(text);
  found.forEach(assertDiagnosticShape);
  assertSpans(text, found);
  const insult = found.find((d) => d.category === 'disrespect');
  assert.ok(insult, JSON.stringify(found));
  assert.equal(insult.text, '傻*逼');
  assert.equal(insult.severity, 'error');
  assert.match(insult.message, /[\u4e00-\u9fff]/);
  assert.ok(found.some((d) => d.category === 'commitment'), JSON.stringify(found));
  // sorted by start
  assert.deepEqual(found.map((d) => d.start), found.map((d) => d.start).sort((a, b) => a - b));
});

test('flags a violating English text, with English messages', () => {
  const text = 'Hi Tom,\nI guarantee this will never happen again. Honestly, only an idiot would click that. Our internal price is 5000 yuan.\n';
  const found = checker.check(text);
  found.forEach(assertDiagnosticShape);
  assertSpans(text, found);
  for (const cat of CATEGORIES) assert.ok(found.some((d) => d.category === cat), `${cat} in ${JSON.stringify(found)}`);
  const idiot = found.find((d) => d.text === 'idiot');
  assert.ok(idiot);
  assert.equal(idiot.start, text.indexOf('idiot'));
  assert.doesNotMatch(idiot.message, /[\u4e00-\u9fff]/);
});

test('lang picks the message language; an unknown lang throws', () => {
  const text = '这个傻逼系统又挂了。';
  const [zh] = checker.check(text, 'zh');
  const [en] = checker.check(text, 'en');
  const [auto] = checker.check(text, 'auto');
  const [none] = checker.check(text);
  assert.equal(zh.message, auto.message);
  assert.equal(none.message, auto.message);
  assert.notEqual(zh.message, en.message);
  assert.equal(en.message, checker.explain(en.rule).message_en);
  assert.equal(zh.message, checker.explain(zh.rule).message_zh);
  assert.deepEqual(en.suggestions, checker.explain(en.rule).suggestions_en);
  assert.throws(() => checker.check(text, 'fr'), (e) => e instanceof Error && /unknown language `fr`/.test(e.message));
});

test('offsets are UTF-16 code units with emoji, CJK and combining marks', () => {
  const prefix = '🙂👍🏽 Café\u0301 🇨🇳 한국어 ';
  const cases = [
    prefix + '这个傻逼系统又挂了。',
    '😡😡😡' + '这个傻逼系统又挂了。' + '🙂 and you idiot 🙂',
    'ｆｕｌｌｗｉｄｔｈ 𠀀𠀁 傻逼 e\u0301\u0301 idiot 👨‍👩‍👧‍👦 end',
  ];
  for (const text of cases) {
    const found = checker.check(text);
    assert.ok(found.length > 0, text);
    assertSpans(text, found);
  }
  const text = cases[0];
  const [d] = checker.check(text);
  assert.equal(d.start, text.indexOf('傻逼'));
  assert.equal(d.end, text.indexOf('傻逼') + 2);
  // A long text: many findings after many astral characters.
  const long = ('🙂 这个傻逼系统 idiot 𠀀 我保证明天上线。\n').repeat(300);
  const many = checker.check(long);
  assert.ok(many.length >= 600, `${many.length}`);
  assertSpans(long, many);
});

test('a lone surrogate does not shift offsets', () => {
  // JS strings may hold unpaired surrogates; the wasm sees U+FFFD (also one UTF-16 unit).
  for (const lone of ['\uD800', '\uDC00', '\uD83D', '\uDE00\uDE00', '\uDE00\uD83D']) {
    const text = `a${lone}b ${lone}这个傻逼系统 and you idiot${lone}.`;
    const found = checker.check(text);
    assert.ok(found.length >= 2, JSON.stringify(found));
    assertSpans(text, found);
    assert.equal(found.find((d) => d.text === '傻逼').start, text.indexOf('傻逼'));
    assert.equal(found.find((d) => d.text === 'idiot').start, text.indexOf('idiot'));
  }
  // Inside a flagged span the text still equals the JS slice (not U+FFFD).
  const inside = '这个傻\uD800逼系统';
  for (const d of checker.check(inside)) assert.equal(inside.slice(d.start, d.end), d.text);
});

/** A one-line JSON policy adding one rule whose `requires` is `pattern`. */
function policyRule(pattern) {
  return JSON.stringify({
    version: 1,
    rule: [{
      id: 'disclosure.codename', category: 'disclosure', severity: 'warning', message: { zh: '代号', en: 'codename' },
      norm: 'n', terms: ['codename'], requires: [pattern],
    }],
  });
}

test('quoted mail: quotedRanges in UTF-16 units; check leaves its findings out unless keepQuoted', () => {
  const own = '😀 好的，这个问题我保证明天修好。';
  const customer = '你们的系统就是垃圾，工程师都是白痴。';
  for (const [text, quotedFrom, quotedTo] of [
    [`${own}\n> ${customer}\n谢谢`, own.length + 1, own.length + 4 + customer.length],
    [`${own}\n\n-----Original Message-----\n${customer}`, own.length + 2, Infinity],
    [`${own}\n\nOn Fri, 27 Nov 2026 at 09:12, Wang <wang@example.com> wrote:\n${customer}`, own.length + 2, Infinity],
  ]) {
    const ranges = [...checker.quotedRanges(text)];
    assert.deepEqual(ranges, [quotedFrom, Math.min(quotedTo, text.length)], JSON.stringify(text));
    const every = checker.check(text, 'auto', true);
    const kept = checker.check(text, 'auto');
    assertSpans(text, every);
    assert.ok(every.some((d) => d.start >= quotedFrom), 'the customer\'s words have findings when kept');
    assert.ok(kept.length >= 1 && kept.every((d) => d.start < quotedFrom), 'only the reply\'s own findings by default');
    assert.deepEqual(kept, every.filter((d) => d.start < quotedFrom));
  }
  assert.deepEqual([...checker.quotedRanges(own)], []);
  // Headers with nothing of the writer's above them head the writer's own email.
  const headed = `From: Li Ming <li@example.com>\nDate: Fri, 27 Nov 2026\n\n${own}`;
  assert.deepEqual([...checker.quotedRanges(headed)], []);
  assert.ok(checker.check(headed).length >= 1);
});

test('a bad policy throws an Error with a located one-line message', () => {
  const cases = [
    ['{"version": 1,\n "rules": {"commitment.guarantees": {"enabled": false}}}', /^policy:2:\d+: key `rules\.commitment\.guarantees`: unknown rule `commitment\.guarantees`/],
    ['{"version": 1,\n "categories": {\n  "disclosure": {"enabled": "no"}}}', /^policy:3:\d+: key `categories\.disclosure\.enabled`: invalid type/],
    ['{"version": 1,\n "allow": [\n', /^policy:\d+:\d+: /],
    ['{"version": 1, "rules": {"nope.nope": {"enabled": false}}}', /^policy:1:\d+: .*unknown rule `nope\.nope`/],
    ['{"version": 2}', /^policy:1:\d+: key `version`: unsupported policy version 2/],
    // The wasm build reads JSON only (the extension sends JSON); TOML is a located, typed error.
    ['version = 1\n[categories]\ndisclosure = { enabled = false }\n', /^policy:1:1: this build reads JSON only/],
    // Nor does it have the regex crate's Unicode category and case-folding tables (docs/policy.md).
    [policyRule('\\p{L}+'), /^policy:1:\d+: key `rule\[0\]\.requires\[0\]`: invalid regex: .*Unicode/],
    [policyRule('(?i)codename'), /^policy:1:\d+: key `rule\[0\]\.requires\[0\]`: invalid regex: .*Unicode/],
  ];
  for (const [policy, re] of cases) {
    assert.throws(() => new Checker(policy), (e) => {
      assert.ok(e instanceof Error, 'an Error');
      assert.match(e.message, re);
      assert.ok(!e.message.includes('\n'), 'one line');
      return true;
    });
  }
});

test('a (JSON) policy changes the findings', () => {
  const text = '这个傻逼系统又挂了。Our internal price is 5000 yuan.';
  assert.ok(checker.check(text).some((d) => d.category === 'disclosure'));
  const off = new Checker('{"version": 1, "categories": {"disclosure": {"enabled": false}}}');
  assert.ok(!off.check(text).some((d) => d.category === 'disclosure'));
  assert.ok(off.check(text).some((d) => d.category === 'disrespect'));
  const allow = new Checker('{"version": 1, "allow": ["傻逼系统"]}');
  assert.ok(!allow.check(text).some((d) => d.category === 'disrespect'));
  const extra = new Checker('{"version": 1, "terms": [{"rule": "disrespect.insult", "add": ["muppet"]}]}');
  const rule = new Checker(policyRule('[a-z]+\\s\\d+|项目[\\x{4e00}-\\x{9fff}]'));
  assert.deepEqual(rule.check('The codename 42 ships.').map((d) => d.rule), ['disclosure.codename']);
  assert.deepEqual(rule.check('The codename ships.'), []);
  rule.free();
  assert.deepEqual(extra.check('you muppet').map((d) => d.text), ['muppet']);
  assert.equal(extra.explain('disrespect.insult').enabled, true);
  assert.equal(off.explain('disclosure.price').enabled, false);
  // No policy / blank policy = defaults.
  for (const c of [new Checker(undefined), new Checker(null), new Checker(''), new Checker('  \n')]) {
    assert.deepEqual(c.check(text), checker.check(text));
  }
  for (const c of [off, allow, extra]) c.free();
});

test('rules() lists every rule; explain() returns one or undefined', () => {
  const rules = checker.rules();
  assert.ok(rules.length > 0);
  const keys = ['allow', 'category', 'enabled', 'flag', 'id', 'kind', 'message_en', 'message_zh', 'norm', 'pack', 'severity',
    'suggestions_en', 'suggestions_zh', 'summary'];
  const ids = new Set();
  for (const r of rules) {
    assert.deepEqual(Object.keys(r).sort(), keys);
    assert.ok(CATEGORIES.includes(r.category) && SEVERITIES.includes(r.severity));
    assert.ok(r.id.startsWith(r.category + '.'));
    assert.equal(r.enabled, true);
    // The wasm build leaves the packs' examples out of the module (see below).
    assert.deepEqual([r.flag, r.allow], [[], []]);
    assert.ok(!ids.has(r.id));
    ids.add(r.id);
    assert.deepEqual(checker.explain(r.id), r);
  }
  for (const cat of CATEGORIES) assert.ok(rules.some((r) => r.category === cat), cat);
  assert.equal(checker.explain('disrespect.no-such-rule'), undefined);
  assert.equal(checker.explain(''), undefined);
});

test("every rule's own flag examples are flagged through the wasm, with exact spans", () => {
  const examples = new Map([...packExamples()].map(([id, e]) => [id, e.flag]));
  const rules = checker.rules();
  assert.deepEqual([...examples.keys()].sort(), rules.map((r) => r.id).sort(), 'the packs list the wasm rules');
  // Overlapping findings of one category are merged into one (the engine's default), so the
  // finding may carry another rule id of the same category.
  for (const r of rules) {
    assert.ok(examples.get(r.id).length > 0, `${r.id} has flag examples`);
    for (const example of examples.get(r.id)) {
      const found = checker.check(example);
      assert.ok(found.some((d) => d.category === r.category), `${r.id} on ${example}: ${JSON.stringify(found)}`);
      assertSpans(example, found);
    }
  }
});

test('the TypeScript declarations are typed', () => {
  const dts = readFileSync(PKG + 'conduct_wasm.d.ts', 'utf8');
  assert.match(dts, /check\(text: string, lang\?: Lang( \| null)?, keepQuoted\?: boolean( \| null)?\): Diagnostic\[\];/);
  assert.match(dts, /quotedRanges\(text: string\): Uint32Array;/);
  assert.match(dts, /rules\(\): RuleInfo\[\];/);
  assert.match(dts, /explain\(id: string\): RuleInfo \| undefined;/);
  assert.match(dts, /constructor\(policy\?: string( \| null)?\);/);
  assert.match(dts, /export function version\(\): string;/);
  assert.match(dts, /export interface Diagnostic \{/);
  const api = dts.slice(dts.indexOf('export class Checker'), dts.indexOf('export type InitInput'));
  assert.doesNotMatch(api, /\bany\b/);
});
