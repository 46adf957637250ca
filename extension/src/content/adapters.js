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
      } else if (n !== root && (n.contentEditable === 'false' || isGap(n))) {
        // Something that is not the editor's text stands here: a non-editable island (a
        // placeholder, a mention chip, a widget, a decorator) or an empty block that takes room
        // (lines a virtualising editor left out of the DOM). One object character in its place:
        // words do not join across it, its contents are never checked or underlined, and a
        // block keeps its line breaks around it.
        const block = BLOCK_TAGS.has(n.tagName);
        if (block) newline();
        push(OBJECT);
        if (block) newline();
        n = skipChildren(walker);
        continue;
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

  /**
   * Replaces [start, end) the way the browser's spell checker does. First a cancelable
   * `beforeinput` (insertReplacementText, with the text as data and as text/plain, the range as
   * its target range): editors that keep a model (Lexical, Slate, CKEditor 5, Quill…) apply it to
   * their model, record it as an undo step and cancel the event; a script's execCommand would fire
   * no beforeinput, so they would see a DOM they did not write and render their model back over
   * it. When nobody cancels it, execCommand('insertText') in the editor's document makes the
   * browser edit the DOM, with the input event and native undo an editor that reads the DOM
   * (ProseMirror, a plain contenteditable) expects.
   */
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
    const ev = replacementEvent(win, range, s);
    root.dispatchEvent(ev);   // where the browser fires it: at the editing host
    if (ev.defaultPrevented) {
      // The editor took it: its DOM follows its model, now or after a render (a few frames for React).
      for (let i = 0; i < 30; i++) {
        await nextFrame(win);
        this.invalidate();
        if (this.text() === expected) return true;
      }
      return false;
    }
    if (s === '') doc.execCommand('delete', false);
    else doc.execCommand('insertText', false, s);
    // Editors apply DOM changes synchronously or in a microtask; give them one frame.
    await nextFrame(win);
    this.invalidate();
    if (this.text() === expected) {
      // Tell the editor what this edit was: a replacement, as from the browser's spell checker.
      // Editors with their own undo stack record such an edit as an undo step of its own instead
      // of merging it into the typing before it.
      root.dispatchEvent(new win.InputEvent('input', { bubbles: true, composed: true, inputType: 'insertReplacementText', data: s }));
      return true;
    }
    return false;
  }
}

/** The cancelable `beforeinput` of a replacement of `range` by `s`: data, text/plain and the target range. */
function replacementEvent(win, range, s) {
  let dataTransfer = null;
  try { dataTransfer = new win.DataTransfer(); dataTransfer.setData('text/plain', s); } catch { /* old browser */ }
  return new win.InputEvent('beforeinput', {
    bubbles: true, cancelable: true, composed: true, inputType: 'insertReplacementText', data: s, dataTransfer,
    targetRanges: [new win.StaticRange({ startContainer: range.startContainer, startOffset: range.startOffset,
      endContainer: range.endContainer, endOffset: range.endOffset })],
  });
}

const nextFrame = (win) => new Promise((r) => win.requestAnimationFrame(() => r()));

/** Stands for what is not the editor's text (see build()); U+FFFC OBJECT REPLACEMENT CHARACTER. */
const OBJECT = '\ufffc';

/** The next node after `walker`'s current one, outside its subtree. */
function skipChildren(walker) {
  for (;;) {
    const next = walker.nextSibling();
    if (next) return next;
    if (!walker.parentNode()) return null;
  }
}

/** An empty block that takes room: content left out of the DOM (e.g. a virtualised editor's gap). */
function isGap(el) {
  return !el.firstChild && BLOCK_TAGS.has(el.tagName) && el.tagName !== 'HR' && el.offsetHeight > 0;
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
