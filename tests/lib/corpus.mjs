// The rows of a corpus directory in the tests/corpus format: `*.tsv` files with a `label<TAB>text`
// header, then `label<TAB>text` rows whose line breaks, tabs and backslashes are written `\n`, `\t`
// and `\\` (other backslashes stay, as in crates/conduct-rules/tests/support/corpus_loader.rs);
// lines without a tab and `#` lines (the round headings) are skipped. Shared by the segment tests and scripts/compare-findings.sh.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The corpus shipped with the repository. */
export const CORPUS = new URL('../corpus/', import.meta.url).pathname;

/** [{ file, label, text }] for every row of every `*.tsv` in `dir`, files in name order. */
export function corpusRows(dir = CORPUS) {
  const rows = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.tsv')).sort()) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n').slice(1)) {
      const tab = line.indexOf('\t');
      if (tab < 0 || line.startsWith('#')) continue;
      const text = line.slice(tab + 1).replace(/\\([nt\\])/g, (_, c) => ({ n: '\n', t: '\t' })[c] ?? '\\');
      if (text) rows.push({ file, label: line.slice(0, tab), text });
    }
  }
  return rows;
}
