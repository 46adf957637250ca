// The finding popover: message, norm, suggestions and actions. Lives in the overlay's shadow root,
// position: fixed, z-index max; every string goes in through textContent.

const t = (name, subs) => {
  try { return chrome.i18n.getMessage(name, subs) || name; } catch { return name; }
};

export class Popover {
  /**
   * @param {import('./overlay.js').OverlayHost} overlay
   * @param {{apply(f, d, s):void, ignore(f, d):void, disableRule(f, d):void, disableSite():void, close(f, returnFocus):void, cycle(f, dir):void}} actions
   */
  constructor(overlay, actions) {
    this.overlay = overlay;
    this.actions = actions;
    const doc = overlay.doc;
    const el = doc.createElement('div');
    el.className = 'popover';
    el.setAttribute('role', 'dialog');
    el.setAttribute('aria-modal', 'false');
    el.hidden = true;
    el.tabIndex = -1;
    overlay.shadow.appendChild(el);
    this.el = el;
    this.field = null;
    this.diag = null;
    this.index = -1;
    el.addEventListener('keydown', (e) => this.onKey(e));
    el.addEventListener('mouseenter', () => { this.hovering = true; });
    el.addEventListener('mouseleave', () => { this.hovering = false; });
  }

  get open() { return !this.el.hidden; }

  /** Shows the popover for finding `index` of `field` below (or above) `anchor` (a DOMRect in our viewport). */
  show(field, index, anchor, { focus = false } = {}) {
    const d = field.findings[index];
    if (!d) return;
    this.field = field;
    this.diag = d;
    this.index = index;
    const doc = this.overlay.doc;
    const el = this.el;
    el.replaceChildren();
    el.setAttribute('aria-label', t('popoverLabel'));
    el.dataset.rule = d.rule;
    el.dataset.severity = d.severity;
    el.classList.remove('dark', 'light');
    el.classList.add(pageIsDark(field.adapter.root()) ? 'dark' : 'light');

    const mk = (tag, cls, text) => {
      const n = doc.createElement(tag);
      if (cls) n.className = cls;
      if (text != null) n.textContent = text;
      return n;
    };
    const head = mk('div', 'head');
    head.appendChild(mk('span', `badge sev-${d.severity}`, t(`category_${d.category}`)));
    head.appendChild(mk('span', 'flagged', `“${d.text}”`));
    el.appendChild(head);
    const msg = mk('p', 'message', d.message);
    msg.id = 'conduct-msg';
    el.setAttribute('aria-describedby', 'conduct-msg');
    el.appendChild(msg);
    if (d.norm) el.appendChild(mk('p', 'norm', d.norm));
    if (d.suggestions && d.suggestions.length) {
      const sugs = mk('div', 'sugs');
      d.suggestions.slice(0, 5).forEach((s, i) => {
        const b = mk('button', 'apply', s === '' ? t('actionDelete') : s);
        b.type = 'button';
        b.dataset.action = 'apply';
        b.dataset.suggestion = String(i);
        b.title = t('actionApplyTitle', [s]);
        b.setAttribute('aria-label', t('actionApplyTitle', [s]));
        b.addEventListener('click', () => this.actions.apply(field, d, s));
        sugs.appendChild(b);
      });
      el.appendChild(sugs);
    }
    const actions = mk('div', 'actions');
    const add = (name, label, fn) => {
      const b = mk('button', '', label);
      b.type = 'button';
      b.dataset.action = name;
      b.addEventListener('click', fn);
      actions.appendChild(b);
    };
    add('ignore', t('actionIgnore'), () => this.actions.ignore(field, d));
    add('disable-rule', t('actionDisableRule'), () => this.actions.disableRule(field, d));
    add('disable-site', t('actionDisableSite'), () => this.actions.disableSite(field, d));
    el.appendChild(actions);
    el.appendChild(mk('div', 'rule', d.rule));

    el.hidden = false;
    this.place(anchor);
    if (focus) (el.querySelector('button') || el).focus({ preventScroll: true });
  }

  place(anchor) {
    const el = this.el;
    const win = this.overlay.doc.defaultView;
    const vw = win.innerWidth, vh = win.innerHeight;
    el.style.left = '0px';
    el.style.top = '0px';
    el.style.maxHeight = '';
    el.style.overflowY = '';
    const w = el.offsetWidth, h = el.offsetHeight;
    const left = Math.min(Math.max(8, anchor.left), vw - w - 8);
    // Below the finding, else above it; never over it. When neither side has room (a small
    // frame), the roomier side gets the popover with a scrollbar.
    const below = vh - anchor.bottom - 14, above = anchor.top - 14;
    let top;
    if (h <= below) top = anchor.bottom + 6;
    else if (h <= above) top = anchor.top - h - 6;
    else if (below >= above) {
      top = anchor.bottom + 6;
      el.style.maxHeight = `${Math.max(60, below)}px`;
      el.style.overflowY = 'auto';
    } else {
      el.style.maxHeight = `${Math.max(60, above)}px`;
      el.style.overflowY = 'auto';
      top = Math.max(8, anchor.top - el.offsetHeight - 6);
    }
    el.style.left = `${Math.max(8, left)}px`;
    el.style.top = `${top}px`;
  }

  hide(returnFocus = false) {
    if (this.el.hidden) return;
    const field = this.field;
    this.el.hidden = true;
    this.field = null;
    this.diag = null;
    this.index = -1;
    this.hovering = false;
    if (field) this.actions.close(field, returnFocus);
  }

  onKey(e) {
    if (e.altKey && e.shiftKey && e.code === 'KeyK' && this.field) {
      e.preventDefault();
      e.stopPropagation();
      this.actions.cycle(this.field, e.ctrlKey ? -1 : 1);
      return;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.hide(true);
    } else if (e.key === 'Tab') {
      const buttons = [...this.el.querySelectorAll('button')];
      if (!buttons.length) return;
      const active = this.overlay.shadow.activeElement;
      const i = buttons.indexOf(active);
      const next = e.shiftKey ? (i <= 0 ? buttons.length - 1 : i - 1) : (i + 1) % buttons.length;
      e.preventDefault();
      buttons[next].focus();
    } else if (e.key === 'ArrowRight' || e.key === 'ArrowDown' || e.key === 'ArrowLeft' || e.key === 'ArrowUp') {
      const buttons = [...this.el.querySelectorAll('button')];
      const i = buttons.indexOf(this.overlay.shadow.activeElement);
      if (i < 0) return;
      const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : -1;
      e.preventDefault();
      buttons[(i + step + buttons.length) % buttons.length].focus();
    }
    e.stopPropagation();
  }

  contains(x, y) {
    if (this.el.hidden) return false;
    const r = this.el.getBoundingClientRect();
    return x >= r.left - 4 && x <= r.right + 4 && y >= r.top - 8 && y <= r.bottom + 4;
  }
}

/** Whether the page around `node` is dark (its effective background is dark). */
function pageIsDark(node) {
  let el = node.nodeType === 1 ? node : node.parentElement;
  while (el) {
    const win = el.ownerDocument.defaultView;
    const bg = win.getComputedStyle(el).backgroundColor;
    const m = bg.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/);
    if (m && (m[4] === undefined || parseFloat(m[4]) > 0.5)) {
      const [r, g, b] = [m[1], m[2], m[3]].map(Number);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b < 110;
    }
    el = el.parentElement || (el.getRootNode() instanceof win.ShadowRoot ? el.getRootNode().host : el.ownerDocument.defaultView.frameElement);
  }
  return false;
}
