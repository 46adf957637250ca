// Field adapters: one interface over <textarea>/<input> and contenteditable editors.
//   text()                  the field's text, UTF-16; block boundaries in contenteditable as "\n"
//   range(start, end)       a DOM Range over [start, end) (contenteditable only)
//   replace(start, end, s)  replaces [start, end) through the editor's own input path, so the
//                           editor's model and its undo stack see an ordinary user edit
//   expected(e)             at `beforeinput`, the text a plain edit will give (null: not known)
// Generic on purpose (a TreeWalker over text nodes); no per-editor code.

const BLOCK_TAGS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'DD', 'DETAILS', 'DIV', 'DL', 'DT', 'FIELDSET', 'FIGCAPTION', 'FIGURE',
  'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE',
  'SECTION', 'SUMMARY', 'TABLE', 'TBODY', 'TD', 'TFOOT', 'TH', 'THEAD', 'TR', 'UL',
]);
const SKIP_TAGS = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'HEAD']);

export const TEXT_INPUT_TYPES = new Set(['text', 'search', '']);

export function isTextControl(el) {
  if (!el || el.nodeType !== 1) return false;
  if (el.localName === 'textarea') return !el.disabled && !el.readOnly;
  if (el.localName === 'input') return TEXT_INPUT_TYPES.has((el.getAttribute('type') || '').toLowerCase()) && !el.disabled && !el.readOnly;
  return false;
}

/** The editing host of an editable element (the outermost contenteditable), or null. */
export function editingHost(el) {
  if (!el || el.nodeType !== 1) return null;
  const doc = el.ownerDocument;
  if (doc.designMode === 'on') return doc.body;
  if (!el.isContentEditable) return null;
  let host = el;
  while (host.parentElement && host.parentElement.isContentEditable) host = host.parentElement;
  // Across a shadow boundary the host element is the outermost editable node of this tree.
  return host;
}

async function verifyOrFallback(adapter, expected, fallback) {
  if (adapter.text() === expected) return true;
  await fallback();
  return adapter.text() === expected;
}

// UTF-16 units of the character before / at `i` (a surrogate pair is one character; a cluster of
// several characters, e.g. an emoji sequence, is not known here and gives a wrong guess, checked again).
const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;
const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
const charBefore = (v, i) => (i >= 2 && isLow(v.charCodeAt(i - 1)) && isHigh(v.charCodeAt(i - 2)) ? 2 : 1);
const charAt = (v, i) => (isHigh(v.charCodeAt(i)) && isLow(v.charCodeAt(i + 1)) ? 2 : 1);

export class TextControlAdapter {
  constructor(el) { this.el = el; this.kind = el.localName; }
  text() { return this.el.value; }
  /** Typing, a line break (textarea) or a deletion of the selection or of the character next to the caret. */
  expected(e) {
    const el = this.el, v = el.value;
    const a = el.selectionStart, b = el.selectionEnd;
    if (a == null || b == null) return null;
    let next = null;
    if (e.inputType === 'insertText' && typeof e.data === 'string') next = v.slice(0, a) + e.data + v.slice(b);
    else if (e.inputType === 'insertLineBreak' && el.localName === 'textarea') next = `${v.slice(0, a)}\n${v.slice(b)}`;
    else if (e.inputType === 'deleteContentBackward' && (a < b || a > 0)) next = v.slice(0, a < b ? a : a - charBefore(v, a)) + v.slice(b);
    else if (e.inputType === 'deleteContentForward' && (a < b || b < v.length)) next = v.slice(0, a) + v.slice(a < b ? b : b + charAt(v, b));
    return next !== null && el.maxLength >= 0 && next.length > el.maxLength ? null : next;
  }
  root() { return this.el; }
  /** Select + execCommand('insertText'): the browser's own edit path, so Ctrl+Z undoes it. */
  async replace(start, end, s) {
    const el = this.el, doc = el.ownerDocument;
    const before = el.value;
    const expected = before.slice(0, start) + s + before.slice(end);
    el.focus({ preventScroll: true });
    el.setSelectionRange(start, end);
    if (s === '') doc.execCommand('delete', false);
    else doc.execCommand('insertText', false, s);
    return verifyOrFallback(this, expected, () => {
      // Last resort (the page blocked the edit command): not undoable, but correct.
      el.setRangeText(s, start, end, 'end');
      el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertReplacementText', data: s }));
    });
  }
}

export class EditableAdapter {
  constructor(root) {
    this.root_ = root;
    this.kind = 'contenteditable';
    this.index = null;   // { text, segs: [{node, start, end}] }, rebuilt lazily after mutations
  }
  root() { return this.root_; }
  invalidate() { this.index = null; }

  build() {
    if (this.index) return this.index;
    const root = this.root_;
    const doc = root.ownerDocument;
    const segs = [];
    // The text is collected in parts and joined once: appending to one string and asking it
    // endsWith('\n') flattens a rope on every block, quadratic on long texts.
    const parts = [];
    let length = 0, endsWithNewline = false;
    const push = (s) => { parts.push(s); length += s.length; endsWithNewline = s.endsWith('\n'); };
    const win = doc.defaultView;
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode(n) {
        if (n.nodeType === 1 && SKIP_TAGS.has(n.tagName)) return NodeFilter.FILTER_REJECT;
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    const newline = () => { if (length && !endsWithNewline) push('\n'); };
    // Leaving a block also ends its line; track open blocks by depth.
    const blockStack = [];
    let n = walker.nextNode();
    while (n) {
      // Close blocks that `n` is not inside any more.
      while (blockStack.length && !blockStack[blockStack.length - 1].contains(n)) { blockStack.pop(); newline(); }
      if (n.nodeType === 3) {
        const v = n.nodeValue;
        if (v && !(isCollapsibleWhitespace(v) && collapsesAway(n, win))) {
          segs.push({ node: n, start: length, end: length + v.length });
          push(v);
        }
      } else if (n.tagName === 'BR') {
        push('\n');
      } else if (BLOCK_TAGS.has(n.tagName)) {
        newline();
        blockStack.push(n);
      }
      n = walker.nextNode();
    }
    this.index = { text: parts.join(''), segs };
    return this.index;
  }

  text() { return this.build().text; }

  /**
   * Typing within one text node whose place in the text is known (the index is current): the
   * event's target range gives the offsets. Not a space, which the browser may write as a
   * no-break space, nor after a no-break space, which it may turn back into a space; nothing when
   * the index was dropped since (the DOM changed).
   */
  expected(e) {
    if (e.inputType !== 'insertText' || typeof e.data !== 'string' || !e.data || /[\s\u00a0]/.test(e.data) || !this.index) return null;
    const r = e.getTargetRanges?.()[0];
    if (!r || r.startContainer !== r.endContainer || r.startContainer.nodeType !== 3) return null;
    const seg = this.index.segs.find((x) => x.node === r.startContainer);
    if (!seg) return null;
    const { text } = this.index;
    const at = seg.start + r.startOffset;
    if (text[at - 1] === '\u00a0') return null;
    return text.slice(0, at) + e.data + text.slice(seg.start + r.endOffset);
  }

  /** Position (node, offset) for a text offset. `preferNext`: at a boundary pick the later node. */
  position(offset, preferNext) {
    const { segs } = this.build();
    if (!segs.length) return { node: this.root_, offset: 0 };
    let lo = 0, hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const s = segs[mid];
      if (preferNext ? offset >= s.end : offset > s.end) lo = mid + 1; else hi = mid;
    }
    const s = segs[lo];
    const o = Math.max(0, Math.min(offset - s.start, s.end - s.start));
    return { node: s.node, offset: o };
  }

  range(start, end) {
    const doc = this.root_.ownerDocument;
    const a = this.position(start, true);
    const b = this.position(end, false);
    const r = doc.createRange();
    try {
      r.setStart(a.node, a.offset);
      r.setEnd(b.node, b.offset);
    } catch { return null; }
    return r;
  }

  /** Select the range, then execCommand('insertText') in the editor's document: the editor sees
   * beforeinput/input exactly as for typing or a spell-check replacement. */
  async replace(start, end, s) {
    const root = this.root_, doc = root.ownerDocument, win = doc.defaultView;
    const before = this.text();
    const expected = before.slice(0, start) + s + before.slice(end);
    const range = this.range(start, end);
    if (!range) return false;
    root.focus({ preventScroll: true });
    const sel = (root.getRootNode().getSelection?.() ?? null) || win.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    if (s === '') doc.execCommand('delete', false);
    else doc.execCommand('insertText', false, s);
    // Editors apply DOM changes synchronously or in a microtask; give them one frame.
    await new Promise((r) => win.requestAnimationFrame(() => r()));
    this.invalidate();
    if (this.text() === expected) {
      // Tell the editor what this edit was: a replacement, as from the browser's spell checker.
      // Editors with their own undo stack record such an edit as an undo step of its own instead
      // of merging it into the typing before it.
      root.dispatchEvent(new win.InputEvent('input', { bubbles: true, composed: true, inputType: 'insertReplacementText', data: s }));
      return true;
    }
    return verifyOrFallback(this, expected, async () => {
      const r2 = this.range(start, end);
      if (!r2) return;
      const ev = new win.InputEvent('beforeinput', {
        bubbles: true, cancelable: true, composed: true, inputType: 'insertReplacementText', data: s,
        targetRanges: [new win.StaticRange({ startContainer: r2.startContainer, startOffset: r2.startOffset,
          endContainer: r2.endContainer, endOffset: r2.endOffset })],
      });
      root.dispatchEvent(ev);
      await new Promise((r) => win.requestAnimationFrame(() => r()));
      this.invalidate();
    });
  }
}

function isCollapsibleWhitespace(v) { return /^[ \t\r\n]*\n[ \t\r\n]*$/.test(v); }

/** Source-formatting whitespace between blocks (e.g. "\n  " between <p>s) renders as nothing. */
function collapsesAway(node, win) {
  const p = node.parentElement;
  if (!p) return true;
  const ws = win.getComputedStyle(p).whiteSpace;
  if (ws.startsWith('pre') || ws === 'break-spaces') return false;
  const prev = node.previousSibling, next = node.nextSibling;
  const blockish = (x) => !x || (x.nodeType === 1 && (BLOCK_TAGS.has(x.tagName) || x.tagName === 'BR'));
  return blockish(prev) && blockish(next);
}
