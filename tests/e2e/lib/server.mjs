// A tiny static server on 127.0.0.1 for the fixture pages, with a strict CSP on every response.
//   /             tests/e2e/fixtures/
//   /build/       target/e2e-build/ (editors bundled by esbuild at test setup)
//   /vendor/tinymce/  node_modules/tinymce (self-hosted TinyMCE)
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { ROOT, BUILD_DIR } from './paths.mjs';

export const CSP = "script-src 'self'; object-src 'none'; base-uri 'none'";

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml',
  '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.map': 'application/json',
};

const MOUNTS = [
  ['/build/', BUILD_DIR],
  ['/vendor/tinymce/', join(ROOT, 'node_modules', 'tinymce')],
  ['/', join(ROOT, 'tests', 'e2e', 'fixtures')],
];

export async function startServer() {
  const requests = [];
  const server = http.createServer(async (req, res) => {
    requests.push({ url: req.url, method: req.method, at: Date.now() });
    const url = new URL(req.url, 'http://127.0.0.1');
    let path = decodeURIComponent(url.pathname);
    if (path === '/') path = '/index.html';
    for (const [prefix, dir] of MOUNTS) {
      if (!path.startsWith(prefix)) continue;
      const file = resolve(dir, normalize('.' + path.slice(prefix.length - 1)));
      if (!file.startsWith(resolve(dir))) break;
      try {
        const st = await stat(file);
        if (!st.isFile()) continue;
        const body = await readFile(file);
        res.writeHead(200, {
          'content-type': TYPES[extname(file)] || 'application/octet-stream',
          'content-security-policy': CSP,
          'cache-control': 'no-store',
        });
        res.end(body);
        return;
      } catch { continue; }
    }
    res.writeHead(404, { 'content-type': 'text/plain', 'content-security-policy': CSP });
    res.end('not found');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}
