import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayPath, instanceSandbox } from '../../src/local/agent/sandbox.js';

let root: string;
let outside: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cdg-sandbox-'));
  outside = await mkdtemp(join(tmpdir(), 'cdg-outside-'));
  await mkdir(join(root, 'var/www'), { recursive: true });
  await writeFile(join(root, 'var/www/index.html'), 'x');
  await symlink(outside, join(root, 'var/link'));
  await symlink(join(outside, 'not-yet'), join(root, 'var/dangling'));
  await symlink('www', join(root, 'var/site'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('instance sandbox', () => {
  it('maps the instance’s paths under its directory; relative ones from /, the agent’s working directory', () => {
    const sandbox = instanceSandbox(root);
    expect(sandbox.path('/var/www/app')).toBe(join(root, 'var/www/app'));
    expect(sandbox.path('/var/www/../app/')).toBe(join(root, 'var/app'));
    expect(sandbox.path('var/www')).toBe(join(root, 'var/www'));
    // "/.." is "/" on Linux: the path stays on the instance.
    expect(sandbox.path('/var/../../etc')).toBe(join(root, 'etc'));
    expect(displayPath(root, join(root, 'var/www/app'))).toBe('/var/www/app');
  });

  it('answers File.exist? and File.directory? as the agent asks them, links followed', () => {
    const sandbox = instanceSandbox(root);
    expect(sandbox.exists('/var/www/index.html')).toBe(true);
    expect(sandbox.isDirectory('/var/site')).toBe(true);
    expect(sandbox.isDirectory('/var/www/index.html')).toBe(false);
    expect(sandbox.exists('/var/nothing')).toBe(false);
  });

  it('refuses what a symbolic link leads out of the instance, dangling or not', () => {
    const sandbox = instanceSandbox(root);
    expect(() => sandbox.path('/var/link/app')).toThrow('leads outside the instance through a symbolic link');
    expect(() => sandbox.exists('/var/link')).toThrow('leads outside the instance');
    expect(() => sandbox.path('/var/dangling')).toThrow('leads outside the instance');
  });
});
