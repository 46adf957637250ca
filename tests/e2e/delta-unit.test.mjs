// Checks as edits, in node (no browser): a field's content-script side (FieldChannel) sends each
// text as an edit of the text the worker's side (FieldTexts, one per port) has, and rebuilds the
// findings from the reply's edit of the last ones. Whatever the edits, worker restarts, lost
// replies and interleaved fields, every result must be exactly the whole-text check.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { commonEnds, textDelta, applyTextDelta, findingsDelta, applyFindingsDelta, FieldChannel, FieldTexts } from '../../extension/src/shared/delta.js';
import { loadEngine } from './lib/harness.mjs';
import { pickSentences } from './lib/sentences.mjs';
import { supportMessage } from './lib/messages.mjs';

let checker, message;
before(async () => {
  checker = new (await loadEngine()).Checker();
  message = supportMessage(pickSentences(checker), 10 * 1024);
});

/** A deterministic pseudo-random generator (mulberry32). */
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const key = (ds) => ds.map((d) => `${d.start}-${d.end} ${d.rule} ${d.severity} ${d.text} ${d.message} ${d.suggestions.join('|')}`);

/**
 * A worker answering over fake ports: `connect()` opens a port (its own FieldTexts), `restart()`
 * forgets every port's texts, as a stopped worker does. `sent` logs each request as JSON.
 */
function fakeWorker() {
  const w = {
    portId: 0, fields: null, sent: [], checked: 0,
    connect() { w.portId++; w.fields = new FieldTexts(); },
    restart() { w.fields = new FieldTexts(); },   // same port number: the content side cannot tell
    async request(msg) {
      w.sent.push(JSON.stringify(msg));
      if (!w.fields) w.connect();
      const text = w.fields.text(msg);
      if (text === null) return { kind: 'miss', id: msg.id };
      w.checked++;
      return w.fields.reply(msg, text, { kind: 'result', id: msg.id, gen: 'g', active: true, diagnostics: checker.check(text, 'auto') });
    },
  };
  return w;
}

/** A random edit of `text`: typing, backspace, deleting, replacing, pasting, at the end or anywhere. */
function edit(text, r) {
  if (r() < 0.03) return message.slice(0, Math.floor(r() * message.length));   // a paste over everything
  const pieces = ['a', '。', ' ', '\n', '傻逼', '保证明天', 'idiot', '包票', '？', 'we guarantee it by Friday'];
  const at = r() < 0.5 ? text.length : Math.floor(r() * (text.length + 1));
  const ins = r() < 0.7 ? pieces[Math.floor(r() * pieces.length)] : '';
  if (!ins && r() < 0.5) return text.slice(0, Math.max(0, at - 1)) + text.slice(at);   // backspace
  const del = r() < 0.4 ? Math.min(text.length - at, Math.floor(r() * 12)) : 0;
  return text.slice(0, at) + ins + text.slice(at + del);
}

test('text and findings edits rebuild what they describe', () => {
  assert.deepEqual(commonEnds('abcXdef', 'abcYYdef'), { p: 3, s: 3 });
  assert.deepEqual(commonEnds('aaa', 'aa'), { p: 2, s: 0 });
  const r = rng(7);
  let prev = message;
  for (let i = 0; i < 300; i++) {
    const next = edit(prev, r);
    const d = textDelta(prev, next);
    assert.equal(applyTextDelta(prev, d), next);
    const a = checker.check(prev, 'auto'), b = checker.check(next, 'auto');
    const fd = findingsDelta(a, b, next.length - prev.length);
    assert.deepEqual(key(applyFindingsDelta(a, fd, fd.mid)), key(b));
    prev = next;
  }
  assert.equal(applyTextDelta('abc', { at: 2, del: 5, ins: '' }), null, 'an edit beyond the text');
  assert.equal(applyFindingsDelta([], { head: 1, tail: 0, shift: 0 }, []), null, 'more findings kept than there are');
  // The worker's side takes an edit only of the revision it has, and of the right length.
  const ft = new FieldTexts();
  assert.equal(ft.text({ field: 1, rev: 1, text: 'abc' }), 'abc');
  assert.equal(ft.text({ field: 1, rev: 2, base: 1, edit: { at: 3, del: 0, ins: 'd' }, len: 4 }), 'abcd');
  assert.equal(ft.text({ field: 1, rev: 3, base: 1, edit: { at: 4, del: 0, ins: 'e' }, len: 5 }), null, 'an older base');
  assert.equal(ft.text({ field: 1, rev: 3, base: 2, edit: { at: 4, del: 0, ins: 'e' }, len: 6 }), null, 'a wrong length');
  assert.equal(ft.text({ field: 2, rev: 3, base: 2, edit: { at: 0, del: 0, ins: 'e' }, len: 1 }), null, 'another field');
  assert.equal(ft.text({ field: 1, rev: 3, base: 2, edit: { at: 4, del: 0, ins: 'e' }, len: 5 }), 'abcde');
});

test('typing in a 10 KB message sends and receives only what changed', async () => {
  const w = fakeWorker();
  const ch = new FieldChannel(1, { request: w.request, port: () => w.portId });
  let text = message;
  let res = await ch.check(text, { id: 1 });
  assert.deepEqual(key(res.diagnostics), key(checker.check(text, 'auto')));
  assert.ok(w.sent[0].length > message.length, 'the first check sends the whole text');
  for (const c of 'we guarantee it by Friday 保证明天上线') {
    text += c;
    res = await ch.check(text, { id: 2 });
    assert.deepEqual(key(res.diagnostics), key(checker.check(text, 'auto')));
  }
  const last = w.sent.slice(1).map((m) => m.length);
  assert.ok(Math.max(...last) < 200, `later checks send an edit: ${last.join(', ')} bytes`);
  // And back: a keystroke far from any finding returns no finding at all.
  text = text.slice(0, 10) + 'x' + text.slice(10);
  const raw = await w.request({ kind: 'check', id: 3, field: 1, rev: ++ch.rev, have: ch.reply.rev, text });
  assert.ok(raw.base !== undefined && raw.head + raw.tail === checker.check(text, 'auto').length, JSON.stringify(raw).slice(0, 300));
  assert.equal(raw.diagnostics.length, 0, 'no finding sent back');
});

test('random edits, worker restarts, lost replies and two interleaved fields give whole-text results', async () => {
  const w = fakeWorker();
  let misses = 0;
  const make = (id) => new FieldChannel(id, { request: (m) => w.request(m), port: () => w.portId, onMiss: () => misses++ });
  const fields = [make(1), make(2)];
  const texts = [message.slice(0, 3000), message.slice(4000, 6000)];
  const r = rng(11);
  let restarts = 0, lost = 0;
  for (let i = 0; i < 400; i++) {
    const f = Math.floor(r() * 2);
    texts[f] = edit(texts[f], r);
    const x = r();
    if (x < 0.04) { w.restart(); restarts++; }            // state gone, same port: a miss, then the whole text
    else if (x < 0.07) { w.connect(); }                   // a new port: the content side sends the whole text
    else if (x < 0.10) {                                  // the reply is lost after the worker took the text
      const real = w.request;
      w.request = async (m) => { await real(m); w.request = real; throw new Error('worker disconnected'); };
      await assert.rejects(fields[f].check(texts[f], { id: i }));
      lost++;
      continue;
    }
    const res = await fields[f].check(texts[f], { id: i });
    assert.equal(res.kind, 'result');
    assert.deepEqual(key(res.diagnostics), key(checker.check(texts[f], 'auto')), `field ${f + 1}, step ${i}`);
  }
  assert.ok(restarts > 5 && lost > 5, `${restarts} restarts, ${lost} lost replies`);
  // A restart costs each field that had sent a text since one miss (two fields here), nothing else does.
  assert.ok(misses >= 1 && misses <= 2 * restarts, `${misses} misses after ${restarts} restarts`);
});
