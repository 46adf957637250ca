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
  for (const name of ['quill-page', 'prosemirror-page']) {
    const entry = join(FIX, `${name}.js`);
    const out = join(BUILD_DIR, `${name}.js`);
    if (fresh(out, [entry, join(ROOT, 'package-lock.json')])) continue;
    jobs.push(build({ entryPoints: [entry], bundle: true, format: 'iife', outfile: out, logLevel: 'error', target: 'chrome120', nodePaths: [NM] }));
  }
  await Promise.all(jobs);
  copyFileSync(join(NM, 'quill', 'dist', 'quill.snow.css'), join(BUILD_DIR, 'quill.snow.css'));
  copyFileSync(join(NM, 'prosemirror-view', 'style', 'prosemirror.css'), join(BUILD_DIR, 'prosemirror.css'));
}
