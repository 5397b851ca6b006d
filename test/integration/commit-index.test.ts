import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commitRecordKey, S3CommitRecords } from '../../src/aws/commit-records.js';
import { createS3Client } from '../../src/aws/s3-client.js';
import type { Logger } from '../../src/core/log.js';
import { MemoryLogger } from '../../src/core/log.js';
import { UserError } from '../../src/core/problems.js';
import type { CommitMetadata, StoredRevision } from '../../src/deploy/ports.js';
import { storeWorkspace } from '../helpers/store-workspace.js';
import { tempDir, writeTree } from '../helpers/tree.js';

const s3: S3Client = createS3Client({
  region: 'us-east-1',
  endpoints: { s3: inject('motoEndpoint') },
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});

type Place = { s3: S3Client; bucket: string; prefix: string; application: string };
const findCommit = (where: Place & { sha: string }) =>
  new S3CommitRecords(where, new MemoryLogger()).find(where.sha);
const findRevisionBySha = async (where: Place & { sha: string }) => (await findCommit(where))?.revision;
const recordCommit = (
  where: Place,
  commit: CommitMetadata,
  revision: Pick<StoredRevision, 'key' | 'digest' | 'bundleType'>,
  log: Logger,
) => new S3CommitRecords(where, log).record(commit, revision as StoredRevision);

const A = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const B = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0';
/** Shares A's first 7 digits. */
const C = `a1b2c3d${'0'.repeat(33)}`;

let ws: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ path: ws, cleanup } = await tempDir());
  await writeTree(ws, { 'appspec.yml': 'version: 0.0\nos: linux\n', 'index.html': 'v1\n' });
});
afterAll(() => cleanup());

async function bucketWithIndex() {
  const bucket = `cdg-${randomUUID().slice(0, 13)}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const where = { s3, bucket, prefix: 'deploys/', application: 'web' };
  /** What a run on commit `sha` does with the workspace: prepare (upload or reuse), then record. */
  const deploy = async (sha: string, log = new MemoryLogger()): Promise<StoredRevision> => {
    const metadata = { sha, ref: 'refs/heads/main' };
    const revision = await storeWorkspace({
      workspace: ws,
      application: 'web',
      revision: {
        type: 's3',
        bucket,
        prefix: 'deploys/',
        bundleType: 'zip',
        content: { kind: 'folder', source: '.', exclude: [] },
      },
      s3,
      commit: metadata,
      log,
    });
    await recordCommit(where, metadata, revision, log);
    return revision;
  };
  return { bucket, where, deploy };
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('the commit index', () => {
  it('finds a revision by full or abbreviated sha, in either case', async () => {
    const { where, deploy } = await bucketWithIndex();
    const uploaded = await deploy(A);
    expect(uploaded.uploaded).toBe(true);
    expect(await findCommit({ ...where, sha: A })).toEqual({
      sha: A,
      ref: 'refs/heads/main',
      revision: { ...uploaded, uploaded: false },
    });
    expect((await findRevisionBySha({ ...where, sha: A.slice(0, 7).toUpperCase() }))?.key).toBe(uploaded.key);
    expect(await findRevisionBySha({ ...where, sha: 'bbbbbbb' })).toBeUndefined();
  });

  it('finds a later commit whose tree equals an earlier one (its run reused the object)', async () => {
    const { where, deploy } = await bucketWithIndex();
    const first = await deploy(A);
    const second = await deploy(B);
    expect(second.uploaded).toBe(false);
    expect(second.key).toBe(first.key);
    expect((await findRevisionBySha({ ...where, sha: B.slice(0, 7) }))?.key).toBe(first.key);
  });

  it('refuses an abbreviation that two deployed commits share, naming both', async () => {
    const { where, deploy } = await bucketWithIndex();
    await deploy(A);
    await deploy(C);
    const failure = await failureOf(findRevisionBySha({ ...where, sha: 'a1b2c3d' }));
    expect(failure).toBeInstanceOf(UserError);
    expect((failure as Error).message).toContain(`commit a1b2c3d is ambiguous: ${C}, ${A} were deployed`);
    expect((failure as Error).message).toContain('give more characters');
  });

  it('says so when the recorded revision is gone or holds other content', async () => {
    const { bucket, where, deploy } = await bucketWithIndex();
    const revision = await deploy(A);
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: revision.key, Body: 'x', Metadata: { digest: 'other' } }),
    );
    expect(String(await failureOf(findRevisionBySha({ ...where, sha: A })))).toContain(
      `now holds other content (digest other, expected ${revision.digest})`,
    );
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: revision.key }));
    expect(String(await failureOf(findRevisionBySha({ ...where, sha: A })))).toContain(
      `commit a1b2c3d was deployed with s3://${bucket}/${revision.key}, which is no longer there`,
    );
  });

  it('refuses a record it did not write: not JSON, another commit, a key outside the application', async () => {
    const { bucket, where, deploy } = await bucketWithIndex();
    const revision = await deploy(B);
    /** Plants a record for commit A: the key it leads to, or the error. */
    const plant = async (body: string) => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: commitRecordKey(where, A), Body: body }));
      return findRevisionBySha({ ...where, sha: A }).then(
        (found) => found?.key,
        (error: unknown) => String(error),
      );
    };
    const entry = {
      sha: A,
      ref: 'refs/heads/main',
      key: revision.key,
      digest: revision.digest,
      bundleType: 'zip',
    };
    // A well-formed record is trusted (docs/security.md: bucket write access is deploy access).
    expect(await plant(JSON.stringify(entry))).toBe(revision.key);
    for (const body of [
      'not json',
      JSON.stringify({ ...entry, sha: B }),
      JSON.stringify({ ...entry, key: `other-app/${revision.digest}.zip` }),
      JSON.stringify({ ...entry, bundleType: 'rar' }),
    ]) {
      expect(await plant(body)).toContain('is not a record codedeploy-gitops wrote');
    }
  });

  it('on a versioned bucket, redeploys the version it recorded even after the key was overwritten', async () => {
    const { bucket, where, deploy } = await bucketWithIndex();
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const revision = await deploy(A);
    expect(revision.version).toBeTruthy();
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: revision.key, Body: 'x', Metadata: { digest: 'other' } }),
    );
    expect(await findRevisionBySha({ ...where, sha: A })).toMatchObject({
      version: revision.version,
      eTag: revision.eTag,
    });
  });

  it('only warns when the record cannot be written: the deployment goes on', async () => {
    const { where } = await bucketWithIndex();
    const log = new MemoryLogger();
    await recordCommit(
      { ...where, bucket: `cdg-missing-${randomUUID().slice(0, 8)}` },
      { sha: A, ref: 'refs/heads/main' },
      { key: 'deploys/web/x.zip', digest: 'd', bundleType: 'zip' },
      log,
    );
    const warned = log.lines.find((line) => line.level === 'warn')?.problem;
    expect(warned?.message).toMatch(
      /does not exist \(PutObject: NoSuchBucket\): deploying anyway, but "revision: a1b2c3d" will not find/,
    );
    expect(warned?.hint).toContain('create it');
  });
});
