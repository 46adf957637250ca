// Checks shared by the editor tests (editors.test.mjs, editors2.test.mjs).
import assert from 'node:assert/strict';
import { waitForUnderlines, popover, sameTexts } from './harness.mjs';
import { norm } from './pages.mjs';

/**
 * Evaluated in the page: `window.__drawnRects(text)`, the rects of what the extension drew over
 * `text` (highlight ranges, or the textarea mirror's marks), and `window.__expectedRects(sel,
 * text)`, the rects of `text` in the field `sel` computed independently of the extension.
 */
export const PAGE_HELPERS = () => {
  const visible = (rects) => [...rects].filter((x) => x.width > 0).map((x) => x.toJSON());
  /** Rects of what the extension drew over `text`: highlight ranges, or the mirror's marks. */
  window.__drawnRects = (text) => {
    const out = [];
    for (const sev of ['error', 'warning', 'info']) {
      const h = CSS.highlights.get(`conduct-${sev}`);
      if (h) for (const r of h) if (r.toString().replace(/\u00a0/g, ' ') === text) out.push(...visible(r.getClientRects()));
    }
    const host = document.querySelector('conduct-rules-overlay');
    if (host?.shadowRoot) for (const m of host.shadowRoot.querySelectorAll('.mirror .m')) if (m.textContent === text) out.push(...visible(m.getClientRects()));
    return out;
  };
  /** Rects of `text` in the contenteditable `root`, from a Range over its text nodes. */
  const editableRects = (root, text) => {
    const nodes = [];
    let all = '';
    const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) { nodes.push({ n, at: all.length }); all += n.data; }
    const i = all.replace(/\u00a0/g, ' ').indexOf(text);
    if (i < 0 || all.replace(/\u00a0/g, ' ').indexOf(text, i + 1) >= 0) return null;
    const at = (o, end) => {
      const k = nodes.findLastIndex((x) => (end ? x.at < o : x.at <= o));
      return [nodes[k].n, o - nodes[k].at];
    };
    const r = document.createRange();
    r.setStart(...at(i, false));
    r.setEnd(...at(i + text.length, true));
    return visible(r.getClientRects());
  };
  /**
   * Rects of `text` in the textarea `ta`: a copy of its text in a div with all of its computed
   * styles, placed in the textarea's own parent exactly over it (so any transform of an ancestor
   * applies to the copy too) and scrolled as far; removed again at once.
   */
  const textareaRects = (ta, text) => {
    const v = ta.value;
    const i = v.indexOf(text);
    if (i < 0 || v.indexOf(text, i + 1) >= 0) return null;
    const cs = getComputedStyle(ta);
    const copy = document.createElement('div');
    for (const prop of cs) copy.style.setProperty(prop, cs.getPropertyValue(prop));
    copy.style.position = 'absolute';
    copy.style.margin = '0';
    copy.style.transform = 'none';
    copy.style.overflow = 'hidden';
    copy.style.whiteSpace = 'pre-wrap';
    copy.style.overflowWrap = 'break-word';
    copy.style.left = '0px';
    copy.style.top = '0px';
    copy.style.pointerEvents = 'none';
    copy.textContent = `${v}\u200b`;
    ta.after(copy);
    try {
      const want = ta.getBoundingClientRect();
      for (let k = 0; k < 3; k++) {
        const got = copy.getBoundingClientRect();
        const scale = want.width / ta.offsetWidth || 1;
        copy.style.left = `${parseFloat(copy.style.left) + (want.left - got.left) / scale}px`;
        copy.style.top = `${parseFloat(copy.style.top) + (want.top - got.top) / scale}px`;
      }
      copy.scrollTop = ta.scrollTop;
      copy.scrollLeft = ta.scrollLeft;
      const r = document.createRange();
      r.setStart(copy.firstChild, i);
      r.setEnd(copy.firstChild, i + text.length);
      return visible(r.getClientRects());
    } finally {
      copy.remove();
    }
  };
  window.__expectedRects = (sel, text) => {
    const el = document.querySelector(sel);
    if (!el) return null;
    return el.localName === 'textarea' ? textareaRects(el, text) : editableRects(el, text);
  };
};

/**
 * Defines `window.__watchForeign(sel)`, which records elements added inside `sel` that look like the
 * extension's, and `window.__foreignNow()`, which lists them with any found there now. Evaluated in
 * the page (`page.evaluate(watchForeignHelper)`).
 */
export const watchForeignHelper = () => {
  window.__watchForeign = (sel) => {
    const root = document.querySelector(sel);
    window.__foreign = [];
    const ours = (el) => /conduct/i.test(el.localName) || [...el.attributes].some((a) => /conduct/i.test(a.name) || /conduct/i.test(a.value));
    new MutationObserver((recs) => {
      for (const r of recs) for (const n of r.addedNodes) {
        if (n.nodeType !== 1) continue;
        for (const el of [n, ...n.querySelectorAll('*')]) if (ours(el)) window.__foreign.push(el.outerHTML.slice(0, 120));
      }
    }).observe(root, { childList: true, subtree: true, attributes: true });
    window.__foreignNow = () => [...window.__foreign,
      ...[...root.querySelectorAll('*')].filter(ours).map((el) => el.outerHTML.slice(0, 120))];
  };
};

/**
 * Opens fixture `url` in `page`, waits for its editor, installs `helpers` (a function evaluated in
 * the page) and the foreign-node watch on `watch`, and clicks `click` to put the caret there.
 */
export async function openEditor(page, url, { helpers, watch, click }) {
  await page.goto(url);
  await page.waitForFunction(() => window.editorReady === true, null, { timeout: 20000 });
  await page.evaluate(helpers);
  await page.evaluate(watchForeignHelper);
  await page.evaluate((sel) => window.__watchForeign(sel), watch);
  await page.click(click);
}

/** Waits until every flagged text is drawn over exactly its characters (a pixel of tolerance). */
export async function assertExactRects(page, p, texts, what) {
  let last;
  const t0 = Date.now();
  for (;;) {
    last = [];
    let ok = true;
    for (const text of texts) {
      const [got, want] = await page.evaluate(([sel, t]) => [window.__drawnRects(t), window.__expectedRects(sel, t)], [p.root, text]);
      last.push({ text, got, want });
      if (!want || !want.length || got.length !== want.length) { ok = false; continue; }
      for (let i = 0; i < want.length; i++) {
        for (const k of ['left', 'top', 'right', 'bottom']) if (Math.abs(got[i][k] - want[i][k]) > 1) ok = false;
      }
    }
    if (ok) return last;
    if (Date.now() - t0 > 10000) assert.fail(`${p.name}: ${what}: underline rects differ from the text's: ${JSON.stringify(last)}`);
    await page.waitForTimeout(25);
  }
}

/** Waits until `pred()` holds, failing with `current()` after `timeout` ms. */
export async function waitFor(pred, current, what, timeout = 10000) {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > timeout) assert.fail(`${what}: timed out; now ${JSON.stringify(await current())}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * After a click on the popover's *apply* for finding `d` of `model`: the editor's model (read by
 * `read()`) becomes the fixed text and the popover closes; after `historyDelayMs` (an editor that
 * records history only once edits pause), one Ctrl+Z restores `model`, and `want` is underlined
 * exactly again. Then nothing of the extension's is inside the editor and the page threw nothing.
 */
export async function appliedThenUndone(page, p, { d, model, read, want, errors, historyDelayMs = 0 }) {
  const applied = model.slice(0, d.start) + d.suggestions[0] + model.slice(d.end);
  await waitFor(async () => (await read()) === applied, read, `${p.name}: model after apply`);
  await popover(page).waitFor({ state: 'hidden', timeout: 5000 });
  if (historyDelayMs) await page.waitForTimeout(historyDelayMs);
  await page.keyboard.press('Control+z');
  await waitFor(async () => (await read()) === model, read, `${p.name}: model after one Ctrl+Z`);
  await waitForUnderlines(page, (u) => sameTexts(u, want, norm), { timeout: 10000 });
  await assertExactRects(page, p, want, 'after undo');
  assert.deepEqual(await page.evaluate(() => window.__foreignNow()), [], `${p.name}: extension nodes inside the editor`);
  assert.deepEqual(errors.map(String), [], `${p.name}: page errors`);
}
