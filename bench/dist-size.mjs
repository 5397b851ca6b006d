// The size of dist/, as docs/performance.md states it: bench/startup.mjs writes it there after its
// timings, `npm run bench:size` alone, and test/unit/performance-docs.test.ts fails when the
// document is off by more than its rounding. MB are 10^6 bytes; the budget is 2.5 MB.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DOC = 'docs/performance.md';
// The table row: | `dist/` | 1.87 MB | <= 2.5 MB |
export const ROW = /^\| `dist\/` \| (\d+\.\d\d) MB \|/m;

export function distBytes(dir = 'dist') {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (total, entry) =>
      total + (entry.isDirectory() ? distBytes(join(dir, entry.name)) : statSync(join(dir, entry.name)).size),
    0,
  );
}

export const megabytes = (bytes) => (bytes / 1e6).toFixed(2);

/** Writes the current size into docs/performance.md; returns it in MB. */
export function recordDistSize() {
  const size = megabytes(distBytes());
  const doc = readFileSync(DOC, 'utf8');
  if (!ROW.test(doc)) throw new Error(`${DOC} has no "| \`dist/\` | N.NN MB |" row to update`);
  writeFileSync(
    DOC,
    doc.replace(ROW, (row, old) => row.replace(`${old} MB`, `${size} MB`)),
  );
  return size;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`dist/: ${recordDistSize()} MB, written to ${DOC}`);
}
