// The pre-send guard on a chat page (Enter sends, ➤ button) and a webmail compose page (form with
// subject, body and a Send submit button), in each guard mode: a clean message goes through at
// once; a violating one is held before the page sees it, the dialog lists its findings, Review
// (Esc) keeps the text, "Send anyway" (warn; justify only with a typed reason; never in block)
// makes the page send exactly what was typed, exactly once. The audit log records each decision
// without the message text; the options page shows it, exports it and clears it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadEngine, screenshot } from './lib/harness.mjs';
import { afterTyping, assertNoForeignRequests } from './lib/flow.mjs';
import { stopWorker } from './lib/worker.mjs';
import {
  dialog, expectDialog, setGuard, auditLog, clearAudit, allStorage, sent, waitMark, markCount, openWithGuard, waitFor,
  dialogFindings, focused, pickGuardSentences, rulesAtOrAbove, launch, freshKey,
} from './guard-lib.mjs';

let env, checker, S;

before(async () => {
  const engine = await loadEngine();
  checker = new engine.Checker();
  S = pickGuardSentences(checker);
  console.log(`# sentences: ${JSON.stringify(S)}`);
  env = await launch({ key: freshKey() });
});

after(async () => {
  await env?.close();
  if (env) assertNoForeignRequests(env);
  env?.cleanup();
});

const MODES = ['warn', 'justify', 'block'];

const PAGES = [
  {
    name: 'chat', url: 'guard-chat.html',
    async compose(page, text) {
      await page.click('#msg');
      await page.keyboard.press('Control+a');
      await page.keyboard.press('Backspace');
      await afterTyping(page, () => page.keyboard.type(text));
    },
    send: (page) => page.keyboard.press('Enter'),
    fieldText: (page) => page.inputValue('#msg'),
    fieldId: 'msg',
    sentText: (s) => s,
  },
  {
    name: 'webmail', url: 'guard-mail.html',
    async compose(page, text) {
      await page.fill('#subject', '');
      await page.click('#subject');
      await afterTyping(page, () => page.keyboard.type(S.clean.en));
      await page.fill('#body', '');
      await page.click('#body');
      // Enter in the tall body inserts a line break: never a send, even right after a violation.
      await afterTyping(page, () => page.keyboard.type(`${text}\nRegards`));
    },
    bodyOf: (text) => `${text}\nRegards`,
    send: (page) => page.click('#send'),
    fieldText: (page) => page.inputValue('#body'),
    fieldId: 'body',
    sentText: (s) => s.body,
  },
];

/** No message text (nor any flagged span) anywhere in the extension's storage. */
async function assertNoTextStored(texts) {
  const stored = await allStorage(env);
  for (const t of texts) {
    assert.ok(!stored.includes(t), `storage contains message text ${JSON.stringify(t)}`);
    for (const d of checker.check(t, 'auto')) {
      if (d.text.length >= 2) assert.ok(!stored.includes(d.text), `storage contains flagged text ${JSON.stringify(d.text)}`);
    }
  }
}

for (const P of PAGES) {
  for (const mode of MODES) {
    test(`${P.name}, ${mode}: clean passes, violating held, Review keeps text, send only as the mode allows`, async () => {
      await setGuard(env, { mode });
      await clearAudit(env);
      const page = await openWithGuard(env, P.url, { mode });
      try {
        const V = P.name === 'chat' ? S.zh : S.en;
        const expectedBody = P.bodyOf ? P.bodyOf(V) : V;
        const cleanBody = P.bodyOf ? P.bodyOf(S.clean.zh) : S.clean.zh;

        // 1. A clean message goes straight through, exactly once, with no dialog.
        await P.compose(page, S.clean.zh);
        await P.send(page);
        await waitFor(async () => (await sent(page)).length === 1, 'clean send');
        assert.equal(P.sentText((await sent(page))[0]), cleanBody);
        assert.equal(await dialog(page).count(), 0, 'no dialog for a clean message');

        // 2. A violating message is held before the page sees it.
        await P.compose(page, V);
        await P.send(page);
        await expectDialog(page);
        assert.equal((await sent(page)).length, 1, 'the page must not have sent the violating message');
        assert.equal(await P.fieldText(page), expectedBody, 'text unchanged while held');
        const listed = await dialogFindings(page);
        assert.deepEqual(listed.map((f) => f.rule).sort(), rulesAtOrAbove(checker, expectedBody).sort(), 'dialog lists the findings at or above the threshold');
        assert.equal(await dialog(page).getAttribute('data-mode'), mode);
        const sendBtn = dialog(page).locator('button[data-action=send]');
        if (mode === 'block') assert.equal(await sendBtn.count(), 0, 'block: no Send anyway');
        else assert.equal(await sendBtn.isDisabled(), mode === 'justify', `${mode}: Send anyway ${mode === 'justify' ? 'disabled until a reason is typed' : 'enabled'}`);
        assert.match(await focused(page), mode === 'justify' ? /^guard:reason/ : /^guard:review/, 'keyboard focus starts inside the dialog');
        await screenshot(page, `guard-${P.name}-${mode}`);

        // 3. Esc = Review: the dialog closes, nothing is sent, the text is intact, focus is back in the field.
        await page.keyboard.press('Escape');
        await dialog(page).waitFor({ state: 'detached' });
        await waitMark(page, 'conduct:guard-review');
        assert.equal((await sent(page)).length, 1);
        assert.equal(await P.fieldText(page), expectedBody);
        assert.equal(await focused(page), P.fieldId);
        const review = await waitFor(async () => { const l = await auditLog(env); return l.length === 1 && l; }, 'audit entry for Review');
        assert.equal(review[0].action, mode === 'block' ? 'blocked' : 'reviewed');
        assert.equal(review[0].mode, mode);
        assert.equal(review[0].site, '127.0.0.1');
        assert.deepEqual([...review[0].rules].sort(), [...new Set(rulesAtOrAbove(checker, expectedBody))].sort());
        assert.equal(review[0].reason, null);

        // 4. Second attempt: what the mode allows.
        await P.send(page);
        await expectDialog(page);
        if (mode === 'block') {
          // Tab and Shift+Tab keep focus inside the dialog; Enter on Review closes it.
          for (let i = 0; i < 3; i++) { await page.keyboard.press('Tab'); assert.match(await focused(page), /^guard:/); }
          await page.keyboard.press('Shift+Tab');
          assert.match(await focused(page), /^guard:/);
          await page.keyboard.press('Enter');
          await dialog(page).waitFor({ state: 'detached' });
          await waitMark(page, 'conduct:guard-review', 2);
          assert.equal((await sent(page)).length, 1, 'block: never sent');
          assert.equal(await P.fieldText(page), expectedBody);
          const log = await waitFor(async () => { const l = await auditLog(env); return l.length === 2 && l; }, 'audit entry 2');
          assert.deepEqual(log.map((e) => e.action), ['blocked', 'blocked']);
        } else {
          let reason = null;
          if (mode === 'justify') {
            assert.ok(await sendBtn.isDisabled());
            reason = 'Customer asked for it in writing';
            await page.keyboard.type('   ');
            assert.ok(await sendBtn.isDisabled(), 'blank reason does not enable Send anyway');
            await page.keyboard.type(reason);
            assert.ok(!(await sendBtn.isDisabled()));
          }
          await sendBtn.click();
          await waitFor(async () => (await sent(page)).length === 2, 'send anyway');
          await waitMark(page, 'conduct:guard-resent');
          assert.equal(P.sentText((await sent(page))[1]), expectedBody, 'the page sent exactly what was typed');
          const log = await waitFor(async () => { const l = await auditLog(env); return l.length === 2 && l; }, 'audit entry 2');
          assert.equal(log[1].action, 'sent_anyway');
          assert.equal(log[1].reason, reason);
          // Exactly once: one more clean send makes it three, not four.
          await P.compose(page, S.clean.en);
          await P.send(page);
          await waitFor(async () => (await sent(page)).length >= 3, 'third send');
          assert.equal((await sent(page)).length, 3, 'Send anyway sent exactly once');
        }
        await assertNoTextStored([expectedBody, V]);
        assert.deepEqual(page.errors, [], 'page errors');
      } finally {
        await page.close();
      }
    });
  }
}

test('chat: text changed since the last check → held, re-checked, then released or shown', async () => {
  await setGuard(env, { mode: 'warn' });
  const page = await openWithGuard(env, 'guard-chat.html', { mode: 'warn' });
  try {
    await page.click('#msg');
    // Typed and sent at once while the (stopped) worker restarts: no result for this text yet. (A running
    // worker answers in a few ms, often before the Enter.)
    await stopWorker(env, page);
    await page.keyboard.insertText(S.en2);
    await page.keyboard.press('Enter');
    await expectDialog(page);
    assert.ok(await markCount(page, 'conduct:guard-recheck') >= 1, 'the send was held for a re-check');
    assert.deepEqual(await sent(page), []);
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    // A clean text typed over it and sent at once: re-checked, then the page gets the Enter.
    await page.keyboard.press('Control+a');
    await page.keyboard.type(S.clean.en);
    const rechecks = await markCount(page, 'conduct:guard-recheck');
    const passes = await markCount(page, 'conduct:guard-pass');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await sent(page)).length === 1, 'clean send after re-check');
    assert.deepEqual(await sent(page), [S.clean.en]);
    assert.equal(await dialog(page).count(), 0);
    assert.ok(await markCount(page, 'conduct:guard-pass') > passes);
    console.log(`# re-check path used for the clean send: ${(await markCount(page, 'conduct:guard-recheck')) > rechecks}`);
  } finally {
    await page.close();
  }
});

test('chat: Shift+Enter is a line break; the ➤ button (aria-label Send) is guarded and re-clicked once', async () => {
  await setGuard(env, { mode: 'warn' });
  await clearAudit(env);
  const page = await openWithGuard(env, 'guard-chat.html', { mode: 'warn' });
  try {
    await page.click('#msg');
    await afterTyping(page, () => page.keyboard.type(S.zh2));
    await afterTyping(page, () => page.keyboard.press('Shift+Enter'));
    await afterTyping(page, () => page.keyboard.type('谢谢'));
    assert.equal(await dialog(page).count(), 0, 'Shift+Enter is not a send');
    const text = `${S.zh2}\n谢谢`;
    assert.equal(await page.inputValue('#msg'), text);
    await page.click('#send');
    await expectDialog(page);
    assert.deepEqual(await sent(page), []);
    await dialog(page).locator('button[data-action=send]').click();
    await waitFor(async () => (await sent(page)).length === 1, 'sent by re-click');
    assert.deepEqual(await sent(page), [text]);
    await assertNoTextStored([text, S.zh2]);
  } finally {
    await page.close();
  }
});

test('chat: Enter while an IME composes is not a send; after the commit it is', async () => {
  await setGuard(env, { mode: 'warn' });
  const page = await openWithGuard(env, 'guard-chat.html', { mode: 'warn' });
  try {
    await page.evaluate(() => {
      window.enterKeys = [];
      document.getElementById('msg').addEventListener('keydown', (e) => { if (e.key === 'Enter') window.enterKeys.push(e.isComposing); });
    });
    await page.click('#msg');
    await afterTyping(page, () => page.keyboard.type(`${S.zh} `));
    const cdp = await env.ctx.newCDPSession(page);
    await cdp.send('Input.imeSetComposition', { text: 'ni', selectionStart: 2, selectionEnd: 2 });
    await page.keyboard.press('Enter');
    // The page got this Enter itself (as composing), so the guard let it through.
    await page.waitForFunction(() => window.enterKeys.length === 1);
    assert.deepEqual(await page.evaluate(() => window.enterKeys), [true]);
    assert.equal(await dialog(page).count(), 0, 'no dialog for Enter during composition');
    assert.deepEqual(await sent(page), []);
    await afterTyping(page, () => cdp.send('Input.insertText', { text: '你' }));
    await page.keyboard.press('Enter');
    await expectDialog(page);
    assert.deepEqual(await sent(page), []);
    assert.deepEqual(await page.evaluate(() => window.enterKeys), [true], 'the page never saw the held Enter');
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
  } finally {
    await page.close();
  }
});

test('threshold: with threshold error, a message whose findings are all below it goes through', async () => {
  await setGuard(env, { mode: 'block', threshold: 'error' });
  const page = await openWithGuard(env, 'guard-chat.html', { mode: 'block', threshold: 'error' });
  try {
    const below = [S.en, S.zh, S.en2, S.zh2].find((t) => checker.check(t, 'auto').length && checker.check(t, 'auto').every((d) => d.severity !== 'error'));
    const at = [S.en, S.zh, S.en2, S.zh2].find((t) => checker.check(t, 'auto').some((d) => d.severity === 'error'));
    assert.ok(below && at, 'sentences below and at the error threshold');
    await page.click('#msg');
    await afterTyping(page, () => page.keyboard.type(below));
    await page.keyboard.press('Enter');
    await waitFor(async () => (await sent(page)).length === 1, 'below-threshold message sent');
    assert.deepEqual(await sent(page), [below]);
    await afterTyping(page, () => page.keyboard.type(at));
    await page.keyboard.press('Enter');
    await expectDialog(page);
    assert.deepEqual((await dialogFindings(page)).map((f) => f.severity), checker.check(at, 'auto').filter((d) => d.severity === 'error').map(() => 'error'));
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    assert.deepEqual(await sent(page), [below]);
  } finally {
    await page.close();
    await setGuard(env, { mode: 'warn' });
  }
});

test('per-site send button names: a button the guard does not know is guarded once configured', async () => {
  await setGuard(env, { mode: 'warn' });
  let page = await openWithGuard(env, 'guard-chat.html', { mode: 'warn' });
  try {
    await page.click('#msg');
    await afterTyping(page, () => page.keyboard.type(S.en));
    await page.click('#post');                       // "Envoyer": not a known send name
    await waitFor(async () => (await sent(page)).length === 1, 'unguarded button sends');
    assert.equal(await dialog(page).count(), 0);
  } finally {
    await page.close();
  }
  await setGuard(env, { mode: 'warn', sites: { '127.0.0.1': { send_names: ['Envoyer'] } } });
  page = await openWithGuard(env, 'guard-chat.html', { mode: 'warn' });
  try {
    await page.click('#msg');
    await afterTyping(page, () => page.keyboard.type(S.en));
    await page.click('#post');
    await expectDialog(page);
    assert.deepEqual(await sent(page), []);
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    assert.deepEqual(await sent(page), []);
  } finally {
    await page.close();
    await setGuard(env, { mode: 'warn' });
  }
});

test('webmail: Ctrl+Enter and Enter in the subject are guarded; other buttons are not', async () => {
  await setGuard(env, { mode: 'justify' });
  const page = await openWithGuard(env, 'guard-mail.html', { mode: 'justify' });
  try {
    await page.click('#body');
    await afterTyping(page, () => page.keyboard.type(S.en));
    await page.click('#draft');
    assert.equal(await page.evaluate(() => window.drafts), 1, '"Save draft" is not a send');
    assert.equal(await dialog(page).count(), 0);
    // Ctrl+Enter: the page's own shortcut (form.requestSubmit()).
    await page.click('#body');
    await page.keyboard.press('Control+Enter');
    await expectDialog(page);
    assert.deepEqual(await sent(page), []);
    await page.keyboard.type('approved by the account manager');
    await dialog(page).locator('button[data-action=send]').click();
    await waitFor(async () => (await sent(page)).length === 1, 'Ctrl+Enter send anyway');
    assert.equal((await sent(page))[0].body, S.en);
    // Enter in the subject: implicit submission, caught as a form submit.
    await page.fill('#body', '');
    await page.click('#subject');
    await afterTyping(page, () => page.keyboard.type(S.en2));
    await page.keyboard.press('Enter');
    await expectDialog(page);
    assert.equal((await sent(page)).length, 1);
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    assert.equal((await sent(page)).length, 1);
    assert.equal(await page.inputValue('#subject'), S.en2);
  } finally {
    await page.close();
  }
});

test('options page: audit log listed without text, exported as JSON and CSV, cleared', async () => {
  await setGuard(env, { mode: 'justify' });
  const page = await env.ctx.newPage();
  try {
    await page.goto(env.extUrl('options/options.html'));
    // Entries as a content script sends them, with fields that must never be stored.
    const secret = 'Our floor price is $3,000 (do not store me)';
    for (const entry of [
      { rules: ['commitment.deadline'], mode: 'warn', action: 'sent_anyway', reason: '=HYPERLINK("x"), "quoted"', text: secret, diagnostics: [{ text: secret }] },
      { rules: ['disrespect.profanity', 'Not A Rule Id!'], mode: 'block', action: 'blocked', message: secret },
    ]) {
      const res = await page.evaluate((e) => chrome.runtime.sendMessage({ kind: 'guard-audit', host: 'mail.example.com', entry: e }), entry);
      assert.equal(res.kind, 'ok');
    }
    const bad = await page.evaluate(() => chrome.runtime.sendMessage({ kind: 'guard-audit', entry: { rules: ['x.y'], mode: 'warn', action: 'deleted_everything' } }));
    assert.equal(bad.kind, 'error', 'unknown action refused');
    const log = await auditLog(env);
    assert.ok(log.length >= 2);
    assert.ok(!JSON.stringify(log).includes('do not store me'), 'fields other than the whitelisted ones are dropped');
    assert.deepEqual(Object.keys(log[log.length - 1]).sort(), ['action', 'mode', 'reason', 'rules', 'site', 'time']);
    assert.deepEqual(log[log.length - 1].rules, ['disrespect.profanity']);
    await page.reload();
    await page.locator('#audit[data-count]').waitFor({ state: 'attached' });
    await page.locator('#guard[data-ready=true]').waitFor({ state: 'attached' });
    assert.equal(await page.locator('#audit-table tbody tr').count(), log.length);
    const shown = await page.locator('#audit').textContent();
    for (const t of [S.en, S.zh, S.en2, S.zh2]) assert.ok(!shown.includes(t), 'options page shows message text');
    assert.ok(shown.includes(log[log.length - 1].rules[0]));
    await page.locator('#audit').scrollIntoViewIfNeeded();
    await screenshot(page, 'guard-options-audit');

    const [dj] = await Promise.all([page.waitForEvent('download'), page.click('#audit-export-json')]);
    const json = JSON.parse(readFileSync(await dj.path(), 'utf8'));
    assert.deepEqual(json, log);
    const [dc] = await Promise.all([page.waitForEvent('download'), page.click('#audit-export-csv')]);
    const csvText = readFileSync(await dc.path(), 'utf8');
    const csv = csvText.trim().split(/\r\n/);
    assert.equal(csv[0], 'time,site,rules,mode,action,reason');
    assert.equal(csv.length, log.length + 1);
    assert.ok(csvText.includes(`"'=HYPERLINK(""x""), ""quoted"""`), 'CSV quotes cells and defuses formulas');
    assert.ok(dc.suggestedFilename().endsWith('.csv') && dj.suggestedFilename().endsWith('.json'));

    // The guard mode select reflects the user's setting and is not locked.
    await waitFor(async () => (await page.inputValue('#guard-mode')) === 'justify', 'options page shows the user\'s mode');
    assert.ok(!(await page.locator('#guard-mode').isDisabled()));
    await page.selectOption('#guard-mode', 'block');
    await waitFor(async () => (await env.ctx.serviceWorkers()[0].evaluate(async () => (await chrome.storage.sync.get('guard')).guard?.mode)) === 'block', 'mode saved');

    assert.ok(!(await page.locator('#audit-clear').isDisabled()));
    await page.click('#audit-clear');
    await waitFor(async () => (await auditLog(env)).length === 0, 'audit cleared');
    await page.locator('#audit[data-count="0"]').waitFor({ state: 'attached' });
  } finally {
    await page.close();
  }
});
