import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { problem, UserError } from '../core/problems.js';
import type { BundleEntry, Tree } from './walk.js';
import type { FileJob, FilePool, FileResult } from './workers.js';

/** Files up to this size are read whole by the worker pool, ahead of use; larger ones are streamed in chunks. */
export const WHOLE_FILE_LIMIT = 1024 * 1024;
export const CHUNK_SIZE = 1024 * 1024;

export interface Limits {
  /** Items being worked on at once. */
  concurrency: number;
  /** Bound on the summed cost (bytes held) of items started but not yet consumed. */
  budget: number;
  cost: (index: number) => number;
}

/**
 * Runs `work` on each item with bounded concurrency and memory, yielding the results in item order:
 * files are read and compressed ahead of the writer, which still emits entries in their sorted order.
 */
export async function* ordered<R>(
  count: number,
  work: (index: number) => Promise<R>,
  limits: Limits,
): AsyncGenerator<R> {
  const pending: Array<{ result: Promise<R>; cost: number }> = [];
  let next = 0;
  let held = 0;
  while (next < count || pending.length > 0) {
    while (next < count && pending.length < limits.concurrency) {
      const cost = limits.cost(next);
      if (pending.length > 0 && held + cost > limits.budget) break;
      const result = work(next);
      // Rejections are seen when the item's turn comes; until then they must not count as unhandled.
      result.catch(() => undefined);
      pending.push({ result, cost });
      held += cost;
      next += 1;
    }
    const head = pending.shift()!;
    const value = await head.result;
    held -= head.cost;
    yield value;
  }
}

/** Small files per worker message, and bytes: one message per file cost more than hashing it. */
const BATCH_FILES = 32;
const BATCH_BYTES = 1024 * 1024;

/**
 * Every entry in order, with the pool's result for small files (read ahead in batches, with bounded
 * concurrency and bytes held); large files and non-files come without a result.
 */
export async function* pooledEntries(
  tree: Tree,
  pool: FilePool,
  job: (entry: BundleEntry, path: string) => FileJob,
  limits: { concurrency: number; budget: number },
): AsyncGenerator<{ entry: BundleEntry; result?: FileResult }> {
  const { entries } = tree;
  const small = (entry: BundleEntry) => entry.type === 'file' && entry.size <= WHOLE_FILE_LIMIT;
  const batches: Array<{ start: number; end: number; bytes: number }> = [];
  let start = 0;
  let files = 0;
  let bytes = 0;
  entries.forEach((entry, index) => {
    if (small(entry)) {
      files += 1;
      bytes += entry.size;
    }
    if (files >= BATCH_FILES || bytes >= BATCH_BYTES || index === entries.length - 1) {
      batches.push({ start, end: index + 1, bytes });
      start = index + 1;
      files = 0;
      bytes = 0;
    }
  });
  const done = ordered(
    batches.length,
    async (index) => {
      const { start, end } = batches[index]!;
      const indices: number[] = [];
      for (let i = start; i < end; i++) if (small(entries[i]!)) indices.push(i);
      const results =
        indices.length > 0
          ? await pool.runBatch(indices.map((i) => job(entries[i]!, join(tree.root, entries[i]!.path))))
          : [];
      return new Map(indices.map((entryIndex, k) => [entryIndex, results[k]!]));
    },
    { ...limits, cost: (index) => batches[index]!.bytes },
  );
  let index = 0;
  for await (const results of done) {
    const { end } = batches[index++]!;
    for (let i = batches[index - 1]!.start; i < end; i++) {
      const result = results.get(i);
      yield result ? { entry: entries[i]!, result } : { entry: entries[i]! };
    }
  }
}

/** Streams a file in fresh chunks (consumers may keep them), checking its size as the walk saw it. */
export async function* readChunks(tree: Tree, entry: BundleEntry): AsyncGenerator<Buffer> {
  const handle = await openFile(tree, entry);
  try {
    let position = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK_SIZE);
      const { bytesRead } = await handle.read(chunk, 0, CHUNK_SIZE, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      if (position > entry.size) throw changed(tree, entry, 'it grew');
      yield bytesRead === CHUNK_SIZE ? chunk : chunk.subarray(0, bytesRead);
    }
    if (position !== entry.size) throw changed(tree, entry, `it shrank to ${position} bytes`);
  } finally {
    await handle.close();
  }
}

/**
 * Checks file bytes against the sha256 the digest computed: an archive whose content differs from its
 * content-addressed key would be reused by every later run with the original content.
 */
export class ContentCheck {
  private readonly hash = createHash('sha256');

  constructor(
    private readonly tree: Tree,
    private readonly entry: BundleEntry,
    private readonly expected: Buffer | undefined,
  ) {}

  update(chunk: Buffer): void {
    if (this.expected) this.hash.update(chunk);
  }

  /** Throws when the bytes seen differ from what the digest saw. */
  verify(): void {
    if (this.expected && !this.hash.digest().equals(this.expected)) {
      throw changed(this.tree, this.entry, 'its content differs from when the digest was computed');
    }
  }
}

/** Throws the UserError for a worker's result on a file that could not be read or changed under us. */
export function checkFileResult(
  tree: Tree,
  entry: BundleEntry,
  result: FileResult,
  expected?: Buffer,
): FileResult {
  if (result.error) throw cannotRead(tree, entry, result.error);
  if (result.changed) throw changed(tree, entry, result.changed);
  if (expected && result.sha256 && !result.sha256.equals(expected)) {
    throw changed(tree, entry, 'its content differs from when the digest was computed');
  }
  return result;
}

async function openFile(tree: Tree, entry: BundleEntry) {
  try {
    return await open(join(tree.root, entry.path), 'r');
  } catch (error) {
    throw cannotRead(tree, entry, error as NodeJS.ErrnoException);
  }
}

function cannotRead(tree: Tree, entry: BundleEntry, error: { code?: string; message: string }): UserError {
  const { code } = error;
  return new UserError(
    problem(
      `cannot read (${code ?? error.message})`,
      { file: `${tree.prefix}${entry.path}` },
      code === 'EACCES' || code === 'EPERM'
        ? 'make it readable by the user running the action, or exclude it'
        : 'make sure nothing changes the workspace while it is bundled',
    ),
  );
}

function changed(tree: Tree, entry: BundleEntry, how: string): UserError {
  return new UserError(
    problem(
      `changed while it was being bundled: ${how}`,
      { file: `${tree.prefix}${entry.path}` },
      'make sure no other step writes to the workspace while the bundle is built',
    ),
  );
}
