import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { throwIfCancelled } from '../core/cancel.js';
import { problem, UserError } from '../core/problems.js';
import { type BundleEntry, type Tree, unreadable } from './walk.js';
import { CHUNK_SIZE, type FilePool, type FileProblem, type FileResult, type JobFile } from './workers.js';

/** Files up to this size are read whole by the worker pool, ahead of use; larger ones are streamed in chunks. */
export const WHOLE_FILE_LIMIT = 1024 * 1024;

/**
 * The sha256 of every file of a tree, by entry index, in memory the worker threads write directly:
 * 32 bytes per entry, one allocation for the whole tree.
 */
export class FileHashes {
  readonly shared: SharedArrayBuffer;

  constructor(entries: number) {
    this.shared = new SharedArrayBuffer(32 * entries);
  }

  get(index: number): Buffer {
    return Buffer.from(this.shared, 32 * index, 32);
  }
}

/** The absolute path of an entry (posix separators are accepted everywhere Node runs). */
export function absolutePath(tree: Tree, entry: BundleEntry): string {
  return `${tree.root}/${entry.path}`;
}

/** Files per hash job, and bytes: one message per file cost more than hashing it. */
const HASH_BATCH_FILES = 256;
const HASH_BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Hashes every file of the tree into `hashes` on the pool, in batches, keeping every worker fed. Files are
 * independent, so batches finish in any order; the first problem in path order is thrown. Batches are made
 * as they are sent: only those in flight hold their paths.
 */
export async function hashFiles(
  tree: Tree,
  pool: FilePool,
  hashes: FileHashes,
  cancel?: AbortSignal,
): Promise<void> {
  const { entries } = tree;
  let next = 0;
  const nextBatch = (): JobFile[] => {
    const files: JobFile[] = [];
    let bytes = 0;
    for (; next < entries.length && files.length < HASH_BATCH_FILES; next++) {
      const entry = entries[next]!;
      if (entry.type !== 'file') continue;
      if (files.length > 0 && bytes + entry.size > HASH_BATCH_BYTES) break;
      files.push([next, absolutePath(tree, entry), entry.size]);
      bytes += entry.size;
    }
    return files;
  };
  const problems: Array<{ index: number; result: FileProblem }> = [];
  // Two jobs per worker: one running, one queued, so no worker waits for a message round trip.
  const feed = async (): Promise<void> => {
    for (let files = nextBatch(); files.length > 0; files = nextBatch()) {
      throwIfCancelled(cancel);
      const results = await pool.run({ op: 'hash', files, hashes: hashes.shared });
      results.forEach((result, k) => {
        if (result.error || result.changed) problems.push({ index: files[k]![0], result });
      });
    }
  };
  await Promise.all(Array.from({ length: 2 * pool.size }, feed));
  const first = problems.sort((a, b) => a.index - b.index)[0];
  if (first) checkFileResult(tree, entries[first.index]!, first.result);
}

/** Small files per read-ahead job, and the read-ahead: SLOTS jobs of at most SLOT_BYTES each. */
const PACK_BATCH_FILES = 64;
const SLOT_BYTES = WHOLE_FILE_LIMIT;
const SLOTS = 4;

export interface PackedFile {
  /** The file's bytes as the job left them (deflated or not), in a slot reused once the batch is consumed. */
  data: Buffer;
  crc: number;
  method: 0 | 8;
}

/** Consecutive entries [start, end) of a tree, with the packed bytes of its small files, by entry index. */
export interface PackedBatch {
  start: number;
  end: number;
  packed: Map<number, PackedFile>;
}

/**
 * The tree's entries in batches, in order, the bytes of small files read (and for zip, compressed) ahead
 * by the pool: at most SLOTS batches of at most SLOT_BYTES are in flight or waiting, in slots allocated
 * once. A batch's `data` is only valid until the next batch is asked for. Large files are left to the
 * caller. One step per batch, not per entry: each step of an async generator costs a few promises.
 */
export async function* packedBatches(
  tree: Tree,
  pool: FilePool,
  options: { compress: boolean; deflate: (entry: BundleEntry) => boolean; hashes?: FileHashes },
): AsyncGenerator<PackedBatch> {
  const { entries } = tree;
  const small = (entry: BundleEntry) => entry.type === 'file' && entry.size <= WHOLE_FILE_LIMIT;
  const batches: Array<{ start: number; end: number }> = [];
  let start = 0;
  let files = 0;
  let bytes = 0;
  entries.forEach((entry, index) => {
    if (small(entry) && (files >= PACK_BATCH_FILES || bytes + entry.size > SLOT_BYTES)) {
      batches.push({ start, end: index });
      start = index;
      files = 0;
      bytes = 0;
    }
    if (small(entry)) {
      files += 1;
      bytes += entry.size;
    }
  });
  batches.push({ start, end: entries.length });

  const slots = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
  const done = ordered(
    batches.length,
    async (batch) => {
      const { start, end } = batches[batch]!;
      const jobFiles: JobFile[] = [];
      for (let i = start; i < end; i++) {
        const entry = entries[i]!;
        if (small(entry)) jobFiles.push([i, absolutePath(tree, entry), entry.size, options.deflate(entry)]);
      }
      if (jobFiles.length === 0) return [];
      return pool.run({
        op: 'pack',
        files: jobFiles,
        slots,
        // ordered() keeps at most SLOTS batches between started and consumed: batch n reuses the slot of
        // batch n - SLOTS, which has been consumed.
        offset: (batch % SLOTS) * SLOT_BYTES,
        compress: options.compress,
        ...(options.hashes ? { hashes: options.hashes.shared } : {}),
      });
    },
    SLOTS,
  );
  let batch = 0;
  for await (const results of done) {
    const { start, end } = batches[batch]!;
    const packed = new Map<number, PackedFile>();
    let offset = (batch % SLOTS) * SLOT_BYTES;
    let k = 0;
    for (let index = start; index < end; index++) {
      const entry = entries[index]!;
      if (!small(entry)) continue;
      const result = checkFileResult(tree, entry, results[k++]!);
      const length = result.length ?? 0;
      packed.set(index, {
        data: Buffer.from(slots, offset, length),
        crc: result.crc ?? 0,
        method: result.method ?? 0,
      });
      offset += length;
    }
    yield { start, end, packed };
    batch += 1;
  }
}

/**
 * Runs `work` on each item with at most `concurrency` items started and not yet consumed, yielding the
 * results in item order: files are read and compressed ahead of the writer, which still emits entries in
 * their sorted order. An item's resources can be reused once the consumer asks for the item after it.
 */
export async function* ordered<R>(
  count: number,
  work: (index: number) => Promise<R>,
  concurrency: number,
): AsyncGenerator<R> {
  const pending: Array<Promise<R>> = [];
  let next = 0;
  while (next < count || pending.length > 0) {
    while (next < count && pending.length < concurrency) {
      const result = work(next++);
      // Rejections are seen when the item's turn comes; until then they must not count as unhandled.
      result.catch(() => undefined);
      pending.push(result);
    }
    // The item stays counted until the consumer comes back for the next one.
    const value = await pending[0]!;
    yield value;
    pending.shift();
  }
}

/**
 * Streams a file in chunks, checking its size as the walk saw it. The chunks are fresh (consumers may keep
 * them), or views of `reuse`, each valid until the next is asked for.
 */
export async function* readChunks(tree: Tree, entry: BundleEntry, reuse?: Buffer): AsyncGenerator<Buffer> {
  const handle = await openFile(tree, entry);
  try {
    let position = 0;
    for (;;) {
      const chunk = reuse ?? Buffer.allocUnsafe(CHUNK_SIZE);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      if (position > entry.size) throw changed(tree, entry, 'it grew');
      yield bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead);
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
export function checkFileResult(tree: Tree, entry: BundleEntry, result: FileResult): FileResult {
  if (result.error) throw cannotRead(tree, entry, result.error);
  if (result.changed) throw changed(tree, entry, result.changed);
  return result;
}

async function openFile(tree: Tree, entry: BundleEntry) {
  try {
    return await open(absolutePath(tree, entry), 'r');
  } catch (error) {
    throw cannotRead(tree, entry, error as NodeJS.ErrnoException);
  }
}

function cannotRead(tree: Tree, entry: BundleEntry, error: { code?: string; message: string }): UserError {
  return new UserError(unreadable(`${tree.prefix}${entry.path}`, error));
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
