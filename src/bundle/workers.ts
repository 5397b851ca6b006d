import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Per-file work (read, sha256, CRC-32, store-or-deflate) runs in worker threads so both cores of a runner
 * work: on the 2-vCPU benchmark machine the thread-pool zlib API spends more time creating a stream per small
 * file than deflating it, and reading and hashing on the main thread leaves one core idle (docs/performance.md).
 *
 * Nothing a worker produces is allocated per file on the main thread: sha256s go into a shared table and
 * file data into a shared read-ahead slot, both SharedArrayBuffers the main thread allocated once. Buffers
 * transferred per file left the main thread's memory to its garbage collector, whose lag made the peak RSS
 * grow with the workspace (docs/performance.md).
 *
 * The worker is file-worker.ts. Bundled, it is its own file beside the chunk that holds this one
 * (scripts/build.mjs); run from the sources (Vitest, @github/local-action), Node strips its types itself,
 * which is why it imports nothing but Node's modules and types.
 */
const WORKER_FILE = new URL(
  `./file-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`,
  import.meta.url,
);

/**
 * Deflate level for zip entries and tgz. On the benchmark's source-like text level 1 gives 0.35 of the size
 * against 0.32 at level 6, at twice the speed or more (docs/performance.md): the CPU, not the upload, is
 * the bottleneck on a 2-core runner. Changing it changes the bytes: bump ARCHIVE_FORMAT_VERSION.
 */
export const DEFLATE_LEVEL = 1;
/** Files are read in chunks of this size (workers hashing, the main thread streaming large files). */
export const CHUNK_SIZE = 1024 * 1024;
/** Bytes of a file looked at to tell incompressible data without deflating it. */
const SAMPLE_SIZE = 8 * 1024;
const MIN_SAMPLE = 4 * 1024;
/** Bits per byte above which deflate cannot gain: a Huffman code needs about that many bits. */
const INCOMPRESSIBLE_ENTROPY = 7.9;

/** What every worker is told once, at start. */
export interface WorkerSettings {
  level: number;
  chunkSize: number;
  sampleSize: number;
  minSample: number;
  entropyLimit: number;
}

const SETTINGS: WorkerSettings = {
  level: DEFLATE_LEVEL,
  chunkSize: CHUNK_SIZE,
  sampleSize: SAMPLE_SIZE,
  minSample: MIN_SAMPLE,
  entropyLimit: INCOMPRESSIBLE_ENTROPY,
};

/** A file for a job: entry index, absolute path, size seen by the walk, and (pack) whether to try deflate. */
export type JobFile = [index: number, path: string, size: number, deflate?: boolean];

/** What went wrong with one file: an fs error, or the file differs from what the walk or the digest saw. */
export interface FileProblem {
  changed?: string;
  error?: { code?: string; message: string };
}

export type FileJob =
  /** sha256 of each file into `hashes` (32 bytes at 32 × index). */
  | { op: 'hash'; files: JobFile[]; hashes: SharedArrayBuffer }
  /** Whether deflating a large file is worth it, from its first bytes. */
  | { op: 'probe'; files: JobFile[] }
  /**
   * Each file's bytes, one after the other from `offset` in `slots`: deflated when `compress` says so and
   * it pays. Checked against `hashes` when given.
   */
  | {
      op: 'pack';
      files: JobFile[];
      slots: SharedArrayBuffer;
      offset: number;
      compress: boolean;
      hashes?: SharedArrayBuffer;
    };

export interface FileResult extends FileProblem {
  /** pack: bytes written to the slot. */
  length?: number;
  crc?: number;
  method?: 0 | 8;
  /** probe */
  deflate?: boolean;
}

/**
 * A worker's own objects are few (a job's paths, its results), but each deflate leaves a dead output
 * buffer whose memory V8 only frees when it collects the young generation: a 2 MB young generation
 * collects often enough to keep that under ~10 MB. With the default size, each worker's resident memory
 * grew by 30 MB on the 400 MB benchmark tree, against 12 MB with this limit, at the same speed.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 };

/** A few worker threads doing FileJobs; results come back as promises. Call close() when done. */
export class FilePool {
  readonly size: number;
  private readonly workers: Array<{ worker: Worker; busy: number }>;
  private readonly waiting = new Map<number, (results: FileResult[] | undefined) => void>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(size = Math.max(1, Math.min(4, availableParallelism()))) {
    this.size = size;
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(WORKER_FILE, {
        workerData: { fileWorker: SETTINGS },
        resourceLimits: WORKER_LIMITS,
      });
      const slot = { worker, busy: 0 };
      worker.on('message', (reply: { id: number; results: FileResult[] }) => {
        slot.busy -= 1;
        const resolve = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        resolve?.(reply.results);
      });
      worker.on('error', (error: Error) => this.fail(error));
      return slot;
    });
  }

  /** Runs the job on the least busy worker; one result per file, in order. */
  run(job: FileJob): Promise<FileResult[]> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.workers.reduce((best, candidate) => (candidate.busy < best.busy ? candidate : best));
    const id = this.nextId++;
    slot.busy += 1;
    return new Promise<FileResult[] | undefined>((resolve) => {
      this.waiting.set(id, resolve);
      slot.worker.postMessage({ ...job, id });
    }).then((results) => {
      if (!results) throw this.failure;
      return results;
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const resolve of this.waiting.values()) resolve(undefined);
    this.waiting.clear();
  }
}
