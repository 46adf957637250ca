// Bundles the real editors from npm for the fixture pages (into target/e2e-build/, gitignored).
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, BUILD_DIR } from './paths.mjs';

const FIX = join(ROOT, 'tests', 'e2e', 'fixtures');
const NM = join(ROOT, 'node_modules');

function fresh(out, inputs) {
  if (!existsSync(out)) return false;
  const t = statSync(out).mtimeMs;
  return inputs.every((p) => statSync(p).mtimeMs < t);
}

/**
 * Bundles each fixture script `tests/e2e/fixtures/<page>.js` (unless its bundle is newer than it and
 * the lockfile) and copies the packages' own files the pages load (`[path under node_modules,
 * name in the build dir]`).
 */
async function bundlePages(pages, files) {
  mkdirSync(BUILD_DIR, { recursive: true });
  const jobs = [];
  for (const name of pages) {
    const entry = join(FIX, `${name}.js`);
    const out = join(BUILD_DIR, `${name}.js`);
    if (fresh(out, [entry, join(ROOT, 'package-lock.json')])) continue;
    jobs.push(build({ entryPoints: [entry], bundle: true, format: 'iife', outfile: out, logLevel: 'error', target: 'chrome120', nodePaths: [NM],
      // React and Draft.js read these; the production builds are what pages ship.
      define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' } }));
  }
  await Promise.all(jobs);
  for (const [from, to] of files) copyFileSync(join(NM, ...from.split('/')), join(BUILD_DIR, to));
}

/** The editors of editors.test.mjs and the other suites that open editor fixtures. */
export function bundleEditors() {
  return bundlePages(['quill-page', 'prosemirror-page', 'lexical-page', 'slate-page', 'ckeditor-page', 'codemirror-page', 'draft-page'], [
    ['quill/dist/quill.snow.css', 'quill.snow.css'],
    ['prosemirror-view/style/prosemirror.css', 'prosemirror.css'],
    ['ckeditor5/dist/ckeditor5.css', 'ckeditor5.css'],
    ['draft-js/dist/Draft.css', 'Draft.css'],
  ]);
}

/** The editors of editors2.test.mjs. */
export function bundleEditors2() {
  return bundlePages(['trix-page', 'squire-page', 'editorjs-page', 'toastui-page', 'jodit-page', 'tiptap-page'], [
    ['trix/dist/trix.css', 'trix.css'],
    ['@toast-ui/editor/dist/toastui-editor.css', 'toastui-editor.css'],
    ['jodit/es2021/jodit.min.js', 'jodit.min.js'],
    ['jodit/es2021/jodit.min.css', 'jodit.min.css'],
  ]);
}
