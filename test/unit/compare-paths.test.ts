import { describe, expect, it } from 'vitest';
import { comparePaths } from '../../src/bundle/walk.js';

/** Characters from every range where UTF-16 and UTF-8 orders could disagree, and the separator. */
const ALPHABET = ['/', '-', 'a', 'Z', 'é', '\u07ff', '\u0800', '\ud7ff', '\ue000', 'ａ', '\uffff', '😀', '𝄞'];

describe('comparePaths', () => {
  it('orders like the UTF-8 bytes, prefixes first', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const paths = Array.from({ length: 400 }, () =>
      Array.from(
        { length: 1 + Math.floor(random() * 4) },
        () => ALPHABET[Math.floor(random() * ALPHABET.length)],
      ).join(''),
    );
    const byBytes = [...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const ours = paths.map((path) => ({ path })).sort(comparePaths);
    expect(ours.map((entry) => entry.path)).toEqual(byBytes);
  });
});
