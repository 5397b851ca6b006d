import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayPath, sandboxPath } from '../../src/local/agent/sandbox.js';

let root: string;
let outside: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cdg-sandbox-'));
  outside = await mkdtemp(join(tmpdir(), 'cdg-outside-'));
  await mkdir(join(root, 'var'), { recursive: true });
  await symlink(outside, join(root, 'var', 'link'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('instance sandbox', () => {
  it('maps absolute paths under the instance root', async () => {
    expect(await sandboxPath(root, '/var/www/app', 'destination')).toBe(join(root, 'var/www/app'));
    expect(await sandboxPath(root, '/var/www/../app/', 'destination')).toBe(join(root, 'var/app'));
    expect(displayPath(root, join(root, 'var/www/app'))).toBe('/var/www/app');
  });

  it('refuses relative paths, climbing above / and symbolic links that lead out', async () => {
    await expect(sandboxPath(root, 'var/www', 'destination')).rejects.toThrow('must be an absolute path');
    await expect(sandboxPath(root, '/var/../../etc', 'destination')).rejects.toThrow('climbs above /');
    await expect(sandboxPath(root, '/var/link/app', 'destination')).rejects.toThrow(
      'through a symbolic link',
    );
  });
});
