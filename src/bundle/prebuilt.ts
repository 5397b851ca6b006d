import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { ArchiveContent, BundleType } from '../config/types.js';
import { formatBytes } from '../core/format.js';
import type { Logger } from '../core/log.js';
import { errorMessage, problem, throwIfErrors, UserError } from '../core/problems.js';
import type { DigestedRevision, PreparedRevision } from '../deploy/ports.js';
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
import { checkListing } from './listing.js';
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

/**
 * Lists the archive and checks its entries (UserError listing all that cannot be deployed safely);
 * warns about secret-looking files. `display` names it in messages, `fix` says how to change it.
 */
export async function listArchive(
  source: ArchiveSource,
  options: { display: string; fix: string; log: Logger; allowSecretFiles?: string[]; cancel?: AbortSignal },
): Promise<ListedArchive> {
  const { display, log } = options;
  const reader = await openReader(source, options);
  try {
    const checked = checkListing(reader.headers, display, log, options.fix);
    throwIfErrors(capped(checked.problems));
    const where = (path: string) => (display === '.' ? path : `${display}/${path}`);
    warnAboutSecrets(
      checked.entries,
      where,
      { log, ...(options.allowSecretFiles ? { allowSecretFiles: options.allowSecretFiles } : {}) },
      `if they are not meant for the servers, ${options.fix}`,
    );
    const byPath = new Map(checked.entries.map((entry) => [entry.path, entry]));
    const read: ReadText = async (path, file) => {
      // The appspec may be a symlink to a file of the archive: its bytes are the target's.
      const end = resolveInBundle([], path, byPath);
      const entry = end.kind === 'inside' ? byPath.get(end.path) : undefined;
      const index = entry && checked.dataOf.get(entry.path);
      if (entry === undefined || index === undefined)
        return cannotRead(file, 'cannot read the appspec: not a file');
      if (entry.size > APPSPEC_MAX_BYTES) return { problem: appSpecTooLarge(file, entry.size) };
      let bytes: Buffer;
      try {
        bytes = await reader.read(index, APPSPEC_MAX_BYTES + 1);
      } catch (error) {
        return cannotRead(file, `cannot read the appspec from ${display}: ${errorMessage(error)}`);
      }
      if (bytes.length > APPSPEC_MAX_BYTES) return { problem: appSpecTooLarge(file, bytes.length) };
      return appSpecText(bytes, file);
    };
    return { entries: checked.entries, tree: walkedTree(checked), read, close: () => reader.close() };
  } catch (error) {
    reader.close();
    throw error;
  }
}

async function openReader(
  source: ArchiveSource,
  options: { display: string; cancel?: AbortSignal },
): Promise<ArchiveReader> {
  const keep = {
    wanted: (h: { name?: string }) => APPSPEC_NAME.test(h.name ?? ''),
    limit: APPSPEC_MAX_BYTES + 1,
    budget: KEEP_BUDGET,
  };
  const cancel = options.cancel ? { cancel: options.cancel } : {};
  try {
    if ('open' in source) return await readTar({ open: source.open, keep, ...cancel });
    const { file, bundleType } = source;
    if (bundleType === 'zip') return await readZip(file);
    const open =
      bundleType === 'tgz' ? () => createReadStream(file).pipe(createGunzip()) : () => createReadStream(file);
    return await readTar({ open, keep, ...cancel });
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
 * agent would fail on; warnings logged), digested (its bytes' sha256) after preflight, and uploaded
 * as it is, each byte checked against the digest on the way.
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
  let digested: Promise<DigestedRevision> | undefined;
  return {
    bundleType,
    digest: () => {
      digested ??= digestArchive(path, content.archive, listing, log, cancel);
      return digested;
    },
    close: async () => listing.close(),
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
): Promise<DigestedRevision> {
  const started = performance.now();
  const hash = createHash('sha256');
  let bytes = 0;
  await pipeline(
    createReadStream(file),
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        hash.update(chunk);
        bytes += chunk.length;
      }
    },
    ...(cancel ? [{ signal: cancel }] : []),
  );
  const sha256 = hash.digest();
  const digest = base32(sha256.subarray(0, 20));
  const files = listing.entries.filter((entry) => entry.type === 'file').length;
  log.info(
    `archive ${display}: ${files} files, ${formatBytes(bytes)}, digest ${digest} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  return {
    digest,
    files,
    bytes,
    entries: listing.entries.length,
    made: 'file',
    archive: (onRead) => {
      const check = verifiedBytes(sha256, bytes, display, onRead);
      const stream = createReadStream(file);
      stream.on('error', (error) => check.destroy(error));
      return stream.pipe(check);
    },
  };
}

/**
 * Passes the archive's bytes on, and fails before their end when they are not the digested ones: an
 * archive rewritten since (a step still writing it) would be stored under a key naming other content.
 */
function verifiedBytes(
  sha256: Buffer,
  size: number,
  display: string,
  onRead?: (bytes: number) => void,
): Transform {
  const hash = createHash('sha256');
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      seen += chunk.length;
      onRead?.(chunk.length);
      callback(null, chunk);
    },
    flush(callback) {
      if (seen === size && hash.digest().equals(sha256)) return callback();
      callback(
        new UserError(
          problem(
            `${display} changed while it was being uploaded (${seen === size ? 'other bytes' : `${seen} bytes instead of ${size}`})`,
            { file: display },
            'make sure no other step writes the archive while the action runs',
          ),
        ),
      );
    },
  });
}
