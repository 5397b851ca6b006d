import { createHash, randomBytes } from 'node:crypto';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entropy, fileWork } from '../../src/bundle/file-worker.js';
import type { WorkerSettings } from '../../src/bundle/workers.js';
import { tempDir } from '../helpers/tree.js';

// The worker thread's operations, run in this thread: what FilePool's workers do to each file.

const settings: WorkerSettings = {
  level: 1,
  chunkSize: 4096,
  sampleSize: 8192,
  minSample: 4096,
  entropyLimit: 7.9,
};
const work = fileWork(settings);
const text = Buffer.from('the same line, again and again\n'.repeat(2000));
const noise = randomBytes(64 * 1024);

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ path: dir, cleanup } = await tempDir());
  await writeFile(join(dir, 'text'), text);
  await writeFile(join(dir, 'noise'), noise);
});
afterAll(() => cleanup());

describe('the file worker', () => {
  it('measures entropy: 0 bits for one repeated byte, close to 8 for random bytes', () => {
    expect(entropy(Buffer.alloc(1000, 7))).toBe(0);
    expect(entropy(noise)).toBeGreaterThan(7.9);
  });

  it('hashes files of any size in chunks into the shared table', () => {
    const hashes = new SharedArrayBuffer(64);
    const results = work({
      op: 'hash',
      files: [
        [0, join(dir, 'text'), text.length],
        [1, join(dir, 'noise'), noise.length],
      ],
      hashes,
    });
    expect(results).toEqual([{}, {}]);
    expect(Buffer.from(hashes, 0, 32)).toEqual(createHash('sha256').update(text).digest());
    expect(Buffer.from(hashes, 32, 32)).toEqual(createHash('sha256').update(noise).digest());
  });

  it('deflates what shrinks, stores what does not, and gives each its CRC-32', () => {
    const slots = new SharedArrayBuffer(text.length + noise.length);
    const [deflated, stored] = work({
      op: 'pack',
      files: [
        [0, join(dir, 'text'), text.length, true],
        [1, join(dir, 'noise'), noise.length, true],
      ],
      slots,
      offset: 0,
      compress: true,
    });
    expect(deflated).toMatchObject({ method: 8, crc: crc32(text) });
    expect(inflateRawSync(Buffer.from(slots, 0, deflated!.length))).toEqual(text);
    expect(stored).toMatchObject({ method: 0, length: noise.length, crc: crc32(noise) });
    expect(Buffer.from(slots, deflated!.length, noise.length)).toEqual(noise);
  });

  it('says which files changed since the walk or the digest, and which cannot be read', async () => {
    const hashes = new SharedArrayBuffer(32);
    createHash('sha256').update('other').digest().copy(Buffer.from(hashes));
    const slots = new SharedArrayBuffer(text.length);
    const [differs] = work({
      op: 'pack',
      files: [[0, join(dir, 'text'), text.length]],
      slots,
      offset: 0,
      compress: false,
      hashes,
    });
    expect(differs).toEqual({ changed: 'its content differs from when the digest was computed' });
    await appendFile(join(dir, 'noise'), 'more');
    const [grew, missing] = work({
      op: 'probe',
      files: [
        [0, join(dir, 'noise'), noise.length],
        [1, join(dir, 'gone'), 10],
      ],
    });
    expect(grew).toEqual({ changed: 'it grew' });
    expect(missing?.error?.code).toBe('ENOENT');
  });
});
