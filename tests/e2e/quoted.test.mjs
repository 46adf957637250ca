// Quoted mail in a compose box: a reply that quotes the customer's angry email underlines only the
// writer's own words, in a textarea (`>` lines; an Outlook-style header) and in a contenteditable
// (a Gmail-style "On … wrote:" block with a <blockquote>), also after the text is edited and after
// typing inside the quoted part. The engine, given the same text with quoted findings kept, does
// flag the customer's words, so a check that stopped leaving them out would fail here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, loadEngine, underlines, waitForUnderlines, sameTexts } from './lib/harness.mjs';
import { afterTyping } from './lib/flow.mjs';
import { norm } from './lib/pages.mjs';

let env, checker;
const OWN = '好的，这个问题我保证明天修好。';
const CUSTOMER = '你们的系统就是垃圾，工程师都是白痴，再这样我们就换供应商。';

before(async () => {
  checker = new (await loadEngine()).Checker();
  env = await setup();
});

after(async () => {
  await env?.close();
  env?.cleanup();
});

/** The engine's findings in `text`: by default (quoted mail left out) and with it kept. */
function expected(text) {
  const own = checker.check(text, 'auto').map((d) => d.text);
  const all = checker.check(text, 'auto', true).map((d) => d.text);
  assert.ok(own.length >= 1, `the reply itself has a finding: ${text}`);
  assert.ok(all.length > own.length, `the quoted customer text has findings of its own: ${text}`);
  return own;
}

async function assertOnlyOwn(page, text) {
  const want = expected(text);
  const got = await waitForUnderlines(page, (u) => sameTexts(u, want, norm));
  assert.deepEqual(got.map((u) => norm(u.text)).sort(), want.map(norm).sort());
  for (const u of got) assert.ok(!CUSTOMER.includes(u.text), `the customer's words are underlined: ${u.text}`);
}

test('textarea: `>` lines and text under an Outlook-style header are not underlined, also after edits', async () => {
  const page = await env.ctx.newPage();
  try {
    await page.goto(env.url('/textarea.html'));
    const field = page.locator('#field');
    await field.click();
    for (const quoted of [
      `> ${CUSTOMER}\n>\n> 王经理`,
      `-----Original Message-----\nFrom: 王经理 <wang@example.com>\nSent: Friday, 27 November 2026 09:12\nSubject: 投诉\n\n${CUSTOMER}`,
    ]) {
      const text = `${OWN}\n\n${quoted}`;
      await afterTyping(page, () => field.fill(text));
      await assertOnlyOwn(page, text);
      // Typing inside the quoted part re-checks that sentence alone; it stays quoted.
      const at = text.indexOf('白痴') + 2;
      await page.evaluate((i) => { const el = document.querySelector('#field'); el.setSelectionRange(i, i); }, at);
      await afterTyping(page, () => page.keyboard.type('蛋'));
      const edited = `${text.slice(0, at)}蛋${text.slice(at)}`;
      assert.equal(await field.inputValue(), edited);
      await assertOnlyOwn(page, edited);
    }
    // The same customer text without a header or `>` is the writer's own: underlined.
    const pasted = `${OWN}\n\n${CUSTOMER}`;
    await afterTyping(page, () => field.fill(pasted));
    const all = checker.check(pasted, 'auto').map((d) => d.text);
    const got = await waitForUnderlines(page, (u) => sameTexts(u, all, norm));
    assert.ok(got.some((u) => CUSTOMER.includes(u.text)), 'unquoted, the customer text is checked');
  } finally {
    await page.close();
  }
});

test('contenteditable: a Gmail-style quote block (On … wrote: + blockquote) is not underlined', async () => {
  const page = await env.ctx.newPage();
  try {
    await page.goto(env.url('/contenteditable.html'));
    await page.evaluate(({ own, customer }) => {
      const field = document.querySelector('#field');
      field.innerHTML = `<div>${own}</div><div><br></div><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Fri, 27 Nov 2026 at 09:12, Wang &lt;wang@example.com&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex"><div>${customer}</div><div>王经理</div></blockquote></div>`;
    }, { own: OWN, customer: CUSTOMER });
    await page.locator('#field div').first().click();
    await page.keyboard.press('End');
    await afterTyping(page, () => page.keyboard.type('谢谢'));
    const text = await page.evaluate(() => document.querySelector('#field').innerText);
    assert.ok(text.includes('wrote:') && text.includes(CUSTOMER), text);
    const own = checker.check(`${OWN}谢谢`, 'auto').map((d) => d.text);
    const got = await waitForUnderlines(page, (u) => sameTexts(u, own, norm));
    assert.ok(got.length >= 1 && got.every((u) => !CUSTOMER.includes(u.text)), JSON.stringify(got));
    assert.deepEqual((await underlines(page)).filter((u) => CUSTOMER.includes(u.text)), []);
  } finally {
    await page.close();
  }
});
