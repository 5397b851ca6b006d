import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { base32 } from '../../src/bundle/digest.js';
import bundle from '../../src/commands/bundle.js';
import { UsageError } from '../../src/commands/command.js';
import { UserError } from '../../src/core/problems.js';
import { tempDir, writeTree } from '../helpers/tree.js';

let dir: string;
let cleanup: () => Promise<void>;
let stdout: string;
beforeEach(async () => {
  ({ path: dir, cleanup } = await tempDir());
  await writeTree(dir, {
    'app/appspec.yml': 'version: 0.0\n',
    'app/README.md': '# hi',
    'app/run.sh': { content: '#!/bin/sh\n', mode: 0o755 },
  });
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await cleanup();
});

describe('bundle command', () => {
  it('writes the archive and prints digest, bytes, files and bundle type as JSON', async () => {
    const out = join(dir, 'out.zip');
    expect(await bundle(['--source', join(dir, 'app'), '--out', out, '--json'])).toBe(0);
    const printed = JSON.parse(stdout);
    expect(Object.keys(printed)).toEqual(['digest', 'bytes', 'files', 'bundleType']);
    expect(printed).toMatchObject({ files: 3, bundleType: 'zip', bytes: (await stat(out)).size });
    expect(printed.digest).toMatch(/^[a-z2-7]{32}$/);
    expect(execFileSync('unzip', ['-Z1', out], { encoding: 'utf8' }).trim().split('\n')).toEqual([
      'README.md',
      'appspec.yml',
      'run.sh',
    ]);
  });

  it('leaves its own output out of the archive when it writes inside the source folder', async () => {
    const out = join(dir, 'app', 'revision.zip');
    expect(await bundle(['--source', join(dir, 'app'), '--out', out, '--json'])).toBe(0);
    const first = JSON.parse(stdout);
    stdout = '';
    expect(await bundle(['--source', join(dir, 'app'), '--out', out, '--json'])).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ digest: first.digest, files: 3 });
    expect(execFileSync('unzip', ['-Z1', out], { encoding: 'utf8' })).not.toContain('revision.zip');
  });

  it('reads source, exclude and bundleType from the config file; flags win', async () => {
    const config = join(dir, 'codedeploy.yml');
    await writeFile(
      config,
      "application: shop\nrevision:\n  bucket: shop-artifacts\n  source: app\n  exclude: ['*.md']\n  bundleType: tgz\n",
    );
    const out = join(dir, 'out.tgz');
    // revision.source is relative to the workspace, which is the working directory.
    const previous = process.cwd();
    process.chdir(dir);
    try {
      expect(await bundle(['--config', config, '--out', out, '--json'])).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ files: 2, bundleType: 'tgz' });
      stdout = '';
      expect(await bundle(['--config', config, '--bundle-type', 'tar', '--out', join(dir, 'out.tar')])).toBe(
        0,
      );
      expect(stdout).toMatch(/^wrote .*out\.tar: tar, 2 files, [\d.]+ KiB, digest [a-z2-7]{32}\n$/);
    } finally {
      process.chdir(previous);
    }
  });

  it('checks the archive revision.archive names and prints its digest; --out copies it', async () => {
    await writeFile(join(dir, 'app/appspec.yml'), 'version: 0.0\nos: linux\n');
    execFileSync('zip', ['-qry', '../app.zip', '.'], { cwd: join(dir, 'app') });
    const config = join(dir, 'codedeploy.yml');
    await writeFile(config, 'application: shop\nrevision:\n  bucket: shop-artifacts\n  archive: app.zip\n');
    const bytes = await readFile(join(dir, 'app.zip'));
    const previous = process.cwd();
    process.chdir(dir);
    try {
      expect(await bundle(['--config', config, '--json'])).toBe(0);
      expect(JSON.parse(stdout)).toEqual({
        digest: base32(createHash('sha256').update(bytes).digest().subarray(0, 20)),
        bytes: bytes.length,
        files: 3,
        bundleType: 'zip',
      });
      stdout = '';
      expect(await bundle(['--config', config, '--out', join(dir, 'copy.zip')])).toBe(0);
      expect(stdout).toMatch(/^app\.zip, copied to .*copy\.zip: zip, 3 files, \d+ B, digest [a-z2-7]{32}\n$/);
      expect((await readFile(join(dir, 'copy.zip'))).equals(bytes)).toBe(true);
      await expect(bundle(['--config', config, '--bundle-type', 'tar'])).rejects.toBeInstanceOf(UsageError);
    } finally {
      process.chdir(previous);
    }
  });

  it('reports bad usage as UsageError (exit 2) and a bad config or source as UserError (exit 1)', async () => {
    await expect(bundle(['--source', dir])).rejects.toThrow(new UsageError('--out FILE is required'));
    await expect(bundle(['--out', 'x', '--bundle-type', 'rar'])).rejects.toBeInstanceOf(UsageError);
    await expect(bundle(['--out', 'x', '--frobnicate'])).rejects.toBeInstanceOf(UsageError);
    await expect(
      bundle(['--source', join(dir, 'missing'), '--out', join(dir, 'x.zip')]),
    ).rejects.toBeInstanceOf(UserError);
    const config = join(dir, 'bad.yml');
    await writeFile(config, 'application: shop\nrevision:\n  bucket: shop-artifacts\n  bundleType: rar\n');
    await expect(bundle(['--config', config, '--out', join(dir, 'x.zip')])).rejects.toThrow(
      `${config}:4:15: revision › bundleType cannot be "rar"`,
    );
  });
});
