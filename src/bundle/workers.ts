import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Per-file work (read, sha256, CRC-32, store-or-deflate) runs in worker threads so both cores of a runner
 * work: on the 2-vCPU benchmark machine the thread-pool zlib API spends more time creating a stream per small
 * file than deflating it, and reading and hashing on the main thread leaves one core idle (docs/performance.md).
 *
 * The worker is plain JavaScript evaluated from this string, so the one esbuild bundle needs no extra entry
 * point or file next to it, and it runs the same under Vitest. Keep it small and dependency-free.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const zlib = require('node:zlib');
const crypto = require('node:crypto');

const entropy = (bytes) => {
  const counts = new Uint32Array(256);
  for (let i = 0; i < bytes.length; i++) counts[bytes[i]] += 1;
  let bits = 0;
  for (const count of counts) {
    if (count === 0) continue;
    const p = count / bytes.length;
    bits -= p * Math.log2(p);
  }
  return bits;
};

// Deflate can gain nothing on data whose byte entropy is close to 8 bits (random, encrypted, compressed);
// below MIN_SAMPLE bytes the estimate is too noisy, so small files are simply deflated and compared.
const worthDeflating = (sample, job) =>
  sample.length < job.minSample || entropy(sample.subarray(0, job.sampleSize)) < job.entropyLimit;

// Files are read into one reused buffer (the main thread only sends files up to 1 MiB here): what
// leaves the worker is copied into a transferable buffer of the exact size, so nothing piles up in this heap.
let scratch = Buffer.allocUnsafeSlow(1024 * 1024);

const readExactly = (path, size, limit) => {
  const fd = fs.openSync(path, 'r');
  try {
    const length = Math.min(size, limit);
    if (scratch.length < length) scratch = Buffer.allocUnsafeSlow(length);
    const data = scratch.subarray(0, length);
    let filled = 0;
    while (filled < length) {
      const n = fs.readSync(fd, data, filled, length - filled, filled);
      if (n === 0) return { changed: 'it shrank to ' + filled + ' bytes' };
      filled += n;
    }
    if (limit >= size && fs.readSync(fd, Buffer.alloc(1), 0, 1, size) !== 0) return { changed: 'it grew' };
    return { data };
  } finally {
    fs.closeSync(fd);
  }
};

// Always a copy: the source may be the scratch buffer or a slice of a pooled one, which must not move.
const transferable = (buffer) => {
  const copy = new Uint8Array(buffer.length);
  copy.set(buffer);
  return copy.buffer;
};

const run = (job) => {
  if (job.op === 'probe') {
    const read = readExactly(job.path, job.size, job.sampleSize);
    return read.changed ? read : { deflate: worthDeflating(read.data, job) };
  }
  const read = readExactly(job.path, job.size, Infinity);
  if (read.changed) return read;
  const raw = read.data;
  const sha256 = transferable(crypto.createHash('sha256').update(raw).digest());
  if (job.op === 'hash') return { sha256 };
  if (job.op === 'read') return { sha256, data: transferable(raw) };
  const crc = zlib.crc32(raw);
  if (raw.length > 0 && job.deflate && worthDeflating(raw, job)) {
    const deflated = zlib.deflateRawSync(raw, { level: job.level });
    // Keep deflate only when it saves at least 1/32: stored entries unpack faster.
    if (deflated.length < raw.length - (raw.length >>> 5)) {
      return { sha256, crc, method: 8, data: transferable(deflated) };
    }
  }
  return { sha256, crc, method: 0, data: transferable(raw) };
};

// One message carries a batch of jobs: per-message overhead, not hashing, dominated small files.
parentPort.on('message', ({ id, jobs, settings }) => {
  const results = jobs.map((job) => {
    try {
      return run({ ...settings, ...job });
    } catch (error) {
      return { error: { code: error.code, message: error.message } };
    }
  });
  const transfer = results.flatMap((result) => [result.data, result.sha256].filter(Boolean));
  parentPort.postMessage({ id, results }, transfer);
});
`;

/**
 * Deflate level for zip entries and tgz. On the benchmark's source-like text level 1 gives 0.35 of the size
 * against 0.32 at level 6, at twice the speed or more (docs/performance.md): the CPU, not the upload, is
 * the bottleneck on a 2-core runner. Changing it changes the bytes: bump ARCHIVE_FORMAT_VERSION.
 */
export const DEFLATE_LEVEL = 1;
/** Bytes of a file looked at to tell incompressible data without deflating it. */
const SAMPLE_SIZE = 8 * 1024;
const MIN_SAMPLE = 4 * 1024;
/** Bits per byte above which deflate cannot gain: a Huffman code needs about that many bits. */
const INCOMPRESSIBLE_ENTROPY = 7.9;

export type FileJob =
  | { op: 'hash'; path: string; size: number }
  | { op: 'read'; path: string; size: number }
  | { op: 'compress'; path: string; size: number; deflate: boolean }
  | { op: 'probe'; path: string; size: number };

export interface FileResult {
  sha256?: Buffer;
  data?: Buffer;
  crc?: number;
  method?: 0 | 8;
  deflate?: boolean;
  /** The file differs from what the walk saw (size). */
  changed?: string;
  /** fs error (code and message) reading the file. */
  error?: { code?: string; message: string };
}

interface RawResult extends Omit<FileResult, 'sha256' | 'data'> {
  sha256?: ArrayBuffer;
  data?: ArrayBuffer;
}

interface Reply {
  id: number;
  results?: RawResult[];
}

const SETTINGS = {
  level: DEFLATE_LEVEL,
  sampleSize: SAMPLE_SIZE,
  minSample: MIN_SAMPLE,
  entropyLimit: INCOMPRESSIBLE_ENTROPY,
};

/** A few worker threads doing FileJobs; results come back as promises. Call close() when done. */
export class FilePool {
  private readonly workers: Array<{ worker: Worker; busy: number }>;
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(size = Math.max(1, Math.min(4, availableParallelism()))) {
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      const slot = { worker, busy: 0 };
      worker.on('message', (reply: Reply) => {
        slot.busy -= 1;
        const resolve = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        resolve?.(reply);
      });
      worker.on('error', (error: Error) => this.fail(error));
      return slot;
    });
  }

  run(job: FileJob): Promise<FileResult> {
    return this.runBatch([job]).then((results) => results[0]!);
  }

  /** Runs the jobs in one message to the least busy worker; results in job order. */
  runBatch(jobs: FileJob[]): Promise<FileResult[]> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.workers.reduce((best, candidate) => (candidate.busy < best.busy ? candidate : best));
    const id = this.nextId++;
    slot.busy += 1;
    return new Promise<Reply>((resolve) => {
      this.waiting.set(id, resolve);
      slot.worker.postMessage({ id, jobs, settings: SETTINGS });
    }).then((reply) => {
      if (!reply.results) throw this.failure;
      return reply.results.map(({ sha256, data, ...rest }) => ({
        ...rest,
        ...(sha256 ? { sha256: Buffer.from(sha256) } : {}),
        ...(data ? { data: Buffer.from(data) } : {}),
      }));
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const resolve of this.waiting.values()) resolve({ id: -1 });
    this.waiting.clear();
  }
}
