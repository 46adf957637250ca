// Shared setup for the e2e tests: the assembled extension loaded into Debian's chromium
// (headless, fresh profile per run), the fixture server, request recording, and helpers that read
// what the extension drew (highlight registry, overlay mirror) and drive the popover.
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';

import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ARTIFACTS, EXT_OUT, EXT_SRC, ROOT } from './paths.mjs';
import { startServer } from './server.mjs';
import { bundleEditors } from './bundle.mjs';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** The engine itself, in node, to know what exactly must be underlined. */
export async function loadEngine() {
  const glue = join(EXT_SRC, 'wasm', 'conduct_wasm.js');
  if (!existsSync(glue)) throw new Error('extension/wasm is missing: run `just wasm` first');
  const mod = await import(glue);
  mod.initSync({ module: readFileSync(join(EXT_SRC, 'wasm', 'conduct_wasm_bg.wasm')) });
  return mod;
}

/** Everything one test file needs; call `close()` in after(). */
export async function setup({ editors = false, lang = null } = {}) {
  const { build } = await import(join(EXT_SRC, 'build.mjs'));
  // A copy per test process: test files (or two people's runs) never rebuild under a running browser.
  const extDir = build(join(EXT_OUT, `../e2e-extension/${process.pid}`));
  if (editors) await bundleEditors();
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await startServer();
  const server2 = await startServer();   // a second origin (other port) for cross-origin frames
  const profile = mkdtempSync(join(tmpdir(), 'conduct-e2e-'));
  const netlog = join(profile, 'netlog.json');
  const ctx = await chromium.launchPersistentContext(join(profile, 'user-data'), {
    executablePath: CHROMIUM,
    headless: true,
    ignoreDefaultArgs: ['--disable-extensions'],
    viewport: { width: 900, height: 640 },
    locale: lang || 'en-US',
    env: { ...process.env, ...(lang ? { LANGUAGE: lang.replace('-', '_'), LANG: `${lang.replace('-', '_')}.UTF-8` } : {}) },
    args: [
      ...(lang ? [`--lang=${lang}`] : []),
      `--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`,
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
      `--log-net-log=${netlog}`, '--net-log-capture-mode=Default',
    ],
  });
  try {
    return await afterLaunch(ctx, server, server2, extDir, profile, netlog);
  } catch (e) {
    // Never leave a browser behind: it would keep this test process alive.
    await ctx.close().catch(() => {});
    await server.close();
    await server2.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(extDir, { recursive: true, force: true });
    throw e;
  }
}

async function afterLaunch(ctx, server, server2, extDir, profile, netlog) {
  const requests = [];
  const record = (source) => (req) => requests.push({ url: req.url(), source, type: req.resourceType() });
  ctx.on('request', record('context'));
  ctx.on('serviceworker', (w) => w.on?.('request', record('worker')));
  const extId = extensionId(extDir);
  const isOurs = (w) => w.url().startsWith(`chrome-extension://${extId}/`);
  let worker = ctx.serviceWorkers().find(isOurs);
  if (!worker) {
    const waiting = ctx.waitForEvent('serviceworker', { predicate: isOurs, timeout: 60000 });
    // On a loaded machine the worker can be slow to start by itself: opening one of the
    // extension's pages starts it (and shows an error page if the extension failed to load).
    const timer = setTimeout(async () => {
      const p = await ctx.newPage().catch(() => null);
      await p?.goto(`chrome-extension://${extId}/options/options.html`).catch(() => {});
      await p?.close().catch(() => {});
    }, 5000);
    try { worker = await waiting; } finally { clearTimeout(timer); }
  }

  const env = {
    ctx, server, server2, extId, worker, requests, profile, netlog,
    url: (p) => `${server.origin}/${p.replace(/^\//, '')}`,
    extUrl: (p) => `chrome-extension://${extId}/${p.replace(/^\//, '')}`,
    async close() {
      await ctx.close().catch(() => {});
      await server.close();
      await server2.close();
    },
    /** Network check: call after close(). Returns {foreign, background} request lists. */
    networkReport() {
      const allowed = (u) => /^(chrome-extension:\/\/|data:|blob:|about:|chrome:\/\/|devtools:)/.test(u)
        || [server.origin, server2.origin].some((o) => u.startsWith(o + '/') || u === o);
      const foreign = requests.filter((r) => !allowed(r.url));
      const fromNetlog = parseNetlog(netlog);
      // Requests Chromium itself makes (no page or extension initiator) are background traffic,
      // kept off the network by --host-resolver-rules; any other foreign one is a failure.
      const ours = (i) => i && (i.startsWith(server.origin) || i.startsWith(server2.origin) || i.startsWith(`chrome-extension://${extId}`));
      const foreignNet = fromNetlog.filter((r) => !allowed(r.url) && !r.url.startsWith('http://127.0.0.1'));
      return {
        foreign,
        foreignFromPages: foreignNet.filter((r) => ours(r.initiator)),
        background: foreignNet.filter((r) => !ours(r.initiator)),
      };
    },
    cleanup() {
      rmSync(profile, { recursive: true, force: true });
      rmSync(extDir, { recursive: true, force: true });
    },
  };
  return env;
}

function parseNetlog(path) {
  if (!existsSync(path)) return [];
  let text = readFileSync(path, 'utf8').trim();
  // An unfinished log lacks its closing brackets.
  if (!text.endsWith('}')) text = text.replace(/,\s*$/, '') + ']}';
  let log;
  try { log = JSON.parse(text); } catch { try { log = JSON.parse(text.replace(/,?\s*\]\}$/, ']}')); } catch { return []; } }
  const out = [];
  for (const ev of log.events || []) {
    const p = ev.params;
    if (p && typeof p.url === 'string' && /^(https?|wss?|ftp):/.test(p.url)) out.push({ url: p.url, initiator: p.initiator || null });
  }
  return out;
}

/** The extension id Chromium derives from the manifest's public key. */
function extensionId(dir) {
  const { key } = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const hex = createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

// ---- page helpers -----------------------------------------------------------------------------

/** All underlines the extension drew in `page` (every frame): [{text, severity, via}]. */
export async function underlines(page) {
  const out = [];
  for (const frame of page.frames()) {
    const got = await frame.evaluate(() => {
      const res = [];
      for (const sev of ['error', 'warning', 'info']) {
        const h = globalThis.CSS?.highlights?.get(`conduct-${sev}`);
        if (h) for (const r of h) res.push({ text: r.toString(), severity: sev, via: 'highlight' });
      }
      const host = document.querySelector('conduct-rules-overlay');
      if (host?.shadowRoot) {
        for (const m of host.shadowRoot.querySelectorAll('.mirror .m')) {
          res.push({ text: m.textContent, severity: m.className.match(/sev-(\w+)/)[1], via: 'mirror',
            start: Number(m.dataset.start), end: Number(m.dataset.end) });
        }
      }
      return res;
    }).catch(() => []);
    out.push(...got);
  }
  return out;
}

/** Waits until the underlines satisfy `pred`, returns them. */
export async function waitForUnderlines(page, pred, { timeout = 5000 } = {}) {
  const t0 = Date.now();
  let last = [];
  for (;;) {
    last = await underlines(page);
    if (pred(last)) return last;
    if (Date.now() - t0 > timeout) throw new Error(`timed out waiting for underlines; have ${JSON.stringify(last)}`);
    await page.waitForTimeout(25);
  }
}

/**
 * True when the underlines' texts are exactly `want`, in any order (`norm` applied to both). Wait
 * on this rather than on a count: while a sentence is typed, a commitment or disclosure finding
 * grows with its clause (…之前上 → …之前上线), so a stale result can have the right count.
 */
export function sameTexts(got, want, norm = (t) => t) {
  const a = got.map((u) => norm(u.text)).sort();
  const b = want.map(norm).sort();
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/** Number of checks the content scripts ran in `page` (performance marks, all frames). */
export async function checkCount(page) {
  let n = 0;
  for (const f of page.frames()) n += await f.evaluate(() => performance.getEntriesByName('conduct:check').length).catch(() => 0);
  return n;
}

/** Viewport point at the middle of the first underline with `text` (top-level coordinates). */
export async function underlinePoint(page, text) {
  for (const frame of page.frames()) {
    const p = await frame.evaluate((want) => {
      const center = (r) => ({ x: r.left + Math.min(r.width / 2, 12), y: r.top + r.height / 2 });
      const host = document.querySelector('conduct-rules-overlay');
      if (host?.shadowRoot) {
        for (const m of host.shadowRoot.querySelectorAll('.mirror .m')) if (m.textContent === want) return center(m.getClientRects()[0]);
      }
      for (const sev of ['error', 'warning', 'info']) {
        const h = globalThis.CSS?.highlights?.get(`conduct-${sev}`);
        if (h) for (const r of h) if (r.toString() === want) return center(r.getClientRects()[0]);
      }
      return null;
    }, text).catch(() => null);
    if (p) {
      let el = await frame.frameElement().catch(() => null);
      let x = p.x, y = p.y;
      let f = frame;
      while (el) {
        const box = await el.boundingBox();
        const inner = await el.evaluate((e) => ({ l: e.clientLeft, t: e.clientTop }));
        x += box.x + inner.l; y += box.y + inner.t;
        f = f.parentFrame();
        el = f ? await f.frameElement().catch(() => null) : null;
      }
      return { x, y };
    }
  }
  throw new Error(`no underline "${text}" to point at`);
}

export const popover = (page) => page.locator('conduct-rules-overlay .popover');

/** Hovers the underline of `text` and waits for the popover. */
export async function openPopover(page, text) {
  const { x, y } = await underlinePoint(page, text);
  await page.mouse.move(x - 30, y + 40);
  await page.mouse.move(x, y, { steps: 3 });
  const pop = popover(page);
  await pop.waitFor({ state: 'visible', timeout: 5000 });
  return pop;
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

export { ROOT, ARTIFACTS };
