// Content script (an ES module, loaded by loader.js). Finds the editable fields of this frame —
// and of its same-origin iframes and open shadow roots — checks their text through the worker and
// draws the findings. A same-origin child frame is driven by its parent's instance (so overlays
// and the popover live in the parent, never inside an editable iframe body); a cross-origin frame
// drives itself.

import { request, quickHash, countByCategory, topHost, STORAGE, contextInvalidated, currentPort } from '../shared/protocol.js';
import { commonEnds, FieldChannel } from '../shared/delta.js';
import { TextControlAdapter, EditableAdapter, isTextControl, editingHost } from './adapters.js';
import { OverlayHost, Mirror, Highlights, ensureHighlightStyles } from './overlay.js';
import { Popover } from './popover.js';
import { installGuard } from '../guard/guard.js';

const THROTTLE_MS = 150;       // the most a check waits after the previous one started (slow checks)
const THROTTLE_COST = 2;       // otherwise it waits twice the previous check's round trip: a 2 ms check
                               // runs on every keystroke, a 40 ms one (a huge text) at most every 80 ms
const HOVER_DELAY_MS = 80;
const HIDE_DELAY_MS = 350;
const CACHE_SIZE = 64;
const HELLO_RETRIES = 16;      // 100, 200 … 5000 ms apart: about a minute of retrying
const HOST = topHost();

let requestSeq = 0;
let fieldSeq = 0;

/** Results by policy generation + text hash (LRU). */
class ResultCache {
  constructor(size) { this.size = size; this.map = new Map(); }
  get(k) { const v = this.map.get(k); if (v) { this.map.delete(k); this.map.set(k, v); } return v; }
  set(k, v) { this.map.set(k, v); while (this.map.size > this.size) this.map.delete(this.map.keys().next().value); }
  clear() { this.map.clear(); }
}

const now = () => performance.now();

// Performance marks for tests and latency measurements; bounded so a long session keeps no history.
let markCount = 0;
function mark(name) {
  if (++markCount > 3000) {
    markCount = 0;
    for (const n of ['conduct:input', 'conduct:check', 'conduct:rendered', 'conduct:apply', 'conduct:edit', 'conduct:miss', 'conduct:predicted',
      'conduct:mispredicted']) {
      performance.clearMarks(n);
    }
    performance.clearMeasures('conduct:latency');
    performance.clearMeasures('conduct:drawn');
    performance.clearMeasures('conduct:roundtrip');
  }
  performance.mark(name);
}

/**
 * Moves findings from `prev` text offsets to `next` text offsets: findings before or after the
 * edited part (common prefix/suffix) keep their words; findings touching it are dropped.
 */
function mapFindings(findings, prev, next) {
  if (prev === next || !findings.length) return findings;
  const { p, s } = commonEnds(prev, next);
  const oldEnd = prev.length - s, delta = next.length - prev.length;
  return findings
    .filter((d) => d.end <= p || d.start >= oldEnd)
    .map((d) => (d.start >= oldEnd && delta ? { ...d, start: d.start + delta, end: d.end + delta } : d));
}

class Field {
  constructor(driver, el, adapter) {
    this.driver = driver;
    this.el = el;
    this.adapter = adapter;
    // Checks go to the worker as edits of the text it has, results come back as edits.
    this.channel = new FieldChannel(++fieldSeq, {
      request, port: currentPort, onEdit: () => mark('conduct:edit'), onMiss: () => mark('conduct:miss'),
    });
    this.doc = el.ownerDocument;
    this.win = this.doc.defaultView;
    this.findings = [];
    this.text = adapter.kind === 'contenteditable' ? '' : el.value;   // the text `findings` are in
    this.seen = this.text;     // a textarea's value at the last change seen
    this.ranges = [];
    this.version = 0;
    this.checkedVersion = -1;
    this.inflight = false;
    this.rerun = false;
    this.timer = null;
    this.lastStart = -Infinity;
    this.cost = 0;            // round trip of the last check through the worker, ms
    this.composing = false;
    this.dirty = true;
    this.pendingInputs = [];
    this.mirror = null;
    this.visible = isRendered(el) && inViewport(el);   // the IntersectionObserver keeps it current
    this.disposers = [];
    this.listen();
  }

  listen() {
    const el = this.el;
    const on = (target, type, fn, opts) => {
      target.addEventListener(type, fn, opts);
      this.disposers.push(() => target.removeEventListener(type, fn, opts));
    };
    on(el, 'beforeinput', (e) => this.onBeforeInput(e));
    on(el, 'input', (e) => this.onChange(true, e));
    on(el, 'compositionstart', () => { this.composing = true; });
    on(el, 'compositionend', () => { this.composing = false; this.onChange(false); });
    if (this.adapter.kind === 'contenteditable') {
      // Editors change their DOM without input events too (undo, toolbar, API calls).
      const mo = new this.win.MutationObserver(() => { this.adapter.invalidate(); this.onChange(false); });
      mo.observe(el, { childList: true, subtree: true, characterData: true });
      this.mutations = mo;
      this.disposers.push(() => mo.disconnect());
    } else {
      on(el, 'scroll', () => this.driver.requestLayout(), { passive: true });
      // Programmatic value changes fire no event; notice them when the field is used.
      on(el, 'focus', () => this.syncValue());
      on(el, 'keyup', () => this.syncValue());
    }
    const io = new this.win.IntersectionObserver((entries) => {
      const e = entries[entries.length - 1];
      const vis = e.isIntersecting && isRendered(el);
      if (vis === this.visible) return;
      this.visible = vis;
      if (vis) { if (this.dirty) this.schedule(); this.render(); } else this.render();
    });
    io.observe(el);
    this.disposers.push(() => io.disconnect());
    if (this.adapter.kind !== 'contenteditable') {
      const ro = new this.win.ResizeObserver(() => this.driver.requestLayout());
      ro.observe(el);
      this.disposers.push(() => ro.disconnect());
    }
  }

  dispose() {
    for (const d of this.disposers) d();
    clearTimeout(this.timer);
    this.driver.highlightsFor(this.doc)?.clear(this);
    this.mirror?.dispose();
    this.mirror = null;
  }

  syncValue() {
    if (this.adapter.kind !== 'contenteditable' && this.el.value !== this.seen) this.onChange(false);
  }

  /** The text changed (or may have). `fromInput`: a user keystroke, timed for the latency marks. */
  onChange(fromInput, e) {
    this.version++;
    // The input event comes before the MutationObserver's microtask: drop the cached text now, and
    // the records of the mutations it reports (the text is read afresh below; a second walk of the
    // editor's DOM after the result came back would be for nothing).
    if (this.adapter.kind === 'contenteditable') {
      this.adapter.invalidate();
      if (fromInput) this.mutations?.takeRecords();
    }
    if (fromInput) {
      this.pendingInputs.push(now());
      mark('conduct:input');
      if (e && e.isComposing) this.composing = true;
      // A check started at beforeinput: was the guess right? (Tests count the wrong ones.)
      if (this.expected != null && this.adapter.text() !== this.expected) mark('conduct:mispredicted');
      this.expected = null;
    }
    if (this.adapter.kind !== 'contenteditable') {
      // The underlines follow the text at the next frame (render() shifts them), unless the
      // check's result is drawn before: nothing on the keystroke's own path.
      this.seen = this.el.value;
      this.renderSoon();
    }
    if (this.composing) return;
    this.schedule();
  }

  /**
   * The field is about to change: for plain typing (and in a textarea a line break or a deletion)
   * the adapter knows the text it will give before the browser has edited the field (which takes
   * a millisecond or two in a long text), so its check starts now and the round trip to the worker
   * overlaps the edit. The input event that follows compares: a wrong guess (the page or editor
   * cancelled or changed the edit) is checked again like any change made while a check ran.
   */
  onBeforeInput(e) {
    if (this.composing || e.isComposing || e.defaultPrevented) return;   // the page handles this edit itself
    const next = this.adapter.expected(e);
    if (next === null) return;
    if (!this.driver.active || !this.visible || this.inflight || this.timer) return;
    if (this.lastStart + Math.min(THROTTLE_MS, THROTTLE_COST * this.cost) > now()) return;
    const hash = quickHash(next);
    if (this.driver.cache.get(`${this.driver.gen}|${hash}`)) return;   // the input event draws it at once
    mark('conduct:predicted');
    this.expected = next;
    this.run(next, hash);
  }

  /** Keeps textarea/input underlines on their words while a new check is pending. */
  shiftFindings(next) {
    if (this.text === next) return;
    this.findings = mapFindings(this.findings, this.text, next);
    this.text = next;
  }

  renderSoon() {
    if (this.renderQueued) return;
    this.renderQueued = true;
    this.win.requestAnimationFrame(() => { if (this.renderQueued) this.render(); });
  }

  schedule() {
    if (!this.driver.active) { this.dirty = true; return; }
    // Nothing mid-composition, whoever asks (a throttle timer, a policy change, focus): compositionend rechecks.
    if (this.composing) { this.dirty = true; return; }
    if (!this.visible) { this.dirty = true; return; }
    if (this.inflight) { this.rerun = true; return; }
    if (this.timer) return;
    // Nothing to do when the text is what was last checked (e.g. a mutation that only restyled).
    if (this.lastRun && this.lastRun.gen === this.driver.gen && this.lastRun.text === this.adapter.text()) {
      this.resolveInputs(this.pendingInputs);
      this.pendingInputs = [];
      this.dirty = false;
      mark('conduct:rendered');
      return;
    }
    const wait = this.lastStart + Math.min(THROTTLE_MS, THROTTLE_COST * this.cost) - now();
    if (wait <= 0) this.run();
    else this.timer = setTimeout(() => { this.timer = null; this.schedule(); }, wait);
  }

  /**
   * Checks the field's text (or `expected`, the text an edit about to happen gives, with its
   * `quickHash` when known) and draws the result. The text is hashed once per check (10 KB: tens of µs).
   */
  async run(expected = null, expectedHash = null) {
    this.lastStart = now();
    this.dirty = false;
    const version = this.version;
    const text = expected ?? this.adapter.text();
    const inputs = this.pendingInputs;
    this.pendingInputs = [];
    mark('conduct:check');
    const driver = this.driver;
    const hash = expectedHash ?? quickHash(text);
    const cacheKey = `${driver.gen}|${hash}`;
    let diags = driver.cache.get(cacheKey);
    if (!diags) {
      const id = ++requestSeq;
      this.reqId = id;
      this.inflight = true;
      let res;
      const sent = now();
      try {
        res = await this.channel.check(text, { id, host: HOST });
        this.cost = now() - sent;
        try { performance.measure('conduct:roundtrip', { start: sent, end: sent + this.cost }); } catch { /* old browser */ }
      } catch (e) {
        this.inflight = false;
        this.dirty = true;      // retried on the next edit, focus or policy change
        if (!contextInvalidated()) console.debug('conduct: check failed', e);
        this.pendingInputs.unshift(...inputs);
        return;
      }
      this.inflight = false;
      if (res.id !== this.reqId) return;                       // a newer request owns this field
      if (!res.active) { driver.setActive(false, res.gen); return; }
      if (res.gen !== driver.gen) driver.setGen(res.gen);
      diags = res.diagnostics;
      driver.cache.set(`${res.gen}|${hash}`, diags);
    }
    this.lastRun = { text, gen: driver.gen };
    // The text may have changed while the check ran: keep the findings outside the edited part
    // (moved to their new offsets) and check again.
    const current = this.adapter.text();
    if (current !== text) {
      diags = mapFindings(diags, text, current);
      this.rerun = true;
    }
    this.checkedVersion = version;
    this.findings = diags;
    this.text = current;
    this.render();
    this.resolveInputs(inputs);
    // 'conduct:rendered' = the underlines match the field's current text (tests wait for it).
    if (current === text) mark('conduct:rendered');
    if (this.rerun) { this.rerun = false; this.schedule(); }
  }

  /** Latency measures: from each keystroke to its underlines drawn ('conduct:drawn') and to the
   * frame after that ('conduct:latency'). */
  resolveInputs(inputs) {
    if (!inputs.length) return;
    const drawn = now();
    for (const t0 of inputs) {
      try { performance.measure('conduct:drawn', { start: t0, end: drawn }); } catch { /* old browser */ }
    }
    this.win.requestAnimationFrame(() => {
      const t = now();
      for (const t0 of inputs) {
        try { performance.measure('conduct:latency', { start: t0, end: t }); } catch { /* old browser */ }
      }
    });
  }

  /** Draws the current findings (or nothing when invisible / inactive). */
  render() {
    this.renderQueued = false;
    const show = this.driver.active && this.visible;
    if (this.adapter.kind === 'contenteditable') {
      const items = show ? this.findings : [];
      const hl = this.driver.highlightsFor(this.doc);
      const rn = this.el.getRootNode();
      if (rn.nodeType === 11 && rn.host) ensureHighlightStyles(rn);
      this.ranges = items.map((d) => this.adapter.range(d.start, d.end));
      hl.set(this, this.ranges.map((range, i) => ({ range, severity: items[i].severity })).filter((x) => x.range));
    } else {
      this.shiftFindings(this.el.value);
      const items = show ? this.findings : [];
      if ((!items.length && !this.mirror) || !this.driver.canDraw()) return;
      if (!this.mirror) this.mirror = new Mirror(this.driver.ensureOverlay(), this.el);
      let pos = 0;
      const marks = [];
      items.forEach((d, index) => { if (d.start >= pos) { marks.push({ ...d, index }); pos = d.end; } });
      // Read the field's geometry before changing the mirror, so nothing forces a layout of it.
      const o = this.driver.offsetOf(this.win);
      this.mirror.position(o.x, o.y);
      this.mirror.render(this.text, marks);
    }
    this.driver.afterRender(this);
  }

  /** Client rects of finding `i` in the driver's viewport. */
  rects(i) {
    if (this.mirror) return this.mirror.rects(i);
    const r = this.ranges[i];
    if (!r) return [];
    const o = this.driver.offsetOf(this.win);
    return [...r.getClientRects()].map((x) => new DOMRect(x.left + o.x, x.top + o.y, x.width, x.height));
  }

  setActive(i) {
    if (this.mirror) this.mirror.setActive(i);
    else this.driver.highlightsFor(this.doc).setActive(i >= 0 ? this.ranges[i] : null);
  }

  /** Puts the caret at `offset` and focuses the field (after the popover closes). */
  focusAt(offset) {
    if (this.adapter.kind === 'contenteditable') {
      const r = this.adapter.range(offset, offset);
      this.el.focus({ preventScroll: true });
      if (r) {
        const sel = this.win.getSelection();
        sel.removeAllRanges();
        sel.addRange(r);
      }
    } else {
      this.el.focus({ preventScroll: true });
      try { this.el.setSelectionRange(offset, offset); } catch { /* not a text control any more */ }
    }
  }

  /** Brings finding i into view (keyboard navigation). */
  reveal(i) {
    const d = this.findings[i];
    if (!d) return;
    if (this.adapter.kind !== 'contenteditable') {
      // Selecting scrolls the textarea to the finding; the caret ends after it.
      this.el.focus({ preventScroll: true });
      this.el.setSelectionRange(d.start, d.end);
      this.el.setSelectionRange(d.end, d.end);
      this.driver.layoutNow();
    } else {
      this.ranges[i]?.startContainer?.parentElement?.scrollIntoView?.({ block: 'nearest' });
    }
  }
}

function isRendered(el) {
  if (!el.isConnected) return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
}

function inViewport(el) {
  const r = el.getBoundingClientRect();
  const win = el.ownerDocument.defaultView;
  return r.bottom > 0 && r.right > 0 && r.top < win.innerHeight && r.left < win.innerWidth;
}

class Driver {
  constructor(doc) {
    this.doc = doc;
    this.win = doc.defaultView;
    this.fields = new Map();          // element → Field
    this.scopes = new WeakSet();      // Documents and ShadowRoots being watched
    this.frameDocs = new Set();       // same-origin iframe documents we drive
    this.highlights = new WeakMap();  // Document → Highlights
    this.cache = new ResultCache(CACHE_SIZE);
    this.overlay = null;
    this.popover = null;
    this.active = false;
    this.gen = '';
    this.focused = null;
    this.layoutQueued = false;
    this.hover = { timer: null, hideTimer: null, key: null };
    this.keyboardOpen = false;
  }

  async start() {
    // Fields are watched from the start: what is typed before the worker answers is checked as
    // soon as it does.
    this.attachScope(this.doc);
    chrome.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && changes[STORAGE.state]) {
        const gen = changes[STORAGE.state].newValue?.gen;
        if (gen && gen !== this.gen) this.refresh();
      }
    });
    setInterval(() => this.tick(), 400);
    await this.refresh();
  }

  /**
   * Asks the worker whether this site is on (and for the policy generation), then (re)checks every
   * field. While the worker cannot answer (starting, restarting, its load failing) the question is
   * asked again with backoff — 100 ms doubling to 5 s, for about a minute — so a page opened at a
   * bad moment is still checked. One run at a time.
   */
  refresh() {
    if (this.helloRun) { this.helloAgain = true; return this.helloRun; }
    this.helloRun = (async () => {
      for (let attempt = 0; ; attempt++) {
        this.helloAgain = false;
        try {
          const res = await request({ kind: 'hello', host: HOST });
          this.helloOk = true;
          this.setActive(res.active, res.gen, true);
          if (!this.helloAgain) return;
          attempt = -1;   // the policy changed meanwhile: ask again
        } catch (e) {
          if (contextInvalidated() || attempt >= HELLO_RETRIES) {
            if (!contextInvalidated()) console.debug('conduct: worker unavailable', e);
            return;
          }
          await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 5000)));
        }
      }
    })().finally(() => { this.helloRun = null; });
    return this.helloRun;
  }

  setGen(gen) {
    if (gen === this.gen) return;
    this.gen = gen;
    this.cache.clear();
  }

  setActive(active, gen, recheck = false) {
    if (gen) this.setGen(gen);
    const changed = active !== this.active;
    this.active = active;
    if (!active) {
      this.popover?.hide();
      for (const f of this.fields.values()) { f.dirty = true; f.render(); }
      this.reportFocused();
    } else if (changed || recheck) {
      for (const f of this.fields.values()) { f.lastStart = -Infinity; f.schedule(); }
    }
  }

  /** False in a designMode document: nothing may be added to an editable document, not even to <html>. */
  canDraw() {
    return this.doc.designMode !== 'on';
  }

  ensureOverlay() {
    if (!this.overlay) {
      this.overlay = new OverlayHost(this.doc);
      this.popover = new Popover(this.overlay, {
        apply: (f, d, s) => this.apply(f, d, s),
        ignore: (f, d) => this.ignore(f, d),
        disableRule: (f, d) => this.disableRule(f, d),
        disableSite: () => this.disableSite(),
        cycle: (f, dir) => this.cycle(f, dir),
        close: (f, returnFocus) => {
          f.setActive(-1);
          if (returnFocus && this.popoverDiag) f.focusAt(this.popoverDiag.end);
          this.popoverDiag = null;
          this.keyboardOpen = false;
        },
      });
    }
    this.overlay.attach();
    return this.overlay;
  }

  highlightsFor(doc) {
    let h = this.highlights.get(doc);
    if (!h) { h = new Highlights(doc); this.highlights.set(doc, h); }
    return h;
  }

  /** Offset of `win`'s viewport inside the driver's viewport (same-origin frames only). */
  offsetOf(win) {
    let x = 0, y = 0, w = win;
    while (w && w !== this.win) {
      const fe = w.frameElement;
      if (!fe) break;
      const r = fe.getBoundingClientRect();
      const cs = w.parent.getComputedStyle(fe);
      x += r.left + fe.clientLeft + parseFloat(cs.paddingLeft || '0');
      y += r.top + fe.clientTop + parseFloat(cs.paddingTop || '0');
      w = w.parent;
    }
    return { x, y };
  }

  // ---- discovery ------------------------------------------------------------------------

  attachScope(scope) {
    if (this.scopes.has(scope)) return;
    this.scopes.add(scope);
    const doc = scope.nodeType === 9 ? scope : scope.ownerDocument;
    const win = doc.defaultView;
    const mo = new win.MutationObserver((records) => this.onMutations(records));
    mo.observe(scope, { childList: true, subtree: true, attributes: true, attributeFilter: ['contenteditable', 'type', 'disabled', 'readonly'] });
    if (scope.nodeType === 9) this.listenDocument(doc);
    this.scan(scope);
  }

  listenDocument(doc) {
    const opts = { capture: true, passive: true };
    doc.addEventListener('focusin', (e) => this.onFocus(e), true);
    doc.addEventListener('keydown', (e) => this.onKeyDown(e), true);
    doc.addEventListener('mousemove', (e) => this.onMouseMove(e, doc), opts);
    doc.addEventListener('scroll', () => this.requestLayout(), opts);
    doc.addEventListener('mousedown', (e) => this.onMouseDown(e, doc), opts);
    doc.defaultView.addEventListener('resize', () => this.requestLayout(), { passive: true });
  }

  scan(root) {
    if (root.nodeType === 1) this.consider(root);
    const doc = root.nodeType === 9 ? root : root.ownerDocument;
    if (doc.designMode === 'on' && doc.body) this.consider(doc.body);
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
    let el = walker.nextNode();
    while (el) {
      this.consider(el);
      if (el.shadowRoot) this.attachScope(el.shadowRoot);
      const tag = el.localName;
      if (tag === 'iframe' || tag === 'frame') this.attachFrame(el);
      el = walker.nextNode();
    }
  }

  consider(el) {
    if (this.fields.has(el)) return;
    if (isTextControl(el)) { this.addField(el, new TextControlAdapter(el)); return; }
    if (el.isContentEditable || (el.ownerDocument.designMode === 'on' && el === el.ownerDocument.body)) {
      const host = editingHost(el);
      if (host && !this.fields.has(host)) this.addField(host, new EditableAdapter(host));
    }
  }

  addField(el, adapter) {
    const f = new Field(this, el, adapter);
    this.fields.set(el, f);
    if (this.active && f.visible) f.schedule();
    return f;
  }

  attachFrame(iframe) {
    if (iframe.__conductFrame) { this.attachFrameDoc(iframe); return; }
    iframe.__conductFrame = true;
    iframe.addEventListener('load', () => this.attachFrameDoc(iframe));
    this.attachFrameDoc(iframe);
  }

  attachFrameDoc(iframe) {
    let doc = null;
    try { doc = iframe.contentDocument; } catch { /* cross-origin: its own content script drives it */ }
    if (!doc || !doc.documentElement || this.scopes.has(doc)) return;
    this.frameDocs.add(doc);
    this.attachScope(doc);
  }

  onMutations(records) {
    let removed = false;
    for (const r of records) {
      if (r.type === 'attributes') { this.consider(r.target); continue; }
      for (const n of r.addedNodes) if (n.nodeType === 1) this.scan(n);
      if (r.removedNodes.length) removed = true;
    }
    if (removed) this.prune();
  }

  prune() {
    for (const [el, f] of this.fields) {
      const gone = !el.isConnected
        || (f.adapter.kind === 'contenteditable' && !el.isContentEditable && el.ownerDocument.designMode !== 'on');
      if (gone) { f.dispose(); this.fields.delete(el); if (this.focused === f) this.focused = null; }
    }
    for (const doc of this.frameDocs) if (!doc.defaultView) this.frameDocs.delete(doc);
  }

  /** Finds the field an event happened in (through open shadow roots). */
  fieldOf(e) {
    const path = e.composedPath();
    for (const n of path) {
      if (n.nodeType !== 1) continue;
      const f = this.fields.get(n);
      if (f) return f;
      if (isTextControl(n) || n.isContentEditable) {
        this.consider(n);
        const host = isTextControl(n) ? n : editingHost(n);
        if (host && this.fields.get(host)) return this.fields.get(host);
      }
      // A shadow root we have not seen (attached after its host was inserted).
      if (n.shadowRoot && !this.scopes.has(n.shadowRoot)) this.attachScope(n.shadowRoot);
    }
    return null;
  }

  onFocus(e) {
    const f = this.fieldOf(e);
    if (!f) return;
    if (!this.helloOk) this.refresh();     // the worker could not be reached at load: try again
    this.focused = f;
    f.syncValue();
    if (f.dirty && this.active) f.schedule();
    this.reportFocused();
  }

  afterRender(f) {
    if (f === this.focused || (!this.focused && this.doc.hasFocus())) { this.focused = f; this.reportFocused(); }
    const p = this.popover;
    if (p && p.open && p.field === f) {
      const i = sameFinding(f.findings, this.popoverDiag);
      if (i < 0) p.hide(false);
      else { p.index = i; this.popoverDiag = f.findings[i]; const a = anchorOf(f.rects(i)); if (a) p.place(a); }
    }
  }

  reportFocused() {
    clearTimeout(this.reportTimer);
    this.reportTimer = setTimeout(() => {
      const f = this.focused;
      const counts = this.active && f ? countByCategory(f.findings) : null;
      // The toolbar popup's counts: sent when they change, not on every keystroke.
      const sent = JSON.stringify(counts);
      if (sent !== this.reported) {
        this.reported = sent;
        request({ kind: 'field-state', host: HOST, counts }).catch(() => { this.reported = null; });
      }
      this.announce(counts);
    }, 50);
  }

  /** Screen readers hear the focused field's finding count when it changes (a polite live region). */
  announce(counts) {
    const n = counts ? counts.total : 0;
    if (n === this.announced) return;
    this.announced = n;
    if ((!n && !this.overlay) || !this.canDraw()) return;
    const overlay = this.ensureOverlay();
    if (!this.live) {
      this.live = overlay.doc.createElement('div');
      this.live.className = 'sr-only';
      this.live.setAttribute('role', 'status');
      this.live.setAttribute('aria-live', 'polite');
      overlay.shadow.appendChild(this.live);
    }
    this.live.textContent = n ? chrome.i18n.getMessage('liveFindings', [String(n)]) : '';
  }

  /** The extension was reloaded or removed: take back everything this instance drew. */
  teardown() {
    if (this.tornDown) return;
    this.tornDown = true;
    for (const f of this.fields.values()) { try { f.dispose(); } catch { /* page gone */ } }
    this.fields.clear();
    this.overlay?.host.remove();
  }

  // ---- layout --------------------------------------------------------------------------

  requestLayout() {
    if (this.layoutQueued) return;
    this.layoutQueued = true;
    this.win.requestAnimationFrame(() => { this.layoutQueued = false; this.layoutNow(); });
  }

  layoutNow() {
    for (const f of this.fields.values()) {
      if (f.mirror) { const o = this.offsetOf(f.win); f.mirror.copyStyles(); f.mirror.position(o.x, o.y); }
    }
    const p = this.popover;
    if (p && p.open && p.field) {
      const a = anchorOf(p.field.rects(p.index));
      if (a) p.place(a); else if (!this.keyboardOpen) p.hide(false);
    }
  }

  tick() {
    if (contextInvalidated()) { this.teardown(); return; }
    // Layout can change without any event we see (content above the field grew, fonts loaded).
    let mirrors = false;
    for (const f of this.fields.values()) if (f.mirror && f.findings.length) { mirrors = true; break; }
    if (mirrors) this.requestLayout();
    // Late iframe documents (written after load) and late shadow roots.
    for (const el of this.doc.querySelectorAll('iframe')) this.attachFrameDoc(el);
  }

  // ---- popover --------------------------------------------------------------------------

  hitTest(x, y) {
    for (const f of this.fields.values()) {
      if (!f.findings.length || !f.visible || !this.active) continue;
      for (let i = 0; i < f.findings.length; i++) {
        for (const r of f.rects(i)) {
          if (x >= r.left && x <= r.right && y >= r.top - 1 && y <= r.bottom + 2) return { f, i };
        }
      }
    }
    return null;
  }

  onMouseMove(e, doc) {
    if (!this.active) return;
    // Hit-test at most once per frame, with the latest pointer position.
    this.pointer = { x: e.clientX, y: e.clientY, doc };
    if (this.pointerQueued) return;
    this.pointerQueued = true;
    this.win.requestAnimationFrame(() => {
      this.pointerQueued = false;
      const p = this.pointer;
      if (p && p.doc.defaultView) this.hoverAt(p.x, p.y, p.doc);
    });
  }

  hoverAt(cx, cy, doc) {
    const o = this.offsetOf(doc.defaultView);
    const x = cx + o.x, y = cy + o.y;
    if (this.popover?.open && this.popover.contains(x, y)) { clearTimeout(this.hover.hideTimer); return; }
    const hit = this.hitTest(x, y);
    const key = hit ? `${hit.i}:${hit.f.findings[hit.i].key}` : null;
    if (hit) {
      clearTimeout(this.hover.hideTimer);
      if (key === this.hover.key) return;
      this.hover.key = key;
      clearTimeout(this.hover.timer);
      this.hover.timer = setTimeout(() => this.showFor(hit.f, hit.i, { focus: false }), HOVER_DELAY_MS);
    } else {
      this.hover.key = null;
      clearTimeout(this.hover.timer);
      if (this.popover?.open && !this.keyboardOpen && !this.hover.hideTimer) {
        this.hover.hideTimer = setTimeout(() => {
          this.hover.hideTimer = null;
          if (!this.popover.hovering) this.popover.hide(false);
        }, HIDE_DELAY_MS);
      }
    }
  }

  onMouseDown(e, doc) {
    const p = this.popover;
    if (!p || !p.open) return;
    const o = this.offsetOf(doc.defaultView);
    if (!p.contains(e.clientX + o.x, e.clientY + o.y)) p.hide(false);
  }

  showFor(f, i, { focus }) {
    if (!this.canDraw()) return;
    const rects = f.rects(i);
    const anchor = anchorOf(rects);
    if (!anchor) return;
    const overlay = this.ensureOverlay();
    overlay.attach();
    if (this.popover.field && this.popover.field !== f) this.popover.field.setActive(-1);
    this.popoverDiag = f.findings[i];
    this.keyboardOpen = focus;
    f.setActive(i);
    this.popover.show(f, i, anchor, { focus });
  }

  onKeyDown(e) {
    if (!isShortcut(e)) {
      if (e.key === 'Escape' && this.popover?.open) this.popover.hide(true);
      return;
    }
    const f = this.fieldOf(e);
    if (!f || !f.findings.length || !this.active) return;
    e.preventDefault();
    e.stopPropagation();
    this.cycle(f, 1);
  }

  /** Alt+Shift+K: opens the popover on the next finding of the field, keyboard focus inside it. */
  cycle(f, dir) {
    const n = f.findings.length;
    if (!n) return;
    let i;
    if (this.popover?.open && this.popover.field === f) i = (this.popover.index + dir + n) % n;
    else {
      const caret = caretOf(f);
      i = f.findings.findIndex((d) => d.end >= caret);
      if (i < 0) i = 0;
    }
    f.reveal(i);
    this.showFor(f, i, { focus: true });
  }

  async apply(f, d, s) {
    this.popover.hide(false);
    const current = f.adapter.text();
    if (current.slice(d.start, d.end) !== d.text) { f.schedule(); return; }
    mark('conduct:apply');
    await f.adapter.replace(d.start, d.end, s);
    f.onChange(false);
  }

  async ignore(f, d) {
    this.popover.hide(true);
    f.findings = f.findings.filter((x) => x.key !== d.key);
    f.render();
    try { await request({ kind: 'ignore', key: d.key }); } catch (e) { console.debug('conduct: ignore failed', e); }
  }

  async disableRule(f, d) {
    this.popover.hide(true);
    for (const g of this.fields.values()) { g.findings = g.findings.filter((x) => x.rule !== d.rule); g.render(); }
    try { await request({ kind: 'set-rule', rule: d.rule, enabled: false }); } catch (e) { console.debug('conduct: set-rule failed', e); }
  }

  async disableSite() {
    this.popover.hide(true);
    this.setActive(false);
    try { await request({ kind: 'set-site', host: HOST, enabled: false }); } catch (e) { console.debug('conduct: set-site failed', e); }
  }
}

/**
 * The index in `findings` of the popover's finding `d` after a recheck: the same key, else the same
 * rule and flagged text at the same place. The key hashes the context around the finding, which an
 * edit next to it changes without touching the finding: an editor that puts invisible bookkeeping
 * into its text when it loses focus to the popover (a selection marker holding U+FEFF) would
 * otherwise close the popover between the press and the release of a click on its button.
 */
function sameFinding(findings, d) {
  if (!d) return -1;
  const i = findings.findIndex((x) => x.key === d.key);
  if (i >= 0) return i;
  return findings.findIndex((x) => x.rule === d.rule && x.start === d.start && x.end === d.end && x.text === d.text);
}

function isShortcut(e) {
  return e.altKey && e.shiftKey && !e.metaKey && (e.code === 'KeyK' || e.key === 'K' || e.key === 'k');
}

function anchorOf(rects) {
  const rs = rects.filter((r) => r.width > 0 || r.height > 0);
  if (!rs.length) return null;
  const r = rs[0];
  return { left: r.left, top: r.top, bottom: rs[rs.length - 1].bottom, right: r.right };
}

function caretOf(f) {
  if (f.adapter.kind !== 'contenteditable') return f.el.selectionStart ?? 0;
  const sel = f.win.getSelection();
  if (!sel || !sel.rangeCount) return 0;
  const r = sel.getRangeAt(0);
  const { segs } = f.adapter.build();
  const seg = segs.find((s) => s.node === r.startContainer);
  return seg ? seg.start + r.startOffset : 0;
}

function parentDrives() {
  try { return !!window.frameElement; } catch { return false; }
}

if (!parentDrives() && !globalThis.__conductDriver) {
  const driver = new Driver(document);
  globalThis.__conductDriver = driver;
  driver.start();
  installGuard(driver);
}
