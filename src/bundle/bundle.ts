import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BundleType, RevisionSettings } from '../config/types.js';
import { formatBytes } from '../core/format.js';
import type { Logger } from '../core/log.js';
import { createArchive } from './archive.js';
import { digestTree, type TreeDigest } from './digest.js';
import { type Tree, walkSource } from './walk.js';
import { FilePool } from './workers.js';

export interface InspectOptions {
  workspace: string;
  revision: Pick<RevisionSettings, 'source' | 'exclude' | 'bundleType'>;
  log: Logger;
  /** Worker threads for the digest, kept for the archive: starting them again costs ~50 ms. */
  pool?: FilePool;
}

export interface InspectedBundle {
  tree: Tree;
  digest: TreeDigest;
  bundleType: BundleType;
}

/** Walk and digest: everything needed to name the bundle before building it. */
export async function inspectBundle({
  workspace,
  revision,
  log,
  pool,
}: InspectOptions): Promise<InspectedBundle> {
  const started = Date.now();
  const tree = await walkSource({ workspace, source: revision.source, exclude: revision.exclude, log });
  const digest = await digestTree(tree, revision.bundleType, pool);
  log.info(
    `bundle ${tree.prefix || './'}: ${digest.files} files, ${formatBytes(digest.bytes)}, digest ${digest.digest} ` +
      `(${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return { tree, digest, bundleType: revision.bundleType };
}

export interface BundleFileResult {
  digest: string;
  bundleType: BundleType;
  /** Archive size. */
  bytes: number;
  files: number;
}

/** Builds the archive into a local file (the CLI's `bundle` command); written aside, then renamed. */
export async function writeBundleToFile(
  options: InspectOptions & { out: string },
): Promise<BundleFileResult> {
  // Started before the walk, the workers are ready when the digest needs them.
  const pool = new FilePool();
  try {
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
    const { tree, digest, bundleType } = await inspectBundle({
      ...options,
      revision: { ...options.revision, exclude },
      pool,
    });
    let bytes = 0;
    const archive = createArchive(tree, bundleType, { fileHashes: digest.fileHashes, pool });
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
    return { digest: digest.digest, bundleType, bytes, files: digest.files };
  } finally {
    await pool.close();
  }
}
