import type { S3Client } from '@aws-sdk/client-s3';
import { S3RevisionStore } from '../../src/aws/revision-store.js';
import { prepareBundle } from '../../src/bundle/bundle.js';
import type { S3RevisionSettings } from '../../src/config/types.js';
import { type Clock, realClock } from '../../src/core/clock.js';
import type { Logger } from '../../src/core/log.js';
import type { CommitMetadata, StoredRevision } from '../../src/deploy/ports.js';

/** What a run does with its workspace's revision: walk, digest, then upload it to S3 or find it there. */
export async function storeWorkspace(options: {
  s3: S3Client;
  workspace: string;
  application: string;
  /** A folder to archive. */
  revision: S3RevisionSettings;
  commit: CommitMetadata;
  log: Logger;
  clock?: Clock;
  cancel?: AbortSignal;
}): Promise<StoredRevision> {
  const { s3, revision, log } = options;
  if (revision.content.kind !== 'folder') throw new Error('storeWorkspace archives a folder');
  const prepared = await prepareBundle(
    options.workspace,
    { ...revision.content, bundleType: revision.bundleType },
    log,
  );
  try {
    const store = new S3RevisionStore(
      { s3, bucket: revision.bucket, prefix: revision.prefix, application: options.application },
      log,
      options.clock ?? realClock,
      options.cancel ?? new AbortController().signal,
    );
    return await store.store(prepared, options.commit);
  } finally {
    await prepared.close();
  }
}
