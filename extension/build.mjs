#!/usr/bin/env node
// Assembles the unpacked extension into target/extension/ (what Chromium loads, what a release
// zips) after checking it: the wasm from `just wasm` is present, every file the manifest and pages
// name exists, both locales have the same message names and every __MSG_x__/data-i18n is defined.
// Usage: node extension/build.mjs [outDir]     (exit 1 with a list of problems)
import { readFileSync, existsSync, rmSync, mkdirSync, cpSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = dirname(fileURLToPath(import.meta.url));
const INCLUDE = ['manifest.json', 'managed_schema.json', '_locales', 'icons', 'src', 'popup', 'options', 'wasm'];

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

export function check(src = SRC) {
  const problems = [];
  const need = (rel, why) => { if (!existsSync(join(src, rel))) problems.push(`missing ${rel} (${why})`); };
  const manifest = JSON.parse(readFileSync(join(src, 'manifest.json'), 'utf8'));
  need('wasm/conduct_wasm.js', 'run `just wasm` first');
  need('wasm/conduct_wasm_bg.wasm', 'run `just wasm` first');
  need(manifest.background.service_worker, 'background.service_worker');
  for (const cs of manifest.content_scripts) for (const js of cs.js) need(js, 'content_scripts');
  need(manifest.action.default_popup, 'action.default_popup');
  need(manifest.options_ui.page, 'options_ui.page');
  need(manifest.storage.managed_schema, 'storage.managed_schema');
  for (const icon of Object.values(manifest.icons)) need(icon, 'icons');
  if (/unsafe-eval'|unsafe-inline|https?:/.test(manifest.content_security_policy.extension_pages.replace("'wasm-unsafe-eval'", ''))) {
    problems.push('extension CSP allows eval, inline or remote scripts');
  }
  // Locales: same message names in every locale; every name used is defined.
  const locales = readdirSync(join(src, '_locales'));
  const names = Object.fromEntries(locales.map((l) => [l, Object.keys(JSON.parse(readFileSync(join(src, '_locales', l, 'messages.json'), 'utf8')))]));
  const base = new Set(names.en);
  for (const [l, ns] of Object.entries(names)) {
    for (const n of ns) if (!base.has(n)) problems.push(`_locales/${l}: ${n} not in en`);
    for (const n of base) if (!ns.includes(n)) problems.push(`_locales/${l}: missing ${n}`);
  }
  const used = new Set();
  for (const m of JSON.stringify(manifest).matchAll(/__MSG_(\w+)__/g)) used.add(m[1]);
  for (const f of reachable(src, manifest, problems)) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/data-i18n="(\w+)"/g)) used.add(m[1]);
    for (const m of text.matchAll(/\bt\('(\w+)'/g)) used.add(m[1]);
    if (/\.innerHTML\s*=|insertAdjacentHTML|outerHTML\s*=|\beval\(|new Function\(/.test(text)) problems.push(`${relative(src, f)}: uses innerHTML/eval`);
    if (/\bfetch\(\s*['"`]https?:|XMLHttpRequest|WebSocket\(|sendBeacon/.test(text)) problems.push(`${relative(src, f)}: network API`);
  }
  for (const n of used) if (!base.has(n)) problems.push(`message ${n} used but not defined`);
  return problems;
}

/** The files the extension loads: manifest entry points, pages' scripts and their imports. */
function reachable(src, manifest, problems) {
  const entries = [
    manifest.background.service_worker, manifest.action.default_popup, manifest.options_ui.page,
    ...manifest.content_scripts.flatMap((c) => c.js),
  ];
  const seen = new Set();
  const queue = entries.map((e) => join(src, e));
  while (queue.length) {
    const f = queue.shift();
    if (seen.has(f) || f.startsWith(join(src, 'wasm'))) continue;
    if (!existsSync(f)) { problems.push(`missing ${relative(src, f)} (imported)`); continue; }
    seen.add(f);
    const text = readFileSync(f, 'utf8');
    const refs = [
      ...[...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => join(dirname(f), m[1])),
      ...[...text.matchAll(/getURL\(\s*['"]([^'"]+\.js)['"]/g)].map((m) => join(src, m[1])),
      ...[...text.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => join(dirname(f), m[1])),
    ];
    queue.push(...refs);
  }
  return [...seen];
}

export function build(out = resolve(SRC, '..', 'target', 'extension')) {
  const problems = check();
  if (problems.length) throw new Error(`extension build failed:\n  ${problems.join('\n  ')}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const p of INCLUDE) cpSync(join(SRC, p), join(out, p), { recursive: true });
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const out = build(process.argv[2] ? resolve(process.argv[2]) : undefined);
    console.log(`extension assembled in ${relative(process.cwd(), out) || out}`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
