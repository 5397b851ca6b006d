import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type TreeSpec = Record<
  string,
  string | Buffer | { content: string | Buffer; mode: number } | { symlink: string } | { dir: true }
>;

/** A fresh temporary folder, removed by the returned cleanup. */
export async function tempDir(prefix = 'cdg-'): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** Writes files, folders and symlinks under root, creating parent folders as needed. */
export async function writeTree(root: string, spec: TreeSpec): Promise<void> {
  for (const [path, value] of Object.entries(spec)) {
    const full = join(root, path);
    await mkdir(dirname(full), { recursive: true });
    if (typeof value === 'string' || Buffer.isBuffer(value)) await writeFile(full, value);
    else if ('symlink' in value) await symlink(value.symlink, full);
    else if ('dir' in value) await mkdir(full, { recursive: true });
    else await writeFile(full, value.content, { mode: value.mode });
  }
}

/** Resolves once `path` exists (a hook script's marker file); fails after 20 s. */
export async function waitForFile(path: string): Promise<void> {
  for (let i = 0; i < 1000; i += 1) {
    const found = await stat(path).then(
      () => true,
      () => false,
    );
    if (found) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${path} never appeared`);
}

/** Makes `dir` a git checkout of one commit holding all its files; returns that commit's sha. */
export function commitAll(dir: string): string {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], {
      cwd: dir,
      encoding: 'utf8',
      stdio: 'pipe',
    }).trim();
  git('init', '--quiet');
  git('add', '--all');
  git('-c', 'commit.gpgsign=false', 'commit', '--quiet', '--message', 'the workspace');
  return git('rev-parse', 'HEAD');
}
