import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import tar from 'tar-stream';
import yauzl from 'yauzl';
import { Cancelled, throwIfCancelled } from '../core/cancel.js';
import { type HeaderEntry, MAX_ENTRIES, methodName } from './listing.js';

/**
 * Reads an archive's listing without unpacking it: a zip's central directory (random access, nothing
 * else is read), a tar's headers as the stream goes by (its data skipped). The bytes of one entry (the
 * appspec, a zip's symlink target) are read on demand, never more than asked for.
 */
export interface ArchiveReader {
  /**
   * In archive order; `data` of an entry is its index here. At most `maxEntries` + 1: a reader stops
   * at the first entry past the cap (checkListing refuses the archive then), never holding them all.
   */
  headers: HeaderEntry[];
  /** Up to `limit` bytes of the entry at `index` (a file: what unpacking it writes). */
  read(index: number, limit: number): Promise<Buffer>;
  close(): void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeName(raw: Buffer): string | undefined {
  try {
    return utf8.decode(raw);
  } catch {
    return undefined;
  }
}

/** A symlink target is a path: longer than PATH_MAX it is no target the instance's kernel follows. */
const MAX_LINK_TARGET = 4096;

const S_IFMT = 0o170000;
const UNIX_TYPES = new Map<number, Pick<HeaderEntry, 'type' | 'kind'>>([
  [0o040000, { type: 'dir' }],
  [0o100000, { type: 'file' }],
  [0o120000, { type: 'symlink' }],
  [0o010000, { type: 'other', kind: 'named pipe (fifo)' }],
  [0o020000, { type: 'other', kind: 'character device' }],
  [0o060000, { type: 'other', kind: 'block device' }],
  [0o140000, { type: 'other', kind: 'socket' }],
]);
/** "Version made by" 3: the external attributes hold a unix mode, which unzip restores. */
const MADE_BY_UNIX = 3;

/** What yauzl (this reader) inflates: entries of other methods are listed, their bytes not read. */
const READABLE_METHODS = new Set([0, 8]);

/** Info-ZIP Unicode Path extra field: its id, and the only version unzip reads. */
const UNICODE_PATH = 0x7075;

/**
 * The name unzip writes: the Info-ZIP Unicode Path extra field's (version 1, when the CRC32 of the
 * header's raw name matches, as unzip 6.0 checks it; yauzl decodes names the same way), else the
 * header's. Both are bytes, taken as UTF-8 below.
 */
function nameBytes(entry: yauzl.Entry): Buffer {
  for (const field of entry.extraFields) {
    if (field.id !== UNICODE_PATH || field.data.length < 5 || field.data[0] !== 1) continue;
    if (field.data.readUInt32LE(1) !== crc32(entry.fileNameRaw)) continue;
    return Buffer.from(field.data.subarray(5));
  }
  return entry.fileNameRaw;
}

/**
 * A zip's central directory. Names are taken as UTF-8 bytes (the walk's rule: anything else is
 * mangled by unzip); an entry made on unix carries its mode and type (a symlink's target is its
 * data), one made elsewhere is a folder when its name ends in "/" and a file unzip creates 0644.
 * At most `maxEntries` + 1 entries are read.
 */
export async function readZip(
  file: string,
  keep: (header: HeaderEntry) => boolean,
  maxEntries = MAX_ENTRIES,
): Promise<ArchiveReader> {
  const zip = await openZip(file);
  // Only the entries whose data may be read are kept (a yauzl entry holds its header's bytes); any
  // other is found again by a second pass over the central directory.
  const kept = new Map<number, yauzl.Entry>();
  const read = async (index: number, limit: number): Promise<Buffer> => {
    const entry = kept.get(index);
    if (entry) return readUpTo(await zip.openReadStreamPromise(entry), limit);
    const again = await openZip(file);
    try {
      let at = 0;
      for await (const other of again.eachEntry()) {
        if (at++ === index) return await readUpTo(await again.openReadStreamPromise(other), limit);
      }
      throw new Error(`the archive has no entry ${index} any more`);
    } finally {
      again.close();
    }
  };
  try {
    const headers: HeaderEntry[] = [];
    for await (const entry of zip.eachEntry()) {
      const raw = nameBytes(entry);
      const name = decodeName(raw);
      const unix = entry.versionMadeBy >> 8 === MADE_BY_UNIX ? entry.externalFileAttributes >>> 16 : 0;
      const folder = name?.endsWith('/') === true;
      const typed = folder
        ? { type: 'dir' as const }
        : (UNIX_TYPES.get(unix & S_IFMT) ?? { type: 'file' as const });
      const method = entry.compressionMethod;
      const header: HeaderEntry = {
        name,
        ...(name === undefined ? { raw: Buffer.from(raw) } : {}),
        ...(entry.isEncrypted() ? { type: 'other', kind: 'encrypted entry (unzip has no password)' } : typed),
        mode: unix & 0o777 || (folder ? 0o755 : 0o644),
        size: entry.uncompressedSize,
        method,
        ...(READABLE_METHODS.has(method)
          ? {}
          : {
              unreadable: `it is compressed with method ${methodName(method)}, which this check cannot inflate`,
            }),
      };
      const index = headers.push(header) - 1;
      if (index >= maxEntries) break;
      if (header.type === 'symlink' && header.unreadable === undefined) {
        const target = await readUpTo(await zip.openReadStreamPromise(entry), MAX_LINK_TARGET);
        const decoded = decodeName(target);
        if (decoded === undefined) header.linkRaw = target;
        else header.linkTarget = decoded;
      } else if (keep(header)) kept.set(index, entry);
    }
    return { headers, read, close: () => zip.close() };
  } catch (error) {
    zip.close();
    throw error;
  }
}

async function openZip(file: string): Promise<yauzl.ZipFile> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    return await yauzl.fromRandomAccessReaderPromise(new BlockReader(handle, file), size, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: true,
    });
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * The file under yauzl, read in blocks of BLOCK bytes kept a while: yauzl reads a central directory
 * two small reads per entry, each a thread-pool round trip from a file (20,000 entries took 2 s); from
 * blocks read once, the central directory costs a few reads. An entry's data (the appspec) streams
 * from the file.
 */
class BlockReader extends yauzl.RandomAccessReader {
  private readonly blocks = new Map<number, Promise<Buffer>>();

  constructor(
    private readonly handle: FileHandle,
    private readonly file: string,
  ) {
    super();
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null) => void,
  ): void {
    const done = callback as (err: Error | null, bytesRead?: number) => void;
    this.copy(buffer, offset, length, position).then(
      (bytesRead) => done(null, bytesRead),
      (error: Error) => done(error),
    );
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return createReadStream(this.file, { start, end: end - 1 });
  }

  override close(callback: (err: Error | null) => void): void {
    this.handle.close().then(
      () => callback(null),
      (error: Error) => callback(error),
    );
  }

  private async copy(buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    let copied = 0;
    while (copied < length) {
      const at = position + copied;
      const block = await this.block(Math.floor(at / BLOCK));
      const from = at % BLOCK;
      if (from >= block.length) break;
      copied += block.copy(buffer, offset + copied, from, Math.min(block.length, from + length - copied));
    }
    return copied;
  }

  private block(index: number): Promise<Buffer> {
    let block = this.blocks.get(index);
    if (!block) {
      block = this.handle
        .read(Buffer.allocUnsafe(BLOCK), 0, BLOCK, index * BLOCK)
        .then(({ buffer, bytesRead }) => buffer.subarray(0, bytesRead));
      this.blocks.set(index, block);
      // The central directory is read forwards: the oldest blocks are not asked for again.
      if (this.blocks.size > BLOCKS_KEPT) this.blocks.delete(this.blocks.keys().next().value!);
    }
    return block;
  }
}
const BLOCK = 1024 * 1024;
const BLOCKS_KEPT = 4;

const TAR_TYPES: Record<string, Pick<HeaderEntry, 'type' | 'kind'>> = {
  file: { type: 'file' },
  'contiguous-file': { type: 'file' },
  directory: { type: 'dir' },
  symlink: { type: 'symlink' },
  link: { type: 'hardlink' },
  fifo: { type: 'other', kind: 'named pipe (fifo)' },
  'character-device': { type: 'other', kind: 'character device' },
  'block-device': { type: 'other', kind: 'block device' },
};

export interface TarOptions {
  /** A new stream of the tar (gunzipped already for tgz), for each pass. */
  open: () => Readable;
  /**
   * Entries whose data is kept from the listing's pass, up to `limit` bytes each and `budget` in all:
   * reading them later costs no second pass over the stream.
   */
  keep?: { wanted: (header: HeaderEntry) => boolean; limit: number; budget: number };
  /** Stops a pass (a cancelled workflow). */
  cancel?: AbortSignal;
  /** The listing's pass stops at the entry past this many (default MAX_ENTRIES). */
  maxEntries?: number;
}

/**
 * A tar's headers, read as the stream goes by. Names come from the pax header when there is one
 * (UTF-8 by definition), else from the ustar or GNU long-name fields as bytes, taken as UTF-8.
 */
export async function readTar(options: TarOptions): Promise<ArchiveReader> {
  const headers: HeaderEntry[] = [];
  const kept = new Map<number, Buffer>();
  let budget = options.keep?.budget ?? 0;
  const maxEntries = options.maxEntries ?? MAX_ENTRIES;
  await eachTarEntry(options, async (index, header, data) => {
    headers.push(header);
    if (index >= maxEntries) return false;
    const keep = options.keep;
    if (
      keep &&
      header.type === 'file' &&
      header.size <= Math.min(keep.limit, budget) &&
      keep.wanted(header)
    ) {
      budget -= header.size;
      kept.set(index, await readUpTo(data, header.size));
    }
    return true;
  });
  return {
    headers,
    async read(index, limit) {
      const known = kept.get(index);
      if (known) return known.subarray(0, limit);
      let found: Buffer | undefined;
      await eachTarEntry(options, async (at, _header, data) => {
        if (at !== index) return true;
        found = await readUpTo(data, limit);
        return false;
      });
      return found ?? Buffer.alloc(0);
    },
    close: () => undefined,
  };
}

/**
 * One pass over the tar: `visit` gets each entry with its data stream, which it may read (or leave:
 * it is skipped), and returns false to stop the pass there.
 */
async function eachTarEntry(
  options: TarOptions,
  visit: (index: number, header: HeaderEntry, data: Readable) => Promise<boolean>,
): Promise<void> {
  const source = options.open();
  // Names as bytes (latin1 keeps each byte), decoded below: tar-stream's UTF-8 default would hide bad ones.
  const extract = tar.extract({ filenameEncoding: 'latin1' } as Parameters<typeof tar.extract>[0]);
  const stop = () => source.destroy(new Cancelled());
  options.cancel?.addEventListener('abort', stop, { once: true });
  const feeding = pipeline(source, extract).catch((error: unknown) => error);
  let stoppedEarly = false;
  try {
    let index = 0;
    for await (const entry of extract) {
      if (!(await visit(index++, headerOf(entry.header), entry as unknown as Readable))) {
        stoppedEarly = true;
        source.destroy();
        break;
      }
      entry.resume();
    }
  } catch (error) {
    throwIfCancelled(options.cancel);
    throw error;
  } finally {
    options.cancel?.removeEventListener('abort', stop);
  }
  throwIfCancelled(options.cancel);
  const failed = stoppedEarly ? undefined : await feeding;
  if (failed) throw failed;
}

/**
 * Names come from the pax header when there is one (UTF-8 by definition), else as bytes. A pax sparse
 * file (GNU tar -S --format=pax, formats 0.1 and 1.0) is stored as `GNUSparseFile.N/name`: its real
 * name and size are GNU.sparse.name and GNU.sparse.realsize (0.1: GNU.sparse.size), which GNU tar
 * unpacks it as. Its data here is the sparse map and the data blocks, not the file: it is not read.
 */
function headerOf(header: tar.Header): HeaderEntry {
  const pax = (header.pax ?? {}) as Record<string, string | undefined>;
  const sparseName = pax['GNU.sparse.name'];
  const sparseSize = pax['GNU.sparse.realsize'] ?? pax['GNU.sparse.size'];
  const sparse = sparseName !== undefined || sparseSize !== undefined;
  const path = sparseName ?? pax.path;
  const raw = path ? Buffer.from(path) : Buffer.from(header.name, 'latin1');
  const target = header.linkname ?? undefined;
  const typed = TAR_TYPES[header.type ?? 'file'] ?? {
    type: 'other' as const,
    kind: `tar entry of type ${header.type}`,
  };
  const name = decodeName(raw);
  const linkRaw =
    target !== undefined && pax.linkpath === undefined ? Buffer.from(target, 'latin1') : undefined;
  const linkTarget = pax.linkpath ?? (linkRaw ? decodeName(linkRaw) : undefined);
  return {
    name,
    ...(name === undefined ? { raw } : {}),
    ...typed,
    mode: header.mode ?? 0o644,
    size: sparseSize !== undefined && /^\d+$/.test(sparseSize) ? Number(sparseSize) : (header.size ?? 0),
    ...(sparse ? { unreadable: 'it is a sparse file, whose bytes this check does not reassemble' } : {}),
    ...(target === undefined ? {} : linkTarget !== undefined ? { linkTarget } : { linkRaw: linkRaw! }),
  };
}

/** At most `limit` bytes of a stream; the rest is not read. */
async function readUpTo(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= limit) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, limit);
}
