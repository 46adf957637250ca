// The pre-send guard (content side). When the user sends from a watched field — Enter in a chat box
// (not Shift+Enter, not while an IME composes), Ctrl/Cmd+Enter, a click on the page's send button or
// a form submit — and the text has findings at or above the policy's threshold, the send is stopped
// before the page sees it (capture-phase listeners on window, stopImmediatePropagation +
// preventDefault) and the dialog asks what to do. "Send anyway" re-dispatches the original action
// with a one-shot bypass, so the page sends exactly what the user wrote, exactly once.
//
// The decision uses the current text: the driver's result cache holds the latest result per text
// (keyed by policy generation + text hash); when the text changed since its last check, the send is
// intercepted first, re-checked through the worker, and then either re-dispatched (clean) or held.
// Nothing leaves the browser: the audit entry (no text) goes to the worker, which stores it locally.

import { request, quickHash, topHost, STORAGE, contextInvalidated } from '../shared/protocol.js';
import { GUARD_KEY, DEFAULT_SEND_NAMES, SEVERITY_RANK } from './config.js';
import { GuardDialog } from './dialog.js';

const HOST = topHost();
const BUTTONISH = 'button, input[type=submit], input[type=button], input[type=image], [role=button], [role=menuitem]';
let seq = 1e9;   // check ids distinct from the driver's

function mark(name) { try { performance.mark(name); } catch { /* ignore */ } }

/** Is `node` inside `anc`, across open shadow roots and same-origin iframes? */
function composedContains(anc, node) {
  let n = node;
  while (n) {
    if (anc === n || (anc.contains && anc.contains(n))) return true;
    const root = n.getRootNode();
    if (root.host) n = root.host;
    else if (root.nodeType === 9) { try { n = root.defaultView?.frameElement || null; } catch { n = null; } }
    else n = null;
  }
  return false;
}

/** A trusted Enter without modifiers, not while an IME composes. */
function isPlainEnter(e) {
  return e.key === 'Enter' && e.isTrusted && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey && !e.isComposing && e.keyCode !== 229;
}

/** Events from the extension's own UI (this dialog, the finding popover) are never sends. */
function fromOwnUi(e) {
  return e.composedPath().some((n) => n.localName === 'conduct-rules-guard' || n.localName === 'conduct-rules-overlay');
}

function parentOf(n) {
  if (n.parentElement) return n.parentElement;
  const root = n.getRootNode();
  if (root.host) return root.host;
  return null;
}

const normName = (s) => String(s || '').replace(/\s+/g, ' ').trim().toLowerCase();

function accessibleName(el) {
  const doc = el.ownerDocument;
  const label = el.getAttribute('aria-label');
  if (label && label.trim()) return label;
  const by = el.getAttribute('aria-labelledby');
  if (by) {
    const txt = by.split(/\s+/).map((id) => doc.getElementById(id)?.textContent || '').join(' ');
    if (txt.trim()) return txt;
  }
  if (el.localName === 'input') return el.value || el.getAttribute('alt') || el.title || '';
  const text = el.textContent;
  if (text && text.trim()) return text;
  return el.title || el.getAttribute('data-tooltip') || '';
}

export class Guard {
  constructor(driver) {
    this.driver = driver;
    this.config = { active: true, mode: 'warn', threshold: 'warning', send_names: [], enter_sends: null };
    this.bypass = 0;           // > 0 while we re-dispatch an allowed send
    this.busy = false;         // a re-check or the dialog is in progress
    this.windows = new WeakSet();
    this.enterHabit = new WeakMap();   // Field → 'send' | 'newline' (what the page did with a plain Enter)
  }

  start() {
    this.listenWindow(this.driver.win);
    this.refreshConfig();
    chrome.storage.onChanged.addListener((changes, area) => {
      if ((area === 'local' && changes[STORAGE.state]) || (area === 'sync' && changes[GUARD_KEY]) || area === 'managed') this.refreshConfig();
    });
    // Same-origin frames driven by this driver get the same listeners.
    this.frameTimer = setInterval(() => this.scanFrames(), 400);
  }

  async refreshConfig() {
    try {
      const res = await request({ kind: 'guard-config', host: HOST });
      this.config = res;
      mark(`conduct:guard-config:${res.mode}:${res.threshold}`);
    } catch (e) {
      if (contextInvalidated()) clearInterval(this.frameTimer);
    }
  }

  scanFrames() {
    if (contextInvalidated()) { clearInterval(this.frameTimer); return; }
    for (const doc of this.driver.frameDocs) {
      const win = doc.defaultView;
      if (win) this.listenWindow(win);
    }
  }

  listenWindow(win) {
    if (this.windows.has(win)) return;
    this.windows.add(win);
    win.addEventListener('keydown', (e) => this.onKeyDown(e), true);
    win.addEventListener('click', (e) => this.onClick(e), true);
    win.addEventListener('submit', (e) => this.onSubmit(e), true);
    // Learns whether the page turns a plain Enter in a field into a send (it cancels the keydown)
    // or lets it insert a line break.
    win.addEventListener('keydown', (e) => { this.textAtEnter = isPlainEnter(e) ? this.driver.fieldOf(e)?.adapter.text() : null; }, true);
    win.addEventListener('keydown', (e) => this.learnEnter(e), false);
    win.addEventListener('beforeinput', (e) => {
      if (e.inputType !== 'insertLineBreak' && e.inputType !== 'insertParagraph') return;
      const f = this.driver.fieldOf(e);
      if (f && f === this.plainEnterIn) this.enterHabit.set(f, 'newline');
    }, true);
    win.addEventListener('keyup', () => { this.plainEnterIn = null; }, true);
  }

  get enabled() {
    return this.config.mode !== 'off' && this.config.active !== false && this.driver.active;
  }

  // ---- recognising a send ---------------------------------------------------------------------

  onKeyDown(e) {
    if (this.bypass || e.key !== 'Enter') return;
    if (!e.isTrusted || e.isComposing || e.keyCode === 229 || e.altKey || e.shiftKey || fromOwnUi(e)) return;
    if (!this.enabled) return;
    const f = this.driver.fieldOf(e);
    if (!f) return;
    const withMod = e.ctrlKey || e.metaKey;
    if (!withMod && !this.enterSends(f)) return;
    const target = e.composedPath()[0];
    this.guard(e, [f], {
      kind: 'key', field: f, target,
      init: { key: 'Enter', code: e.code || 'Enter', keyCode: 13, which: 13, charCode: 0, location: e.location,
        ctrlKey: e.ctrlKey, metaKey: e.metaKey, shiftKey: false, altKey: false },
    });
  }

  /**
   * After the page had its turn (bubble phase on window): a plain Enter the page cancelled means
   * Enter sends from this field; one it let through that then inserts a line break (beforeinput)
   * means Enter is a line break there. Enter during an IME composition teaches nothing.
   */
  learnEnter(e) {
    this.plainEnterIn = null;
    if (!isPlainEnter(e)) return;
    const f = this.driver.fieldOf(e);
    if (!f) return;
    if (!e.defaultPrevented) { this.plainEnterIn = f; return; }
    // Cancelled: the page sends on Enter, or it is an editor that inserts the line break itself
    // (Lexical, CodeMirror, Draft.js). The text before the keydown (read in the capture phase)
    // and a moment after tell which: a line more is a line break.
    const before = this.textAtEnter;
    if (typeof before !== 'string') { this.enterHabit.set(f, 'send'); return; }
    setTimeout(() => {
      const after = f.adapter.text();
      const lines = (t) => t.split('\n').length;
      this.enterHabit.set(f, after.length > before.length && lines(after) > lines(before) ? 'newline' : 'send');
    }, 50);
  }

  /** Does a plain Enter send from this field? */
  enterSends(f) {
    if (typeof this.config.enter_sends === 'boolean') return this.config.enter_sends;
    const el = f.el;
    const hint = (el.getAttribute('enterkeyhint') || '').toLowerCase();
    if (hint === 'send') return true;
    if (hint === 'enter') return false;
    const habit = this.enterHabit.get(f);
    if (habit) return habit === 'send';
    if (el.localName === 'input') return !el.form;   // in a form, Enter submits it: the submit listener guards that
    // A short composer (at most ~3 lines high) is a chat box; a tall one (webmail body) takes line breaks.
    const cs = el.ownerDocument.defaultView.getComputedStyle(el);
    const lh = parseFloat(cs.lineHeight) || (parseFloat(cs.fontSize) || 16) * 1.3;
    const pad = (parseFloat(cs.paddingTop) || 0) + (parseFloat(cs.paddingBottom) || 0);
    return el.getBoundingClientRect().height - pad <= lh * 3.5;
  }

  onClick(e) {
    if (this.bypass || !e.isTrusted || e.button !== 0 || !this.enabled || fromOwnUi(e)) return;
    const btn = this.sendButtonOf(e);
    if (!btn) return;
    const fields = this.fieldsFor(btn);
    if (!fields.length) return;
    const target = e.composedPath()[0];
    this.guard(e, fields, {
      kind: 'click', target, btn,
      init: { bubbles: true, cancelable: true, composed: true, detail: 1, button: 0, buttons: 0,
        clientX: e.clientX, clientY: e.clientY, screenX: e.screenX, screenY: e.screenY,
        ctrlKey: e.ctrlKey, metaKey: e.metaKey, shiftKey: e.shiftKey, altKey: e.altKey },
    });
  }

  onSubmit(e) {
    if (this.bypass || !this.enabled) return;
    const form = e.target;
    if (!form || form.localName !== 'form') return;
    const fields = this.fieldsIn(form);
    if (!fields.length) return;
    this.guard(e, fields, { kind: 'submit', form, submitter: e.submitter || null });
  }

  sendButtonOf(e) {
    for (const n of e.composedPath()) {
      if (n.nodeType !== 1) continue;
      if (n.localName === 'body' || n.localName === 'html') return null;
      if (!n.matches(BUTTONISH)) continue;
      if (n.disabled || n.getAttribute('aria-disabled') === 'true') return null;
      const isSubmit = (n.localName === 'button' || n.localName === 'input') && (n.type === 'submit' || n.type === 'image') && n.form;
      if (isSubmit && this.fieldsIn(n.form).length) return n;
      const name = normName(accessibleName(n));
      const names = [...DEFAULT_SEND_NAMES, ...(this.config.send_names || [])].map(normName);
      const hit = names.some((w) => name === w || (name.startsWith(w) && /^[\s\p{P}\p{S}]/u.test(name.slice(w.length))));
      return hit ? n : null;
    }
    return null;
  }

  /** Watched fields inside `root` (a form or a container), through shadow roots and iframes. */
  fieldsIn(root) {
    const out = [];
    for (const f of this.driver.fields.values()) if (f.el.isConnected && composedContains(root, f.el)) out.push(f);
    return out;
  }

  /** The fields a send button sends: its form's, else those of its nearest ancestor holding any text. */
  fieldsFor(btn) {
    const form = btn.form || btn.closest('form');
    if (form) { const fs = this.fieldsIn(form); if (fs.length) return fs; }
    for (let n = parentOf(btn); n && n.localName !== 'html'; n = parentOf(n)) {
      const fs = this.fieldsIn(n).filter((f) => f.adapter.text().trim());
      if (fs.length) return fs;
    }
    const f = this.driver.focused;
    return f && f.el.isConnected ? [f] : [];
  }

  // ---- deciding -------------------------------------------------------------------------------

  hitsOf(diags) {
    const min = SEVERITY_RANK[this.config.threshold] ?? 1;
    return diags.filter((d) => (SEVERITY_RANK[d.severity] ?? 0) >= min);
  }

  cached(text) {
    if (!text.trim()) return [];
    return this.driver.cache.get(`${this.driver.gen}|${quickHash(text)}`) || null;
  }

  async fresh(text) {
    const hit = this.cached(text);
    if (hit) return hit;
    const res = await request({ kind: 'check', id: ++seq, text, host: HOST });
    if (!res.active) return [];
    if (res.gen !== this.driver.gen) this.driver.setGen(res.gen);
    this.driver.cache.set(`${res.gen}|${quickHash(text)}`, res.diagnostics);
    return res.diagnostics;
  }

  guard(e, fields, action) {
    if (this.busy) { stop(e); return; }              // a check or the dialog is already handling a send
    const texts = fields.map((f) => f.adapter.text());
    const known = texts.map((t) => this.cached(t));
    if (known.every(Boolean)) {
      const hits = this.collect(fields, known);
      if (!hits.length) { mark('conduct:guard-pass'); return; }
      stop(e);
      mark('conduct:guard-intercept');
      this.hold(action, hits);
      return;
    }
    // The text changed since its last check: hold the send, check the current text, then decide.
    stop(e);
    mark('conduct:guard-recheck');
    this.busy = true;
    (async () => {
      let hits;
      try {
        const results = [];
        for (const f of fields) results.push(await this.fresh(f.adapter.text()));
        hits = this.collect(fields, results);
      } catch (err) {
        // The worker is unreachable: the extension cannot judge the text, so it does not hold it.
        console.debug('conduct: guard re-check failed', err);
        hits = [];
      }
      this.busy = false;
      if (!hits.length) { mark('conduct:guard-pass'); this.resend(action); return; }
      mark('conduct:guard-intercept');
      this.hold(action, hits);
    })();
  }

  collect(fields, results) {
    const hits = [];
    fields.forEach((f, i) => { for (const d of this.hitsOf(results[i] || [])) hits.push({ ...d, field: f }); });
    return hits;
  }

  async hold(action, hits) {
    this.busy = true;
    const mode = this.config.mode;
    let result;
    try {
      result = await GuardDialog.open(this.driver.doc, { mode, hits });
    } finally {
      this.busy = false;
    }
    const send = result.action === 'send' && mode !== 'block' && (mode !== 'justify' || !!result.reason);
    const taken = send ? 'sent_anyway' : mode === 'block' ? 'blocked' : 'reviewed';
    request({ kind: 'guard-audit', host: HOST, entry: { rules: hits.map((h) => h.rule), mode, action: taken, reason: send ? result.reason : null } })
      .then(() => mark(`conduct:guard-audit:${taken}`))
      .catch((err) => console.debug('conduct: audit failed', err));
    if (send) {
      this.resend(action);
    } else {
      // Back to the first finding, text untouched (the field may be gone if the page re-rendered).
      const first = hits[0];
      try { if (first.field.el.isConnected) first.field.focusAt(first.start); } catch { /* nothing to focus */ }
      mark('conduct:guard-review');
    }
  }

  /** Re-dispatches the held action once, with the bypass on for its synchronous dispatch. */
  resend(action) {
    this.bypass++;
    try {
      if (action.kind === 'key') {
        const f = action.field;
        if (f.el.ownerDocument.activeElement !== f.el && !f.el.contains(f.el.ownerDocument.activeElement)) f.el.focus({ preventScroll: true });
        const target = action.target.isConnected ? action.target : f.el;
        const win = target.ownerDocument.defaultView;
        const opts = { ...action.init, bubbles: true, cancelable: true, composed: true, view: win };
        const down = new win.KeyboardEvent('keydown', opts);
        target.dispatchEvent(down);
        if (!down.defaultPrevented) target.dispatchEvent(new win.KeyboardEvent('keypress', { ...opts, charCode: 13 }));
        target.dispatchEvent(new win.KeyboardEvent('keyup', opts));
      } else if (action.kind === 'click') {
        const target = action.target.isConnected ? action.target : action.btn;
        const win = target.ownerDocument.defaultView;
        target.dispatchEvent(new win.MouseEvent('click', { ...action.init, view: win }));
      } else if (action.kind === 'submit') {
        const { form, submitter } = action;
        if (submitter && submitter.form === form) form.requestSubmit(submitter);
        else form.requestSubmit();
      }
      mark('conduct:guard-resent');
    } finally {
      this.bypass--;
    }
  }
}

function stop(e) {
  e.preventDefault();
  e.stopImmediatePropagation();
}

export function installGuard(driver) {
  if (driver.guard) return driver.guard;
  const g = new Guard(driver);
  driver.guard = g;
  g.start();
  return g;
}
