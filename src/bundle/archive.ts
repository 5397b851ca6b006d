import { once } from 'node:events';
import { pipeline, Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import tar, { type Pack } from 'tar-stream';
import type { BundleType } from '../config/types.js';
import {
  absolutePath,
  ContentCheck,
  checkFileResult,
  type FileHashes,
  type PackedFile,
  packedBatches,
  readChunks,
} from './read.js';
import type { BundleEntry, Tree } from './walk.js';
import { CHUNK_SIZE, DEFLATE_LEVEL, FilePool } from './workers.js';
import {
  S_IFDIR,
  S_IFLNK,
  S_IFREG,
  ZIP64_LIMITS,
  type Zip64Limits,
  type ZipMethod,
  ZipWriter,
} from './zip.js';

/** 2000-01-01T00:00:00Z: tar's fixed mtime (see zip.ts for the zip side). GNU tar warns about 1970. */
export const FIXED_MTIME = new Date(Date.UTC(2000, 0, 1));

/** Extensions whose content is already compressed: deflating it again costs time and saves nothing. */
const STORED_EXTENSIONS = new Set(
  (
    'jar war ear zip gz tgz bz2 xz zst lz4 lz lzma 7z rar br z apk aab whl egg nupkg deb rpm ' +
    'png jpg jpeg gif webp avif heic ico mp4 m4v mov webm mkv avi mp3 m4a aac ogg opus flac ' +
    'woff woff2 pdf docx xlsx pptx odt epub'
  ).split(' '),
);

export interface ArchiveOptions {
  /** sha256 per file from the digest: each file read is checked against it. */
  fileHashes?: FileHashes;
  /** Tests lower these to exercise ZIP64 without 4 GiB of data. */
  zip64Limits?: Zip64Limits;
  /** Called with the uncompressed bytes of each file once it is in the archive (progress). */
  onFileDone?: (entry: BundleEntry) => void;
  /** The worker pool to use (the digest's); without one, the archive starts and closes its own. */
  pool?: FilePool;
}

/**
 * The archive of a walked tree, in groups of chunks. Same tree, same options → the same bytes (for a given
 * zlib build): entries in path order, fixed timestamps, owner 0, no host-specific fields. Memory stays
 * bounded and is allocated once: small files are read ahead into a few fixed slots, large files are
 * streamed. A group is only valid until the next one is asked for (its chunks may be views of a reused
 * slot): copy what you keep. Groups rather than single chunks: one async step per batch of files.
 */
export async function* archiveChunks(
  tree: Tree,
  bundleType: BundleType,
  options: ArchiveOptions = {},
): AsyncGenerator<readonly Uint8Array[]> {
  const own = options.pool ? undefined : new FilePool();
  const pool = options.pool ?? own!;
  try {
    if (bundleType === 'zip') {
      yield* zipChunks(tree, options, pool);
      return;
    }
    const tarStream = Readable.from(tarChunks(tree, options, pool), { objectMode: false });
    // Node's gzip header has mtime 0, no name and the build's OS byte: deterministic.
    const body =
      bundleType === 'tar'
        ? tarStream
        : pipeline(tarStream, zlib.createGzip({ level: DEFLATE_LEVEL }), () => undefined);
    for await (const chunk of body) yield [chunk as Buffer];
  } finally {
    await own?.close();
  }
}

/** Chunks of the archive a file or pipe receives: copies it owns, of OUTPUT_CHUNK bytes. */
const OUTPUT_CHUNK = 256 * 1024;

/** The archive as a stream of buffers it owns, for files and pipes. */
export function createArchive(tree: Tree, bundleType: BundleType, options: ArchiveOptions = {}): Readable {
  const chunks = coalesce(archiveChunks(tree, bundleType, options), () => Buffer.allocUnsafe(OUTPUT_CHUNK));
  return Readable.from(chunks, { objectMode: false });
}

/**
 * Copies groups of chunks into whole buffers taken from `next` and yields each once full (the last one:
 * its filled part). A buffer yielded is the consumer's; `next` may hand it out again once given back.
 */
export async function* coalesce(
  groups: AsyncIterable<readonly Uint8Array[]>,
  next: () => Buffer | Promise<Buffer>,
): AsyncGenerator<Buffer> {
  let buffer: Buffer | undefined;
  let filled = 0;
  for await (const group of groups) {
    for (const chunk of group) {
      let offset = 0;
      while (offset < chunk.length) {
        buffer ??= await next();
        const count = Math.min(chunk.length - offset, buffer.length - filled);
        buffer.set(chunk.subarray(offset, offset + count), filled);
        filled += count;
        offset += count;
        if (filled === buffer.length) {
          yield buffer;
          buffer = undefined;
          filled = 0;
        }
      }
    }
  }
  if (buffer) yield buffer.subarray(0, filled);
}

/** Whether the name says the content is already compressed (then it is stored without looking at it). */
export function compressedByName(path: string): boolean {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') && STORED_EXTENSIONS.has(path.slice(dot + 1).toLowerCase());
}

async function* zipChunks(
  tree: Tree,
  options: ArchiveOptions,
  pool: FilePool,
): AsyncGenerator<readonly Uint8Array[]> {
  const zip = new ZipWriter(options.zip64Limits ?? ZIP64_LIMITS);
  let largeFileBuffer: Buffer | undefined;
  const batches = packedBatches(tree, pool, {
    compress: true,
    deflate: (entry) => !compressedByName(entry.path),
    ...(options.fileHashes ? { hashes: options.fileHashes } : {}),
  });
  for await (const { start, end, packed } of batches) {
    let group: Uint8Array[] = [];
    for (let index = start; index < end; index++) {
      const entry = tree.entries[index]!;
      const file = packed.get(index);
      if (entry.type === 'dir') {
        group.push(
          zip.begin({
            name: `${entry.path}/`,
            unixMode: S_IFDIR | entry.mode,
            method: 0,
            size: 0,
            crc: 0,
            compressedSize: 0,
          }),
        );
        zip.finish();
      } else if (entry.type === 'symlink') {
        // What Info-ZIP unzip restores as a symlink: S_IFLNK mode, the target as the (stored) content.
        const target = Buffer.from(entry.linkTarget ?? '');
        group.push(
          zip.begin({
            name: entry.path,
            unixMode: S_IFLNK | 0o777,
            method: 0,
            size: target.length,
            crc: zlib.crc32(target),
            compressedSize: target.length,
          }),
          zip.data(target),
        );
        zip.finish();
      } else if (file) {
        group.push(
          zip.begin({
            name: entry.path,
            unixMode: S_IFREG | entry.mode,
            method: file.method,
            size: entry.size,
            crc: file.crc,
            compressedSize: file.data.length,
          }),
          zip.data(file.data),
        );
        zip.finish();
        options.onFileDone?.(entry);
      } else {
        yield group;
        group = [];
        largeFileBuffer ??= Buffer.allocUnsafeSlow(CHUNK_SIZE);
        yield* zipLargeFile(tree, entry, options.fileHashes?.get(index), zip, pool, largeFileBuffer);
        options.onFileDone?.(entry);
      }
    }
    yield group;
  }
  yield zip.end();
}

/**
 * A large file is streamed through one reused buffer: deflated on the thread pool unless its name or first
 * bytes say it will not shrink. Fresh chunks per read were garbage the main thread's collector freed
 * late: on the 1000 MB benchmark tree, 20 MB of resident memory.
 */
async function* zipLargeFile(
  tree: Tree,
  entry: BundleEntry,
  expected: Buffer | undefined,
  zip: ZipWriter,
  pool: FilePool,
  buffer: Buffer,
): AsyncGenerator<readonly Uint8Array[]> {
  const check = new ContentCheck(tree, entry, expected);
  const deflate =
    !compressedByName(entry.path) &&
    checkFileResult(
      tree,
      entry,
      (await pool.run({ op: 'probe', files: [[0, absolutePath(tree, entry), entry.size]] }))[0]!,
    ).deflate === true;
  const method: ZipMethod = deflate ? 8 : 0;
  let crc = 0;
  let size = 0;
  async function* source() {
    for await (const chunk of readChunks(tree, entry, buffer)) {
      crc = zlib.crc32(chunk, crc);
      size += chunk.length;
      check.update(chunk);
      yield chunk;
    }
    check.verify();
  }
  yield [zip.begin({ name: entry.path, unixMode: S_IFREG | entry.mode, method, size: entry.size })];
  let compressedSize = 0;
  const body = method === 8 ? deflated(source()) : groups(source());
  for await (const group of body) {
    for (const chunk of group) compressedSize += zip.data(chunk).length;
    yield group;
  }
  yield [zip.finish({ crc, compressedSize, size })];
}

async function* groups(chunks: AsyncIterable<Buffer>): AsyncGenerator<readonly Buffer[]> {
  for await (const chunk of chunks) yield [chunk];
}

/**
 * Deflates chunks that are reused once the next one is asked for: each is handed on only when zlib has
 * taken it in (the write callback), and the output produced so far comes back as one group.
 */
async function* deflated(chunks: AsyncIterable<Buffer>): AsyncGenerator<readonly Buffer[]> {
  const deflate = zlib.createDeflateRaw({ level: DEFLATE_LEVEL });
  const output: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => output.push(chunk));
  const ended = once(deflate, 'end');
  ended.catch(() => undefined);
  try {
    for await (const chunk of chunks) {
      await new Promise<void>((resolve, reject) => {
        deflate.write(chunk, (error) => (error ? reject(error) : resolve()));
      });
      yield output.splice(0);
    }
    deflate.end();
    await ended;
    yield output.splice(0);
  } finally {
    deflate.destroy();
  }
}

type TarHeader = Parameters<Pack['entry']>[0];

async function* tarChunks(tree: Tree, options: ArchiveOptions, pool: FilePool): AsyncGenerator<Buffer> {
  const pack = tar.pack();
  const produce = async () => {
    const batches = packedBatches(tree, pool, {
      compress: false,
      deflate: () => false,
      ...(options.fileHashes ? { hashes: options.fileHashes } : {}),
    });
    for await (const { start, end, packed } of batches) {
      for (let index = start; index < end; index++) await tarEntry(index, packed.get(index));
    }
    pack.finalize();
  };
  const tarEntry = async (index: number, packed: PackedFile | undefined) => {
    const entry = tree.entries[index]!;
    const header: TarHeader = {
      name: entry.path,
      mode: entry.mode,
      mtime: FIXED_MTIME,
      uid: 0,
      gid: 0,
      uname: '',
      gname: '',
      type: entry.type === 'dir' ? 'directory' : entry.type === 'symlink' ? 'symlink' : 'file',
      size: entry.type === 'file' ? entry.size : 0,
      ...(entry.type === 'symlink' ? { linkname: entry.linkTarget ?? '' } : {}),
    };
    if (packed) {
      // tar-stream keeps what it is given until read: a copy, as the slot is reused.
      const data = Buffer.from(packed.data);
      await new Promise<void>((resolve, reject) => {
        pack.entry(header, data, (error) => (error ? reject(error) : resolve()));
      });
    } else if (entry.type === 'file') {
      await tarLargeFile(pack, header, tree, entry, options.fileHashes?.get(index));
    } else {
      await new Promise<void>((resolve, reject) => {
        pack.entry(header, (error) => (error ? reject(error) : resolve()));
      });
    }
    if (entry.type === 'file') options.onFileDone?.(entry);
  };
  produce().catch((error: unknown) => pack.destroy(error as Error));
  for await (const chunk of pack) yield chunk as Buffer;
}

async function tarLargeFile(
  pack: Pack,
  header: TarHeader,
  tree: Tree,
  entry: BundleEntry,
  expected: Buffer | undefined,
) {
  const check = new ContentCheck(tree, entry, expected);
  let sink!: ReturnType<Pack['entry']>;
  const done = new Promise<void>((resolve, reject) => {
    sink = pack.entry(header, (error) => (error ? reject(error) : resolve()));
  });
  done.catch(() => undefined);
  for await (const chunk of readChunks(tree, entry)) {
    check.update(chunk);
    if (!sink.write(chunk))
      await Promise.race([new Promise<void>((resolve) => sink.once('drain', () => resolve())), done]);
  }
  check.verify();
  sink.end(undefined);
  await done;
}
