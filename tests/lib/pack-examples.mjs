// The built-in rules' own `flag` and `allow` examples, read from the pack files: the wasm build
// (and so the extension) leaves the examples out of the module, and `rules()` returns them empty.
// Shared by the wasm tests and the e2e tests. Reads only what the packs use of TOML for them:
// `[[rule]]` blocks with `id = "…"` and multi-line `flag = [ … ]` / `allow = [ … ]` arrays of
// "basic" or 'literal' strings (tests/wasm/api.test.mjs checks every rule gets its examples).
import { readdirSync, readFileSync } from 'node:fs';

const PACKS = new URL('../../crates/conduct-rules/packs/', import.meta.url);

/** The strings of the multi-line array `key = [ … ]` in one rule block. */
function stringArray(block, key) {
  const body = block.match(new RegExp(`^${key} = \\[\\r?\\n([\\s\\S]*?)^\\]`, 'm'))?.[1] ?? '';
  const out = [];
  for (const m of body.matchAll(/"((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'|#[^\n]*/g)) {
    if (m[1] !== undefined) out.push(JSON.parse(`"${m[1]}"`));
    else if (m[2] !== undefined) out.push(m[2]);
  }
  return out;
}

/** Rule id → { flag, allow } for every rule of the built-in packs. */
export function packExamples() {
  const examples = new Map();
  for (const file of readdirSync(PACKS).filter((f) => f.endsWith('.toml') && f !== 'folds.toml')) {
    const text = readFileSync(new URL(file, PACKS), 'utf8');
    for (const block of text.split(/^\[\[rule\]\][ \t]*$/m).slice(1)) {
      const id = block.match(/^id = "([^"]+)"/m)?.[1];
      if (!id) throw new Error(`a [[rule]] without an id in ${file}`);
      examples.set(id, { flag: stringArray(block, 'flag'), allow: stringArray(block, 'allow') });
    }
  }
  return examples;
}

/** Every rule's `flag` examples, in pack order. */
export const flagExamples = () => [...packExamples().values()].flatMap((e) => e.flag);
