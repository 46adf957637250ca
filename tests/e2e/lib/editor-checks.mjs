// Checks shared by the editor tests (editors.test.mjs, editors2.test.mjs).
import assert from 'node:assert/strict';

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
