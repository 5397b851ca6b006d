import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BundleType, RevisionSettings } from '../config/types.js';
import { formatBytes } from '../core/format.js';
import type { Logger } from '../core/log.js';
import type { Problem } from '../core/problems.js';
import type { DigestedRevision, PreparedRevision, RevisionSource } from '../deploy/ports.js';
import { loadAppSpecFromTree } from './appspec-fs.js';
import { createArchive } from './archive.js';
import { digestTree, type TreeDigest } from './digest.js';
import { type Tree, walkSource } from './walk.js';
import { FilePool } from './workers.js';

type BundleSettings = Pick<RevisionSettings, 'source' | 'exclude' | 'bundleType' | 'allowSecretFiles'>;

/**
 * The workspace's files as the deployment flow's revision source: walked (excludes applied), and the
 * appspec checked against exactly what the archive will hold. A cancel stops the walk and the digest.
 */
export function workspaceRevisions(workspace: string, log: Logger, cancel?: AbortSignal): RevisionSource {
  return {
    // A broken appspec only fails on the instances, minutes later: refuse it before anything leaves the machine.
    prepare: (settings) =>
      prepareBundle(workspace, settings, log, cancel, async (tree) => {
        const { problems } = await loadAppSpecFromTree(tree, displayRootOf(workspace, settings.source));
        return problems;
      }),
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
): Promise<PreparedRevision & { tree: Tree }> {
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
  let digested: Promise<DigestedRevision> | undefined;
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
): DigestedRevision {
  return {
    digest: digest.digest,
    files: digest.files,
    bytes: digest.bytes,
    entries: tree.entries.length,
    archive: (onFileDone?: (bytes: number) => void): Readable =>
      createArchive(tree, bundleType, {
        fileHashes: digest.fileHashes,
        pool,
        ...(onFileDone ? { onFileDone: (entry) => onFileDone(entry.size) } : {}),
      }),
  };
}

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
  const partial = `${options.out}.partial`;
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
  const prepared = await prepareBundle(options.workspace, { ...options.revision, exclude }, options.log);
  try {
    const digested = await prepared.digest();
    let bytes = 0;
    const archive = digested.archive();
    archive.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    try {
      await pipeline(archive, createWriteStream(partial));
      await rename(partial, options.out);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return { digest: digested.digest, bundleType: prepared.bundleType, bytes, files: digested.files };
  } finally {
    await prepared.close();
  }
}
