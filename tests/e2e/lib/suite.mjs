// The usual frame of an e2e test file: the engine in node (the reference), the extension in
// chromium, and after the tests the browser closed and checked for requests that left the machine.
import { before, after } from 'node:test';
import { setup, loadEngine } from './harness.mjs';
import { assertNoForeignRequests } from './flow.mjs';

/**
 * Registers the suite's before/after hooks; the returned object's `env` and `checker` are set
 * once `before` has run. `options` go to `setup()`.
 * @returns {{ env: any, checker: any }}
 */
export function extensionSuite(options) {
  const s = { env: null, checker: null };
  before(async () => {
    s.checker = new (await loadEngine()).Checker();
    s.env = await setup(options);
  });
  after(async () => {
    await s.env?.close();
    if (s.env) assertNoForeignRequests(s.env);
    s.env?.cleanup();
  });
  return s;
}
