// Rich editors real compose boxes are built on (Lexical, Slate, CKEditor 5, CodeMirror 6, Draft.js),
// bundled from pinned npm packages. For each: the finding is underlined exactly (the highlight's
// client rects are those of a Range over the flagged characters, computed here independently of
// the extension), the underline follows edits before it and scrolling of the field, "apply"
// changes the editor's own model and Ctrl+Z undoes it there, and the extension put no node into
// the editor. CodeMirror's virtualised documents: only text in the DOM is checked, and nothing is
// underlined across the lines it left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitForUnderlines, openPopover, screenshot, sameTexts } from './lib/harness.mjs';
import { norm } from './lib/pages.mjs';
import { afterTyping } from './lib/flow.mjs';
import { extensionSuite } from './lib/suite.mjs';
import { pickSentences } from './lib/sentences.mjs';
import { PAGE_HELPERS, openEditor, assertExactRects, appliedThenUndone, waitFor } from './lib/editor-checks.mjs';

const suite = extensionSuite({ editors: true });
const SLOW = { timeout: 10000 };   // the machine may be loaded: wait on conditions, generously

const EDITORS = [
  // `root`: the editing host; `scroller`: the element that scrolls the field; `undoGroupMs`: the
  // editor's history merges edits closer than this into one undo step.
  { name: 'lexical', url: 'lexical.html', root: '#editor', scroller: '#editor', undoGroupMs: 350 },
  { name: 'slate', url: 'slate.html', root: '#editor', scroller: '#editor', undoGroupMs: 0 },
  { name: 'ckeditor5', url: 'ckeditor.html', root: '.ck-editor__editable', scroller: '.ck-editor__editable', undoGroupMs: 0 },
  { name: 'codemirror6', url: 'codemirror.html', root: '.cm-content', scroller: '.cm-scroller', undoGroupMs: 600 },
  { name: 'draft', url: 'draft.html', root: '.public-DraftEditor-content', scroller: '.DraftEditor-root', undoGroupMs: 0 },
];

const modelText = (page) => page.evaluate(() => window.getModelText());
const flagged = (text) => suite.checker.check(text, 'auto');
const wantTexts = (text) => flagged(text).map((d) => norm(d.text));


for (const p of EDITORS) {
  test(`${p.name}: exact underline that follows edits and scrolling, apply and undo in the model, no node in the editor`, async () => {
    const { env } = suite;
    const { apply: SENTENCE } = pickSentences(suite.checker);
    const page = await env.ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    try {
      await openEditor(page, env.url(p.url), { helpers: PAGE_HELPERS, watch: p.root, click: p.root });

      // 1. Typed: underlined exactly.
      const want = wantTexts(SENTENCE);
      assert.ok(want.length, `the engine flags "${SENTENCE}"`);
      await afterTyping(page, () => page.keyboard.type(SENTENCE));
      await waitForUnderlines(page, (u) => sameTexts(u, want, norm), SLOW);
      const first = await assertExactRects(page, p, want, 'after typing');

      // 2. Text typed before the finding (a new first line, then more lines) moves it; so does
      // scrolling the field.
      await page.keyboard.press('Control+Home');
      await afterTyping(page, () => page.keyboard.type('Hello. '));
      // Shift+Enter: soft line breaks (<br> in Lexical and CKEditor, "\n" in Slate's text nodes);
      // plain Enter is the last test's.
      await afterTyping(page, async () => { for (let i = 0; i < 12; i++) await page.keyboard.press('Shift+Enter'); });
      const model = await modelText(page);
      const want2 = wantTexts(model);
      assert.deepEqual(want2.sort(), [...want].sort(), `${p.name}: the engine's findings in the edited text`);
      await waitForUnderlines(page, (u) => sameTexts(u, want2, norm), SLOW);
      const moved = await assertExactRects(page, p, want2, 'after edits before the finding');
      assert.ok(moved[0].got[0].top > first[0].got[0].top + 20, `${p.name}: the finding moved down`);
      // Scrolled to the bottom, then to the top: the finding goes down by as much.
      const scrollTo = (y) => page.evaluate(([sel, to]) => {
        const s = document.querySelector(sel);
        const before = s.scrollTop;
        s.scrollTop = to;
        window.__scrollInfo = { before, to, after: s.scrollTop, sh: s.scrollHeight, ch: s.clientHeight, cls: s.className };
        return s.scrollTop - before;
      }, [p.scroller, y]);
      await scrollTo(1e6);
      const bottom = await assertExactRects(page, p, want2, 'scrolled to the bottom');
      const up = await scrollTo(0);
      assert.ok(up < -20, `${p.name}: the field scrolls (by ${up}px) ${JSON.stringify(await page.evaluate(() => window.__scrollInfo))}`);
      const after = await assertExactRects(page, p, want2, 'after scrolling the field');
      // The text moved down with the scroll (by `up`, or by what the editor made of it: CodeMirror
      // may re-anchor its viewport after re-rendering, on a loaded machine a frame later), and the
      // underline with it (exact rects above).
      const textMoved = after[0].want[0].top - bottom[0].want[0].top;
      assert.ok(textMoved > 20, `${p.name}: the text moved with the scroll (by ${textMoved}px; the field by ${-up}px)`);
      assert.ok(Math.abs(after[0].got[0].top - bottom[0].got[0].top - textMoved) <= 1, `${p.name}: the underline moved with the scroll`);
      await scrollTo(1e6);
      await assertExactRects(page, p, want2, 'after scrolling the field back');

      // 3. Apply the popover's first suggestion: the editor's model changes; Ctrl+Z restores it.
      const d = flagged(model).find((x) => x.suggestions.length);
      assert.ok(d, 'a finding with a suggestion');
      if (p.undoGroupMs) await page.waitForTimeout(p.undoGroupMs);
      const pop = await openPopover(page, d.text);
      assert.equal(await pop.getAttribute('data-rule'), d.rule);
      await screenshot(page, `popover-editor-${p.name}`);
      await pop.locator('button[data-action="apply"]').first().click();
      // 4. And nothing of the extension's inside the editor, no page errors.
      await appliedThenUndone(page, p, { d, model, read: () => modelText(page), want: want2, errors });
    } finally {
      await page.close();
    }
  });
}

test('codemirror6: a virtualised document is checked as far as it is in the DOM, never across the lines left out', async () => {
  const { env } = suite;
  const { apply: SENTENCE, violating } = pickSentences(suite.checker);
  const TOP = violating.en;   // on line 1, in the DOM from the start
  // Every line ends with the first half of a term whose second half starts the last line: in the
  // document no two neighbouring lines make the term, but the lines near the top and the last
  // line (where the caret is put) are in the DOM with the rest left out between them.
  const N = 3000, AT = 2000;
  const half = ['傻', '逼'];
  assert.deepEqual(flagged(`你们这些${half[0]}\n${half[1]}`).length, 1, 'the halves make a finding across a line break');
  const params = new URLSearchParams({ lines: String(N), fill: `Line {i}: thanks for your patience ${half[0]}` });
  params.set(`l${N - 1}`, 'Thanks.');
  params.set(`l${N}`, `${half[1]} last line`);
  params.set(`l${AT}`, SENTENCE);
  params.set('l1', TOP);
  const page = await env.ctx.newPage();
  try {
    await page.goto(env.url(`codemirror.html?${params}`));
    await page.waitForFunction(() => window.editorReady === true, null, { timeout: 20000 });
    await page.evaluate(PAGE_HELPERS);
    const model = await modelText(page);
    const wantTop = wantTexts(TOP);
    assert.deepEqual(flagged(model).map((d) => norm(d.text)).sort(), [...wantTop, ...wantTexts(SENTENCE)].sort(), 'the document\'s findings are those of lines 1 and AT');
    // The caret on the last line: CodeMirror keeps that line in the DOM too.
    await page.evaluate(() => { const v = window.cmView; v.focus(); v.dispatch({ selection: { anchor: v.state.doc.length } }); v.scrollDOM.scrollTop = 0; });
    const inDom = await page.evaluate(() => document.querySelectorAll('.cm-line').length);
    assert.ok(inDom < N / 4, `virtualised: ${inDom} of ${N} lines in the DOM`);
    // Every underline is a finding of the document at the same place (CodeMirror maps DOM → model).
    const drawnAt = () => page.evaluate(() => {
      const out = [];
      for (const sev of ['error', 'warning', 'info']) {
        const h = CSS.highlights.get(`conduct-${sev}`);
        if (h) for (const r of h) out.push({ text: r.toString(), at: window.cmView.posAtDOM(r.startContainer, r.startOffset) });
      }
      return out;
    });
    const u16 = flagged(model).map((d) => ({ text: d.text, at: d.start }));
    const assertOnlyDocumentFindings = async (what) => {
      for (const u of await drawnAt()) {
        assert.ok(u16.some((d) => d.text === u.text && d.at === u.at), `${what}: underline "${u.text}" at ${u.at} is no finding of the document`);
      }
    };
    // Line 1's finding underlined: what is in the DOM was checked; nothing else is underlined.
    await waitForUnderlines(page, (u) => sameTexts(u, wantTop, norm), SLOW);
    await assertOnlyDocumentFindings('top of the document');
    // Scrolled to the finding: its line enters the DOM, is checked and underlined exactly.
    await page.evaluate((line) => {
      const v = window.cmView;
      v.dispatch({ effects: window.EditorView.scrollIntoView(v.state.doc.line(line).from, { y: 'center' }) });
    }, AT);
    const want = wantTexts(SENTENCE);
    await waitForUnderlines(page, (u) => u.some((x) => norm(x.text) === want[0]), SLOW);
    await assertExactRects(page, { name: 'codemirror6', root: '.cm-content' }, want, 'after scrolling to the finding');
    await assertOnlyDocumentFindings('at the finding');
  } finally {
    await page.close();
  }
});

test('non-editable islands (mention chips, placeholders, widgets) are neither checked nor joined across', async () => {
  const { env } = suite;
  const page = await env.ctx.newPage();
  try {
    await page.goto(env.url('islands.html'));
    await page.evaluate(PAGE_HELPERS);
    const editable = 'I guarantee it will be live on Monday';
    const want = wantTexts(editable);
    assert.ok(want.length && flagged('你们这些傻逼').length, 'the engine flags both texts');
    // The chip's own text is flagged by the engine, and the words around the second chip make a
    // term when the chip is left out: neither may be underlined.
    assert.ok(flagged('你们这些傻逼 thanks').length);
    await page.click('#field p:last-child');
    await page.keyboard.press('End');
    await afterTyping(page, () => page.keyboard.type('.'));
    const wantDot = wantTexts(`${editable}.`);
    await waitForUnderlines(page, (u) => sameTexts(u, wantDot, norm), SLOW);
    await assertExactRects(page, { name: 'islands', root: '#field' }, wantDot, 'after the islands');
  } finally {
    await page.close();
  }
});

for (const p of EDITORS) {
  test(`${p.name}: a plain Enter the editor turns into a new line itself is not taken for a send`, async () => {
    const { env } = suite;
    const { apply: SENTENCE } = pickSentences(suite.checker);
    const page = await env.ctx.newPage();
    try {
      await page.goto(env.url(p.url));
      await page.waitForFunction(() => window.editorReady === true, null, { timeout: 20000 });
      await page.click(p.root);
      await afterTyping(page, () => page.keyboard.type(SENTENCE));
      await waitForUnderlines(page, (u) => sameTexts(u, wantTexts(SENTENCE), norm), SLOW);
      // Lexical, CodeMirror and Draft.js cancel the keydown and insert the paragraph themselves,
      // as a chat page that sends on Enter cancels it: the guard learns which from the text.
      for (let i = 1; i <= 3; i++) {
        await page.keyboard.press('Enter');
        await waitFor(async () => (await modelText(page)).split('\n').length > i, () => modelText(page), `${p.name}: Enter ${i} makes a line`);
        await page.waitForTimeout(120);
      }
      assert.equal(await page.locator('conduct-rules-guard .dialog:visible').count(), 0, `${p.name}: no send dialog`);
    } finally {
      await page.close();
    }
  });
}
