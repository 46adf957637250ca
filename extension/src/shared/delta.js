// What changed between two checks of one field, so that a keystroke in a 10 KB message sends a
// few characters to the worker and gets back the few findings that changed, instead of the whole
// text and all its findings (the extension messaging serialises both at each end: ~1 ms each way).
//
//   content script → worker: the text as an edit of the text the worker has for that field
//     ({at, del, ins}: keep `at` characters, drop `del`, insert `ins`, keep the rest);
//   worker → content script: the findings as an edit of the findings of the last reply the
//     content script holds ({head, tail, shift, mid}: keep the first `head` and the last `tail`
//     findings — those moved by `shift` characters — with `mid` between them).
// Both ends check that they agree on the base (revision numbers); on any doubt the whole text or
// all findings are sent.

/** Lengths of the common prefix and suffix of `a` and `b` (not overlapping in either). */
export function commonEnds(a, b) {
  let p = 0;
  const max = Math.min(a.length, b.length);
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  return { p, s };
}

/** `next` as an edit of `prev`: {at, del, ins}. */
export function textDelta(prev, next) {
  const { p, s } = commonEnds(prev, next);
  return { at: p, del: prev.length - p - s, ins: next.slice(p, next.length - s) };
}

/** The text `textDelta(prev, …)` described; null when it does not fit `prev`. */
export function applyTextDelta(prev, { at, del, ins }) {
  if (!Number.isInteger(at) || !Number.isInteger(del) || typeof ins !== 'string' || at < 0 || del < 0 || at + del > prev.length) return null;
  return prev.slice(0, at) + ins + prev.slice(at + del);
}

const FIELDS = ['rule', 'category', 'kind', 'severity', 'text', 'message', 'norm', 'key'];

/** Whether finding `b` is finding `a` moved by `shift` characters. */
function sameFinding(a, b, shift) {
  if (a.start + shift !== b.start || a.end + shift !== b.end) return false;
  for (const f of FIELDS) if (a[f] !== b[f]) return false;
  const x = a.suggestions, y = b.suggestions;
  if (x === y) return true;
  if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
  return x.every((s, i) => s === y[i]);
}

/**
 * `next` (findings of a text `shift` characters longer than the one `prev` was found in) as an
 * edit of `prev`: {head, tail, shift, mid}. Both lists sorted by position, as the engine gives them.
 */
export function findingsDelta(prev, next, shift) {
  let head = 0;
  const max = Math.min(prev.length, next.length);
  while (head < max && sameFinding(prev[head], next[head], 0)) head++;
  let tail = 0;
  while (tail < max - head && sameFinding(prev[prev.length - 1 - tail], next[next.length - 1 - tail], shift)) tail++;
  return { head, tail, shift, mid: next.slice(head, next.length - tail) };
}

/** The findings `findingsDelta(prev, …)` described ({head, tail, shift} and `mid`); null when it does not fit `prev`. */
export function applyFindingsDelta(prev, { head, tail, shift }, mid) {
  if (!Number.isInteger(head) || !Number.isInteger(tail) || !Number.isInteger(shift) || !Array.isArray(mid)
    || head < 0 || tail < 0 || head + tail > prev.length) return null;
  const out = prev.slice(0, head);
  for (const d of mid) out.push(d);
  for (let i = prev.length - tail; i < prev.length; i++) {
    const d = prev[i];
    out.push(shift ? { ...d, start: d.start + shift, end: d.end + shift } : d);
  }
  return out;
}

/**
 * A content script's side of one field: sends each text to check as an edit of the text the
 * worker has for the field (once it has one, on the same port) and rebuilds the findings from the
 * reply's edit of the last findings it got. `request(msg)` sends a message and resolves with the
 * response; `port()` names the connection the next request goes through (-1: none open, the next
 * request opens one, which holds nothing yet).
 */
export class FieldChannel {
  constructor(id, { request, port, onEdit = () => {}, onMiss = () => {} }) {
    this.id = id;
    this.request = request;
    this.port = port;
    this.onEdit = onEdit;   // a check went as an edit
    this.onMiss = onMiss;   // … and the worker did not have its base
    this.rev = 0;
    this.sent = null;     // {text, rev, port}: the text the worker has for this field
    this.reply = null;    // {rev, diagnostics}: the findings of the last reply
  }

  /** Sends `text` (with `extra`, e.g. id and host) for checking; resolves with the worker's response,
   * a result's `diagnostics` all the findings of `text`. */
  async check(text, extra) {
    const rev = ++this.rev;
    const msg = { kind: 'check', ...extra, field: this.id, rev, have: this.reply?.rev ?? null };
    const sent = this.sent;
    this.sent = null;     // not known until the worker answers
    if (sent && sent.port === this.port()) {
      Object.assign(msg, { base: sent.rev, edit: textDelta(sent.text, text), len: text.length });
      this.onEdit();
    } else msg.text = text;
    for (;;) {
      const res = await this.request(msg);
      if (res.kind === 'miss') {
        // The worker does not have the text the edit is based on (a new worker or port): all of it.
        if (msg.text !== undefined) throw new Error('check: the worker missed a whole text');
        this.onMiss();
        delete msg.base; delete msg.edit; delete msg.len;
        msg.text = text;
        continue;
      }
      this.sent = { text, rev, port: this.port() };
      if (res.kind !== 'result' || res.rev !== rev) return res;
      let diagnostics = res.diagnostics;
      if (res.base !== undefined) {
        diagnostics = this.reply?.rev === res.base ? applyFindingsDelta(this.reply.diagnostics, res, res.diagnostics) : null;
        // Not the findings this side holds (cannot happen: the worker edits those of `have`): ask for all.
        if (!diagnostics) { this.reply = null; msg.have = null; continue; }
      }
      this.reply = { rev, diagnostics };
      return { ...res, diagnostics };
    }
  }
}

/** The most fields a port's texts are kept for (least recently checked dropped first). */
const MAX_FIELDS = 64;

/**
 * The worker's side, per port: each field's last text and last findings sent, so that checks can
 * come as edits and results go back as edits (see FieldChannel).
 */
export class FieldTexts {
  constructor(max = MAX_FIELDS) {
    this.max = max;
    this.map = new Map();   // field id → {rev, text, reply, replyRev, replyLen}
  }

  /**
   * The text of check `msg`: its `text`, or its `edit` of the field's last text, remembered as
   * the field's text; null when this side does not have the text the edit is based on.
   */
  text(msg) {
    let text = typeof msg.text === 'string' ? msg.text : null;
    if (!Number.isInteger(msg.field) || !Number.isInteger(msg.rev)) return text;
    let entry = this.map.get(msg.field);
    if (text === null) {
      text = entry && entry.rev === msg.base && msg.edit ? applyTextDelta(entry.text, msg.edit) : null;
      if (text === null || text.length !== msg.len) return null;
    }
    if (entry) this.map.delete(msg.field);
    else entry = { reply: null, replyRev: null, replyLen: 0 };
    entry.rev = msg.rev;
    entry.text = text;
    this.map.set(msg.field, entry);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value);
    return text;
  }

  /** `result` for check `msg` of `text`: for a field whose findings of revision `msg.have` this
   * side sent, only what changed since (`base`, `head`, `tail`, `shift`, `diagnostics` between). */
  reply(msg, text, result) {
    const entry = Number.isInteger(msg.field) && Number.isInteger(msg.rev) ? this.map.get(msg.field) : null;
    if (!entry) return result;
    const all = result.diagnostics;
    const out = { ...result, rev: msg.rev };
    if (entry.reply && entry.replyRev === msg.have) {
      const { head, tail, shift, mid } = findingsDelta(entry.reply, all, text.length - entry.replyLen);
      Object.assign(out, { base: msg.have, head, tail, shift, diagnostics: mid });
    }
    entry.reply = all;
    entry.replyRev = msg.rev;
    entry.replyLen = text.length;
    return out;
  }
}
