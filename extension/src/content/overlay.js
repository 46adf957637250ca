// Everything the extension draws. Nothing is ever inserted into an editor's subtree:
//   * contenteditable: the CSS Custom Highlight API (one registry per document; the ::highlight
//     rules go in through adoptedStyleSheets, which adds no node);
//   * textarea/input: a mirror element inside the extension's own shadow-root overlay host,
//     positioned over the field and copying its text styles;
//   * the popover: in the same overlay host, position: fixed, z-index max.

export const SEVERITY_COLORS = { error: '#d93025', warning: '#e8710a', info: '#1a73e8' };
export const HIGHLIGHT_NAMES = { error: 'conduct-error', warning: 'conduct-warning', info: 'conduct-info' };
export const ACTIVE_HIGHLIGHT = 'conduct-active';

const highlightCss = () => Object.entries(HIGHLIGHT_NAMES).map(([sev, name]) =>
  `::highlight(${name}) { text-decoration: underline wavy ${SEVERITY_COLORS[sev]}; text-decoration-skip-ink: none; text-underline-offset: 2px; }`,
).join('\n') + `\n::highlight(${ACTIVE_HIGHLIGHT}) { background-color: rgba(232, 113, 10, 0.22); }`;

/** Per document (or shadow root) highlight state. */
const sheets = new WeakMap();   // Document|ShadowRoot → CSSStyleSheet

/** Makes sure `scope` (a Document or ShadowRoot) has the ::highlight rules. */
export function ensureHighlightStyles(scope) {
  if (sheets.has(scope)) return;
  const doc = scope.nodeType === 9 ? scope : scope.ownerDocument;
  const win = doc.defaultView;
  try {
    const sheet = new win.CSSStyleSheet();
    sheet.replaceSync(highlightCss());
    scope.adoptedStyleSheets = [...scope.adoptedStyleSheets, sheet];
    sheets.set(scope, sheet);
  } catch (e) {
    console.debug('conduct: cannot add highlight styles', e);
  }
}

/** One registry per document: Highlight objects shared by all fields of that document. */
export class Highlights {
  constructor(doc) {
    this.doc = doc;
    const win = doc.defaultView;
    this.byField = new Map();   // field → Range[] with severities
    this.hl = {};
    for (const [sev, name] of Object.entries(HIGHLIGHT_NAMES)) {
      let h = win.CSS.highlights.get(name);
      if (!h) { h = new win.Highlight(); win.CSS.highlights.set(name, h); }
      this.hl[sev] = h;
    }
    let a = win.CSS.highlights.get(ACTIVE_HIGHLIGHT);
    if (!a) { a = new win.Highlight(); a.priority = 1; win.CSS.highlights.set(ACTIVE_HIGHLIGHT, a); }
    this.active = a;
    ensureHighlightStyles(doc);
  }
  set(field, items /* [{range, severity}] */) {
    this.clear(field);
    for (const it of items) this.hl[it.severity]?.add(it.range);
    this.byField.set(field, items);
  }
  clear(field) {
    const old = this.byField.get(field);
    if (old) for (const it of old) { this.hl[it.severity]?.delete(it.range); this.active.delete(it.range); }
    this.byField.delete(field);
  }
  setActive(range) {
    this.active.clear();
    if (range) this.active.add(range);
  }
}

const OVERLAY_CSS = `
:host { all: initial !important; position: fixed !important; left: 0 !important; top: 0 !important;
  width: 0 !important; height: 0 !important; z-index: 2147483647 !important; pointer-events: none !important;
  display: block !important; contain: none !important; }
.mirror { position: fixed; z-index: 0; overflow: hidden; pointer-events: none; color: transparent !important;
  background: transparent !important; border-color: transparent !important; margin: 0; box-sizing: border-box; }
.mirror-inner { color: transparent; }
.mirror-inner > div + div { text-indent: 0; }
.m { color: transparent; text-decoration-line: underline; text-decoration-style: wavy;
  text-decoration-skip-ink: none; text-underline-offset: 2px; text-decoration-thickness: 1.5px; }
.m.sev-error { text-decoration-color: ${SEVERITY_COLORS.error}; }
.m.sev-warning { text-decoration-color: ${SEVERITY_COLORS.warning}; }
.m.sev-info { text-decoration-color: ${SEVERITY_COLORS.info}; }
.m.active { background: rgba(232, 113, 10, 0.22); }
.popover { position: fixed; z-index: 1; pointer-events: auto; box-sizing: border-box; max-width: min(420px, calc(100vw - 16px));
  min-width: 260px; padding: 12px 14px; border-radius: 10px; font: 13px/1.45 system-ui, -apple-system, "Segoe UI",
  "Noto Sans", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif;
  background: #ffffff; color: #1f2328; border: 1px solid #d0d7de; box-shadow: 0 8px 28px rgba(0,0,0,.22);
  text-align: start; direction: ltr; white-space: normal; letter-spacing: normal; }
.popover[hidden] { display: none; }
.sr-only { position: fixed; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.head { display: flex; align-items: center; gap: 8px; margin-bottom: 6px; font-weight: 600; }
.badge { font-size: 11px; font-weight: 600; padding: 1px 7px; border-radius: 999px; color: #fff; }
.badge.sev-error { background: ${SEVERITY_COLORS.error}; }
.badge.sev-warning { background: #b45309; }
.badge.sev-info { background: ${SEVERITY_COLORS.info}; }
.flagged { font-weight: 400; opacity: .8; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 220px; }
.message { margin: 0 0 6px; }
.norm { margin: 0 0 8px; font-size: 12px; opacity: .78; }
.sugs { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 8px; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; border-top: 1px solid #d0d7de; padding-top: 8px; }
button { font: inherit; font-size: 12px; cursor: pointer; border-radius: 6px; padding: 3px 9px;
  border: 1px solid #d0d7de; background: #f6f8fa; color: inherit; }
button.apply { background: #1f6feb; border-color: #1f6feb; color: #fff; font-weight: 600; }
button:hover { filter: brightness(0.95); }
button:focus-visible { outline: 2px solid #0969da; outline-offset: 1px; }
.rule { font-size: 11px; opacity: .6; margin-top: 6px; font-family: ui-monospace, monospace; }
@media (prefers-color-scheme: dark) {
  .popover { background: #1f2428; color: #e6edf3; border-color: #3d444d; box-shadow: 0 8px 28px rgba(0,0,0,.6); }
  .actions { border-color: #3d444d; }
  button { background: #2d333b; border-color: #444c56; }
  button.apply { background: #316dca; border-color: #316dca; }
}
.popover.dark { background: #1f2428; color: #e6edf3; border-color: #3d444d; }
.popover.dark .actions { border-color: #3d444d; }
.popover.dark button { background: #2d333b; border-color: #444c56; }
.popover.dark button.apply { background: #316dca; border-color: #316dca; }
.popover.light { background: #ffffff; color: #1f2328; border-color: #d0d7de; }
.popover.light .actions { border-color: #d0d7de; }
.popover.light button { background: #f6f8fa; border-color: #d0d7de; }
.popover.light button.apply { background: #1f6feb; border-color: #1f6feb; }
`;

const MIRROR_PROPS = [
  'fontFamily', 'fontSize', 'fontWeight', 'fontStyle', 'fontVariant', 'fontStretch', 'fontKerning',
  'fontFeatureSettings', 'fontVariationSettings', 'letterSpacing', 'wordSpacing', 'lineHeight', 'textAlign',
  'textIndent', 'textTransform', 'direction', 'tabSize', 'paddingTop', 'paddingRight', 'paddingBottom', 'paddingLeft',
  'whiteSpace', 'wordBreak', 'overflowWrap', 'hyphens', 'unicodeBidi', 'writingMode', 'textRendering',
];

/** The extension's own host element at the top of one document, with an open shadow root. */
export class OverlayHost {
  constructor(doc) {
    this.doc = doc;
    const host = doc.createElement('conduct-rules-overlay');
    host.setAttribute('aria-hidden', 'false');
    this.host = host;
    this.shadow = host.attachShadow({ mode: 'open' });
    const sheet = new doc.defaultView.CSSStyleSheet();
    sheet.replaceSync(OVERLAY_CSS);
    this.shadow.adoptedStyleSheets = [sheet];
    this.attach();
  }
  attach() {
    // Appended to <html>, never into <body> (which may be the editor) or any editor subtree.
    if (!this.host.isConnected) this.doc.documentElement.appendChild(this.host);
  }
}

/** A transparent copy of a textarea/input's text, with the flagged spans underlined. */
export class Mirror {
  constructor(overlay, el) {
    this.overlay = overlay;
    this.el = el;
    this.div = overlay.doc.createElement('div');
    this.div.className = 'mirror';
    this.div.dataset.field = el.localName;
    this.inner = overlay.doc.createElement('div');
    this.inner.className = 'mirror-inner';
    this.div.appendChild(this.inner);
    overlay.shadow.appendChild(this.div);
    this.marks = [];
    this.styleKey = '';
  }
  dispose() { this.div.remove(); }

  /** Copies the field's text styles when they changed: at the first render, then on layout passes
   * (scroll, resize, the driver's tick), not on every keystroke — reading 28 computed properties
   * costs more than the rest of a render. */
  copyStyles() {
    const cs = this.el.ownerDocument.defaultView.getComputedStyle(this.el);
    const key = MIRROR_PROPS.map((p) => cs[p]).join('|');
    if (key === this.styleKey) return cs;
    this.styleKey = key;
    for (const p of MIRROR_PROPS) this.div.style[p] = cs[p];
    if (this.el.localName === 'input') {
      this.div.style.whiteSpace = 'pre';
      this.div.style.overflowWrap = 'normal';
    } else {
      this.div.style.whiteSpace = cs.whiteSpace === 'normal' || cs.whiteSpace === 'nowrap' ? 'pre-wrap' : cs.whiteSpace;
      if (cs.whiteSpace === 'pre') this.div.style.whiteSpace = 'pre';
    }
    return cs;
  }

  /**
   * Renders text with marks. items: [{start, end, severity, index, rule}] sorted, non-overlapping.
   * One block per line (a line break inside a mark stays in its block), and a block whose line
   * and marks did not change is kept as it is: typing re-lays out one line of the mirror, not
   * the whole text.
   */
  render(text, items) {
    if (!this.styleKey) this.copyStyles();
    const doc = this.overlay.doc;
    const old = this.blocks;
    this.blocks = new Map();     // key (line text + its marks) → block elements
    this.marks = [];
    const next = [];
    let pos = 0;
    items = items.filter((it) => { const ok = it.start >= pos && it.end <= text.length; if (ok) pos = it.end; return ok; });
    let k = 0, start = 0;
    for (;;) {
      // The next line break outside every mark ends this block.
      let end = text.indexOf('\n', start);
      for (let j = k; end >= 0;) {
        while (j < items.length && items[j].end <= end) j++;
        if (j < items.length && items[j].start <= end) end = text.indexOf('\n', items[j].end);
        else break;
      }
      if (end < 0) end = text.length;
      const mine = [];
      for (; k < items.length && items[k].start < end; k++) mine.push(items[k]);
      const line = text.slice(start, end);
      const key = line + '\u0000' + mine.map((it) => `${it.start - start},${it.end - start},${it.severity},${it.rule}`).join(';');
      let block = old?.get(key)?.shift();   // in document order: equal lines keep their places
      if (!block) block = this.block(doc, line, start, mine);
      const list = this.blocks.get(key);
      if (list) list.push(block); else this.blocks.set(key, [block]);
      // Marks keep their absolute offsets and finding index in data attributes (no layout change).
      // Written only when they changed: an attribute write is a DOM mutation even with the same value.
      let j = 0;
      for (const span of block.children) {
        if (span.localName !== 'span') continue;
        const it = mine[j++];
        const ds = span.dataset;
        if (ds.index !== String(it.index)) ds.index = String(it.index);
        if (ds.start !== String(it.start)) ds.start = String(it.start);
        if (ds.end !== String(it.end)) ds.end = String(it.end);
        this.marks[it.index] = span;
      }
      next.push(block);
      if (end >= text.length) break;
      start = end + 1;
    }
    // Move nothing that stays: drop what went, insert what is new (runs of new blocks at once).
    const keep = new Set(next);
    let cur = this.inner.firstChild;
    let run = null;
    const flush = () => { if (run) { this.inner.insertBefore(run, cur); run = null; } };
    for (const block of next) {
      while (cur && !keep.has(cur)) { const n = cur.nextSibling; cur.remove(); cur = n; }
      if (block === cur) { flush(); cur = cur.nextSibling; continue; }
      (run ??= doc.createDocumentFragment()).appendChild(block);
    }
    flush();
    while (cur) { const n = cur.nextSibling; cur.remove(); cur = n; }
  }

  /** One line's block: text and mark spans; an empty line holds a <br> (a line box of the field's font). */
  block(doc, line, base, marks) {
    const div = doc.createElement('div');
    let pos = 0;
    for (const it of marks) {
      const s = it.start - base, e = it.end - base;
      if (s > pos) div.appendChild(doc.createTextNode(line.slice(pos, s)));
      const span = doc.createElement('span');
      span.className = `m sev-${it.severity}`;
      span.dataset.rule = it.rule;
      span.textContent = line.slice(s, e);
      div.appendChild(span);
      pos = e;
    }
    if (pos < line.length) div.appendChild(doc.createTextNode(line.slice(pos)));
    if (!line.length) div.appendChild(doc.createElement('br'));
    else if (line.endsWith('\n')) div.appendChild(doc.createTextNode('\u200b'));
    return div;
  }

  setActive(index) {
    this.marks.forEach((m, i) => m && m.classList.toggle('active', i === index));
  }

  /** Places the mirror over the field's padding box; `dx, dy` move from the field's frame to ours. */
  position(dx, dy) {
    const el = this.el;
    const r = el.getBoundingClientRect();
    const s = this.div.style;
    if (!r.width || !r.height) { s.display = 'none'; return; }
    s.display = '';
    // A CSS transform on the field or an ancestor (an app zoomed with scale()) scales its box on
    // screen but not its layout sizes: the mirror is laid out at the field's own size and scaled
    // by as much (the bounding box over the layout size; 1 without a transform).
    const sx = el.offsetWidth ? r.width / el.offsetWidth : 1;
    const sy = el.offsetHeight ? r.height / el.offsetHeight : 1;
    const scaled = Math.abs(sx - 1) > 1e-3 || Math.abs(sy - 1) > 1e-3;
    s.transform = scaled ? `scale(${sx}, ${sy})` : '';
    s.transformOrigin = scaled ? '0 0' : '';
    s.left = `${r.left + el.clientLeft * sx + dx}px`;
    s.top = `${r.top + el.clientTop * sy + dy}px`;
    s.width = `${el.clientWidth}px`;
    s.height = `${el.clientHeight}px`;
    if (el.localName === 'input') {
      const cs = this.copyStyles();
      const content = el.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
      s.lineHeight = `${content}px`;
      s.height = `${el.clientHeight}px`;
    }
    this.inner.style.width = el.localName === 'input' ? 'max-content' : '';
    // Scrolling by transform: setting scrollTop would force a layout of the freshly drawn mirror.
    this.inner.style.transform = el.scrollTop || el.scrollLeft ? `translate(${-el.scrollLeft}px, ${-el.scrollTop}px)` : '';
  }

  rects(index) {
    const m = this.marks[index];
    return m ? [...m.getClientRects()] : [];
  }
}
