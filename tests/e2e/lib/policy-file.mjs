// Managed-policy files for e2e runs: Linux Chromium reads every JSON file in POLICY_DIR, which is
// machine-global, so each run writes its own uniquely named file (and its own extension id) and
// removes it in teardown; files left by a run that was killed are removed by the next one.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** Where Debian's chromium reads managed policies. */
export const POLICY_DIR = '/etc/chromium/policies/managed';

/**
 * A fresh path `POLICY_DIR/<prefix>-<pid>-<random>.json`, after removing the files of that prefix
 * whose process is gone.
 * @param {string} prefix
 */
export function freshPolicyFile(prefix) {
  if (existsSync(POLICY_DIR)) {
    const stale = new RegExp(`^${prefix}-(\\d+)-[0-9a-f]+\\.json$`);
    for (const f of readdirSync(POLICY_DIR)) {
      const m = stale.exec(f);
      if (!m) continue;
      try { process.kill(Number(m[1]), 0); } catch { rmSync(join(POLICY_DIR, f), { force: true }); }
    }
  }
  return join(POLICY_DIR, `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}.json`);
}
