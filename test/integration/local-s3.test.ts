import { createHash, randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedS3, startEmbeddedS3 } from '../../src/local/index.js';
import { AWS_CLI_CONFIG, awsCli, awsCliEnv } from '../helpers/aws-cli.js';
import { tempDir } from '../helpers/local.js';

/**
 * The embedded S3 with the project's own SDK version and its default settings (CRC32 checksums,
 * aws-chunked framing for streams): what goes in comes out byte for byte.
 */
let s3: EmbeddedS3;
let client: S3Client;
let dataDir: string;
const bucket = 'roundtrip';

beforeAll(async () => {
  dataDir = await tempDir('cdg-s3-');
  s3 = await startEmbeddedS3({ dataDir, buckets: [bucket] });
  client = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    // Any key works: s3rver's own key is not needed.
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
});
afterAll(async () => {
  client.destroy();
  await s3.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function read(key: string): Promise<Buffer> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
}

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

describe('embedded S3', () => {
  it('stores a PutObject streamed with the SDK defaults byte for byte', async () => {
    const data = randomBytes(300_000);
    const put = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'stream.bin',
        Body: Readable.from([data.subarray(0, 1000), data.subarray(1000)]),
        ContentLength: data.length,
      }),
    );
    expect(put.ETag).toBe(`"${md5(data)}"`);
    expect((await read('stream.bin')).equals(data)).toBe(true);
  });

  it('stores a @aws-sdk/lib-storage multipart upload byte for byte', async () => {
    const data = randomBytes(11 * 1024 * 1024 + 13);
    const upload = new Upload({
      client,
      params: { Bucket: bucket, Key: 'multipart.bin', Body: Readable.from([data]) },
      partSize: 5 * 1024 * 1024,
    });
    const done = await upload.done();
    expect((await read('multipart.bin')).equals(data)).toBe(true);
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'multipart.bin' }));
    expect(head.ContentLength).toBe(data.length);
    // What the uploader is told is what a download sees: the eTag a deployment pins matches.
    // (s3rver's multipart eTag is not S3's "<md5 of part md5s>-<parts>" form; nothing relies on the form.)
    expect(head.ETag).toBe(done.ETag);
  });

  it('stores a small lib-storage upload of unknown length byte for byte', async () => {
    const data = randomBytes(70_000);
    await new Upload({
      client,
      params: { Bucket: bucket, Key: 'small.bin', Body: Readable.from([data]) },
    }).done();
    expect((await read('small.bin')).equals(data)).toBe(true);
  });

  it('refuses an aws-chunked upload whose CRC32 trailer does not match (BadDigest) and stores nothing', async () => {
    const payload = Buffer.from('hello, world');
    const body = Buffer.concat([
      Buffer.from(`${payload.length.toString(16)}\r\n`),
      payload,
      Buffer.from('\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n'),
    ]);
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const url = new URL(`${s3.endpoint}/${bucket}/corrupt.txt`);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'PUT',
          path: url.pathname,
          headers: {
            'content-encoding': 'aws-chunked',
            'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
            'x-amz-decoded-content-length': String(payload.length),
            'x-amz-trailer': 'x-amz-checksum-crc32',
            'x-amz-date': '20260101T000000Z',
            authorization:
              'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00',
            'content-length': String(body.length),
          },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk) => {
            text += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(400);
    expect(text).toContain('<Code>BadDigest</Code>');
    await expect(
      client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'corrupt.txt' })),
    ).rejects.toThrow();
  });
});

describe('incomplete multipart uploads (what the action clears after every upload)', () => {
  const open = async (key: string) => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    await client.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: randomBytes(1024) }),
    );
    return UploadId!;
  };
  const listed = async (prefix: string) =>
    (
      (await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }))).Uploads ?? []
    ).map((upload) => `${upload.Key} ${upload.UploadId}`);

  it('lists the open ones by prefix, aborts one, forgets a completed one', async () => {
    const first = await open('left/a.zip');
    const second = await open('left/a.zip');
    const other = await open('elsewhere/b.zip');
    expect((await listed('left/')).sort()).toEqual([`left/a.zip ${first}`, `left/a.zip ${second}`].sort());
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'left/a.zip', UploadId: first }),
    );
    expect(await listed('left/')).toEqual([`left/a.zip ${second}`]);
    await expect(
      client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'left/a.zip', UploadId: first })),
    ).rejects.toMatchObject({ name: 'NoSuchUpload' });
    // Another key's upload id does not abort this key's upload.
    await expect(
      client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'left/a.zip', UploadId: other })),
    ).rejects.toMatchObject({ name: 'NoSuchUpload' });
    const part = await client.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'left/a.zip',
        UploadId: second,
        PartNumber: 2,
        Body: 'end',
      }),
    );
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'left/a.zip',
        UploadId: second,
        MultipartUpload: { Parts: [{ PartNumber: 2, ETag: part.ETag }] },
      }),
    );
    expect(await listed('left/')).toEqual([]);
    expect(await listed('')).toEqual([`elsewhere/b.zip ${other}`]);
  });

  it('the AWS CLI lists and aborts them too', async () => {
    const uploadId = await open('cli/c.zip');
    const config = `${dataDir}/aws-config`;
    await writeFile(config, AWS_CLI_CONFIG);
    const endpoint = ['--endpoint-url', s3.endpoint];
    const [list, abort, after, missing] = await awsCli(
      [
        ['s3api', 'list-multipart-uploads', '--bucket', bucket, '--prefix', 'cli/', ...endpoint],
        [
          's3api',
          'abort-multipart-upload',
          '--bucket',
          bucket,
          '--key',
          'cli/c.zip',
          '--upload-id',
          uploadId,
          ...endpoint,
        ],
        ['s3api', 'list-multipart-uploads', '--bucket', bucket, '--prefix', 'cli/', ...endpoint],
        ['s3api', 'list-multipart-uploads', '--bucket', 'no-such-bucket', ...endpoint],
      ],
      awsCliEnv(config),
    );
    expect(list!.code, list!.stderr).toBe(0);
    expect(list!.json.Uploads).toEqual([expect.objectContaining({ Key: 'cli/c.zip', UploadId: uploadId })]);
    expect(abort!.code, abort!.stderr).toBe(0);
    expect(after!.json.Uploads ?? []).toEqual([]);
    expect(missing!.code).not.toBe(0);
    expect(missing!.stderr).toContain('NoSuchBucket');
  });
});
