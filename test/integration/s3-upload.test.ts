import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PART_SIZE, partSizeFor } from '../../src/aws/revision-store.js';
import { createS3Client } from '../../src/aws/s3-client.js';
import { S3Error } from '../../src/aws/s3-errors.js';
import type { S3RevisionSettings } from '../../src/config/types.js';
import { MemoryLogger } from '../../src/core/log.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { storeWorkspace } from '../helpers/store-workspace.js';
import { tempDir, writeTree } from '../helpers/tree.js';

const endpoint = inject('motoEndpoint');
const credentials = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
};
Object.assign(process.env, credentials);

let ws: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ path: ws, cleanup } = await tempDir());
  await writeTree(ws, {
    'small/appspec.yml': 'version: 0.0\nos: linux\n',
    'small/scripts/start.sh': { content: '#!/bin/sh\n', mode: 0o755 },
    'medium/appspec.yml': 'version: 0.0\nos: linux\n',
    'medium/data.bin': randomBytes(20 * 1024 * 1024),
  });
});
afterAll(() => cleanup());

const client = (url = endpoint, maxAttempts?: number) =>
  createS3Client({ region: 'us-east-1', endpoints: { s3: url } }, maxAttempts ? { maxAttempts } : {});

async function newBucket(s3: S3Client = client()): Promise<string> {
  const bucket = `cdg-${randomUUID().slice(0, 13)}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

const revision = (bucket: string, source: string): S3RevisionSettings => ({
  type: 's3',
  bucket,
  prefix: 'deploys/',
  bundleType: 'zip',
  content: { kind: 'folder', source, exclude: [] },
});

const prepare = (s3: S3Client, bucket: string, source: string, log = new MemoryLogger()) =>
  storeWorkspace({
    workspace: ws,
    application: 'web',
    revision: revision(bucket, source),
    s3,
    commit: {
      sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      ref: 'refs/heads/main',
      runUrl: 'https://github.com/o/r/actions/runs/1',
    },
    log,
  });

/** The AWS CLI as an independent client. */
function headObject(
  bucket: string,
  key: string,
): { ETag: string; Metadata: Record<string, string>; ContentLength: number } {
  const out = execFileSync(
    'aws',
    ['s3api', 'head-object', '--endpoint-url', endpoint, '--bucket', bucket, '--key', key],
    {
      encoding: 'utf8',
      env: { ...process.env, ...credentials, AWS_DEFAULT_REGION: 'us-east-1' },
    },
  );
  return JSON.parse(out);
}

async function danglingUploads(s3: S3Client, bucket: string): Promise<number> {
  return (await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads?.length ?? 0;
}

describe('the S3 revision store against moto S3', () => {
  it('uploads under a content-addressed key with metadata, then reuses it without sending a byte', async () => {
    const s3 = client();
    const bucket = await newBucket(s3);
    const first = await prepare(s3, bucket, 'small');
    expect(first).toMatchObject({ bucket, bundleType: 'zip', files: 2, uploaded: true });
    expect(first.key).toBe(`deploys/web/${first.digest}.zip`);
    const head = headObject(bucket, first.key);
    expect(head.ETag).toBe(first.eTag);
    expect(head.ContentLength).toBe(first.bytes);
    expect(head.Metadata).toEqual({
      digest: first.digest,
      files: '2',
      'git-sha': 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      'git-ref': 'refs/heads/main',
      'run-url': 'https://github.com/o/r/actions/runs/1',
    });

    const log = new MemoryLogger();
    const again = await prepare(s3, bucket, 'small', log);
    expect(again).toEqual({ ...first, uploaded: false });
    expect(log.text()).toContain('already holds this bundle');
    expect(log.text()).not.toContain('uploaded');
  });

  it('sends a bundle larger than 100 MB as a multipart upload whose ETag the AWS CLI sees', async () => {
    const { path: big, cleanup: done } = await tempDir();
    try {
      const out = createWriteStream(join(big, 'random.bin'));
      for (let i = 0; i < 110; i++)
        if (!out.write(randomBytes(1024 * 1024))) await new Promise((r) => out.once('drain', r));
      await new Promise((resolve) => out.end(resolve));
      const s3 = client();
      const bucket = await newBucket(s3);
      const log = new MemoryLogger();
      const result = await storeWorkspace({
        workspace: big,
        application: 'web',
        revision: revision(bucket, '.'),
        s3,
        commit: { sha: 'f'.repeat(40), ref: 'refs/heads/main' },
        log,
      });
      expect(result.bytes).toBeGreaterThan(110 * 1024 * 1024);
      expect(result.eTag).toMatch(new RegExp(`^"[0-9a-f]{32}-${Math.ceil(result.bytes / PART_SIZE)}"$`));
      expect(headObject(bucket, result.key).ETag).toBe(result.eTag);
      expect(log.text()).toMatch(/uploaded 1\d\d MiB to s3:\/\//);
      expect(await danglingUploads(s3, bucket)).toBe(0);
    } finally {
      await done();
    }
  });

  it('names a missing bucket and how to fix it', async () => {
    const failure = await prepare(client(), `cdg-missing-${randomUUID().slice(0, 8)}`, 'small').catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(S3Error);
    expect((failure as Error).message).toMatch(
      /^S3 bucket "cdg-missing-\w+" does not exist \(PutObject: NoSuchBucket\) \(create it/,
    );
  });
});

describe('part size', () => {
  it('sizes parts so that a huge tree stays within 10,000 parts', () => {
    expect(partSizeFor(400e6, 20_000)).toBe(PART_SIZE);
    const huge = partSizeFor(100e9, 1_000_000);
    expect(huge % (1024 * 1024)).toBe(0);
    expect(10_000 * huge).toBeGreaterThan(100e9 + 1_000_000 * 10 * 1024);
  });
});

describe('network faults during the upload', () => {
  let proxy: FaultProxy | undefined;
  afterAll(() => proxy?.close());

  const isPart = (url: string, part: number) =>
    url.includes(`partNumber=${part}&`) || url.endsWith(`partNumber=${part}`);

  it('retries a part whose connection was reset and completes the object', async () => {
    const direct = client();
    const bucket = await newBucket(direct);
    let resets = 0;
    proxy = await startFaultProxy(endpoint, ({ method, url }) => {
      if (method === 'PUT' && isPart(url, 2) && resets === 0) {
        resets += 1;
        return { kind: 'reset', afterBytes: 1024 * 1024 };
      }
      return { kind: 'pass' };
    });
    const result = await prepare(client(proxy.endpoint), bucket, 'medium');
    await proxy.close();
    proxy = undefined;
    expect(resets).toBe(1);
    expect(result.eTag).toMatch(new RegExp(`-${Math.ceil(result.bytes / PART_SIZE)}"$`));
    const object = await direct.send(new GetObjectCommand({ Bucket: bucket, Key: result.key }));
    expect(object.ContentLength).toBe(result.bytes);
    expect(await danglingUploads(direct, bucket)).toBe(0);
  });

  it('aborts the multipart upload when a part keeps failing, leaving nothing behind', async () => {
    const direct = client();
    const bucket = await newBucket(direct);
    proxy = await startFaultProxy(endpoint, ({ method, url }) =>
      method === 'PUT' && isPart(url, 2) ? { kind: 'reset', afterBytes: 64 * 1024 } : { kind: 'pass' },
    );
    const failure = await prepare(client(proxy.endpoint, 2), bucket, 'medium').catch((e: unknown) => e);
    const attempts = proxy.requests.filter(({ method, url }) => method === 'PUT' && isPart(url, 2)).length;
    const aborted = proxy.requests.some(
      ({ method, url }) => method === 'DELETE' && url.includes('uploadId='),
    );
    await proxy.close();
    proxy = undefined;
    expect(failure).toBeInstanceOf(S3Error);
    expect((failure as Error).message).toContain(`s3://${bucket}/deploys/web/`);
    expect(attempts).toBe(2);
    expect(aborted).toBe(true);
    expect(await danglingUploads(direct, bucket)).toBe(0);
  });
});
