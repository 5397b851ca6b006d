// A worker thread of FilePool (workers.ts). Run from the sources, Node strips this file's types
// itself: it imports only Node's modules, and types, and keeps to syntax that strips away.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { crc32, deflateRawSync } from 'node:zlib';
import type { FileJob, FileResult, JobFile, WorkerSettings } from './workers.js';

/** The file is not what the walk or the digest saw: its message says how. */
class Changed extends Error {}

const counts = new Uint32Array(256);

/** Shannon entropy of the bytes, in bits per byte. */
export function entropy(bytes: Uint8Array): number {
  counts.fill(0);
  for (const byte of bytes) counts[byte]! += 1;
  let bits = 0;
  for (const count of counts) {
    if (count === 0) continue;
    const p = count / bytes.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** One worker's file operations, for the settings it was started with. */
export function fileWork(settings: WorkerSettings): (job: FileJob) => FileResult[] {
  const scratch = Buffer.allocUnsafeSlow(settings.chunkSize);
  const pastEnd = Buffer.allocUnsafeSlow(1);

  // Deflate can gain nothing on data whose byte entropy is close to 8 bits (random, encrypted,
  // compressed); below minSample bytes the estimate is too noisy, so small files are simply deflated
  // and compared.
  const worthDeflating = (sample: Buffer): boolean =>
    sample.length < settings.minSample ||
    entropy(sample.subarray(0, settings.sampleSize)) < settings.entropyLimit;

  // Fills target from the file at position; a short file is a file that changed since the walk.
  const fill = (fd: number, target: Buffer, position: number): void => {
    let filled = 0;
    while (filled < target.length) {
      const n = readSync(fd, target, filled, target.length - filled, position + filled);
      if (n === 0) throw new Changed(`it shrank to ${position + filled} bytes`);
      filled += n;
    }
  };

  const withFile = <T>(path: string, size: number, use: (fd: number) => T): T => {
    const fd = openSync(path, 'r');
    try {
      const result = use(fd);
      if (readSync(fd, pastEnd, 0, 1, size) !== 0) throw new Changed('it grew');
      return result;
    } finally {
      closeSync(fd);
    }
  };

  const hashFile = (path: string, size: number): Buffer =>
    withFile(path, size, (fd) => {
      const hash = createHash('sha256');
      for (let position = 0; position < size; position += scratch.length) {
        const chunk = scratch.subarray(0, Math.min(scratch.length, size - position));
        fill(fd, chunk, position);
        hash.update(chunk);
      }
      return hash.digest();
    });

  const hashOf = (table: SharedArrayBuffer, index: number): Buffer => Buffer.from(table, index * 32, 32);

  // Reads a small file into the slot at its place and, for zip, replaces it by its deflated bytes when
  // deflate saves at least 1/32 (stored entries unpack faster). The bytes are checked against the digest.
  const pack = (job: Extract<FileJob, { op: 'pack' }>, file: JobFile, slot: Buffer): FileResult => {
    const [index, path, size, deflate] = file;
    return withFile(path, size, (fd) => {
      fill(fd, slot, 0);
      if (job.hashes && !createHash('sha256').update(slot).digest().equals(hashOf(job.hashes, index))) {
        throw new Changed('its content differs from when the digest was computed');
      }
      if (!job.compress) return { length: size };
      const crc = crc32(slot);
      if (size > 0 && deflate && worthDeflating(slot)) {
        const deflated = deflateRawSync(slot, { level: settings.level });
        if (deflated.length < size - (size >>> 5)) {
          deflated.copy(slot);
          return { length: deflated.length, crc, method: 8 };
        }
      }
      return { length: size, crc, method: 0 };
    });
  };

  const probe = ([, path, size]: JobFile): FileResult =>
    withFile(path, size, (fd) => {
      const sample = scratch.subarray(0, Math.min(size, settings.sampleSize));
      fill(fd, sample, 0);
      // Past the sample the file may go on: only its start is looked at.
      return { deflate: worthDeflating(sample) };
    });

  const attempt = (work: () => FileResult): FileResult => {
    try {
      return work();
    } catch (error) {
      if (error instanceof Changed) return { changed: error.message };
      const { code, message } = error as NodeJS.ErrnoException;
      return { error: { ...(code ? { code } : {}), message } };
    }
  };

  return (job) => {
    if (job.op === 'hash') {
      return job.files.map((file) =>
        attempt(() => {
          hashFile(file[1], file[2]).copy(hashOf(job.hashes, file[0]));
          return {};
        }),
      );
    }
    if (job.op === 'probe') return job.files.map((file) => attempt(() => probe(file)));
    let offset = job.offset;
    return job.files.map((file) => {
      const result = attempt(() => pack(job, file, Buffer.from(job.slots, offset, file[2])));
      // A failed file takes no room: the files after it must stay inside this job's slot.
      offset += result.length ?? 0;
      return result;
    });
  };
}

const started = workerData as { fileWorker?: WorkerSettings } | undefined;
if (!isMainThread && parentPort && started?.fileWorker) {
  const port = parentPort;
  const work = fileWork(started.fileWorker);
  port.on('message', (job: FileJob & { id: number }) => port.postMessage({ id: job.id, results: work(job) }));
}
