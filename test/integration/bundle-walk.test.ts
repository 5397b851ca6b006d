import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { walkSource } from '../../src/bundle/walk.js';
import { MemoryLogger } from '../../src/core/log.js';
import { UserError } from '../../src/core/problems.js';
import { tempDir, writeTree } from '../helpers/tree.js';

let workspace: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ path: workspace, cleanup } = await tempDir());
});
afterEach(() => cleanup());

const walk = (exclude: string[] = [], source = '.', log = new MemoryLogger()) =>
  walkSource({ workspace, source, exclude, log });
const paths = async (exclude: string[] = [], source = '.') =>
  (await walk(exclude, source)).entries.map((e) => e.path);

async function refusal(exclude: string[] = []): Promise<string> {
  const error = await walk(exclude).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return (error as UserError).message;
}

describe('walkSource', () => {
  it('always leaves out .git (folders and submodule files) and applies exclude globs with gitignore semantics', async () => {
    await writeTree(workspace, {
      '.git/config': 'x',
      'sub/.git': 'gitdir: ../.git/modules/sub',
      'sub/keep.txt': 'k',
      'README.md': 'r',
      'docs/guide.txt': 'g',
      'src/deep/notes.md': 'n',
      'src/app.js': 'a',
    });
    expect(await paths(['**/*.md', 'docs/'])).toEqual([
      'src',
      'src/app.js',
      'src/deep',
      'sub',
      'sub/keep.txt',
    ]);
  });

  it('reads .codedeployignore at the source root, negations included', async () => {
    await writeTree(workspace, {
      'app/.codedeployignore': '*.log\n!keep.log\ntmp/\n',
      'app/a.log': 'x',
      'app/keep.log': 'x',
      'app/tmp/x': 'x',
      'app/index.html': 'x',
      'other.log': 'x',
    });
    const tree = await walk([], 'app');
    expect(tree.prefix).toBe('app/');
    expect(tree.entries.map((e) => e.path)).toEqual(['.codedeployignore', 'index.html', 'keep.log']);
  });

  it('sorts by UTF-8 bytes, not UTF-16 code units, and records types, modes and sizes', async () => {
    await writeTree(workspace, {
      a: '1',
      B: '22',
      é: '',
      ａ: '',
      '😀': '',
      'run.sh': { content: '#!/bin/sh\n', mode: 0o755 },
      'dir/link': { symlink: '../a' },
      empty: { dir: true },
    });
    const { entries } = await walk();
    expect(entries.map((e) => e.path)).toEqual([
      'B',
      'a',
      'dir',
      'dir/link',
      'empty',
      'run.sh',
      'é',
      'ａ',
      '😀',
    ]);
    expect(entries.find((e) => e.path === 'run.sh')).toMatchObject({ type: 'file', mode: 0o755, size: 10 });
    expect(entries.find((e) => e.path === 'B')).toMatchObject({ type: 'file', mode: 0o644, size: 2 });
    expect(entries.find((e) => e.path === 'dir/link')).toMatchObject({ type: 'symlink', linkTarget: '../a' });
    expect(entries.find((e) => e.path === 'empty')).toMatchObject({ type: 'dir' });
  });

  it('refuses symlinks that leave the bundle: absolute, ../ outside, through another link, loops', async () => {
    await writeTree(workspace, {
      abs: { symlink: '/etc/passwd' },
      up: { symlink: '../outside' },
      dot: { symlink: '.' },
      sneaky: { symlink: 'dot/..' },
      loop1: { symlink: 'loop2' },
      loop2: { symlink: 'loop1' },
      fine: { symlink: 'dir/file' },
      'dir/file': 'x',
    });
    const message = await refusal();
    expect(message).toContain('abs: symlink points to the absolute path "/etc/passwd"');
    expect(message).toContain('up: symlink "../outside" points outside the bundle');
    expect(message).toContain('sneaky: symlink "dot/.." points outside the bundle');
    expect(message).toContain('loop1: symlink "loop2" loops');
    expect(message).toContain('use a relative link to a file inside the bundle, or exclude the link');
    expect(message).not.toContain('fine');
    expect(await paths(['abs', 'up', 'sneaky', 'loop*'])).toEqual(['dir', 'dir/file', 'dot', 'fine']);
  });

  it('warns about a link to something missing from the bundle', async () => {
    await writeTree(workspace, { 'cfg/current': { symlink: '../releases/1' }, 'releases/1': 'x' });
    const log = new MemoryLogger();
    await walk(['releases/'], '.', log);
    expect(log.text()).toContain('symlink "../releases/1" points to nothing in the bundle');
  });

  it('refuses names the archive or the agent would mangle, unless they are excluded', async () => {
    writeFileSync(
      Buffer.concat([Buffer.from(`${workspace}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]),
      'x',
    );
    await writeTree(workspace, { 'new\nline': 'x', 'back\\slash': 'x', ok: 'x' });
    const message = await refusal();
    expect(message).toMatch(
      /bad-\uFFFD\uFFFD\.txt: file name is not valid UTF-8 \(bytes 6261642dfffe2e747874\)/,
    );
    expect(message).toContain('file name contains a control character');
    expect(message).toContain('back\\slash: file name contains "\\"');
    expect(message).toContain('rename it, or exclude it in revision.exclude or .codedeployignore');
    expect(await paths(['bad-*', 'new*', 'back*'])).toEqual(['ok']);
  });

  it('refuses special files such as a fifo, naming the path and the fix', async () => {
    await writeTree(workspace, { 'run/ok': 'x' });
    execFileSync('mkfifo', [join(workspace, 'run/app.fifo')]);
    expect(await refusal()).toContain(
      'run/app.fifo: named pipe (fifo) cannot be archived (delete it from the workspace before bundling, or exclude it',
    );
  });

  it('warns (does not fail) when secret-looking files are about to be archived', async () => {
    await writeTree(workspace, {
      '.env': 'A=1',
      '.env.production': 'B=2',
      '.env.example': 'A=',
      'keys/id_rsa': 'k',
      'tls/site.pem': 'p',
    });
    const log = new MemoryLogger();
    await walk([], '.', log);
    const warned = log.lines.filter((line) => line.level === 'warn');
    expect(warned).toHaveLength(1);
    expect(warned[0]!.text).toBe(
      'the bundle will contain files that often hold secrets: .env, .env.production, keys/id_rsa, tls/site.pem',
    );
    expect(warned[0]!.problem?.hint).toContain('add them to revision.exclude or .codedeployignore');
  });

  it('names credentials files of package managers, git, docker, Terraform and PostgreSQL too', async () => {
    const credentials = [
      '.npmrc',
      'web/.npmrc',
      '.git-credentials',
      '.docker/config.json',
      'infra/terraform.tfstate',
      'infra/terraform.tfstate.backup',
      '.pgpass',
    ];
    await writeTree(workspace, {
      ...Object.fromEntries(credentials.map((path) => [path, 'secret'])),
      'docker/config.json': '{}',
      'infra/main.tf': '',
    });
    const log = new MemoryLogger();
    await walk([], '.', log);
    const warned = log.lines.filter((line) => line.level === 'warn');
    expect(warned.map((line) => line.text)).toEqual([
      `the bundle will contain files that often hold secrets: ${[...credentials].sort().join(', ')}`,
    ]);
  });

  it('leaves out of the warning the files revision.allowSecretFiles lists, and says how', async () => {
    await writeTree(workspace, { '.env': 'A=1', 'tls/site.pem': 'p', 'tls/site.key': 'k' });
    const log = new MemoryLogger();
    await walkSource({ workspace, source: '.', exclude: [], allowSecretFiles: ['tls/*.pem'], log });
    const warned = log.lines.filter((line) => line.level === 'warn');
    expect(warned.map((line) => line.text)).toEqual([
      'the bundle will contain files that often hold secrets: .env, tls/site.key',
    ]);
    expect(warned[0]!.problem?.hint).toContain('if they are, list them in revision.allowSecretFiles');
    const silent = new MemoryLogger();
    await walkSource({
      workspace,
      source: '.',
      exclude: [],
      allowSecretFiles: ['.env', 'tls/'],
      log: silent,
    });
    expect(silent.lines.filter((line) => line.level === 'warn')).toEqual([]);
  });

  it('says which source folder is missing', async () => {
    await expect(walk([], 'build')).rejects.toThrow(
      'revision.source "build" does not exist in the workspace',
    );
  });
});
