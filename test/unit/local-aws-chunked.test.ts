import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder, isAwsChunked } from '../../src/local/aws-chunked.js';

const crc32 = (zlib as unknown as { crc32: (data: Buffer) => number }).crc32;

function crcTrailer(data: Buffer): string {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(crc32(data) >>> 0);
  return value.toString('base64');
}

function encode(data: Buffer, chunkSize: number, options: { signed?: boolean; crc?: string } = {}): Buffer {
  const parts: Buffer[] = [];
  const ext = options.signed ? `;chunk-signature=${'0'.repeat(64)}` : '';
  for (let offset = 0; offset < data.length; offset += chunkSize) {
    const piece = data.subarray(offset, offset + chunkSize);
    parts.push(Buffer.from(`${piece.length.toString(16)}${ext}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`0${ext}\r\n`));
  if (options.crc !== undefined) parts.push(Buffer.from(`x-amz-checksum-crc32:${options.crc}\r\n`));
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

/** Feeds the encoded body in pieces of `step` bytes, so every boundary falls somewhere odd. */
async function decode(encoded: Buffer, step: number): Promise<{ data: Buffer; decoder: AwsChunkedDecoder }> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < encoded.length; i += step) pieces.push(encoded.subarray(i, i + step));
  const decoder = new AwsChunkedDecoder();
  const data = await buffer(Readable.from(pieces).pipe(decoder));
  return { data, decoder };
}

describe('AwsChunkedDecoder', () => {
  const data = randomBytes(70_001);

  it.each([1, 7, 8192, 100_000])(
    'decodes a body with a CRC32 trailer fed %i bytes at a time',
    async (step) => {
      const { data: decoded, decoder } = await decode(encode(data, 65_536, { crc: crcTrailer(data) }), step);
      expect(decoded.equals(data)).toBe(true);
      expect(decoder.length).toBe(data.length);
      expect(decoder.trailers.get('x-amz-checksum-crc32')).toBe(crcTrailer(data));
    },
  );

  it('decodes signed chunks (chunk-signature extensions)', async () => {
    const { data: decoded } = await decode(encode(data, 8192, { signed: true }), 4096);
    expect(decoded.equals(data)).toBe(true);
  });

  it('refuses a body whose CRC32 trailer does not match', async () => {
    await expect(decode(encode(data, 8192, { crc: 'AAAAAA==' }), 1000)).rejects.toMatchObject({
      code: 'BadDigest',
    });
  });

  it('refuses a truncated body and a malformed chunk header', async () => {
    const encoded = encode(data, 8192);
    await expect(decode(encoded.subarray(0, encoded.length - 10), 1000)).rejects.toMatchObject({
      code: 'IncompleteBody',
    });
    await expect(decode(Buffer.from('zz\r\nabc\r\n0\r\n\r\n'), 3)).rejects.toMatchObject({
      code: 'InvalidRequest',
    });
  });

  it('recognises aws-chunked requests by their headers', () => {
    expect(isAwsChunked({ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' })).toBe(true);
    expect(isAwsChunked({ 'content-encoding': 'gzip, aws-chunked' })).toBe(true);
    expect(isAwsChunked({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' })).toBe(false);
  });
});
