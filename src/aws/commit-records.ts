import {
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { BUNDLE_TYPES, type BundleType } from '../config/types.js';
import type { Logger } from '../core/log.js';
import { problem, problemsOf, UserError, warning } from '../core/problems.js';
import type { CommitMetadata, CommitRecords, RecordedCommit, StoredRevision } from '../deploy/ports.js';
import { objectVersion, revisionKey } from './revision-store.js';
import { describeS3Error, isNotFound } from './s3-errors.js';
import {
  getRecord,
  notOurs,
  putRecord,
  recordKey,
  recordName,
  type StateLocation,
  stateDirectory,
} from './state-records.js';

/**
 * Which revision each deployed commit built: `.../.codedeploy-gitops/commits/{sha}.json` (see
 * state-records.ts), written by every run that deploys its workspace, whether it uploaded the bundle
 * or found it there. The bundle's own metadata cannot say it: one object serves every commit with the
 * same tree (a revert, a merge that changes nothing deployed) and names only the first. A key per
 * commit also makes an abbreviated sha a prefix listing instead of reading every bundle's metadata.
 */
export interface CommitEntry {
  sha: string;
  ref: string;
  key: string;
  digest: string;
  bundleType: BundleType;
  /** The object version uploaded or found (versioned buckets): a redeploy pins it, not whatever is there now. */
  version?: string;
  runUrl?: string;
  recordedAt: string;
}

export function commitRecordKey(where: StateLocation, sha: string): string {
  return recordKey(where, 'commits', sha.toLowerCase());
}

export class S3CommitRecords implements CommitRecords {
  constructor(
    private readonly where: StateLocation,
    private readonly log: Logger,
  ) {}

  record(commit: CommitMetadata, revision: StoredRevision): Promise<void> {
    return recordCommit(this.where, commit, revision, this.log);
  }

  find(sha: string): Promise<RecordedCommit | undefined> {
    return findRevisionBySha({ ...this.where, sha });
  }
}

/**
 * Records the commit's revision. A failure only costs a later redeploy of this commit by sha, so it
 * warns (saying so) rather than failing a deployment that is otherwise ready to go.
 */
async function recordCommit(
  where: StateLocation,
  metadata: CommitMetadata,
  revision: Pick<StoredRevision, 'key' | 'digest' | 'bundleType' | 'version'>,
  log: Logger,
): Promise<void> {
  const entry: CommitEntry = {
    sha: metadata.sha.toLowerCase(),
    ref: metadata.ref,
    key: revision.key,
    digest: revision.digest,
    bundleType: revision.bundleType,
    ...(revision.version ? { version: revision.version } : {}),
    ...(metadata.runUrl ? { runUrl: metadata.runUrl } : {}),
    recordedAt: new Date().toISOString(),
  };
  try {
    await putRecord(where, commitRecordKey(where, metadata.sha), entry);
  } catch (error) {
    const [explained] = problemsOf(error);
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
 * The record of commit `sha` and the revision it built, for "redeploy commit X without rebuilding";
 * undefined when no run recorded that commit. `sha`: 7 to 40 hex digits, as the `revision` input allows. The record is
 * checked against what it may name (this commit, a revision key of this application) and the object
 * against the record (the digest, the version when the bucket keeps versions).
 */
async function findRevisionBySha(
  where: StateLocation & { sha: string },
): Promise<RecordedCommit | undefined> {
  const { s3, bucket } = where;
  const sha = where.sha.toLowerCase();
  const keys = (await listKeys(where, `${stateDirectory(where, 'commits')}${sha}`)).filter((key) =>
    key.endsWith('.json'),
  );
  if (keys.length === 0) return undefined;
  if (keys.length > 1) {
    const shas = keys.map(recordName);
    throw new UserError(
      problem(
        `commit ${sha} is ambiguous: ${shas.join(', ')} were deployed`,
        { file: 'action inputs' },
        'give more characters of the sha',
      ),
    );
  }
  const entry = commitEntry(where, keys[0]!, await getRecord(where, keys[0]!), sha);
  const found = `commit ${entry.sha.slice(0, 7)} was deployed with s3://${bucket}/${entry.key}`;
  let head: HeadObjectCommandOutput;
  try {
    head = await s3.send(
      new HeadObjectCommand({
        Bucket: bucket,
        Key: entry.key,
        ...(entry.version ? { VersionId: entry.version } : {}),
      }),
    );
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
    sha: entry.sha,
    ref: entry.ref,
    revision: {
      type: 's3',
      bucket,
      key: entry.key,
      bundleType: entry.bundleType,
      ...objectVersion(head),
      digest: entry.digest,
      bytes: head.ContentLength ?? 0,
      files: Number(head.Metadata?.files ?? 0),
      uploaded: false,
    },
  };
}

/** The record, if it is one we wrote for this commit, naming a revision of this application. */
function commitEntry(where: StateLocation, key: string, record: unknown, sha: string): CommitEntry {
  const entry = (record ?? {}) as Partial<CommitEntry>;
  const valid =
    typeof entry.sha === 'string' &&
    entry.sha.startsWith(sha) &&
    typeof entry.ref === 'string' &&
    typeof entry.digest === 'string' &&
    BUNDLE_TYPES.includes(entry.bundleType as BundleType) &&
    entry.key === revisionKey(where.prefix, where.application, entry.digest, entry.bundleType as BundleType);
  if (!valid) throw notOurs(where, key);
  return entry as CommitEntry;
}

async function listKeys(where: StateLocation, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await where.s3.send(
        new ListObjectsV2Command({ Bucket: where.bucket, Prefix: prefix, ContinuationToken: token }),
      );
    } catch (error) {
      throw describeS3Error(error, { operation: 'ListObjectsV2', bucket: where.bucket, key: prefix });
    }
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}
