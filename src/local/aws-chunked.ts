import { Transform, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';

/**
 * Decodes the `aws-chunked` content encoding the AWS SDKs use for streamed uploads (SDK for
 * JavaScript ≥ 3.729 by default, with a CRC32 trailer): `<hex size>[;chunk-signature=…]\r\n<data>\r\n`
 * … `0\r\n<trailer headers>\r\n`. Servers that do not know it store the framing inside the object.
 * The decoded bytes flow on; trailers are collected, and a CRC32 trailer is verified.
 */
export class AwsChunkedError extends Error {
  constructor(
    readonly code: 'IncompleteBody' | 'BadDigest' | 'InvalidRequest',
    message: string,
  ) {
    super(message);
    this.name = 'AwsChunkedError';
  }
}

type Phase = 'header' | 'data' | 'data-end' | 'trailers' | 'done';

const CRLF = Buffer.from('\r\n');
const MAX_LINE = 8 * 1024;

export class AwsChunkedDecoder extends Transform {
  readonly trailers = new Map<string, string>();
  private phase: Phase = 'header';
  private pending: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private decodedLength = 0;
  private crc = 0;
  /** zlib.crc32 exists from Node 20.15 / 22.2; without it the trailer is not verified. */
  private readonly crc32 = (zlib as { crc32?: (data: Buffer, value?: number) => number }).crc32;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    try {
      this.consume();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.phase !== 'done') {
      callback(
        new AwsChunkedError('IncompleteBody', 'The aws-chunked request body ended before its final chunk'),
      );
      return;
    }
    const expected = this.trailers.get('x-amz-checksum-crc32');
    if (expected !== undefined && this.crc32) {
      const actual = Buffer.alloc(4);
      actual.writeUInt32BE(this.crc >>> 0);
      if (actual.toString('base64') !== expected) {
        callback(
          new AwsChunkedError(
            'BadDigest',
            `The CRC32 you specified (${expected}) did not match the calculated checksum (${actual.toString('base64')})`,
          ),
        );
        return;
      }
    }
    callback();
  }

  /** Bytes of payload decoded so far. */
  get length(): number {
    return this.decodedLength;
  }

  private consume(): void {
    for (;;) {
      if (this.phase === 'header') {
        const line = this.takeLine();
        if (line === undefined) return;
        const size = Number.parseInt(line.split(';')[0] ?? '', 16);
        if (!/^[0-9a-fA-F]+$/.test(line.split(';')[0] ?? '') || Number.isNaN(size)) {
          throw new AwsChunkedError(
            'InvalidRequest',
            `Malformed aws-chunked chunk header: ${line.slice(0, 80)}`,
          );
        }
        this.remaining = size;
        this.phase = size === 0 ? 'trailers' : 'data';
      } else if (this.phase === 'data') {
        if (this.pending.length === 0) return;
        const piece = this.pending.subarray(0, this.remaining);
        this.pending = this.pending.subarray(piece.length);
        this.remaining -= piece.length;
        this.decodedLength += piece.length;
        if (this.crc32) this.crc = this.crc32(piece, this.crc);
        this.push(piece);
        if (this.remaining === 0) this.phase = 'data-end';
      } else if (this.phase === 'data-end') {
        if (this.pending.length < 2) return;
        if (!this.pending.subarray(0, 2).equals(CRLF)) {
          throw new AwsChunkedError(
            'InvalidRequest',
            'Malformed aws-chunked body: a chunk is not followed by CRLF',
          );
        }
        this.pending = this.pending.subarray(2);
        this.phase = 'header';
      } else if (this.phase === 'trailers') {
        const line = this.takeLine();
        if (line === undefined) return;
        if (line === '') {
          this.phase = 'done';
          continue;
        }
        const colon = line.indexOf(':');
        if (colon > 0)
          this.trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      } else {
        // Anything after the final CRLF is ignored, as S3 does.
        this.pending = Buffer.alloc(0);
        return;
      }
    }
  }

  private takeLine(): string | undefined {
    const end = this.pending.indexOf(CRLF);
    if (end < 0) {
      if (this.pending.length > MAX_LINE)
        throw new AwsChunkedError('InvalidRequest', 'aws-chunked header line too long');
      return undefined;
    }
    const line = this.pending.subarray(0, end).toString('latin1');
    this.pending = this.pending.subarray(end + 2);
    return line;
  }
}

/** Whether a request body uses aws-chunked framing. */
export function isAwsChunked(headers: Record<string, string | string[] | undefined>): boolean {
  const sha = String(headers['x-amz-content-sha256'] ?? '');
  const encoding = String(headers['content-encoding'] ?? '');
  return sha.startsWith('STREAMING-') || encoding.split(',').some((e) => e.trim() === 'aws-chunked');
}
