import assert from 'node:assert/strict';

/**
 * Runs `typing` and waits until the content script rendered a check of the text as it is after
 * the last keystroke (a 'conduct:rendered' mark later than the last 'conduct:input' mark).
 */
export async function afterTyping(page, typing, { timeout = 5000 } = {}) {
  await typing();
  await page.waitForFunction(() => {
    const inputs = performance.getEntriesByName('conduct:input');
    const last = inputs.length ? inputs[inputs.length - 1].startTime : 0;
    return performance.getEntriesByName('conduct:rendered').some((m) => m.startTime >= last);
  }, null, { timeout, polling: 16 });
}

/** Empties the focused field the way a user would. */
export async function clearField(page) {
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Backspace');
}

/** No request from a page or the extension may leave 127.0.0.1; Chromium's own traffic is listed. */
export function assertNoForeignRequests(env) {
  const rep = env.networkReport();
  assert.deepEqual(rep.foreign.map((r) => r.url), [], 'page or extension requests to hosts other than 127.0.0.1');
  assert.deepEqual(rep.foreignFromPages.map((r) => r.url), [], 'netlog: foreign requests initiated by a page or the extension');
  const hosts = [...new Set(rep.background.map((r) => new URL(r.url).host))];
  const ext = env.requests.filter((r) => r.url.startsWith('chrome-extension://')).length;
  const local = env.requests.filter((r) => r.url.startsWith(env.server.origin)).length;
  console.log(`# network: ${local} requests to 127.0.0.1, ${ext} extension-internal, 0 elsewhere; ` +
    `Chromium's own background attempts (blocked by --host-resolver-rules, no page/extension initiator): ${hosts.join(', ') || 'none'}`);
}
