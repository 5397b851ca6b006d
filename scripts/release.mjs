// Cuts a release from main: `npm run release -- 1.2.0 [--push]` (docs/development.md).
// Refuses a dirty tree, another branch, an existing or lower version and a stale dist/; then sets
// package.json's version, commits, tags v1.2.0 and moves the major tag v1 to it, so that both
// `uses: …@v1.2.0` and `uses: …@v1` resolve. With --push it pushes main and both tags to origin.
import { execFileSync } from 'node:child_process';

const [version, ...flags] = process.argv.slice(2);
const push = flags.includes('--push');

const run = (command, args, options = {}) =>
  String(
    execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...options }) ?? '',
  ).trim();
const git = (...args) => run('git', args);

function refuse(message) {
  console.error(`release refused: ${message}`);
  process.exit(1);
}

const semver = (text) => /^(\d+)\.(\d+)\.(\d+)$/.exec(text)?.slice(1).map(Number);
const compare = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

const parts = semver(version ?? '');
if (!parts || flags.some((flag) => flag !== '--push')) {
  refuse('usage: npm run release -- X.Y.Z [--push]');
}
const tag = `v${version}`;
const major = `v${parts[0]}`;

if (git('status', '--porcelain')) refuse('the working tree has uncommitted changes; commit or stash them');
const branch = git('rev-parse', '--abbrev-ref', 'HEAD');
if (branch !== 'main') refuse(`releases are cut from main, not from "${branch}"`);
if (git('tag', '--list', tag)) refuse(`${tag} exists already`);
// The major tag only moves forward: a fix for an older major (v1 after v2) is fine, v1.2.0 after v1.3.0 is not.
const [latest] = git('tag', '--list', `${major}.*.*`)
  .split('\n')
  .map((name) => semver(name.slice(1)))
  .filter(Boolean)
  .sort((a, b) => compare(b, a));
if (latest && compare(parts, latest) < 0)
  refuse(`${tag} is older than v${latest.join('.')}, which ${major} points to`);

// What GitHub runs is the committed dist/: it must be what the sources build to.
run('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
try {
  run(process.execPath, ['scripts/check-dist.mjs'], { stdio: ['ignore', 'ignore', 'pipe'] });
} catch (error) {
  refuse(`${String(error.stderr).trim()}\n(the rebuilt files are left in the working tree)`);
}

run('npm', ['version', version, '--no-git-tag-version', '--allow-same-version'], { stdio: 'ignore' });
if (git('status', '--porcelain')) {
  git('commit', '--quiet', '--all', '--message', `Release ${tag}`);
}
git('tag', '--annotate', tag, '--message', tag);
git('tag', '--force', '--annotate', major, '--message', `${major}: ${tag}`);
console.log(`tagged ${tag} and moved ${major} to ${git('rev-parse', '--short', 'HEAD')}`);

if (push) {
  git('push', '--quiet', 'origin', 'main', `refs/tags/${tag}`);
  git('push', '--quiet', '--force', 'origin', `refs/tags/${major}`);
  console.log(`pushed main, ${tag} and ${major} to origin`);
} else {
  console.log(`publish: git push origin main ${tag} && git push --force origin ${major}`);
}
