import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BUILD_DIR = join(ROOT, 'target', 'e2e-build');
export const ARTIFACTS = join(ROOT, 'target', 'e2e-artifacts');
export const EXT_SRC = join(ROOT, 'extension');
export const EXT_OUT = join(ROOT, 'target', 'extension');
