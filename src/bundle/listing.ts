import { posix } from 'node:path';
import type { Logger } from '../core/log.js';
import { type Problem, problem, warning } from '../core/problems.js';
import { topFolderToStrip } from './appspec/find.js';
import { type BundleEntry, checkName, checkSymlinks, comparePaths, type EntryType } from './walk.js';

/**
 * The entries of an archive that was not built from a walk (a pre-built archive, `git archive` of a
 * commit), as its headers name them, checked with the walk's rules before the appspec checks see
 * them: what the agent would unpack outside the revision's folder, skip, or fail on is refused.
 * Pure: the readers (archive-readers.ts) give the headers.
 */

/** An entry as the archive's header says, before any check. */
export interface HeaderEntry {
  /** The name as written; undefined when its bytes are not UTF-8 (`raw` holds them then, for the message). */
  name: string | undefined;
  raw?: Buffer;
  /** `hardlink`: tar's link to an earlier member; `other`: `kind` says what (a fifo, a device...). */
  type: EntryType | 'hardlink' | 'other';
  kind?: string;
  /** Unix permission bits. */
  mode: number;
  size: number;
  /** A symlink's target, or the member a hard link names. */
  linkTarget?: string;
  /** A link's target when its bytes are not UTF-8 (linkTarget is undefined then). */
  linkRaw?: Buffer;
  /** A zip entry's compression method. */
  method?: number;
  /** Why the reader cannot give this entry's bytes (a method it cannot inflate, a sparse file). */
  unreadable?: string;
}

/**
 * Compression methods the agent's unzip unpacks (Info-ZIP UnZip 6.0: stored, shrink, implode, deflate,
 * deflate64, bzip2; `unzip -v` lists USE_UNSHRINK, USE_DEFLATE64, USE_BZIP2, and reduce is left out,
 * COPYRIGHT_CLEAN). command_executor.rb unpack_bundle falls back to rubyzip when unzip fails, which
 * reads stored and deflate only: an entry of any other method fails the deployment at DownloadBundle.
 */
export const UNZIP_METHODS: ReadonlyMap<number, string> = new Map([
  [0, 'stored'],
  [1, 'shrink'],
  [6, 'implode'],
  [8, 'deflate'],
  [9, 'deflate64'],
  [12, 'bzip2'],
]);
const OTHER_METHODS = new Map([
  [2, 'reduce'],
  [3, 'reduce'],
  [4, 'reduce'],
  [5, 'reduce'],
  [14, 'LZMA'],
  [19, 'IBM LZ77'],
  [93, 'zstd'],
  [95, 'xz'],
  [96, 'JPEG'],
  [97, 'WavPack'],
  [98, 'PPMd'],
  [99, 'AES'],
]);

/** A zip compression method as messages name it: "14 (LZMA)". */
export function methodName(method: number): string {
  const name = UNZIP_METHODS.get(method) ?? OTHER_METHODS.get(method);
  return name ? `${method} (${name})` : `${method}`;
}

/** How to get an entry of a method the agent (or this check) cannot read out of an archive. */
export const RECOMPRESS = 'recompress it with deflate (zip -r app.zip . does; in 7-Zip, -mm=Deflate)';

/** A listing of more entries than this is refused: each costs memory, and no revision needs so many. */
export const MAX_ENTRIES = 1_000_000;

export interface CheckedListing {
  /** Sorted by path, as a walk's; folders the headers only imply are there too. */
  entries: BundleEntry[];
  /**
   * The archive's only top folder, which the agent strips (command_executor.rb unpack_bundle: the
   * only entry at the root is a folder holding something named like an appspec); undefined if none.
   */
  stripped?: string;
  /** The entries as the agent leaves them: `entries`, or what the stripped folder holds, from its root. */
  view: BundleEntry[];
  /** Which header holds each file's bytes (its index): a hard link's are its target's. */
  dataOf: Map<string, number>;
  problems: Problem[];
}

export interface ListingOptions {
  /** More entries than this are refused (the readers stop at the first past it). */
  maxEntries?: number;
  /** Whose unpacking the rules follow: unzip's (the default) or GNU tar's. */
  format?: 'zip' | 'tar';
  /** Whether the agent strips an only top folder (an S3 revision); a GitHub revision's root is the repository's. */
  strip?: boolean;
}

/**
 * Checks the headers: every name must be a relative path that stays inside the archive, made of names
 * the walk accepts; no entry may lie below a symlink (unpacking it would write where the link leads);
 * symlinks stay inside, judged where the agent leaves them (after it strips an only top folder);
 * special files and zip entries compressed with a method the agent cannot unpack are refused. A name
 * given twice keeps its last entry, as unzip -o and tar overwrite, when neither is a folder; an entry
 * that turns a folder into something else, or something else into a folder, is refused. `display`
 * names the archive in messages; `fix` says how to get rid of an entry where the archive comes from
 * ("rebuild build/app.zip without it").
 */
export function checkListing(
  headers: Iterable<HeaderEntry>,
  display: string,
  log: Logger,
  fix: string,
  options: ListingOptions = {},
): CheckedListing {
  const { maxEntries = MAX_ENTRIES, format = 'zip', strip = true } = options;
  const at = { file: display };
  const problems: Problem[] = [];
  const byPath = new Map<string, BundleEntry>();
  const dataOf = new Map<string, number>();
  let index = -1;
  for (const header of headers) {
    if (++index >= maxEntries) {
      problems.push(
        problem(`${display} has more than ${maxEntries} entries`, at, 'deploy fewer files in one revision'),
      );
      break;
    }
    const named = entryPath(header, format);
    if ('why' in named) {
      problems.push(problem(named.why, at, named.hint ?? fix));
      continue;
    }
    const { path } = named;
    if (named.warn) log.warn(warning(named.warn, at, named.hint));
    if (path === '') continue;
    const mode = header.mode & 0o777;
    if (header.type === 'other') {
      problems.push(problem(`${header.kind ?? 'special file'} "${path}" cannot be deployed`, at, fix));
      continue;
    }
    if (header.method !== undefined && !UNZIP_METHODS.has(header.method)) {
      problems.push(
        problem(
          `entry "${path}" is compressed with method ${methodName(header.method)}, which neither the agent's unzip nor the rubyzip it falls back on can unpack: the deployment fails at DownloadBundle`,
          at,
          RECOMPRESS,
        ),
      );
      continue;
    }
    const earlier = byPath.get(path);
    const type = header.type === 'hardlink' ? 'file' : header.type;
    if (earlier && earlier.type !== type && (earlier.type === 'dir' || type === 'dir')) {
      problems.push(
        problem(
          `entry "${path}" is given twice, as a ${TYPE_NAMES[earlier.type]} then as a ${TYPE_NAMES[type]}: ${format === 'zip' ? 'unzip cannot replace one by the other (it exits 2, or 50), and the deployment fails at DownloadBundle' : 'GNU tar cannot replace a folder holding files, nor a symlink to a folder, by the other (it exits 2), and the deployment fails at DownloadBundle'}`,
          at,
          `keep one of the two, ${fix}`,
        ),
      );
      // The entries after it are judged against this one, the last.
    }
    if (header.type === 'hardlink') {
      const target = entryPath({ ...header, name: header.linkTarget, raw: header.linkRaw }, format);
      const file = 'path' in target ? byPath.get(target.path) : undefined;
      if (file?.type !== 'file') {
        problems.push(
          problem(
            `"${path}" is a hard link to "${header.linkTarget ?? `bytes ${header.linkRaw?.toString('hex')}`}", which is no file the archive holds before it`,
            at,
            `make the archive with the file itself (tar --hard-dereference), or ${fix}`,
          ),
        );
        continue;
      }
      byPath.set(path, { path, type: 'file', mode, size: file.size });
      dataOf.set(path, dataOf.get(file.path)!);
      continue;
    }
    if (header.type === 'symlink' && header.linkTarget === undefined) {
      problems.push(
        problem(
          header.linkRaw
            ? `symlink "${path}" has a target that is not valid UTF-8 (bytes ${header.linkRaw.toString('hex')})`
            : `symlink "${path}": where it leads cannot be checked, ${header.unreadable ?? 'its target cannot be read'}`,
          at,
          header.linkRaw ? fix : `${RECOMPRESS}, or ${fix}`,
        ),
      );
      continue;
    }
    byPath.set(path, {
      path,
      type: header.type,
      mode,
      size: header.type === 'file' ? header.size : 0,
      ...(header.type === 'symlink' ? { linkTarget: header.linkTarget ?? '' } : {}),
    });
    if (header.type === 'file') dataOf.set(path, index);
    else dataOf.delete(path);
  }
  problems.push(...folderProblems(byPath, display, fix));
  const entries = [...byPath.values()].sort(comparePaths);
  const where = (path: string) => (display === '.' ? path : `${display}/${path}`);
  const stripped = strip ? topFolder(entries) : undefined;
  // command_executor.rb unpack_bundle moves the only top folder to the revision's root: links are
  // followed from there, and one that climbs out of that folder leaves the revision.
  const prefix = stripped === undefined ? '' : `${stripped}/`;
  const view = strippedView(entries, stripped);
  problems.push(...checkSymlinks(view, (path) => where(`${prefix}${path}`), log, `or ${fix}`));
  return { entries, view, dataOf, problems, ...(stripped === undefined ? {} : { stripped }) };
}

/** The entries as the agent leaves them once it stripped the folder `stripped` (all of them if none). */
function strippedView(entries: BundleEntry[], stripped: string | undefined): BundleEntry[] {
  if (stripped === undefined) return entries;
  const prefix = `${stripped}/`;
  return entries
    .filter((entry) => entry.path.startsWith(prefix))
    .map((entry) => ({ ...entry, path: entry.path.slice(prefix.length) }));
}

const TYPE_NAMES: Record<BundleEntry['type'], string> = { file: 'file', dir: 'folder', symlink: 'symlink' };

/** The folder the agent strips, by the rule the appspec checks and the local agent follow (find.ts). */
function topFolder(entries: BundleEntry[]): string | undefined {
  const types = new Map(entries.map((entry) => [entry.path, entry.type]));
  const namesIn = (folder: string) =>
    entries.flatMap((entry) => (posix.dirname(entry.path) === folder ? [posix.basename(entry.path)] : []));
  return topFolderToStrip(namesIn('.'), (name) => types.get(name) === 'dir', namesIn);
}

/** The entry's path in the bundle (no `./`, no trailing `/`), or why it has none there. */
function entryPath(
  header: Pick<HeaderEntry, 'name' | 'raw'>,
  format: 'zip' | 'tar',
): { path: string; warn?: string; hint?: string } | { why: string; hint?: string } {
  const { name } = header;
  const shown = name ?? header.raw?.toString('hex');
  if (name === undefined) return { why: `an entry's name is not valid UTF-8 (bytes ${shown})` };
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..'))
    return {
      why: `entry "${name}" climbs out of the archive with "..": unpacking it would write outside the revision's folder (tar refuses it, unzip drops the "..")`,
      hint: 'build the archive from inside the folder to deploy, with relative names',
    };
  for (const part of parts) {
    const why = checkName(part);
    if (why) return { why: `entry "${name}": ${why}` };
  }
  const path = parts.join('/');
  if (!name.startsWith('/')) return { path };
  const hint = 'build the archive from inside the folder to deploy (cd build && zip -r ../app.zip .)';
  // GNU tar (`tar -xpsf`, linux_util.rb extract_tar) strips the leading "/" and exits 0: the agent
  // unpacks the entry inside the revision. unzip warns (exit 1) and the agent falls back on rubyzip.
  if (format === 'tar')
    return {
      path,
      warn: `entry "${name}" has an absolute name: GNU tar strips the leading "/", so the instance gets it at ${path} inside the revision, not at ${name}`,
      hint: `to install it at ${name}, list it in the appspec's files section; build the archive with relative names (tar -C build -cf app.tar .)`,
    };
  return {
    why: `entry "${name}" has an absolute name: unzip and tar strip the "/" and unpack it inside the revision, not where it says`,
    hint,
  };
}

/**
 * Adds the folders the headers only imply (zip tools often list files alone), and refuses an entry
 * below a symlink or a file: unpacking it would write through the link, or fail.
 */
function folderProblems(byPath: Map<string, BundleEntry>, display: string, fix: string): Problem[] {
  const problems: Problem[] = [];
  for (const entry of [...byPath.values()]) {
    const parts = entry.path.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const folder = parts.slice(0, depth).join('/');
      const there = byPath.get(folder);
      if (!there) {
        byPath.set(folder, { path: folder, type: 'dir', mode: 0o755, size: 0 });
        continue;
      }
      if (there.type === 'dir') continue;
      problems.push(
        problem(
          `entry "${entry.path}" lies below "${folder}", which is a ${there.type === 'symlink' ? 'symlink: unpacking it would write where the link leads' : 'file'}`,
          { file: display },
          fix,
        ),
      );
      byPath.delete(entry.path);
      break;
    }
  }
  return problems;
}
