// Bundles the editors of editors2.test.mjs from npm (into target/e2e-build/, gitignored), as
// bundle.mjs does for the first set.
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

export async function bundleEditors2() {
  mkdirSync(BUILD_DIR, { recursive: true });
  const jobs = [];
  for (const name of ['trix-page', 'squire-page', 'editorjs-page', 'toastui-page', 'jodit-page', 'tiptap-page']) {
    const entry = join(FIX, `${name}.js`);
    const out = join(BUILD_DIR, `${name}.js`);
    if (fresh(out, [entry, join(ROOT, 'package-lock.json')])) continue;
    jobs.push(build({ entryPoints: [entry], bundle: true, format: 'iife', outfile: out, logLevel: 'error', target: 'chrome120', nodePaths: [NM],
      define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' } }));
  }
  await Promise.all(jobs);
  copyFileSync(join(NM, 'trix', 'dist', 'trix.css'), join(BUILD_DIR, 'trix.css'));
  copyFileSync(join(NM, '@toast-ui', 'editor', 'dist', 'toastui-editor.css'), join(BUILD_DIR, 'toastui-editor.css'));
  copyFileSync(join(NM, 'jodit', 'es2021', 'jodit.min.js'), join(BUILD_DIR, 'jodit.min.js'));
  copyFileSync(join(NM, 'jodit', 'es2021', 'jodit.min.css'), join(BUILD_DIR, 'jodit.min.css'));
}
