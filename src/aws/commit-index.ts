import {
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { BundleType } from '../config/types.js';
import type { Logger } from '../core/log.js';
import { problem, UserError, warning } from '../core/problems.js';
import { describeS3Error, isNotFound } from './s3-errors.js';
import { objectVersion, type RevisionMetadata, type RevisionResult } from './s3-upload.js';

/**
 * Which revision each deployed commit built: `{prefix}{application}/.codedeploy-gitops/commits/{sha}.json`,
 * written by every run that deploys its workspace, whether it uploaded the bundle or found it there.
 * The bundle's own metadata cannot say it: one object serves every commit with the same tree (a revert,
 * a merge that changes nothing deployed), and names only the first. A key per commit also makes an
 * abbreviated sha a prefix listing instead of reading every bundle's metadata.
 */
export interface CommitEntry {
  sha: string;
  ref: string;
  key: string;
  digest: string;
  bundleType: BundleType;
  runUrl?: string;
  recordedAt: string;
}

export interface CommitIndexLocation {
  s3: S3Client;
  bucket: string;
  prefix: string;
  application: string;
}

const directory = (where: CommitIndexLocation) =>
  `${where.prefix}${where.application}/.codedeploy-gitops/commits/`;

export function commitIndexKey(where: CommitIndexLocation, sha: string): string {
  return `${directory(where)}${sha.toLowerCase()}.json`;
}

/**
 * Records the commit's revision. A failure only costs a later redeploy of this commit by sha, so it
 * warns (saying so) rather than failing a deployment that is otherwise ready to go.
 */
export async function recordCommit(
  where: CommitIndexLocation,
  metadata: RevisionMetadata,
  revision: Pick<RevisionResult, 'key' | 'digest' | 'bundleType'>,
  log: Logger,
): Promise<void> {
  const entry: CommitEntry = {
    sha: metadata.sha,
    ref: metadata.ref,
    key: revision.key,
    digest: revision.digest,
    bundleType: revision.bundleType,
    ...(metadata.runUrl ? { runUrl: metadata.runUrl } : {}),
    recordedAt: new Date().toISOString(),
  };
  const key = commitIndexKey(where, metadata.sha);
  try {
    await where.s3.send(
      new PutObjectCommand({
        Bucket: where.bucket,
        Key: key,
        Body: JSON.stringify(entry),
        ContentType: 'application/json',
      }),
    );
  } catch (error) {
    const [explained] = describeS3Error(error, {
      operation: 'PutObject',
      bucket: where.bucket,
      key,
    }).problems;
    log.warn(
      warning(
        `${explained!.message}: deploying anyway, but "revision: ${metadata.sha.slice(0, 7)}" will not find this commit's revision`,
        undefined,
        explained!.hint,
      ),
    );
  }
}

/**
 * The revision commit `sha` built, for "redeploy commit X without rebuilding"; undefined when no run
 * recorded that commit. `sha`: 7 to 40 hex digits, as the `revision` input allows.
 */
export async function findRevisionBySha(
  where: CommitIndexLocation & { sha: string },
): Promise<RevisionResult | undefined> {
  const { s3, bucket } = where;
  const sha = where.sha.toLowerCase();
  const keys = await listKeys(s3, bucket, `${directory(where)}${sha}`);
  const matches = keys.filter((key) => key.endsWith('.json'));
  if (matches.length === 0) return undefined;
  if (matches.length > 1) {
    const shas = matches.map((key) => key.slice(key.lastIndexOf('/') + 1, -'.json'.length));
    throw new UserError(
      problem(
        `commit ${sha} is ambiguous: ${shas.join(', ')} were deployed`,
        { file: 'action inputs' },
        'give more characters of the sha',
      ),
    );
  }
  const entry = await readEntry(s3, bucket, matches[0]!);
  const found = `commit ${entry.sha.slice(0, 7)} was deployed with s3://${bucket}/${entry.key}`;
  let head: HeadObjectCommandOutput;
  try {
    head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: entry.key }));
  } catch (error) {
    if (!isNotFound(error)) throw describeS3Error(error, { operation: 'HeadObject', bucket, key: entry.key });
    throw new UserError(
      problem(
        `${found}, which is no longer there (deleted, or expired by a lifecycle rule)`,
        undefined,
        'deploy the commit again by running the workflow on it (workflow_dispatch without revision)',
      ),
    );
  }
  if (head.Metadata?.digest !== entry.digest) {
    throw new UserError(
      problem(
        `${found}, which now holds other content (digest ${head.Metadata?.digest ?? 'missing'}, expected ${entry.digest})`,
        undefined,
        'deploy the commit again by running the workflow on it; check who else writes to the bucket',
      ),
    );
  }
  return {
    bucket,
    key: entry.key,
    bundleType: entry.bundleType,
    ...objectVersion(head),
    digest: entry.digest,
    bytes: head.ContentLength ?? 0,
    files: Number(head.Metadata?.files ?? 0),
    uploaded: false,
  };
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
    } catch (error) {
      throw describeS3Error(error, { operation: 'ListObjectsV2', bucket, key: prefix });
    }
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

async function readEntry(s3: S3Client, bucket: string, key: string): Promise<CommitEntry> {
  let text: string;
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = (await response.Body?.transformToString()) ?? '';
  } catch (error) {
    throw describeS3Error(error, { operation: 'GetObject', bucket, key });
  }
  try {
    const entry = JSON.parse(text) as Partial<CommitEntry>;
    if (entry.sha && entry.key && entry.digest && entry.bundleType) return entry as CommitEntry;
  } catch {
    // Reported below with the file named.
  }
  throw new UserError(
    problem(
      `s3://${bucket}/${key} is not a commit record codedeploy-gitops wrote`,
      undefined,
      'delete it, then deploy the commit again by running the workflow on it',
    ),
  );
}
