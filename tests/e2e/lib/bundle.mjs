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

export async function bundleEditors() {
  mkdirSync(BUILD_DIR, { recursive: true });
  const jobs = [];
  const pages = ['quill-page', 'prosemirror-page', 'lexical-page', 'slate-page', 'ckeditor-page', 'codemirror-page', 'draft-page'];
  for (const name of pages) {
    const entry = join(FIX, `${name}.js`);
    const out = join(BUILD_DIR, `${name}.js`);
    if (fresh(out, [entry, join(ROOT, 'package-lock.json')])) continue;
    jobs.push(build({ entryPoints: [entry], bundle: true, format: 'iife', outfile: out, logLevel: 'error', target: 'chrome120', nodePaths: [NM],
      // React and Draft.js read these; the production builds are what pages ship.
      define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' } }));
  }
  await Promise.all(jobs);
  copyFileSync(join(NM, 'quill', 'dist', 'quill.snow.css'), join(BUILD_DIR, 'quill.snow.css'));
  copyFileSync(join(NM, 'prosemirror-view', 'style', 'prosemirror.css'), join(BUILD_DIR, 'prosemirror.css'));
  copyFileSync(join(NM, 'ckeditor5', 'dist', 'ckeditor5.css'), join(BUILD_DIR, 'ckeditor5.css'));
  copyFileSync(join(NM, 'draft-js', 'dist', 'Draft.css'), join(BUILD_DIR, 'Draft.css'));
}
