// Loads the built package (crates/conduct-wasm/pkg, from `just wasm`) the way the extension does:
// the web-target ES module, initialised synchronously from the module bytes.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PKG = fileURLToPath(new URL('../../crates/conduct-wasm/pkg/', import.meta.url));
export const WASM = PKG + 'conduct_wasm_bg.wasm';

if (!existsSync(WASM)) {
  throw new Error(`${WASM} is missing: build the package first with \`just wasm\``);
}

export const wasm = await import(PKG + 'conduct_wasm.js');
wasm.initSync({ module: readFileSync(WASM) });
