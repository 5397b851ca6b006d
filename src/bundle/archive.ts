import { join } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import tar, { type Pack } from 'tar-stream';
import type { BundleType } from '../config/types.js';
import { ContentCheck, checkFileResult, pooledEntries, readChunks } from './read.js';
import type { BundleEntry, Tree } from './walk.js';
import { DEFLATE_LEVEL, type FileJob, FilePool } from './workers.js';
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

const READ_CONCURRENCY = 8;
const READ_BUDGET = 8 * 1024 * 1024;

export interface ArchiveOptions {
  /** sha256 per file from the digest: each file read is checked against it. */
  fileHashes?: Map<string, Buffer>;
  /** Tests lower these to exercise ZIP64 without 4 GiB of data. */
  zip64Limits?: Zip64Limits;
  /** Called with the uncompressed bytes of each file once it is in the archive (progress). */
  onFileDone?: (entry: BundleEntry) => void;
}

/**
 * The archive of a walked tree as a byte stream. Same tree, same options → the same bytes (for a given
 * zlib build): entries in path order, fixed timestamps, owner 0, no host-specific fields. Memory stays
 * bounded: at most READ_BUDGET bytes of small files are read ahead, large files are streamed.
 */
export function createArchive(tree: Tree, bundleType: BundleType, options: ArchiveOptions = {}): Readable {
  if (bundleType === 'zip') return Readable.from(zipChunks(tree, options), { objectMode: false });
  const tarStream = Readable.from(tarChunks(tree, options), { objectMode: false });
  if (bundleType === 'tar') return tarStream;
  // Node's gzip header has mtime 0, no name and the build's OS byte: deterministic.
  return pipeline(tarStream, zlib.createGzip({ level: DEFLATE_LEVEL }), () => undefined);
}

/** Whether the name says the content is already compressed (then it is stored without looking at it). */
export function compressedByName(path: string): boolean {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') && STORED_EXTENSIONS.has(path.slice(dot + 1).toLowerCase());
}

type TarHeader = Parameters<Pack['entry']>[0];

type Prepared =
  | { entry: BundleEntry; kind: 'meta' }
  | { entry: BundleEntry; kind: 'whole'; data: Buffer; crc: number; method: ZipMethod; size: number }
  | { entry: BundleEntry; kind: 'stream' };

/**
 * Reads (and for zip, compresses) small files ahead of the writer in the worker pool, in bounded memory;
 * every file read is checked against the digest's sha256 when one is given.
 */
async function* prepared(
  tree: Tree,
  options: ArchiveOptions,
  pool: FilePool,
  compress: boolean,
): AsyncGenerator<Prepared> {
  const job = (entry: BundleEntry, path: string): FileJob =>
    compress
      ? { op: 'compress', path, size: entry.size, deflate: !compressedByName(entry.path) }
      : { op: 'read', path, size: entry.size };
  const limits = { concurrency: READ_CONCURRENCY, budget: READ_BUDGET };
  for await (const { entry, result } of pooledEntries(tree, pool, job, limits)) {
    if (entry.type !== 'file') yield { entry, kind: 'meta' };
    else if (!result) yield { entry, kind: 'stream' };
    else {
      const { data, crc, method } = checkFileResult(tree, entry, result, options.fileHashes?.get(entry.path));
      yield { entry, kind: 'whole', data: data!, crc: crc ?? 0, method: method ?? 0, size: entry.size };
    }
  }
}

async function* zipChunks(tree: Tree, options: ArchiveOptions): AsyncGenerator<Buffer> {
  const zip = new ZipWriter(options.zip64Limits ?? ZIP64_LIMITS);
  const pool = new FilePool();
  try {
    yield* zipEntries(tree, options, pool, zip);
  } finally {
    await pool.close();
  }
  yield zip.end();
}

async function* zipEntries(
  tree: Tree,
  options: ArchiveOptions,
  pool: FilePool,
  zip: ZipWriter,
): AsyncGenerator<Buffer> {
  for await (const item of prepared(tree, options, pool, true)) {
    const { entry } = item;
    if (item.kind === 'meta') {
      if (entry.type === 'dir') {
        yield zip.begin({
          name: `${entry.path}/`,
          unixMode: S_IFDIR | entry.mode,
          method: 0,
          size: 0,
          crc: 0,
          compressedSize: 0,
        });
      } else {
        // What Info-ZIP unzip restores as a symlink: S_IFLNK mode, the target as the (stored) content.
        const target = Buffer.from(entry.linkTarget ?? '');
        yield zip.begin({
          name: entry.path,
          unixMode: S_IFLNK | 0o777,
          method: 0,
          size: target.length,
          crc: zlib.crc32(target),
          compressedSize: target.length,
        });
        yield zip.data(target);
      }
      yield zip.finish();
    } else if (item.kind === 'whole') {
      const { data, crc, method, size } = item;
      yield zip.begin({
        name: entry.path,
        unixMode: S_IFREG | entry.mode,
        method,
        size,
        crc,
        compressedSize: data.length,
      });
      yield zip.data(data);
      yield zip.finish();
      options.onFileDone?.(entry);
    } else {
      yield* zipLargeFile(tree, entry, zip, options, pool);
      options.onFileDone?.(entry);
    }
  }
}

/** A large file is streamed: deflated on the thread pool unless its name or first bytes say it will not shrink. */
async function* zipLargeFile(
  tree: Tree,
  entry: BundleEntry,
  zip: ZipWriter,
  options: ArchiveOptions,
  pool: FilePool,
) {
  const check = new ContentCheck(tree, entry, options.fileHashes?.get(entry.path));
  const path = join(tree.root, entry.path);
  const deflate =
    !compressedByName(entry.path) &&
    checkFileResult(tree, entry, await pool.run({ op: 'probe', path, size: entry.size })).deflate === true;
  const method: ZipMethod = deflate ? 8 : 0;
  let crc = 0;
  let size = 0;
  async function* source() {
    for await (const chunk of readChunks(tree, entry)) {
      crc = zlib.crc32(chunk, crc);
      size += chunk.length;
      check.update(chunk);
      yield chunk;
    }
    check.verify();
  }
  yield zip.begin({ name: entry.path, unixMode: S_IFREG | entry.mode, method, size: entry.size });
  let compressedSize = 0;
  const body =
    method === 8
      ? pipeline(Readable.from(source()), zlib.createDeflateRaw({ level: DEFLATE_LEVEL }), () => undefined)
      : source();
  for await (const chunk of body) {
    compressedSize += chunk.length;
    yield zip.data(chunk);
  }
  yield zip.finish({ crc, compressedSize, size });
}

async function* tarChunks(tree: Tree, options: ArchiveOptions): AsyncGenerator<Buffer> {
  const pack = tar.pack();
  const pool = new FilePool();
  const produce = async () => {
    for await (const item of prepared(tree, options, pool, false)) {
      const { entry } = item;
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
      if (item.kind === 'whole') {
        await new Promise<void>((resolve, reject) => {
          pack.entry(header, item.data, (error) => (error ? reject(error) : resolve()));
        });
      } else if (item.kind === 'stream') {
        await tarLargeFile(pack, header, tree, entry, options);
      } else {
        await new Promise<void>((resolve, reject) => {
          pack.entry(header, (error) => (error ? reject(error) : resolve()));
        });
      }
      if (entry.type === 'file') options.onFileDone?.(entry);
    }
    pack.finalize();
  };
  produce().catch((error: unknown) => pack.destroy(error as Error));
  try {
    for await (const chunk of pack) yield chunk as Buffer;
  } finally {
    await pool.close();
  }
}

async function tarLargeFile(
  pack: Pack,
  header: TarHeader,
  tree: Tree,
  entry: BundleEntry,
  options: ArchiveOptions,
) {
  const check = new ContentCheck(tree, entry, options.fileHashes?.get(entry.path));
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
