// Driving the extension's service worker through the Chrome DevTools Protocol.

/**
 * Stops the extension's service worker (CDP `ServiceWorker.stopWorker` through a session on
 * `page`, e.g. an extension page) and waits until Chromium reports it stopped. Returns the ms
 * the stop took. Throws when no running worker of the extension is found or it does not stop.
 */
export async function stopWorker(env, page) {
  const cdp = await env.ctx.newCDPSession(page);
  try {
    const versions = new Map();
    const stopped = new Set();   // versions seen stopped (a request may restart the worker right away)
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions: vs }) => {
      for (const v of vs) { versions.set(v.versionId, v); if (v.runningStatus === 'stopped') stopped.add(v.versionId); }
    });
    await cdp.send('ServiceWorker.enable');
    const ours = (v) => v.scriptURL.startsWith(`chrome-extension://${env.extId}/`);
    const running = () => [...versions.values()].filter((v) => ours(v) && v.runningStatus === 'running');
    for (let i = 0; i < 100 && !running().length; i++) await page.waitForTimeout(20);
    const [v] = running();
    if (!v) throw new Error('no running service worker of the extension');
    const t0 = Date.now();
    stopped.delete(v.versionId);
    await cdp.send('ServiceWorker.stopWorker', { versionId: v.versionId });
    for (let i = 0; i < 250 && !stopped.has(v.versionId); i++) await page.waitForTimeout(20);
    if (!stopped.has(v.versionId)) throw new Error('the service worker did not stop');
    return Date.now() - t0;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** The extension's running service worker as a Playwright Worker (after a restart: the new one). */
export async function currentWorker(env, { timeout = 10000 } = {}) {
  const t0 = Date.now();
  for (;;) {
    const ws = env.ctx.serviceWorkers().filter((w) => w.url().startsWith(`chrome-extension://${env.extId}/`));
    for (const w of ws.reverse()) {
      if (await w.evaluate(() => true).catch(() => false)) return w;
    }
    if (Date.now() - t0 > timeout) throw new Error('no live service worker of the extension');
    await new Promise((r) => setTimeout(r, 25));
  }
}
