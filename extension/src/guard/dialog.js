// The guard's dialog: lists the findings of a message about to be sent and offers, by mode,
//   warn    → Review / Send anyway
//   justify → Review / Send anyway (enabled only once a reason is typed)
//   block   → Review
// It lives in the extension's own shadow root (a <conduct-rules-guard> element appended to <html>,
// never inside an editor), is modal and keyboard-first (focus starts on Review, Tab is trapped,
// Esc = Review) and renders every string with textContent.

const t = (name, subs) => {
  try { return chrome.i18n.getMessage(name, subs) || name; } catch { return name; }
};

const CSS = `
:host { all: initial !important; position: fixed !important; inset: 0 !important; z-index: 2147483647 !important;
  display: block !important; }
.backdrop { position: fixed; inset: 0; background: rgba(15, 18, 22, .45); display: flex; align-items: center;
  justify-content: center; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC",
  "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif; }
.dialog { box-sizing: border-box; width: min(560px, calc(100vw - 24px)); max-height: calc(100vh - 24px); overflow: auto;
  background: #fff; color: #1f2328; border-radius: 12px; border: 1px solid #d0d7de; padding: 18px 20px;
  box-shadow: 0 16px 48px rgba(0,0,0,.3); text-align: start; }
h2 { font-size: 17px; margin: 0 0 6px; }
.intro { margin: 0 0 12px; color: #4b535c; }
ul { list-style: none; margin: 0 0 12px; padding: 0; display: grid; gap: 8px; }
li { border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 10px; }
.head { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.badge { font-size: 11px; font-weight: 600; padding: 1px 7px; border-radius: 999px; color: #fff; background: #1a73e8; }
.badge.sev-error { background: #d93025; } .badge.sev-warning { background: #b45309; }
.flagged { font-weight: 600; }
.message { margin: 4px 0 0; }
.sugs { margin: 4px 0 0; font-size: 13px; color: #4b535c; }
.rule { font: 11px ui-monospace, monospace; opacity: .65; }
label { display: block; font-weight: 600; margin: 4px 0; }
textarea { box-sizing: border-box; width: 100%; font: inherit; padding: 6px 8px; border-radius: 6px; border: 1px solid #8c959f;
  background: transparent; color: inherit; resize: vertical; }
.actions { display: flex; justify-content: flex-end; gap: 8px; margin-top: 14px; }
button { font: inherit; padding: 6px 14px; border-radius: 8px; border: 1px solid #d0d7de; background: #f6f8fa; color: inherit; cursor: pointer; }
button.primary { background: #1f6feb; border-color: #1f6feb; color: #fff; font-weight: 600; }
button:disabled { opacity: .5; cursor: not-allowed; }
:focus-visible { outline: 2px solid #0969da; outline-offset: 2px; }
@media (prefers-color-scheme: dark) {
  .dialog { background: #1f2428; color: #e6edf3; border-color: #3d444d; }
  .intro, .sugs { color: #9198a1; } li { border-color: #3d444d; }
  button { background: #2d333b; border-color: #444c56; } button.primary { background: #316dca; border-color: #316dca; }
}
`;

export class GuardDialog {
  /**
   * @param {Document} doc   where to show it (the top document of the content script's driver)
   * @param {{mode:string, hits:{rule:string,category:string,severity:string,text:string,message:string,suggestions:string[]}[]}} opts
   * @returns {Promise<{action:'review'|'send', reason:string|null}>}
   */
  static open(doc, opts) {
    return new Promise((resolve) => new GuardDialog(doc, opts, resolve));
  }

  constructor(doc, { mode, hits }, resolve) {
    this.doc = doc;
    this.resolve = resolve;
    this.mode = mode;
    const win = doc.defaultView;
    const host = doc.createElement('conduct-rules-guard');
    this.host = host;
    const shadow = host.attachShadow({ mode: 'open' });
    this.shadow = shadow;
    const sheet = new win.CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [sheet];
    this.previousFocus = doc.activeElement;

    const mk = (tag, cls, text) => {
      const n = doc.createElement(tag);
      if (cls) n.className = cls;
      if (text != null) n.textContent = text;
      return n;
    };
    const backdrop = mk('div', 'backdrop');
    const dlg = mk('div', 'dialog');
    dlg.setAttribute('role', 'alertdialog');
    dlg.setAttribute('aria-modal', 'true');
    dlg.setAttribute('aria-labelledby', 'guard-title');
    dlg.setAttribute('aria-describedby', 'guard-intro');
    dlg.dataset.mode = mode;
    const title = mk('h2', null, t('guardTitle'));
    title.id = 'guard-title';
    const intro = mk('p', 'intro', t(mode === 'block' ? 'guardIntroBlock' : mode === 'justify' ? 'guardIntroJustify' : 'guardIntroWarn'));
    intro.id = 'guard-intro';
    dlg.append(title, intro);

    const list = mk('ul', 'findings');
    for (const h of hits) {
      const li = mk('li', 'finding');
      li.dataset.rule = h.rule;
      li.dataset.severity = h.severity;
      const head = mk('div', 'head');
      head.append(mk('span', `badge sev-${h.severity}`, `${t(`category_${h.category}`)} · ${t(`severity_${h.severity}`)}`),
        mk('span', 'flagged', `“${h.text}”`));
      li.append(head, mk('p', 'message', h.message));
      if (h.suggestions && h.suggestions.length) li.append(mk('p', 'sugs', `${t('guardSuggestions')} ${h.suggestions.join(' / ')}`));
      li.append(mk('div', 'rule', h.rule));
      list.append(li);
    }
    dlg.append(list);

    if (mode === 'justify') {
      const label = mk('label', null, t('guardReasonLabel'));
      label.htmlFor = 'guard-reason';
      const reason = mk('textarea', 'reason');
      reason.id = 'guard-reason';
      reason.rows = 2;
      reason.maxLength = 500;
      reason.placeholder = t('guardReasonPlaceholder');
      reason.addEventListener('input', () => { this.sendBtn.disabled = !reason.value.trim(); });
      this.reason = reason;
      dlg.append(label, reason);
    }

    const actions = mk('div', 'actions');
    if (mode !== 'block') {
      const send = mk('button', 'send', t('guardSendAnyway'));
      send.type = 'button';
      send.dataset.action = 'send';
      send.disabled = mode === 'justify';
      send.addEventListener('click', (e) => {
        // Only the user can send anyway: a click made by the page's scripts does nothing.
        if (send.disabled || !e.isTrusted) return;
        this.close({ action: 'send', reason: this.reason ? this.reason.value.trim() : null });
      });
      this.sendBtn = send;
      actions.append(send);
    }
    const review = mk('button', 'review primary', t('guardReview'));
    review.type = 'button';
    review.dataset.action = 'review';
    review.addEventListener('click', () => this.close({ action: 'review', reason: null }));
    this.reviewBtn = review;
    actions.append(review);
    dlg.append(actions);
    backdrop.append(dlg);
    shadow.append(backdrop);
    this.dlg = dlg;

    // Keyboard: Esc = Review, Tab cycles inside; keys never reach the page's own shortcuts.
    this.onKey = (e) => {
      if (e.key === 'Escape') { e.preventDefault(); this.close({ action: 'review', reason: null }); }
      else if (e.key === 'Tab') this.trapTab(e);
      e.stopPropagation();
    };
    host.addEventListener('keydown', this.onKey);
    for (const type of ['keyup', 'keypress', 'input', 'beforeinput']) host.addEventListener(type, (e) => e.stopPropagation());
    // Focus may not leave the dialog while it is open.
    this.onFocusIn = (e) => { if (e.target !== host) this.focusFirst(); };
    doc.addEventListener('focusin', this.onFocusIn, true);
    doc.documentElement.appendChild(host);
    this.focusFirst();
  }

  focusables() {
    return [...this.dlg.querySelectorAll('button, textarea')].filter((el) => !el.disabled);
  }

  focusFirst() {
    (this.reason || this.reviewBtn).focus();
  }

  trapTab(e) {
    const els = this.focusables();
    if (!els.length) return;
    const i = els.indexOf(this.shadow.activeElement);
    const next = e.shiftKey ? (i <= 0 ? els.length - 1 : i - 1) : (i < 0 || i === els.length - 1 ? 0 : i + 1);
    e.preventDefault();
    els[next].focus();
  }

  close(result) {
    if (!this.host.isConnected) return;
    this.doc.removeEventListener('focusin', this.onFocusIn, true);
    this.host.remove();
    this.resolve(result);
  }
}
