import { createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BundleType, FolderContent } from '../config/types.js';
import { formatBytes } from '../core/format.js';
import type { Logger } from '../core/log.js';
import type { Problem } from '../core/problems.js';
import type {
  ArchivedRevision,
  DigestedRevision,
  PreparedRevision,
  RevisionSource,
} from '../deploy/ports.js';
import { loadAppSpecFromTree } from './appspec-fs.js';
import { createArchive } from './archive.js';
import { checkCommit } from './commit.js';
import { digestTree, type TreeDigest } from './digest.js';
import { preparePrebuilt } from './prebuilt.js';
import { type Tree, walkSource } from './walk.js';
import { FilePool } from './workers.js';

/** A folder to archive, and how. */
export type BundleSettings = Omit<FolderContent, 'kind'> & { bundleType: BundleType };

/**
 * The workspace as the deployment flow's revision source. An S3 revision is a folder, walked
 * (excludes applied) and its appspec checked against exactly what the archive will hold, or the
 * build's archive, listed and checked (prebuilt.ts); a GitHub revision is the checked-out commit
 * (commit.ts). A cancel stops the walk, the listing and the digest.
 */
export function workspaceRevisions(workspace: string, log: Logger, cancel?: AbortSignal): RevisionSource {
  return {
    async prepare(settings) {
      const { content, bundleType } = settings;
      if (content.kind === 'archive') return preparePrebuilt(workspace, content, bundleType, log, cancel);
      // A broken appspec only fails on the instances, minutes later: refuse it before anything leaves the machine.
      return prepareBundle(workspace, { ...content, bundleType }, log, cancel, async (tree) => {
        const { problems } = await loadAppSpecFromTree(tree, displayRootOf(workspace, content.source));
        return problems;
      });
    },
    checkCommit: (settings, revision) => checkCommit(workspace, settings, revision, log, cancel),
  };
}

/** The source folder named as in the repository (app/appspec.yml), so annotations land on the file. */
export function displayRootOf(workspace: string, source: string): string {
  return relative(workspace, resolve(workspace, source)).split(sep).join('/') || '.';
}

/**
 * Walks the source folder (excludes applied). The worker threads start before the walk, so they are
 * ready when the digest needs them, and serve the archive too: starting them again costs ~50 ms.
 */
export async function prepareBundle(
  workspace: string,
  settings: BundleSettings,
  log: Logger,
  cancel?: AbortSignal,
  inspect?: (tree: Tree) => Promise<Problem[]>,
): Promise<PreparedRevision & { tree: Tree; digest(): Promise<ArchivedRevision> }> {
  const pool = new FilePool();
  const started = performance.now();
  let tree: Tree;
  try {
    tree = await walkSource({
      workspace,
      source: settings.source,
      exclude: settings.exclude,
      ...(settings.allowSecretFiles ? { allowSecretFiles: settings.allowSecretFiles } : {}),
      log,
      cancel,
      inspect,
    });
  } catch (error) {
    await pool.close();
    throw error;
  }
  const walkMs = performance.now() - started;
  const { bundleType } = settings;
  let digested: Promise<ArchivedRevision> | undefined;
  return {
    bundleType,
    tree,
    digest: () => {
      digested ??= (async () => {
        const files = tree.entries.filter((entry) => entry.type === 'file');
        const bytes = files.reduce((sum, entry) => sum + entry.size, 0);
        log.info(`bundle ${tree.prefix || './'}: digesting ${files.length} files (${formatBytes(bytes)})`);
        const digestStarted = performance.now();
        const digest = await digestTree(tree, bundleType, pool, cancel);
        const seconds = (walkMs + performance.now() - digestStarted) / 1000;
        log.info(
          `bundle ${tree.prefix || './'}: ${digest.files} files, ${formatBytes(digest.bytes)}, digest ${digest.digest} ` +
            `(${seconds.toFixed(1)} s)`,
        );
        return digestedRevision(tree, bundleType, digest, pool);
      })();
      return digested;
    },
    close: () => pool.close(),
  };
}

function digestedRevision(
  tree: Tree,
  bundleType: BundleType,
  digest: TreeDigest,
  pool: FilePool,
): ArchivedRevision {
  return {
    digest: digest.digest,
    files: digest.files,
    bytes: digest.bytes,
    entries: tree.entries.length,
    made: 'archived',
    archive: (onFileDone?: (bytes: number) => void): Readable =>
      createArchive(tree, bundleType, {
        fileHashes: digest.fileHashes,
        pool,
        ...(onFileDone ? { onFileDone: (entry) => onFileDone(entry.size) } : {}),
      }),
  };
}

/** The archive's bytes into a file: the folder's archive as it is made, the build's archive part by part. */
async function writeArchive(digested: DigestedRevision, path: string): Promise<void> {
  if (digested.made === 'archived') {
    await pipeline(digested.archive(), createWriteStream(path));
    return;
  }
  const handle = await open(path, 'w');
  try {
    for await (const part of digested.parts(CHUNK, 1)) {
      await handle.write(part.bytes);
      part.release();
    }
  } finally {
    await handle.close();
  }
}
const CHUNK = 1024 * 1024;

export interface BundleFileResult {
  digest: string;
  bundleType: BundleType;
  /** Archive size. */
  bytes: number;
  files: number;
}

/** Builds the archive into a local file (the CLI's `bundle` command); written aside, then renamed. */
export async function writeBundleToFile(options: {
  workspace: string;
  revision: BundleSettings;
  out: string;
  log: Logger;
}): Promise<BundleFileResult> {
  // An archive written inside the folder it archives must not end up in the next one.
  const inside = relative(resolve(options.workspace, options.revision.source), resolve(options.out));
  const exclude =
    inside && !inside.startsWith('..') && !isAbsolute(inside)
      ? [
          ...options.revision.exclude,
          `/${inside.split(sep).join('/')}`,
          `/${inside.split(sep).join('/')}.partial`,
        ]
      : options.revision.exclude;
  return writeRevision(
    await prepareBundle(options.workspace, { ...options.revision, exclude }, options.log),
    options.out,
  );
}

/**
 * The revision's archive, digested, written to `out` (aside, then renamed) unless `out` is omitted:
 * the exact bytes the action uploads.
 */
export async function writeRevision(prepared: PreparedRevision, out?: string): Promise<BundleFileResult> {
  try {
    const digested = await prepared.digest();
    const result = { digest: digested.digest, bundleType: prepared.bundleType, files: digested.files };
    if (out === undefined) return { ...result, bytes: digested.bytes };
    const partial = `${out}.partial`;
    try {
      await writeArchive(digested, partial);
      await rename(partial, out);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    const { size: bytes } = await stat(out);
    return { ...result, bytes };
  } finally {
    await prepared.close();
  }
}
