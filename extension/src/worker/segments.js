// Incremental checking: a text is cut into segments the engine sees independently, and each
// segment's findings are kept, so a keystroke re-checks one sentence instead of the whole message.
//
// Where a cut is exact: after 。 ？ ? ； ; (full-width forms normalise to the ASCII ones) and the
// closing quotation marks right after it, which the engine's sentence keeps (segment.rs). The
// engine's context (requires / unless / unless_before, approved commitments, the message
// language) is the sentence or clause around a trigger, and a sentence ends at those marks; its
// terms are matched on a stream that skips separators (whitespace, `.`, `-`, emoji …) but keeps
// these marks, which are no letters, no leetspeak (unlike `!`) and in no term — so no finding,
// exception or allow-phrase can reach across them. Line breaks are NOT cuts: `傻\n逼` is one
// finding. tests/e2e/segments-unit.test.mjs checks segment-wise results against whole-text ones.

import { quickHash } from '../shared/protocol.js';

const CUT = /[。？?；;]/g;
/** Closing quotation marks the engine keeps with the sentence their end mark ends. */
const CLOSING = /[”」』’]/u;
/** Straight quotes, which close only when no letter or digit follows them (as in segment.rs). */
const STRAIGHT = /["'＂＇]/u;
const WORD = /[\p{L}\p{N}]/u;

/** `i` moved past the closing quotation marks that start there. */
function pastClosingQuotes(text, i) {
  while (i < text.length) {
    const c = text[i];
    const next = text.codePointAt(i + 1);
    const closing = CLOSING.test(c) || (STRAIGHT.test(c) && !(next !== undefined && WORD.test(String.fromCodePoint(next))));
    if (!closing) break;
    i += 1;
  }
  return i;
}

/**
 * False when the policy has a term, exception or allow-phrase with a cut mark anywhere but at its
 * end (the built-in packs only end terms with one, e.g. `a child?`, `滚。`): a match could then
 * reach across a cut, so texts are checked whole.
 * @param {string|null} policyText  the JSON policy the worker builds (null: built-in packs only)
 */
export function segmentable(policyText) {
  if (!policyText) return true;
  let p;
  try { p = JSON.parse(policyText); } catch { return false; }
  const phrases = [
    ...(Array.isArray(p.terms) ? p.terms.flatMap((t) => t?.add ?? []) : []),
    ...(Array.isArray(p.allow) ? p.allow : []),
    ...(Array.isArray(p.rule) ? p.rule.flatMap((r) => [...(r?.terms ?? []), ...(r?.exceptions ?? [])]) : []),
  ];
  return phrases.every((t) => typeof t !== 'string' || !/[。？?；;]/.test(t.trimEnd().slice(0, -1)));
}

/** [start, end) UTF-16 ranges covering `text`, each ending after a cut mark (the last one at the end). */
export function segmentBounds(text) {
  const out = [];
  let start = 0;
  CUT.lastIndex = 0;
  for (let m = CUT.exec(text); m; m = CUT.exec(text)) {
    const end = pastClosingQuotes(text, m.index + 1);
    out.push([start, end]);
    start = end;
    CUT.lastIndex = end;
  }
  if (start < text.length || !out.length) out.push([start, text.length]);
  return out;
}

/** Findings by segment text (and message language), least recently used dropped first. */
export class SegmentCache {
  constructor({ maxEntries = 4000, maxChars = 2_000_000 } = {}) {
    this.maxEntries = maxEntries;
    this.maxChars = maxChars;
    this.map = new Map();
    this.chars = 0;
    /** quickHash(key) → findings without text, from `restore()`; each used at most once. */
    this.restored = null;
  }
  get(key) {
    const v = this.map.get(key);
    if (v) { this.map.delete(key); this.map.set(key, v); }
    return v;
  }
  /**
   * The findings of segment `seg` (cache key `prefix + seg`): kept ones, else ones restored from
   * the previous worker's snapshot, rebuilt with `explain` (rule id → the checker's rule info).
   */
  find(prefix, seg, explain) {
    const key = prefix + seg;
    const v = this.get(key);
    if (v || !this.restored?.size || !explain) return v;
    const h = quickHash(key);
    const packed = this.restored.get(h);
    if (!packed) return undefined;
    this.restored.delete(h);
    const found = [];
    for (const p of packed) {
      const d = unpackFinding(p, explain, seg);
      if (!d) return undefined;   // a rule the checker no longer has: check the segment
      found.push(d);
    }
    this.set(key, found);
    return found;
  }
  /**
   * The `max` most recently used segments, to survive a worker restart: [53-bit hash of the key,
   * findings as rule id and numbers]. No text at all: not the user's, not even the rule's messages
   * (they come back from `explain`). Segments whose findings their rule cannot rebuild are left out.
   */
  snapshot(explain, max = 500) {
    const out = [];
    for (const [k, v] of [...this.map].slice(-max)) {
      const packed = v.map((d) => packFinding(d, explain));
      if (packed.every(Boolean)) out.push([quickHash(k), packed]);
    }
    return out;
  }
  set(key, v) {
    if (this.map.has(key)) this.chars -= key.length;
    this.map.set(key, v);
    this.chars += key.length;
    while (this.map.size > this.maxEntries || this.chars > this.maxChars) {
      const oldest = this.map.keys().next().value;
      this.chars -= oldest.length;
      this.map.delete(oldest);
    }
  }
  /** Takes a `snapshot()` of an earlier cache (of the same checker and settings). */
  restore(entries) {
    this.restored = new Map(Array.isArray(entries) ? entries.filter((e) => Array.isArray(e) && Array.isArray(e[1])) : []);
  }
  clear() { this.map.clear(); this.chars = 0; this.restored = null; }
}

const SEVERITIES = ['error', 'warning', 'info'];

/** `d` as [rule, start, end, severity, 0 zh | 1 en], or null when its rule's texts would not rebuild it. */
export function packFinding(d, explain) {
  const info = explain(d.rule);
  const sev = SEVERITIES.indexOf(d.severity);
  if (!info || sev < 0 || sev !== SEVERITIES.indexOf(info.severity)) return null;
  const lang = d.message === info.message_en && sameList(d.suggestions, info.suggestions_en) ? 1
    : d.message === info.message_zh && sameList(d.suggestions, info.suggestions_zh) ? 0 : -1;
  if (lang < 0 || d.norm !== info.norm || d.category !== info.category || (d.kind ?? null) !== (info.kind ?? null)) return null;
  return [d.rule, d.start, d.end, sev, lang];
}

/** The finding `packFinding` packed, in segment `seg`; null when it does not fit. */
export function unpackFinding(p, explain, seg) {
  if (!Array.isArray(p) || p.length !== 5) return null;
  const [rule, start, end, sev, lang] = p;
  const info = typeof rule === 'string' ? explain(rule) : null;
  if (!info || !(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= seg.length)) return null;
  return {
    rule, category: info.category, kind: info.kind ?? null, severity: SEVERITIES[sev] ?? info.severity,
    start, end, text: seg.slice(start, end),
    message: lang ? info.message_en : info.message_zh, norm: info.norm,
    suggestions: [...((lang ? info.suggestions_en : info.suggestions_zh) ?? [])],
  };
}

const sameList = (a, b) => Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The engine's findings for `text`, as `check(text)` would return them, re-using `cache` for the
 * segments seen before. Runs of segments not in the cache are checked in one `check` call each.
 * `check(s)` returns findings with UTF-16 `start`/`end` in `s`. Returns fresh objects; the cached
 * ones are never handed out.
 * @param {(s: string) => Array<{start:number, end:number}>} check
 * @param {string} text
 * @param {SegmentCache} cache
 * @param {string} prefix  cache key prefix (message language)
 * @param {(rule: string) => object|undefined} [explain]  rule infos, to use a restored snapshot
 */
export function checkSegments(check, text, cache, prefix = '', explain = undefined) {
  const bounds = segmentBounds(text);
  const per = bounds.map(([s, e]) => cache.find(prefix, text.slice(s, e), explain));
  for (let i = 0; i < bounds.length; i++) {
    if (per[i]) continue;
    let j = i;
    while (j + 1 < bounds.length && !per[j + 1]) j++;
    const from = bounds[i][0];
    const found = check(text.slice(from, bounds[j][1]));
    for (let k = i; k <= j; k++) per[k] = [];
    // Each finding lies within one segment: give it to the one containing its start.
    let k = i;
    for (const d of found) {
      while (k < j && d.start + from >= bounds[k][1]) k++;
      per[k].push({ ...d, start: d.start + from - bounds[k][0], end: d.end + from - bounds[k][0] });
    }
    for (let x = i; x <= j; x++) cache.set(prefix + text.slice(bounds[x][0], bounds[x][1]), per[x]);
    i = j;
  }
  const out = [];
  bounds.forEach(([s], i) => { for (const d of per[i]) out.push({ ...d, start: d.start + s, end: d.end + s }); });
  return out;
}

/**
 * `found` without the findings that start in quoted mail: `ranges` is the whole text's
 * `Checker.quotedRanges` ([start, end, start, end, …], UTF-16). A segment checked alone cannot see
 * the reply header above it, so findings assembled from segments are filtered against the whole
 * text (the engine's own `check` of a whole text already leaves them out).
 */
export function withoutQuoted(found, ranges) {
  if (!ranges.length) return found;
  return found.filter((d) => {
    for (let i = 0; i < ranges.length; i += 2) if (ranges[i] <= d.start && d.start < ranges[i + 1]) return false;
    return true;
  });
}
