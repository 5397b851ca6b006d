import { chmod, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { base32, digestTree } from '../../src/bundle/digest.js';
import { walkSource } from '../../src/bundle/walk.js';
import type { BundleType } from '../../src/config/types.js';
import { MemoryLogger } from '../../src/core/log.js';
import { tempDir, writeTree } from '../helpers/tree.js';

let ws: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ path: ws, cleanup } = await tempDir());
  await writeTree(ws, {
    'a.txt': 'alpha',
    'bin/run.sh': { content: '#!/bin/sh\n', mode: 0o755 },
    l: { symlink: 'a.txt' },
  });
});
afterEach(() => cleanup());

const digest = async (type: BundleType = 'zip') =>
  (
    await digestTree(
      await walkSource({ workspace: ws, source: '.', exclude: [], log: new MemoryLogger() }),
      type,
    )
  ).digest;

describe('digestTree', () => {
  it('is 32 base32 characters, stable across runs and mtime changes', async () => {
    const first = await digest();
    expect(first).toMatch(/^[a-z2-7]{32}$/);
    await utimes(join(ws, 'a.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(await digest()).toBe(first);
  });

  it('changes with content, mode, link target, names and bundle type', async () => {
    const seen = new Set([await digest()]);
    const changes: Array<() => Promise<unknown>> = [
      () => writeFile(join(ws, 'a.txt'), 'alphA'),
      () => chmod(join(ws, 'a.txt'), 0o600),
      async () => {
        await unlink(join(ws, 'l'));
        await symlink('bin/run.sh', join(ws, 'l'));
      },
      () => writeFile(join(ws, 'new-empty'), ''),
    ];
    for (const change of changes) {
      await change();
      seen.add(await digest());
    }
    seen.add(await digest('tgz'));
    expect(seen.size).toBe(changes.length + 2);
  });
});

describe('base32', () => {
  it('encodes RFC 4648 test vectors (lowercase, unpadded)', () => {
    expect(base32(Buffer.from('foobar'))).toBe('mzxw6ytboi');
    expect(base32(Buffer.from('f'))).toBe('my');
  });
});
