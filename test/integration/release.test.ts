import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// scripts/release.mjs (this working tree's) run in a clone of this repository, with a bare
// repository as its origin: what `npm run release -- X.Y.Z --push` does to a real checkout.
const ROOT = process.cwd();
let work: string;
let repo: string;
let origin: string;

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
const release = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'scripts/release.mjs'), ...args], { cwd: repo, encoding: 'utf8' });
const commitAll = (message: string) => {
  git(repo, 'add', '--all');
  git(repo, 'commit', '--quiet', '--message', message);
};
const tagged = (cwd: string, tag: string) => git(cwd, 'rev-parse', `${tag}^{commit}`);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'cdg-release-'));
  repo = join(work, 'repo');
  origin = join(work, 'origin.git');
  git(work, 'init', '--quiet', '--bare', origin);
  git(work, 'clone', '--quiet', ROOT, repo);
  // A history of one commit, whatever this checkout's is (CI's is shallow, which cannot be pushed),
  // on a branch named main whatever the clone's own branch is called.
  git(repo, 'checkout', '--quiet', '--orphan', 'release-test');
  git(repo, 'remote', 'set-url', 'origin', origin);
  git(repo, 'config', 'user.email', 'release-test@example.com');
  git(repo, 'config', 'user.name', 'release test');
  symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'));
  appendFileSync(join(repo, '.git/info/exclude'), 'node_modules\n');
  // Whatever state this commit's dist/ is in, the clone starts from a fresh one, as main is.
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: 'ignore' });
  commitAll('the sources, and dist/ built from them');
  git(repo, 'branch', '--quiet', '--move', '--force', 'main');
  git(repo, 'push', '--quiet', 'origin', 'main');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run release', () => {
  it('refuses a stale dist/, and tags nothing', () => {
    const plan = join(repo, 'src/commands/plan.ts');
    writeFileSync(plan, readFileSync(plan, 'utf8').replace('`skip: ${', '`skipped: ${'));
    commitAll('a change without npm run build');
    const result = release('1.0.0');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('release refused: dist and src/config/config-schema.js do not match');
    expect(git(repo, 'tag', '--list')).toBe('');
    git(repo, 'reset', '--quiet', '--hard', 'HEAD~1');
    git(repo, 'clean', '--quiet', '--force', '-d');
  });

  it('tags vX.Y.Z, points vX at it and pushes both, with the version in package.json', () => {
    const result = release('1.0.0', '--push');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const head = git(repo, 'rev-parse', 'HEAD');
    expect(git(repo, 'log', '-1', '--format=%s')).toBe('Release v1.0.0');
    expect(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version).toBe('1.0.0');
    for (const cwd of [repo, origin]) {
      expect(tagged(cwd, 'v1.0.0')).toBe(head);
      expect(tagged(cwd, 'v1')).toBe(head);
    }
    expect(git(origin, 'rev-parse', 'main')).toBe(head);
  });

  it('moves the major tag to the next release and leaves the earlier one where it was', () => {
    const first = tagged(repo, 'v1.0.0');
    appendFileSync(join(repo, 'README.md'), '\nA documentation fix.\n');
    commitAll('A documentation fix');
    expect(release('1.0.1', '--push').status).toBe(0);
    const head = git(repo, 'rev-parse', 'HEAD');
    expect(tagged(origin, 'v1')).toBe(head);
    expect(tagged(origin, 'v1.0.1')).toBe(head);
    expect(tagged(origin, 'v1.0.0')).toBe(first);
  });

  it.each([
    [['1.0.1'], 'v1.0.1 exists already'],
    [['1.0.2-beta'], 'usage: npm run release -- X.Y.Z [--push]'],
    [['1.0.2', '--force'], 'usage: npm run release -- X.Y.Z [--push]'],
  ])('release %j is refused: %s', (args, message) => {
    const result = release(...args);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(message);
  });

  it('refuses a version older than its major tag, a dirty tree and another branch', () => {
    git(repo, 'tag', '--delete', 'v1.0.0');
    expect(release('1.0.0').stderr).toContain('v1.0.0 is older than v1.0.1, which v1 points to');
    appendFileSync(join(repo, 'README.md'), 'uncommitted\n');
    expect(release('1.0.2').stderr).toContain('the working tree has uncommitted changes');
    git(repo, 'checkout', '--quiet', '--', 'README.md');
    git(repo, 'checkout', '--quiet', '-b', 'feature/x');
    expect(release('1.0.2').stderr).toContain('releases are cut from main, not from "feature/x"');
  });
});
