// Incremental checking in node (no browser): the worker checks a text segment by segment
// (extension/src/worker/segments.js) and must find exactly what one whole-text check finds.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { segmentBounds, SegmentCache, checkSegments, segmentable, withoutQuoted } from '../../extension/src/worker/segments.js';
import { loadEngine } from './lib/harness.mjs';
import { pickSentences } from './lib/sentences.mjs';
import { supportMessage } from './lib/messages.mjs';
import { packExamples } from '../lib/pack-examples.mjs';
import { corpusRows } from '../lib/corpus.mjs';

let checker, texts;
before(async () => {
  checker = new (await loadEngine()).Checker();
  const rows = corpusRows().map((r) => r.text);
  const examples = [...packExamples().values()].flatMap((e) => [...e.flag, ...e.allow]);
  // Each piece alone, and runs of neighbours glued with nothing, a space or a line break, so
  // findings and exceptions meet every kind of segment boundary.
  const pieces = [...rows, ...examples];
  texts = [...pieces];
  for (const glue of ['', ' ', '\n']) for (let i = 0; i + 3 <= pieces.length; i += 2) texts.push(pieces.slice(i, i + 3).join(glue));
  texts.push(supportMessage(pickSentences(checker), 10 * 1024));
});

test("the closing quotation marks a segment keeps are the engine's (segment.rs CLOSING_QUOTES)", () => {
  const src = readFileSync(new URL('../../crates/conduct-rules/src/segment.rs', import.meta.url), 'utf8');
  const list = src.match(/const CLOSING_QUOTES: \[char; \d+\] = \[([^\]]*)\]/);
  assert.ok(list, 'CLOSING_QUOTES not found in segment.rs');
  const quotes = [...list[1].matchAll(/'(.)'/gu)].map((m) => m[1]);
  assert.ok(quotes.length >= 4, `${quotes}`);
  // Each one stays with the sentence it closes, even with a word right after it.
  for (const q of quotes) assert.deepEqual(segmentBounds(`好。${q}下`), [[0, 3], [3, 4]], q);
});

const key = (ds) => ds.map((d) => `${d.start}-${d.end} ${d.rule} ${d.severity} ${d.text} ${d.message}`);

test('segments cover the text and end after 。？?；; and the closing quotation marks right after them', () => {
  assert.deepEqual(segmentBounds(''), [[0, 0]]);
  assert.deepEqual(segmentBounds('好。ok? a；b'), [[0, 2], [2, 5], [5, 8], [8, 9]]);
  assert.deepEqual(segmentBounds('one;two\nthree'), [[0, 4], [4, 13]]);
  // Closing quotation marks stay with the sentence their mark ends, as the engine's sentence does;
  // a straight quote only when no letter or digit follows it.
  assert.deepEqual(segmentBounds('原文:“能用吗?”我们'), [[0, 9], [9, 11]]);
  assert.deepEqual(segmentBounds('「好。」』x'), [[0, 5], [5, 6]]);
  assert.deepEqual(segmentBounds('"ok?" she said; "next'), [[0, 5], [5, 15], [15, 21]]);
  assert.deepEqual(segmentBounds('好。"下一句"'), [[0, 2], [2, 7]]);
});

test('segment-wise findings equal whole-text findings (corpus, rule examples, glued runs)', () => {
  const cache = new SegmentCache();
  let n = 0, findings = 0;
  for (const lang of ['auto', 'en']) {
    for (const t of texts) {
      const whole = checker.check(t, lang);
      const parts = withoutQuoted(checkSegments((s) => checker.check(s, lang, true), t, cache, `${lang}\u0000`), checker.quotedRanges(t));
      assert.deepEqual(key(parts), key(whole), `text: ${JSON.stringify(t.slice(0, 200))}`);
      n++; findings += whole.length;
    }
  }
  assert.ok(findings > 100, `the texts have findings (${findings} in ${n} checks)`);
});

test('quoted mail: segments below a reply header are left out as in a whole-text check, also after an edit there', () => {
  const reply = '好的，我们明天下午过去看一下。这个问题我保证不会再出现。';
  const quoted = '这破系统就是垃圾？你们工程师是不是傻，周五前必须修好。我们再也不买你们的东西了；气死了。';
  const customer = (h) => `${reply}\n\n${h}\n${quoted}`;
  const cache = new SegmentCache();
  const segmentWise = (t) => withoutQuoted(checkSegments((s) => checker.check(s, 'auto', true), t, cache, 'auto\u0000'), checker.quotedRanges(t));
  const inReply = checker.check(reply, 'auto').length;
  assert.ok(inReply >= 1, 'the reply itself has a finding');
  // Without a header the customer's words are the writer's, in several segments.
  const unquoted = customer('');
  assert.ok(checker.check(unquoted, 'auto').filter((d) => d.start > reply.length).length >= 2, 'the pasted text has findings in more than one segment');
  for (const header of ['-----Original Message-----', '在 2026年11月27日 周五 09:12，王经理 <wang@example.com> 写道：', 'On Fri, 27 Nov 2026 at 09:12, Wang <wang@example.com> wrote:']) {
    const t = customer(header);
    const ranges = checker.quotedRanges(t);
    assert.equal(ranges.length, 2, header);
    assert.equal(ranges[1], t.length, 'a header quotes the rest of the text');
    const whole = checker.check(t, 'auto');
    assert.equal(whole.length, inReply, `only the reply's findings: ${header}`);
    assert.deepEqual(key(segmentWise(t)), key(whole), header);
    // A keystroke in a quoted segment re-checks that segment alone, with no header in it.
    const at = t.indexOf('气死了');
    const edited = t.slice(0, at) + '真的' + t.slice(at);
    assert.deepEqual(key(segmentWise(edited)), key(checker.check(edited, 'auto')), `edited: ${header}`);
  }
  // `>` lines: quoted line by line, in UTF-16 units after an emoji and CJK.
  const lines = `😀 ${reply}\n> ${quoted}\n谢谢`;
  const ranges = checker.quotedRanges(lines);
  const start = lines.indexOf('> ');
  assert.deepEqual([...ranges], [start, lines.indexOf('谢谢')]);
  assert.deepEqual(key(segmentWise(lines)), key(checker.check(lines, 'auto')));
});

test('an edit re-checks only the segments it touched', () => {
  const text = supportMessage(pickSentences(checker), 10 * 1024);
  const cache = new SegmentCache();
  const calls = [];
  const check = (s) => { calls.push(s.length); return checker.check(s, 'auto'); };
  checkSegments(check, text, cache);
  assert.equal(calls.length, 1, 'a cold cache: one call for the whole text');
  calls.length = 0;
  const edited = text.slice(0, 5000) + 'xyz' + text.slice(5000);
  const got = checkSegments(check, edited, cache);
  assert.equal(calls.length, 1);
  assert.ok(calls[0] < 400, `one sentence re-checked (${calls[0]} chars)`);
  assert.deepEqual(key(got), key(checker.check(edited, 'auto')));
});

test('a snapshot carries the findings over to a new cache, with no text in it', () => {
  const text = supportMessage(pickSentences(checker), 10 * 1024);
  const explain = (id) => checker.explain(id);
  const old = new SegmentCache();
  checkSegments((s) => checker.check(s, 'auto'), text, old, 'auto\u0000');
  const snap = JSON.parse(JSON.stringify(old.snapshot(explain)));   // as session storage keeps it
  assert.ok(snap.length === old.map.size && snap.some(([, f]) => f.length), 'every segment, findings included');
  // Hashes, rule ids and numbers only: no word of the message, no rule message either.
  let stored = JSON.stringify(snap);
  assert.ok(!/[^\x20-\x7e]/.test(stored), `ASCII only: ${stored.slice(0, 300)}`);
  for (const r of checker.rules()) stored = stored.split(`"${r.id}"`).join('');
  for (let i = 0; i + 4 <= text.length; i += 2) {
    const sub = text.slice(i, i + 4);
    assert.ok(/[^a-z]/i.test(sub) || !stored.includes(sub), `no text in the snapshot: ${sub}`);
  }

  const fresh = new SegmentCache();
  fresh.restore(snap);
  const calls = [];
  const check = (s) => { calls.push(s.length); return checker.check(s, 'auto'); };
  const edited = text.slice(0, 5000) + 'xyz' + text.slice(5000);
  const got = checkSegments(check, edited, fresh, 'auto\u0000', explain);
  assert.equal(calls.length, 1, 'only the edited sentence is checked');
  assert.ok(calls[0] < 400, `one sentence re-checked (${calls[0]} chars)`);
  assert.deepEqual(key(got), key(checker.check(edited, 'auto')), 'texts, offsets and messages as a whole-text check');
  assert.deepEqual(got.map((d) => d.suggestions), checker.check(edited, 'auto').map((d) => d.suggestions));
  // Another language's key prefix finds nothing restored; nor does a snapshot of garbage or of
  // rules the checker does not have (the segments are checked instead).
  calls.length = 0;
  const other = new SegmentCache();
  other.restore(snap);
  checkSegments(check, text, other, 'en\u0000', explain);
  assert.equal(calls.length, 1);
  const junk = new SegmentCache();
  junk.restore([null, 'x', [1], ['h', 'not findings'], ...snap.map(([h, f]) => [h, f.map((p) => ['gone.rule', ...p.slice(1)])])]);
  assert.deepEqual(key(checkSegments((s) => checker.check(s, 'auto'), text, junk, 'auto\u0000', explain)), key(checker.check(text, 'auto')));
});

test('a policy term with a cut mark inside turns segmenting off', () => {
  assert.equal(segmentable(null), true);
  assert.equal(segmentable(JSON.stringify({ version: 1, terms: [{ rule: 'x', add: ['are you ok?'] }] })), true);
  assert.equal(segmentable(JSON.stringify({ version: 1, terms: [{ rule: 'x', add: ['ok?then'] }] })), false);
  assert.equal(segmentable(JSON.stringify({ version: 1, allow: ['A;B'] })), false);
  assert.equal(segmentable(JSON.stringify({ version: 1, rule: [{ id: 'x.y', terms: ['a'], exceptions: ['b。c'] }] })), false);
});
