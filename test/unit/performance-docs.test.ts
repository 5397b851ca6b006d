import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC, distBytes, ROW } from '../../bench/dist-size.mjs';

// docs/performance.md's size of dist/ is written by the bench (bench/dist-size.mjs); a rebuild that
// moves it by more than 0.05 MB makes the document wrong until the bench runs again.
describe('docs/performance.md', () => {
  it('states the size of dist/ within 0.05 MB (run `npm run bench:size` when this fails)', () => {
    const stated = Number(ROW.exec(readFileSync(DOC, 'utf8'))?.[1]);
    expect(Math.abs(stated - distBytes() / 1e6)).toBeLessThan(0.05);
  });

  it('dist/ stays within its 2.5 MB budget', () => {
    expect(distBytes()).toBeLessThanOrEqual(2.5e6);
  });
});
