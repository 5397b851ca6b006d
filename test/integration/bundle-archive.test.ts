import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readFile, readlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArchive } from '../../src/bundle/archive.js';
import { digestTree } from '../../src/bundle/digest.js';
import { type Tree, walkSource } from '../../src/bundle/walk.js';
import type { Zip64Limits } from '../../src/bundle/zip.js';
import type { BundleType } from '../../src/config/types.js';
import { MemoryLogger } from '../../src/core/log.js';
import { UserError } from '../../src/core/problems.js';
import { tempDir, writeTree } from '../helpers/tree.js';

let dir: string;
let cleanup: () => Promise<void>;
const text = Buffer.from('const answer = compute(42); // the same line, again and again\n'.repeat(2000));
const random = randomBytes(64 * 1024);

beforeAll(async () => {
  ({ path: dir, cleanup } = await tempDir());
  await writeTree(join(dir, 'ws'), {
    'appspec.yml': 'version: 0.0\nos: linux\n',
    'scripts/start.sh': { content: '#!/bin/sh\necho started\n', mode: 0o755 },
    'scripts/private.sh': { content: '#!/bin/sh\n', mode: 0o700 },
    'empty.txt': '',
    'données/été.txt': 'accents',
    'a/b/c/deep.txt': 'deep',
    'a/link-to-deep': { symlink: 'b/c/deep.txt' },
    current: { symlink: 'a/b' },
    'var/empty-dir': { dir: true },
    'text.js': text,
    'image.png': random,
    blob: random,
    'big/large.log': Buffer.concat(Array.from({ length: 40 }, () => text)),
    'big/large.bin': randomBytes(3 * 1024 * 1024),
  });
});
afterAll(() => cleanup());

const walk = (): Promise<Tree> =>
  walkSource({ workspace: dir, source: 'ws', exclude: [], log: new MemoryLogger() });

async function build(type: BundleType, name: string, zip64Limits?: Zip64Limits): Promise<string> {
  const tree = await walk();
  const digest = await digestTree(tree, type);
  const out = join(dir, name);
  await pipeline(
    createArchive(tree, type, { fileHashes: digest.fileHashes, ...(zip64Limits ? { zip64Limits } : {}) }),
    createWriteStream(out),
  );
  return out;
}

async function extract(type: BundleType, archive: string, name: string): Promise<string> {
  const target = join(dir, name);
  await mkdir(target);
  // What the CodeDeploy agent runs: unzip -qo for zip, tar -xpsf for tar.
  if (type === 'zip') execFileSync('unzip', ['-qo', archive, '-d', target]);
  else execFileSync('tar', [type === 'tgz' ? '-xpzsf' : '-xpsf', archive, '-C', target]);
  return target;
}

async function expectSameTree(out: string) {
  const src = join(dir, 'ws');
  for (const file of [
    'appspec.yml',
    'empty.txt',
    'données/été.txt',
    'a/b/c/deep.txt',
    'text.js',
    'image.png',
    'blob',
    'big/large.log',
    'big/large.bin',
  ]) {
    expect((await readFile(join(out, file))).equals(await readFile(join(src, file))), file).toBe(true);
  }
  expect((await lstat(join(out, 'scripts/start.sh'))).mode & 0o777).toBe(0o755);
  expect((await lstat(join(out, 'scripts/private.sh'))).mode & 0o777).toBe(0o700);
  expect((await lstat(join(out, 'text.js'))).mode & 0o777).toBe(0o644);
  expect((await lstat(join(out, 'a/link-to-deep'))).isSymbolicLink()).toBe(true);
  expect(await readlink(join(out, 'a/link-to-deep'))).toBe('b/c/deep.txt');
  expect(await readlink(join(out, 'current'))).toBe('a/b');
  expect((await lstat(join(out, 'var/empty-dir'))).isDirectory()).toBe(true);
  expect((await lstat(join(out, 'empty.txt'))).size).toBe(0);
  expect((await lstat(join(out, 'text.js'))).mtime.getUTCFullYear()).toBeGreaterThanOrEqual(1999);
}

const sha = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe.each(['zip', 'tgz', 'tar'] as const)('%s archive', (type) => {
  it('round-trips through the extractor the agent uses: modes, symlinks, empty files and folders, unicode', async () => {
    const archive = await build(type, `round.${type}`);
    await expectSameTree(await extract(type, archive, `round-${type}`));
  });

  it('is byte-identical for the same tree, also after the mtimes changed', async () => {
    const first = await build(type, `first.${type}`);
    await utimes(join(dir, 'ws/text.js'), new Date(2020, 1, 2), new Date(2020, 1, 2));
    await utimes(join(dir, 'ws/a/b'), new Date(), new Date());
    const second = await build(type, `second.${type}`);
    expect(await sha(second)).toBe(await sha(first));
  });
});

/** zipinfo's short listing: one "mode version os size flags method date time name" line per entry. */
function zipListing(archive: string): Map<string, { method: string; mode: string }> {
  const lines = execFileSync('zipinfo', [archive], { encoding: 'utf8' }).split('\n');
  const entries = new Map<string, { method: string; mode: string }>();
  for (const line of lines) {
    const parts = line.trim().split(/\s+/);
    if (parts.length >= 9 && /^[-dl]/.test(parts[0]!))
      entries.set(parts.slice(8).join(' '), { mode: parts[0]!, method: parts[5]! });
  }
  return entries;
}

describe('zip specifics', () => {
  it('stores already-compressed and random data, deflates text, and marks entries as Unix', async () => {
    const listing = zipListing(await build('zip', 'methods.zip'));
    expect(listing.get('image.png')?.method).toBe('stor');
    expect(listing.get('blob')?.method).toBe('stor');
    expect(listing.get('big/large.bin')?.method).toBe('stor');
    expect(listing.get('text.js')?.method).toMatch(/^def/);
    expect(listing.get('big/large.log')?.method).toMatch(/^def/);
    expect(listing.get('current')?.mode).toBe('lrwxrwxrwx');
    expect(listing.get('scripts/start.sh')?.mode).toBe('-rwxr-xr-x');
    expect(listing.get('var/empty-dir/')?.mode).toMatch(/^drwx/);
  });

  it('writes valid ZIP64 records (forced for every entry and the end record) that unzip restores', async () => {
    const archive = await build('zip', 'forced64.zip', { size: 0, offset: 0, entries: 0 });
    const zipinfo = execFileSync('zipinfo', ['-v', archive], { encoding: 'utf8' });
    expect(zipinfo).toContain('PKWARE 64-bit sizes');
    const bytes = await readFile(archive);
    const eocd = bytes.length - 22;
    expect(bytes.readUInt32LE(eocd - 20 - 56)).toBe(0x06064b50);
    expect(bytes.readUInt32LE(eocd - 20)).toBe(0x07064b50);
    expect(bytes.readUInt16LE(eocd + 10)).toBe(0xffff);
    execFileSync('unzip', ['-tq', archive]);
    await expectSameTree(await extract('zip', archive, 'forced64'));
  });

  it('switches to the ZIP64 end record past 65,535 entries', async () => {
    const { path: empty, cleanup: done } = await tempDir();
    try {
      const count = 65_600;
      const entries = Array.from({ length: count }, (_, i) => ({
        path: `d${String(i).padStart(5, '0')}`,
        type: 'dir' as const,
        mode: 0o755,
        size: 0,
      }));
      const out = join(empty, 'many.zip');
      await pipeline(createArchive({ root: empty, prefix: '', entries }, 'zip'), createWriteStream(out));
      const summary = execFileSync('zipinfo', ['-t', out], { encoding: 'utf8' });
      expect(summary).toMatch(/^65600 files/);
      execFileSync('unzip', ['-tq', out]);
    } finally {
      await done();
    }
  });
});

describe('content checks', () => {
  it('fails the archive when a file changed after the digest (same size, other bytes)', async () => {
    const { path: ws, cleanup: done } = await tempDir();
    try {
      await writeTree(ws, { 'a.txt': 'original', 'big.bin': randomBytes(2 * 1024 * 1024) });
      const tree = await walkSource({ workspace: ws, source: '.', exclude: [], log: new MemoryLogger() });
      const digest = await digestTree(tree, 'zip');
      await writeFile(join(ws, 'a.txt'), 'modified');
      const failure = await pipeline(
        createArchive(tree, 'zip', { fileHashes: digest.fileHashes }),
        createWriteStream(join(ws, 'x.zip')),
      ).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(UserError);
      expect((failure as Error).message).toContain(
        'a.txt: changed while it was being bundled: its content differs',
      );
    } finally {
      await done();
    }
  });

  it('checks streamed large files too', async () => {
    const { path: ws, cleanup: done } = await tempDir();
    try {
      const big = Buffer.from('a line of text that deflates well\n'.repeat(100_000));
      await writeTree(ws, { 'big.log': big });
      const tree = await walkSource({ workspace: ws, source: '.', exclude: [], log: new MemoryLogger() });
      const digest = await digestTree(tree, 'zip');
      big[big.length - 2] = 0x41;
      await writeFile(join(ws, 'big.log'), big);
      const failure = await pipeline(
        createArchive(tree, 'zip', { fileHashes: digest.fileHashes }),
        createWriteStream(join(ws, 'x.zip')),
      ).catch((error: unknown) => error);
      expect((failure as Error).message).toContain(
        'big.log: changed while it was being bundled: its content differs',
      );
    } finally {
      await done();
    }
  });
});
