/**
 * The zip container format (PKWARE APPNOTE 6.3), written by hand rather than with yazl: yazl deflates one
 * entry at a time on one stream and computes CRC-32 in JavaScript, and cannot take data compressed ahead, so
 * it neither uses both cores nor lets the store-or-deflate choice look at the deflated size. Measured on the
 * 400 MB benchmark tree it was no faster than `zip -r` (see docs/performance.md).
 *
 * Every entry carries Unix attributes ("version made by" 3 = Unix, mode << 16 in the external attributes),
 * which is what Info-ZIP `unzip` (the CodeDeploy agent's extractor) reads to restore permissions and
 * symlinks. Timestamps are one fixed DOS date-time (see FIXED_DOS_DATE); no extended-timestamp extra field
 * is written, because a UTC timestamp next to the zone-less DOS one would make the bytes depend on the
 * builder's time zone.
 */

/**
 * 2000-01-01 00:00:00, the same instant the tar format uses. DOS time has no zone and starts in 1980;
 * the epoch itself is avoided because readers that convert it to UTC east of Greenwich get a 1979 date and
 * clamp or reject it.
 */
const FIXED_DOS_DATE = ((2000 - 1980) << 9) | (1 << 5) | 1;
const FIXED_DOS_TIME = 0;
const MADE_BY_UNIX = (3 << 8) | 45;
const NEEDS_DEFAULT = 20;
const NEEDS_ZIP64 = 45;
const FLAG_UTF8 = 0x0800;
const FLAG_DESCRIPTOR = 0x0008;
const MSDOS_DIRECTORY = 0x10;
const U32_MAX = 0xffffffff;

export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;

/** When ZIP64 records are used. Lowered in tests to exercise the ZIP64 paths without 4 GiB of data. */
export interface Zip64Limits {
  /**
   * Entries of this many bytes or more get ZIP64 sizes. Below 4 GiB by a margin, because the size decided
   * up front (before compressing) must also cover deflate's few bytes of growth on incompressible data.
   */
  size: number;
  /** Offsets and central-directory sizes from this value on need ZIP64. */
  offset: number;
  /** Entry counts from this value on need the ZIP64 end record. */
  entries: number;
}

export const ZIP64_LIMITS: Zip64Limits = { size: 0xff000000, offset: U32_MAX, entries: 0xffff };

export type ZipMethod = 0 | 8;

export interface ZipEntry {
  name: string;
  /** st_mode: type bits (S_IFREG, S_IFDIR, S_IFLNK) and permission bits. */
  unixMode: number;
  method: ZipMethod;
  /** Uncompressed size, known up front (from the walk). */
  size: number;
  /** Known up front for data held in memory; streamed entries get a data descriptor instead. */
  crc?: number;
  compressedSize?: number;
}

interface Written {
  name: string;
  nameLength: number;
  unixMode: number;
  method: ZipMethod;
  flags: number;
  crc: number;
  size: number;
  compressedSize: number;
  offset: number;
  zip64: boolean;
}

/** Central directory bytes are kept in chunks of this size (one JS object per chunk, not per entry). */
const DIRECTORY_CHUNK = 64 * 1024;

/** Produces the bytes of a zip file, entry by entry; the caller sends them on in the order returned. */
export class ZipWriter {
  private offset = 0;
  private entries = 0;
  private current: Written | undefined;
  /** The central directory, written as each entry ends: chunks, the last one filled up to `filled`. */
  private readonly directory: Buffer[] = [];
  private filled = 0;
  private directorySize = 0;

  constructor(private readonly limits: Zip64Limits = ZIP64_LIMITS) {}

  /** The local file header that starts an entry. */
  begin(entry: ZipEntry): Buffer {
    const streamed = entry.crc === undefined;
    const record: Written = {
      name: entry.name,
      nameLength: Buffer.byteLength(entry.name),
      unixMode: entry.unixMode,
      method: entry.method,
      flags: FLAG_UTF8 | (streamed ? FLAG_DESCRIPTOR : 0),
      crc: entry.crc ?? 0,
      size: entry.size,
      compressedSize: entry.compressedSize ?? 0,
      offset: this.offset,
      zip64: entry.size >= this.limits.size,
    };
    this.current = record;
    const extra = record.zip64 ? [streamed ? 0 : record.size, streamed ? 0 : record.compressedSize] : [];
    const header = Buffer.allocUnsafe(30 + record.nameLength + zip64ExtraLength(extra));
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(record.zip64 ? NEEDS_ZIP64 : NEEDS_DEFAULT, 4);
    header.writeUInt16LE(record.flags, 6);
    header.writeUInt16LE(record.method, 8);
    header.writeUInt16LE(FIXED_DOS_TIME, 10);
    header.writeUInt16LE(FIXED_DOS_DATE, 12);
    header.writeUInt32LE(record.crc, 14);
    header.writeUInt32LE(record.zip64 ? U32_MAX : record.compressedSize, 18);
    header.writeUInt32LE(record.zip64 ? U32_MAX : record.size, 22);
    header.writeUInt16LE(record.nameLength, 26);
    header.writeUInt16LE(zip64ExtraLength(extra), 28);
    header.write(record.name, 30);
    writeZip64Extra(header, 30 + record.nameLength, extra);
    return this.count(header);
  }

  /** Entry data, passed through so the writer knows the offsets. */
  data<T extends Uint8Array>(chunk: T): T {
    this.offset += chunk.length;
    return chunk;
  }

  /** Ends the current entry; for a streamed one, returns the data descriptor with its CRC and sizes. */
  finish(result?: { crc: number; compressedSize: number; size: number }): Buffer {
    const record = this.current!;
    this.current = undefined;
    if (!(record.flags & FLAG_DESCRIPTOR)) {
      this.addToDirectory(record);
      return EMPTY;
    }
    if (!result) throw new Error(`zip entry ${record.name} needs its CRC and sizes`);
    record.crc = result.crc;
    record.compressedSize = result.compressedSize;
    if (result.size !== record.size)
      throw new Error(`zip entry ${record.name}: size ${result.size} != ${record.size}`);
    this.addToDirectory(record);
    const descriptor = Buffer.alloc(record.zip64 ? 24 : 16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(record.crc, 4);
    if (record.zip64) {
      descriptor.writeBigUInt64LE(BigInt(record.compressedSize), 8);
      descriptor.writeBigUInt64LE(BigInt(record.size), 16);
    } else {
      descriptor.writeUInt32LE(record.compressedSize, 8);
      descriptor.writeUInt32LE(record.size, 12);
    }
    return this.count(descriptor);
  }

  /** The central directory and end records, in chunks. */
  end(): Buffer[] {
    const start = this.offset;
    const size = this.directorySize;
    const count = this.entries;
    const zip64 = count >= this.limits.entries || size >= this.limits.offset || start >= this.limits.offset;
    const tail: Buffer[] = [];
    if (zip64) {
      const record = Buffer.alloc(56);
      record.writeUInt32LE(0x06064b50, 0);
      record.writeBigUInt64LE(44n, 4);
      record.writeUInt16LE(MADE_BY_UNIX, 12);
      record.writeUInt16LE(NEEDS_ZIP64, 14);
      record.writeBigUInt64LE(BigInt(count), 24);
      record.writeBigUInt64LE(BigInt(count), 32);
      record.writeBigUInt64LE(BigInt(size), 40);
      record.writeBigUInt64LE(BigInt(start), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(start + size), 8);
      locator.writeUInt32LE(1, 16);
      tail.push(record, locator);
    }
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(zip64 ? 0xffff : count, 8);
    eocd.writeUInt16LE(zip64 ? 0xffff : count, 10);
    eocd.writeUInt32LE(zip64 ? U32_MAX : size, 12);
    eocd.writeUInt32LE(zip64 ? U32_MAX : start, 16);
    tail.push(eocd);
    const last = this.directory.length - 1;
    if (last >= 0) this.directory[last] = this.directory[last]!.subarray(0, this.filled);
    return [...this.directory, ...tail];
  }

  private addToDirectory(record: Written): void {
    const bigOffset = record.offset >= this.limits.offset;
    const extra = [
      ...(record.zip64 ? [record.size, record.compressedSize] : []),
      ...(bigOffset ? [record.offset] : []),
    ];
    const length = 46 + record.nameLength + zip64ExtraLength(extra);
    const header = this.reserve(length);
    const isDir = (record.unixMode & 0o170000) === S_IFDIR;
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(MADE_BY_UNIX, 4);
    header.writeUInt16LE(record.zip64 || bigOffset ? NEEDS_ZIP64 : NEEDS_DEFAULT, 6);
    header.writeUInt16LE(record.flags, 8);
    header.writeUInt16LE(record.method, 10);
    header.writeUInt16LE(FIXED_DOS_TIME, 12);
    header.writeUInt16LE(FIXED_DOS_DATE, 14);
    header.writeUInt32LE(record.crc, 16);
    header.writeUInt32LE(record.zip64 ? U32_MAX : record.compressedSize, 20);
    header.writeUInt32LE(record.zip64 ? U32_MAX : record.size, 24);
    header.writeUInt16LE(record.nameLength, 28);
    header.writeUInt16LE(zip64ExtraLength(extra), 30);
    header.writeUInt16LE(0, 32); // comment length
    header.writeUInt16LE(0, 34); // disk number start
    header.writeUInt16LE(0, 36); // internal attributes
    header.writeUInt32LE(((record.unixMode << 16) | (isDir ? MSDOS_DIRECTORY : 0)) >>> 0, 38);
    header.writeUInt32LE(bigOffset ? U32_MAX : record.offset, 42);
    header.write(record.name, 46);
    writeZip64Extra(header, 46 + record.nameLength, extra);
    this.entries += 1;
    this.directorySize += length;
  }

  /** `length` bytes at the end of the central directory, in a chunk allocated once per DIRECTORY_CHUNK. */
  private reserve(length: number): Buffer {
    let chunk = this.directory[this.directory.length - 1];
    if (!chunk || this.filled + length > chunk.length) {
      if (chunk) this.directory[this.directory.length - 1] = chunk.subarray(0, this.filled);
      chunk = Buffer.allocUnsafeSlow(Math.max(DIRECTORY_CHUNK, length));
      this.directory.push(chunk);
      this.filled = 0;
    }
    const reserved = chunk.subarray(this.filled, this.filled + length);
    this.filled += length;
    return reserved;
  }

  private count(buffer: Buffer): Buffer {
    this.offset += buffer.length;
    return buffer;
  }
}

const EMPTY = Buffer.alloc(0);

/** Bytes of the ZIP64 extended-information extra field (tag 0x0001) holding these 8-byte values. */
function zip64ExtraLength(values: number[]): number {
  return values.length > 0 ? 4 + 8 * values.length : 0;
}

function writeZip64Extra(target: Buffer, at: number, values: number[]): void {
  if (values.length === 0) return;
  target.writeUInt16LE(0x0001, at);
  target.writeUInt16LE(8 * values.length, at + 2);
  values.forEach((value, index) => {
    target.writeBigUInt64LE(BigInt(value), at + 4 + 8 * index);
  });
}
