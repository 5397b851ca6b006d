import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { ArchiveContent, BundleType } from '../config/types.js';
import { throwIfCancelled } from '../core/cancel.js';
import { formatBytes } from '../core/format.js';
import type { Logger } from '../core/log.js';
import { errorMessage, problem, throwIfErrors, UserError, warning } from '../core/problems.js';
import type { FilePart, FileRevision, PreparedRevision } from '../deploy/ports.js';
import { APPSPEC_MAX_BYTES, appSpecTooLarge, type BundleTree } from './appspec/index.js';
import {
  appSpecText,
  cannotRead,
  type LoadedAppSpec,
  loadAppSpecFromListing,
  type ReadText,
} from './appspec-fs.js';
import { type ArchiveReader, readTar, readZip, type TarOptions } from './archive-readers.js';
import { base32 } from './digest.js';
import { checkListing, type HeaderEntry, MAX_ENTRIES } from './listing.js';
import { type BundleEntry, capped, resolveInBundle, warnAboutSecrets } from './walk.js';
import { walkedTree } from './walked-tree.js';

/**
 * A revision the build made: an archive in the workspace, uploaded as it is. Its listing (a zip's
 * central directory, a tar's headers) is checked with the walk's rules and its appspec with the
 * agent's, read from the archive: nothing is unpacked. Its content address is its bytes' sha256.
 */

/** An archive's checked listing: its entries as the appspec checks see them, and their bytes on demand. */
export interface ListedArchive {
  entries: BundleEntry[];
  tree: BundleTree;
  read: ReadText;
  close(): void;
}

/** Where the listing comes from: an archive file, or a tar stream made anew for each pass (`git archive`). */
export type ArchiveSource =
  | { bundleType: BundleType; file: string }
  | { bundleType: 'tar'; open: TarOptions['open'] };

/** The appspec entries worth keeping from a tar's only pass: named like one, at the root or one folder down. */
const APPSPEC_NAME = /^(\.\/)?([^/]+\/)?appspec\.ya?ml$/i;
/** What a tar's pass keeps of them in all; past that (a hostile archive), the appspec is read in a second pass. */
const KEEP_BUDGET = 4 * APPSPEC_MAX_BYTES;

/** What listArchive is told: how to name the archive and fix its entries, and how the agent unpacks it. */
export interface ListOptions {
  display: string;
  fix: string;
  log: Logger;
  allowSecretFiles?: string[];
  cancel?: AbortSignal;
  /** Whether the agent strips an only top folder: an S3 revision's archive (default), not a GitHub revision. */
  strip?: boolean;
  /** More entries than this are refused; the readers stop reading there. */
  maxEntries?: number;
}

/**
 * Lists the archive and checks its entries (UserError listing all that cannot be deployed safely);
 * warns about secret-looking files. `display` names it in messages, `fix` says how to change it.
 */
export async function listArchive(source: ArchiveSource, options: ListOptions): Promise<ListedArchive> {
  const { display, log } = options;
  const maxEntries = options.maxEntries ?? MAX_ENTRIES;
  const reader = await openReader(source, { ...options, maxEntries });
  try {
    const checked = checkListing(reader.headers, display, log, options.fix, {
      maxEntries,
      format: source.bundleType === 'zip' ? 'zip' : 'tar',
      strip: options.strip ?? true,
    });
    throwIfErrors(capped(checked.problems));
    const where = (path: string) => (display === '.' ? path : `${display}/${path}`);
    warnAboutSecrets(
      checked.entries,
      where,
      { log, ...(options.allowSecretFiles ? { allowSecretFiles: options.allowSecretFiles } : {}) },
      `if they are not meant for the servers, ${options.fix}`,
    );
    // The agent's view: the only top folder it strips is the root links are followed from.
    const { stripped, view } = checked;
    const prefix = stripped === undefined ? '' : `${stripped}/`;
    const byPath = new Map(view.map((entry) => [entry.path, entry]));
    const read: ReadText = async (path, file) => {
      // The appspec may be a symlink to a file of the archive: its bytes are the target's.
      const end = resolveInBundle([], path.startsWith(prefix) ? path.slice(prefix.length) : path, byPath);
      const entry = end.kind === 'inside' ? byPath.get(end.path) : undefined;
      const index = entry && checked.dataOf.get(`${prefix}${entry.path}`);
      if (entry === undefined || index === undefined)
        return cannotRead(file, 'cannot read the appspec: not a file');
      if (entry.size > APPSPEC_MAX_BYTES) return { problem: appSpecTooLarge(file, entry.size) };
      const header = reader.headers[index];
      if (header?.unreadable !== undefined) {
        // The agent's unzip (or tar) reads it; this check cannot: said, not refused.
        return {
          problem: warning(
            `the appspec was not checked: ${header.unreadable} (the agent unpacks it; its hooks and files are not checked against the archive)`,
            { file },
            header.method === undefined
              ? 'make the archive without tar -S (--sparse) to have it checked'
              : 'recompress it with deflate (zip -r app.zip . does) to have it checked',
          ),
        };
      }
      let bytes: Buffer;
      try {
        bytes = await reader.read(index, APPSPEC_MAX_BYTES + 1);
      } catch (error) {
        return cannotRead(file, `cannot read the appspec from ${display}: ${errorMessage(error)}`);
      }
      if (bytes.length > APPSPEC_MAX_BYTES) return { problem: appSpecTooLarge(file, bytes.length) };
      return appSpecText(bytes, file);
    };
    const tree =
      stripped === undefined ? walkedTree(checked) : mounted(stripped, walkedTree({ entries: view }));
    return { entries: checked.entries, tree, read, close: () => reader.close() };
  } catch (error) {
    reader.close();
    throw error;
  }
}

/** `inner` seen as the only folder `top` of a bundle: the stripped tree, where findAppSpec strips it again. */
function mounted(top: string, inner: BundleTree): BundleTree {
  const prefix = `${top}/`;
  const within = (path: string) =>
    path === top ? '' : path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
  return {
    node(path) {
      if (path === '') return inner.node('');
      const rest = within(path);
      return rest === undefined ? undefined : inner.node(rest);
    },
    list(path) {
      if (path === '') return [top];
      const rest = within(path);
      return rest === undefined ? undefined : inner.list(rest);
    },
  };
}

/** The first bytes of a gzip stream (RFC 1952). */
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

async function startsWithGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer.equals(GZIP_MAGIC);
  } finally {
    await handle.close();
  }
}

async function openReader(
  source: ArchiveSource,
  options: { display: string; log?: Logger; cancel?: AbortSignal; maxEntries: number },
): Promise<ArchiveReader> {
  const wanted = (header: HeaderEntry) => header.type === 'file' && APPSPEC_NAME.test(header.name ?? '');
  const keep = { wanted, limit: APPSPEC_MAX_BYTES + 1, budget: KEEP_BUDGET };
  const { maxEntries } = options;
  const cancel = options.cancel ? { cancel: options.cancel } : {};
  try {
    if ('open' in source) return await readTar({ open: source.open, keep, maxEntries, ...cancel });
    const { file, bundleType } = source;
    if (bundleType === 'zip') return await readZip(file, wanted, maxEntries);
    let gzipped = bundleType === 'tgz';
    if (!gzipped && (await startsWithGzip(file))) {
      // linux_util.rb extract_tar runs `tar -xpsf`: GNU tar detects a gzipped file itself and unpacks it.
      gzipped = true;
      options.log?.warn(
        warning(
          `${options.display} is gzipped (a tgz) but deployed as a tar: the agent's GNU tar (tar -xpsf) detects the compression and unpacks it, so it is read as a tgz here; a tool that takes the bundle type at its word would not`,
          { file: options.display },
          'name it .tgz or .tar.gz, or set revision.bundleType to tgz',
        ),
      );
    }
    const open = gzipped ? () => createReadStream(file).pipe(createGunzip()) : () => createReadStream(file);
    return await readTar({ open, keep, maxEntries, ...cancel });
  } catch (error) {
    if (options.cancel?.aborted) throw error;
    throw new UserError(
      problem(
        `cannot be read as ${source.bundleType}: ${errorMessage(error)}`,
        { file: options.display },
        source.bundleType === 'zip'
          ? 'check that the build wrote a whole zip archive there, and that revision.bundleType says what it is'
          : 'check that the build wrote a whole archive of that format there, and that revision.bundleType says what it is',
      ),
    );
  }
}

/**
 * The build's archive, listed and checked, and its appspec checked as the agent reads it (problems
 * returned, not thrown: `validate` prints them all). Throws what makes the archive unusable: missing,
 * unreadable, entries that cannot be unpacked safely.
 */
export async function loadArchive(
  workspace: string,
  content: ArchiveContent,
  bundleType: BundleType,
  log: Logger,
  cancel?: AbortSignal,
): Promise<LoadedAppSpec & { listing: ListedArchive; path: string }> {
  const display = content.archive;
  const file = await archiveFile(workspace, display);
  const listing = await listArchive(
    { bundleType, file },
    {
      display,
      fix: `leave it out of ${display} where the build makes it`,
      log,
      ...(content.allowSecretFiles ? { allowSecretFiles: content.allowSecretFiles } : {}),
      ...(cancel ? { cancel } : {}),
    },
  );
  try {
    return { ...(await loadAppSpecFromListing(listing, display, 'archive')), listing, path: file };
  } catch (error) {
    listing.close();
    throw error;
  }
}

/**
 * The build's archive as the revision: listed and its appspec checked now (UserError on what the
 * agent would fail on; warnings logged), digested (its bytes' sha256) meanwhile, and uploaded as it
 * is, from the very version of the file that was digested.
 */
export async function preparePrebuilt(
  workspace: string,
  content: ArchiveContent,
  bundleType: BundleType,
  log: Logger,
  cancel?: AbortSignal,
): Promise<PreparedRevision> {
  const { listing, path, problems } = await loadArchive(workspace, content, bundleType, log, cancel);
  try {
    for (const warning of problems.filter((p) => p.severity === 'warning')) log.warn(warning);
    throwIfErrors(problems);
  } catch (error) {
    listing.close();
    throw error;
  }
  // Started now: the hash of the archive runs while the AWS SDK loads and preflight asks CodeDeploy.
  const digested = digestArchive(path, content.archive, listing, log, cancel);
  digested.catch(() => undefined);
  return {
    bundleType,
    digest: () => digested,
    close: async () => {
      await digested.catch(() => undefined);
      listing.close();
    },
  };
}

/** The archive's real path: a file inside the workspace (through symlinks too). */
async function archiveFile(workspace: string, archive: string): Promise<string> {
  const missing = (why: string) =>
    new UserError(
      problem(
        `revision.archive "${archive}" ${why}`,
        undefined,
        'build it in an earlier step of the job, or fix revision.archive (relative to the repository root)',
      ),
    );
  let file: string;
  let top: string;
  try {
    [file, top] = await Promise.all([realpath(resolve(workspace, archive)), realpath(workspace)]);
  } catch {
    throw missing(`does not exist in the workspace ${workspace}`);
  }
  const inside = relative(top, file);
  if (inside.startsWith('..') || isAbsolute(inside))
    throw missing(`leads outside the workspace (to ${file})`);
  if (!(await stat(file)).isFile()) throw missing('is not a file');
  return file;
}

/** The sha256 of the archive's bytes, as the content address; and a way to read them again, checked. */
async function digestArchive(
  file: string,
  display: string,
  listing: ListedArchive,
  log: Logger,
  cancel?: AbortSignal,
): Promise<FileRevision> {
  const started = performance.now();
  const hash = createHash('sha256');
  const handle = await open(file, 'r');
  let version: FileVersion;
  try {
    version = await versionOf(handle);
    // One buffer for the whole file: no garbage whatever its size.
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    for (let position = 0; ; ) {
      throwIfCancelled(cancel);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
    await unchanged(handle, version, display);
  } finally {
    await handle.close();
  }
  const digest = base32(hash.digest().subarray(0, 20));
  const files = listing.entries.filter((entry) => entry.type === 'file').length;
  const bytes = Number(version.size);
  log.info(
    `archive ${display}: ${files} files, ${formatBytes(bytes)}, digest ${digest} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  return {
    made: 'file',
    digest,
    files,
    bytes,
    entries: listing.entries.length,
    parts: (partSize, buffers) => readParts({ file, display, version }, partSize, buffers),
  };
}

/**
 * Which version of the file was digested: any write changes its change time (which a program cannot
 * set back), as a replacement changes its inode. The same version is the same bytes, without reading
 * them a second time for a hash.
 */
interface FileVersion {
  ino: bigint;
  size: bigint;
  ctimeNs: bigint;
  mtimeNs: bigint;
}

async function versionOf(handle: FileHandle): Promise<FileVersion> {
  const { ino, size, ctimeNs, mtimeNs } = await handle.stat({ bigint: true });
  return { ino, size, ctimeNs, mtimeNs };
}

/** Throws when the file is no longer the version that was digested. */
async function unchanged(handle: FileHandle, version: FileVersion, display: string): Promise<void> {
  const now = await versionOf(handle);
  const same = (Object.keys(version) as Array<keyof FileVersion>).every((key) => now[key] === version[key]);
  if (same) return;
  throw new UserError(
    problem(
      `${display} changed after its digest was computed (${now.size === version.size ? 'rewritten' : `${now.size} bytes instead of ${version.size}`})`,
      { file: display },
      'make sure no other step writes the archive while the action runs',
    ),
  );
}

/**
 * The archive's bytes in parts, read in order into reused buffers, from the version of the file that
 * was digested: one rewritten or replaced since (a step still writing it) fails, at the latest after
 * the last part, before the caller completes anything with them, as a key naming other content would
 * be reused by later runs.
 */
async function* readParts(
  archive: { file: string; display: string; version: FileVersion },
  partSize: number,
  buffers: number,
): AsyncGenerator<FilePart> {
  const { display, version } = archive;
  const size = Number(version.size);
  const free = Array.from({ length: buffers }, () => Buffer.allocUnsafe(partSize));
  const waiting: Array<() => void> = [];
  const handle = await open(archive.file, 'r');
  try {
    await unchanged(handle, version, display);
    for (let number = 1, position = 0; position < size; number++) {
      while (free.length === 0) await new Promise<void>((resolve) => waiting.push(resolve));
      const buffer = free.pop()!;
      const length = Math.min(partSize, size - position);
      for (let read = 0; read < length; ) {
        const { bytesRead } = await handle.read(buffer, read, length - read, position + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      position += length;
      let released = false;
      yield {
        number,
        bytes: buffer.subarray(0, length),
        release: () => {
          if (released) return;
          released = true;
          free.push(buffer);
          waiting.shift()?.();
        },
      };
    }
    await unchanged(handle, version, display);
  } finally {
    await handle.close();
  }
}
