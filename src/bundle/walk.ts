import type { Dirent, Stats } from 'node:fs';
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { lstat, readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import ignore, { type Ignore } from 'ignore';
import { throwIfCancelled } from '../core/cancel.js';
import type { Logger } from '../core/log.js';
import { type Problem, problem, throwIfErrors, UserError, warning } from '../core/problems.js';

export type EntryType = 'file' | 'dir' | 'symlink';

/** One thing the archive holds. Paths are posix, relative to the source root, never with `./` or `..`. */
export interface BundleEntry {
  path: string;
  type: EntryType;
  /** Unix permission bits (0o777); setuid, setgid and sticky bits are dropped on purpose. */
  mode: number;
  /** Bytes of a file; 0 for directories and symlinks. */
  size: number;
  linkTarget?: string;
}

export interface WalkOptions {
  /** Absolute workspace path; error locations are relative to it. */
  workspace: string;
  /** `revision.source`, relative to the workspace. */
  source: string;
  /** `revision.exclude`: gitignore patterns relative to the source root. */
  exclude: readonly string[];
  /** `revision.allowSecretFiles`: secret-looking files meant for the servers, not warned about. */
  allowSecretFiles?: readonly string[];
  log: Logger;
  /** Stops the walk between folders (a cancelled workflow). */
  cancel?: AbortSignal;
  /**
   * The caller's own checks of the walked tree (the appspec's). They run even when a link leaves the
   * bundle, so one refusal names both the link and the appspec line that relies on it.
   */
  inspect?: (tree: Tree) => Promise<Problem[]>;
}

/** What to archive: the walked source folder. */
export interface Tree {
  /** Absolute, symlink-resolved source root. */
  root: string;
  /** The source folder relative to the workspace ('' or ending in '/'), to show paths as the user sees them. */
  prefix: string;
  /** Sorted by the UTF-8 bytes of `path`: a directory comes before everything below it. */
  entries: BundleEntry[];
}

export const IGNORE_FILE = '.codedeployignore';

/** Names that usually hold credentials; archiving them is warned about, not refused. */
const SECRET_PATTERNS = [
  '.env',
  '.env.*',
  '!.env.example',
  '!.env.sample',
  '!.env.template',
  '*.pem',
  '*.key',
  '*.p12',
  '*.pfx',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  '.netrc',
  '.pypirc',
  '.aws/credentials',
  '.npmrc',
  '.git-credentials',
  '.docker/config.json',
  '*.tfstate',
  '*.tfstate.backup',
  '.pgpass',
];

const MAX_LISTED = 20;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const lossy = new TextDecoder('utf-8');

/**
 * Lists what `revision.source` bundles: `.git` is always left out, then `revision.exclude` and the source
 * root's `.codedeployignore` (each with gitignore semantics, negations included) exclude what they match.
 * Throws one UserError listing every entry the archive cannot carry safely.
 */
export async function walkSource(options: WalkOptions): Promise<Tree> {
  const root = await sourceRoot(options.workspace, options.source);
  const rel = relative(resolve(options.workspace), resolve(options.workspace, options.source))
    .split(sep)
    .join('/');
  const prefix = rel ? `${rel}/` : '';
  // Two lists evaluated on their own: a `!pattern` in one cannot bring back what the other excludes.
  const lists = [options.exclude, (await readIgnoreFile(root)).split(/\r?\n/)]
    .map(matcher)
    .filter((list) => list !== undefined);
  const excluded = (path: string) => lists.some((list) => list.ignores(path));
  const where = (path: string) => `${prefix}${path}` || '.';

  const entries: BundleEntry[] = [];
  const problems: Problem[] = [];
  // Synchronous fs calls on purpose: on a 2-vCPU runner a libuv thread-pool round trip costs ~100 µs per
  // file, eight times the syscall itself (docs/performance.md); the walk yields to the event loop per folder.
  const visit = async (dir: string): Promise<void> => {
    let dirents: Dirent<Buffer>[];
    try {
      dirents = readdirSync(dir ? `${root}/${dir}` : root, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      problems.push(unreadable(where(dir), error));
      return;
    }
    const subdirs: string[] = [];
    for (const dirent of dirents) {
      const entry = visitEntry(dir, dirent);
      if (!entry) continue;
      entries.push(entry);
      if (entry.type === 'dir') subdirs.push(entry.path);
    }
    await nextTurn();
    throwIfCancelled(options.cancel);
    for (const subdir of subdirs) await visit(subdir);
  };
  const visitEntry = (dir: string, dirent: Dirent<Buffer>): BundleEntry | undefined => {
    const raw = dirent.name;
    const name = decodeName(raw);
    if (name === '.git') return undefined;
    const path = dir ? `${dir}/${name ?? lossy.decode(raw)}` : (name ?? lossy.decode(raw));
    if (excluded(dirent.isDirectory() ? `${path}/` : path)) return undefined;
    const nameProblem = checkName(name, raw);
    if (nameProblem) {
      problems.push(
        problem(
          nameProblem,
          { file: where(path) },
          'rename it, or exclude it in revision.exclude or .codedeployignore',
        ),
      );
      return undefined;
    }
    let stats: Stats;
    try {
      stats = lstatSync(`${root}/${path}`);
    } catch (error) {
      problems.push(unreadable(where(path), error));
      return undefined;
    }
    const mode = stats.mode & 0o777;
    if (stats.isDirectory()) return { path, type: 'dir', mode, size: 0 };
    if (stats.isFile()) return { path, type: 'file', mode, size: stats.size };
    if (stats.isSymbolicLink()) {
      const target = decodeName(readlinkSync(`${root}/${path}`, { encoding: 'buffer' }));
      if (target === undefined || /[\p{Cc}]/u.test(target)) {
        problems.push(
          problem(
            'symlink target is not plain UTF-8 text',
            { file: where(path) },
            'point it at a path with a UTF-8 name',
          ),
        );
        return undefined;
      }
      return { path, type: 'symlink', mode: 0o777, size: 0, linkTarget: target };
    }
    problems.push(
      problem(
        `${specialKind(stats)} cannot be archived`,
        { file: where(path) },
        'delete it from the workspace before bundling, or exclude it in revision.exclude or .codedeployignore',
      ),
    );
    return undefined;
  };
  await visit('');

  entries.sort(comparePaths);
  const tree = { root, prefix, entries };
  const linkProblems = checkSymlinks(entries, where, options.log, 'or exclude the link');
  // A refused name, an unreadable file or a socket leaves a gap the caller's checks would blame instead.
  const inspected = problems.length === 0 && options.inspect ? await options.inspect(tree) : [];
  for (const found of inspected.filter((p) => p.severity === 'warning')) options.log.warn(found);
  throwIfErrors(capped([...problems, ...inspected, ...linkProblems]));
  warnAboutSecrets(
    entries,
    where,
    options,
    'if they are not meant for the servers, add them to revision.exclude or .codedeployignore',
  );
  return tree;
}

/**
 * Orders paths by their UTF-8 bytes, which is code point order. JS string order (UTF-16 code units) agrees
 * except where a surrogate (half of a character above U+FFFF) meets U+E000..U+FFFF: those two ranges swap.
 * Compared in place: encoding both paths for each of the ~n log n comparisons cost more than the rest of
 * the sort.
 */
export function comparePaths(a: { path: string }, b: { path: string }): number {
  const x = a.path;
  const y = b.path;
  const length = Math.min(x.length, y.length);
  let i = 0;
  while (i < length && x.charCodeAt(i) === y.charCodeAt(i)) i++;
  if (i === length) return x.length - y.length;
  return codePointRank(x.charCodeAt(i)) - codePointRank(y.charCodeAt(i));
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

/**
 * The matcher of a list of gitignore lines, or undefined when it has no rule: `ignore` costs ~3 µs per
 * path even without rules (it checks every parent folder), a tenth of the whole walk.
 */
function matcher(lines: readonly string[]): Ignore | undefined {
  const rules = lines.filter((line) => line.trim() !== '' && !line.startsWith('#'));
  return rules.length > 0 ? ignore().add(rules) : undefined;
}

/**
 * Why a name cannot go into the bundle, or undefined when it can. `\` is a separator for the Windows agent
 * and for zip readers that normalise it; control characters break the agent's logs and shell hooks.
 */
export function checkName(name: string | undefined, raw?: Buffer): string | undefined {
  if (name === undefined) {
    const hex = raw ? ` (bytes ${raw.toString('hex')})` : '';
    return `file name is not valid UTF-8${hex}: zip and tar readers would mangle it`;
  }
  if (name === '' || name === '.' || name === '..') return `"${name}" is not a file name`;
  if (name.includes('/')) return 'file name contains "/"';
  if (name.includes('\\'))
    return 'file name contains "\\", which the CodeDeploy agent and zip tools treat as a separator';
  if (/[\p{Cc}]/u.test(name)) return 'file name contains a control character (newline, tab, escape…)';
  return undefined;
}

async function sourceRoot(workspace: string, source: string): Promise<string> {
  const wanted = resolve(workspace, source);
  let root: string;
  let top: string;
  try {
    [root, top] = await Promise.all([realpath(wanted), realpath(workspace)]);
  } catch {
    throw new UserError(
      problem(
        `revision.source "${source}" does not exist in the workspace ${workspace}`,
        undefined,
        'set revision.source to the folder to deploy, relative to the repository root',
      ),
    );
  }
  // A source inside the checkout that is (or lies under) a symlink must not bring files from outside
  // it. A folder named outside it on purpose (the CLI's --source) is the user's choice.
  if (isInside(resolve(workspace), wanted) && !isInside(top, root)) {
    throw new UserError(
      problem(
        `revision.source "${source}" leads outside the workspace (to ${root}), through a symlink`,
        undefined,
        'point revision.source at a real folder of the repository, not at a link out of it',
      ),
    );
  }
  const stats = await lstat(root);
  if (!stats.isDirectory()) {
    throw new UserError(
      problem(
        `revision.source "${source}" is not a directory`,
        undefined,
        'point revision.source at a folder',
      ),
    );
  }
  return root;
}

function isInside(folder: string, path: string): boolean {
  const rest = relative(folder, path);
  return !rest.startsWith('..') && !isAbsolute(rest);
}

async function readIgnoreFile(root: string): Promise<string> {
  try {
    return await readFile(join(root, IGNORE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new UserError(
      problem(`cannot read ${IGNORE_FILE}: ${(error as Error).message}`, { file: IGNORE_FILE }),
    );
  }
}

function decodeName(raw: Buffer): string | undefined {
  try {
    return utf8.decode(raw);
  } catch {
    return undefined;
  }
}

/** A file the walk or the archive could not read: why, and what to do. */
export function unreadable(path: string, error: unknown): Problem {
  const code = (error as NodeJS.ErrnoException).code;
  return problem(
    `cannot read (${code ?? (error as Error).message})`,
    { file: path },
    code === 'EACCES' || code === 'EPERM'
      ? 'make it readable by the user running the action, or exclude it'
      : 'make sure nothing changes the workspace while it is bundled',
  );
}

function specialKind(stats: Stats): string {
  if (stats.isSocket()) return 'socket';
  if (stats.isFIFO()) return 'named pipe (fifo)';
  if (stats.isBlockDevice()) return 'block device';
  if (stats.isCharacterDevice()) return 'character device';
  return 'special file';
}

/**
 * Resolves each symlink inside the bundle the way the kernel will on the instance, following links to
 * links, and refuses those that leave the bundle: the agent would deploy a link into the host's files.
 * `orElse` ends the fix: what else can be done about such a link where the bundle comes from.
 */
export function checkSymlinks(
  entries: BundleEntry[],
  where: (path: string) => string,
  log: Logger,
  orElse: string,
): Problem[] {
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));
  const problems: Problem[] = [];
  for (const entry of entries) {
    if (entry.type !== 'symlink') continue;
    const result = resolveLink(entry, byPath);
    const target = entry.linkTarget;
    const at = { file: where(entry.path) };
    const hint = `use a relative link to a file inside the bundle, ${orElse}`;
    if (result === 'absolute')
      problems.push(problem(`symlink points to the absolute path "${target}"`, at, hint));
    else if (result === 'outside')
      problems.push(problem(`symlink "${target}" points outside the bundle`, at, hint));
    else if (result === 'loop') problems.push(problem(`symlink "${target}" loops`, at, hint));
    else if (result === 'missing') {
      log.warn(warning(`symlink "${target}" points to nothing in the bundle (missing or excluded)`, at));
    }
  }
  return problems;
}

type LinkResolution = 'inside' | 'absolute' | 'outside' | 'loop' | 'missing';

function resolveLink(link: BundleEntry, byPath: Map<string, BundleEntry>): LinkResolution {
  return resolveInBundle(link.path.split('/').slice(0, -1), link.linkTarget ?? '', byPath).kind;
}

/**
 * Where `path`, taken from the folder `from`, leads in the bundle, every symlink on the way followed
 * as the kernel will on the instance: the bundle path it ends at ('' is the root), or why it leads
 * nowhere inside.
 */
export function resolveInBundle(
  from: string[],
  path: string,
  byPath: Map<string, BundleEntry>,
): { kind: 'inside' | 'missing'; path: string } | { kind: 'absolute' | 'outside' | 'loop' } {
  const parts = [...from];
  const queue = path.split('/');
  if (path.startsWith('/')) return { kind: 'absolute' };
  let hops = 0;
  while (queue.length > 0) {
    const part = queue.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return { kind: 'outside' };
      parts.pop();
      continue;
    }
    parts.push(part);
    const entry = byPath.get(parts.join('/'));
    if (entry?.type !== 'symlink') continue;
    if (++hops > 40) return { kind: 'loop' };
    const next = entry.linkTarget ?? '';
    if (next.startsWith('/')) return { kind: 'absolute' };
    parts.pop();
    queue.unshift(...next.split('/'));
  }
  const end = parts.join('/');
  return { kind: end === '' || byPath.has(end) ? 'inside' : 'missing', path: end };
}

/**
 * What every path a secret pattern matches contains (lowercased: `ignore` matches case-insensitively).
 * Only paths holding one are given to `ignore`, which costs microseconds per path.
 */
const SECRET_HINTS = SECRET_PATTERNS.filter((pattern) => !pattern.startsWith('!')).map((pattern) =>
  pattern.replaceAll('*', ''),
);

/** Warns about secret-looking files; `leaveOut` says how to keep them out of where the bundle comes from. */
export function warnAboutSecrets(
  entries: BundleEntry[],
  where: (path: string) => string,
  options: Pick<WalkOptions, 'log' | 'allowSecretFiles'>,
  leaveOut: string,
): void {
  const secrets: Ignore = ignore().add(SECRET_PATTERNS);
  const allowed: Ignore = ignore().add([...(options.allowSecretFiles ?? [])]);
  const found = entries
    .filter((entry) => {
      if (entry.type !== 'file') return false;
      const path = entry.path.toLowerCase();
      return (
        SECRET_HINTS.some((hint) => path.includes(hint)) &&
        secrets.ignores(entry.path) &&
        !allowed.ignores(entry.path)
      );
    })
    .map((entry) => where(entry.path));
  if (found.length === 0) return;
  const listed =
    found.slice(0, MAX_LISTED).join(', ') +
    (found.length > MAX_LISTED ? `, and ${found.length - MAX_LISTED} more` : '');
  options.log.warn(
    warning(
      `the bundle will contain files that often hold secrets: ${listed}`,
      undefined,
      `${leaveOut}; if they are, list them in revision.allowSecretFiles`,
    ),
  );
}

/** At most MAX_LISTED problems, and a last one counting the rest. */
export function capped(problems: Problem[]): Problem[] {
  if (problems.length <= MAX_LISTED) return problems;
  return [
    ...problems.slice(0, MAX_LISTED),
    problem(`and ${problems.length - MAX_LISTED} more entries that cannot be archived`),
  ];
}
