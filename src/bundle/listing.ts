import type { Logger } from '../core/log.js';
import { type Problem, problem } from '../core/problems.js';
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
}

/** A listing of more entries than this is refused: each costs memory, and no revision needs so many. */
export const MAX_ENTRIES = 1_000_000;

export interface CheckedListing {
  /** Sorted by path, as a walk's; folders the headers only imply are there too. */
  entries: BundleEntry[];
  /** Which header holds each file's bytes (its index): a hard link's are its target's. */
  dataOf: Map<string, number>;
  problems: Problem[];
}

/**
 * Checks the headers: every name must be a relative path that stays inside the archive, made of names
 * the walk accepts; no entry may lie below a symlink (unpacking it would write where the link leads);
 * symlinks stay inside; special files are refused. A name given twice keeps its last entry, as unzip
 * and tar overwrite. `display` names the archive in messages; `fix` says how to get rid of an entry
 * where the archive comes from ("rebuild build/app.zip without it").
 */
export function checkListing(
  headers: Iterable<HeaderEntry>,
  display: string,
  log: Logger,
  fix: string,
  maxEntries = MAX_ENTRIES,
): CheckedListing {
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
    const named = entryPath(header);
    if ('why' in named) {
      problems.push(problem(named.why, at, named.hint ?? fix));
      continue;
    }
    const { path } = named;
    if (path === '') continue;
    const mode = header.mode & 0o777;
    if (header.type === 'other') {
      problems.push(problem(`${header.kind ?? 'special file'} "${path}" cannot be deployed`, at, fix));
      continue;
    }
    if (header.type === 'hardlink') {
      const target = entryPath({ ...header, name: header.linkTarget });
      const file = 'path' in target ? byPath.get(target.path) : undefined;
      if (file?.type !== 'file') {
        problems.push(
          problem(
            `"${path}" is a hard link to "${header.linkTarget}", which is no file the archive holds before it`,
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
    byPath.set(path, {
      path,
      type: header.type,
      mode,
      size: header.type === 'file' ? header.size : 0,
      ...(header.type === 'symlink' ? { linkTarget: header.linkTarget ?? '' } : {}),
    });
    if (header.type === 'file') dataOf.set(path, index);
  }
  problems.push(...folderProblems(byPath, display, fix));
  const entries = [...byPath.values()].sort(comparePaths);
  const where = (path: string) => (display === '.' ? path : `${display}/${path}`);
  problems.push(...checkSymlinks(entries, where, log, `or ${fix}`));
  return { entries, dataOf, problems };
}

/** The entry's path in the bundle (no `./`, no trailing `/`), or why it has none there. */
function entryPath(
  header: Pick<HeaderEntry, 'name' | 'raw'>,
): { path: string } | { why: string; hint?: string } {
  const { name } = header;
  const shown = name ?? header.raw?.toString('hex');
  if (name === undefined) return { why: `an entry's name is not valid UTF-8 (bytes ${shown})` };
  if (name.startsWith('/'))
    return {
      why: `entry "${name}" has an absolute name: unzip and tar strip the "/" and unpack it inside the revision, not where it says`,
      hint: 'build the archive from inside the folder to deploy (cd build && zip -r ../app.zip .)',
    };
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
  return { path: parts.join('/') };
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
