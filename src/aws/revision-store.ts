import { Transform } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BundleType } from '../config/types.js';
import { throwIfCancelled } from '../core/cancel.js';
import type { Clock } from '../core/clock.js';
import { formatBytes } from '../core/format.js';
import type { Logger } from '../core/log.js';
import { UserError, warning } from '../core/problems.js';
import type {
  ArchivedRevision,
  CommitMetadata,
  FileRevision,
  PreparedRevision,
  RevisionStore,
  StoredRevision,
} from '../deploy/ports.js';
import { awsErrorName, isDefiniteRejection, isMalformedAnswer, isTransient } from './aws-errors.js';
import { describeS3Error, isNotFound, isS3Status } from './s3-errors.js';

/**
 * A folder's archive goes through lib-storage, which holds about (QUEUE_SIZE + 1) parts: those being
 * sent and the one being filled. S3's smallest part (5 MiB) and two parts in flight keep ahead of the
 * archive, which the CPU limits to tens of MB/s on a 2-core runner; a tree too large for 10,000 such
 * parts gets larger ones (partSizeFor).
 */
export const PART_SIZE = 5 * 1024 * 1024;
export const QUEUE_SIZE = 2;
/**
 * A pre-built archive is a file, read faster than S3 takes it: parts of 8 MiB, 10 in flight (as the
 * AWS CLI sends them), read into as many buffers allocated once: 80 MiB whatever its size. lib-storage
 * would copy each part into a fresh buffer, which costs collections and memory that grows with the
 * file (docs/performance.md has the measurements).
 */
const FILE_PART_SIZE = 8 * 1024 * 1024;
const FILE_PARTS_IN_FLIGHT = 10;
const MAX_PARTS = 10_000;
/** Tries of the whole upload when one fails in a way that may pass (a lost answer, a garbled one). */
const UPLOAD_ATTEMPTS = 2;
const ABORT_ROUNDS = 3;
const PROGRESS_INTERVAL_MS = 3000;

const EXTENSIONS: Record<BundleType, string> = { zip: 'zip', tgz: 'tgz', tar: 'tar' };
const CONTENT_TYPES: Record<BundleType, string> = {
  zip: 'application/zip',
  tgz: 'application/gzip',
  tar: 'application/x-tar',
};

/** `{prefix}{application}/{digest}.{ext}`: one key per content, so older revisions stay deployable. */
export function revisionKey(
  prefix: string,
  application: string,
  digest: string,
  bundleType: BundleType,
): string {
  return `${prefix}${application}/${digest}.${EXTENSIONS[bundleType]}`;
}

/** Where the revisions of one application go: `{prefix}{application}/{digest}.{ext}` in the bucket. */
export interface RevisionPlace {
  s3: S3Client;
  bucket: string;
  prefix: string;
  application: string;
}

/**
 * Digest → HeadObject → (archive streamed into a multipart upload | reuse the object). A tree that was
 * uploaded before costs one HeadObject and no bytes.
 */
export class S3RevisionStore implements RevisionStore {
  constructor(
    private readonly place: RevisionPlace,
    private readonly log: Logger,
    private readonly clock: Clock,
    /** Aborts the upload (and what it left in S3) when the workflow is cancelled. */
    private readonly cancel: AbortSignal,
  ) {}

  async store(prepared: PreparedRevision, commit: CommitMetadata): Promise<StoredRevision> {
    const { s3, bucket, prefix, application } = this.place;
    const { log } = this;
    const { bundleType } = prepared;
    const digested = await prepared.digest();
    throwIfCancelled(this.cancel);
    const key = revisionKey(prefix, application, digested.digest, bundleType);
    const base = {
      type: 's3' as const,
      bucket,
      key,
      bundleType,
      digest: digested.digest,
      files: digested.files,
    };

    const existing = await headRevision(s3, bucket, key, digested.digest, log);
    if (existing) {
      log.info(`s3://${bucket}/${key} already holds this bundle (ETag ${existing.ETag}): nothing to upload`);
      return { ...base, ...objectVersion(existing), bytes: existing.ContentLength ?? 0, uploaded: false };
    }
    throwIfCancelled(this.cancel);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const { stored, bytes } =
            digested.made === 'file'
              ? await this.uploadParts(digested, bundleType, key, commit)
              : await this.uploadStream(digested, bundleType, key, commit);
          return { ...base, ...stored, bytes, uploaded: true };
        } catch (error) {
          throwIfCancelled(this.cancel);
          // A lost or garbled answer (CompleteMultipartUpload's, say) may hide an upload that went through.
          const there = await headRevision(s3, bucket, key, digested.digest).catch(() => undefined);
          if (there) {
            log.info(`s3://${bucket}/${key} holds the bundle after all (${awsErrorName(error)} on the way)`);
            return { ...base, ...objectVersion(there), bytes: there.ContentLength ?? 0, uploaded: true };
          }
          if (attempt >= UPLOAD_ATTEMPTS || !worthAnotherUpload(error)) {
            if (error instanceof UserError) throw error;
            throw describeS3Error(error, { operation: 'PutObject', bucket, key });
          }
          log.warn(`uploading s3://${bucket}/${key} failed (${awsErrorName(error)}): sending it again`);
        }
      }
    } finally {
      await abortLeftovers(s3, bucket, key, log);
    }
  }

  /** One upload of a folder's archive through lib-storage, aborted by a cancel; what S3 stored, as it says. */
  private async uploadStream(
    digested: ArchivedRevision,
    bundleType: BundleType,
    key: string,
    commit: CommitMetadata,
  ): Promise<{ stored: { eTag: string; version?: string }; bytes: number }> {
    const { s3, bucket } = this.place;
    this.log.info(`uploading the bundle (${formatBytes(digested.bytes)} of files) to s3://${bucket}/${key}`);
    const progress = new Progress(this.log, this.clock, `s3://${bucket}/${key}`, digested.bytes);
    const archive = digested.archive((bytes) => progress.archived(bytes));
    let bytes = 0;
    const counted = archive.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          bytes += chunk.length;
          callback(null, chunk);
        },
      }),
    );
    archive.on('error', (error) => counted.destroy(error));
    const upload = new Upload({
      client: s3,
      params: {
        Bucket: bucket,
        Key: key,
        Body: counted,
        ContentType: CONTENT_TYPES[bundleType],
        Metadata: objectMetadata(digested.digest, digested.files, commit),
      },
      partSize: partSizeFor(digested.bytes, digested.entries),
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    let loaded = 0;
    upload.on('httpUploadProgress', (event) => {
      progress.uploaded((event.loaded ?? loaded) - loaded);
      loaded = event.loaded ?? loaded;
    });
    // No further part is sent once the run is cancelled; abortLeftovers then clears what was sent.
    const onCancel = () => void upload.abort();
    this.cancel.addEventListener('abort', onCancel, { once: true });
    try {
      const result = await upload.done();
      progress.finish(bytes);
      return { stored: objectVersion(result), bytes };
    } finally {
      this.cancel.removeEventListener('abort', onCancel);
      archive.destroy();
    }
  }
  /**
   * One upload of a pre-built archive: its parts read into reused buffers and sent FILE_PARTS_IN_FLIGHT
   * at a time (one PutObject when it fits in a part), completed only once every part is sent and the
   * bytes were the digested ones; a cancel aborts the parts in flight. What is left in S3 on a
   * failure is aborted by store().
   */
  private async uploadParts(
    digested: FileRevision,
    bundleType: BundleType,
    key: string,
    commit: CommitMetadata,
  ): Promise<{ stored: { eTag: string; version?: string }; bytes: number }> {
    const { s3, bucket } = this.place;
    const size = digested.bytes;
    this.log.info(`uploading the archive (${formatBytes(size)}) to s3://${bucket}/${key}`);
    const progress = new Progress(this.log, this.clock, `s3://${bucket}/${key}`, size);
    const object = {
      Bucket: bucket,
      Key: key,
      ContentType: CONTENT_TYPES[bundleType],
      Metadata: objectMetadata(digested.digest, digested.files, commit),
    };
    const send = { abortSignal: this.cancel };
    const partSize = Math.max(FILE_PART_SIZE, partSizeFor(size, 0));
    if (size <= partSize) {
      // One part, read whole: its check comes when the reading ends, before anything is sent.
      let whole: Buffer | undefined;
      for await (const part of digested.parts(size, 1)) whole = part.bytes;
      const put = await s3.send(new PutObjectCommand({ ...object, Body: whole }), send);
      progress.finish(size);
      return { stored: objectVersion(put), bytes: size };
    }
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ ...object, ChecksumAlgorithm: 'CRC32' }),
      send,
    );
    const sent: CompletedPart[] = [];
    const inFlight = new Set<Promise<void>>();
    let failed: unknown;
    try {
      for await (const part of digested.parts(partSize, FILE_PARTS_IN_FLIGHT)) {
        if (failed !== undefined) break;
        progress.archived(part.bytes.length);
        const sending: Promise<void> = s3
          .send(
            new UploadPartCommand({
              Bucket: bucket,
              Key: key,
              UploadId,
              PartNumber: part.number,
              Body: part.bytes,
            }),
            send,
          )
          .then(({ ETag, ChecksumCRC32 }) => {
            sent.push({ PartNumber: part.number, ETag, ...(ChecksumCRC32 ? { ChecksumCRC32 } : {}) });
            progress.uploaded(part.bytes.length);
          })
          .catch((error: unknown) => {
            failed ??= error;
          })
          .finally(() => {
            inFlight.delete(sending);
            part.release();
          });
        inFlight.add(sending);
      }
    } finally {
      // Nothing is left sending once this returns or throws: store() then aborts what S3 holds.
      await Promise.all([...inFlight]);
    }
    if (failed !== undefined) throw failed;
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: sent.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0)) },
      }),
      send,
    );
    progress.finish(size);
    return { stored: objectVersion(done), bytes: size };
  }
}

/**
 * A whole upload is sent again only after a failure the SDK's own retries did not cover: an answer
 * that does not parse, or one that left the upload unusable (CreateMultipartUpload without an upload
 * id). Resets, timeouts, throttling and 5xx were already retried part by part; refusals are final.
 */
function worthAnotherUpload(error: unknown): boolean {
  return isMalformedAnswer(error) || (!isDefiniteRejection(error) && !isTransient(error));
}

/**
 * PART_SIZE, or more (whole MiB) when the archive could need more than MAX_PARTS parts: an archive is at
 * most its files' bytes (files that do not shrink are stored) plus, per entry, headers, a path twice and
 * tar padding, counted generously at 10 KiB.
 */
export function partSizeFor(fileBytes: number, entries: number): number {
  const largest = fileBytes + entries * 10 * 1024;
  const mib = 1024 * 1024;
  return Math.max(PART_SIZE, Math.ceil(largest / MAX_PARTS / mib) * mib);
}

/** The object when it is there with our digest; undefined when it must be uploaded. */
async function headRevision(
  s3: S3Client,
  bucket: string,
  key: string,
  digest: string,
  /** Says why an object there is not taken (omitted: looking again after a failed upload, quietly). */
  log?: Logger,
): Promise<HeadObjectCommandOutput | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    if (head.Metadata?.digest === digest) return head;
    log?.warn(`s3://${bucket}/${key} exists without this digest in its metadata: uploading it again`);
    return undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if (isS3Status(error, 403)) {
      log?.warn(
        warning(
          `S3 answered 403 to HeadObject on s3://${bucket}/${key}: cannot tell whether this bundle is already there, uploading it`,
          undefined,
          `allow s3:GetObject on arn:aws:s3:::${bucket}/${key.slice(0, key.lastIndexOf('/') + 1)}* and s3:ListBucket on ` +
            `arn:aws:s3:::${bucket} so redeploys upload nothing (without ListBucket S3 says 403, not 404, for a missing key)`,
        ),
      );
      return undefined;
    }
    throw describeS3Error(error, { operation: 'HeadObject', bucket, key });
  }
}

/**
 * Aborts what the upload left in S3: lib-storage aborts a multipart upload that fails, but not one
 * whose CreateMultipartUpload answer was lost (the SDK created another), nor one cut short by a
 * cancel, and parts in flight during an abort can outlive it (S3 asks to abort again). Parts left
 * behind are billed until a lifecycle rule removes them. Every incomplete upload of this key is this
 * project's: the key is the content's address (S3's upload dates cannot tell runs apart; moto's are
 * fixed). A run uploading the same bytes at the same moment loses its upload too: it finds the object
 * there if ours completed (store()), else it fails saying so, and a re-run uploads it.
 */
async function abortLeftovers(s3: S3Client, bucket: string, key: string, log: Logger) {
  const ours = async () => {
    const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }));
    return (listed.Uploads ?? []).filter((upload) => upload.Key === key && upload.UploadId);
  };
  try {
    for (let round = 1; round <= ABORT_ROUNDS; round++) {
      const left = await ours();
      if (left.length === 0) return;
      for (const { UploadId } of left) {
        await s3
          .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }))
          .catch((error: unknown) => {
            if (awsErrorName(error) !== 'NoSuchUpload') throw error;
          });
        log.debug(`aborted the incomplete multipart upload ${UploadId} of s3://${bucket}/${key}`);
      }
    }
    const left = await ours();
    if (left.length > 0) throw new Error(`${left.length} still listed after ${ABORT_ROUNDS} aborts`);
  } catch (error) {
    const why = describeS3Error(error, { operation: 'AbortMultipartUpload', bucket, key }).message;
    log.warn(
      warning(
        `could not make sure no incomplete multipart upload of s3://${bucket}/${key} is left: ${why}`,
        undefined,
        `list them with: aws s3api list-multipart-uploads --bucket ${bucket} --prefix ${key}; ` +
          'a lifecycle rule with AbortIncompleteMultipartUpload cleans such leftovers automatically',
      ),
    );
  }
}

/** S3 user metadata must be ASCII: anything else (a branch name with accents) is percent-encoded. */
function objectMetadata(digest: string, files: number, metadata: CommitMetadata): Record<string, string> {
  const ascii = (value: string) => (/^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value));
  return {
    digest,
    files: String(files),
    'git-sha': ascii(metadata.sha),
    'git-ref': ascii(metadata.ref),
    ...(metadata.runUrl ? { 'run-url': ascii(metadata.runUrl) } : {}),
  };
}

/** The ETag and version CreateDeployment pins, as S3 gave them. */
export function objectVersion(head: { ETag?: string; VersionId?: string }): {
  eTag: string;
  version?: string;
} {
  return { eTag: head.ETag ?? '', ...(head.VersionId ? { version: head.VersionId } : {}) };
}

/** Progress lines at most every few seconds: bytes sent and speed (the compressed total is unknown). */
class Progress {
  private sent = 0;
  private archivedBytes = 0;
  private readonly started: number;
  private lastLine: number;

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly target: string,
    private readonly inputBytes: number,
  ) {
    this.started = clock.now();
    this.lastLine = this.started;
  }

  archived(bytes: number): void {
    this.archivedBytes += bytes;
    this.tick();
  }

  uploaded(bytes: number): void {
    this.sent += bytes;
    this.tick();
  }

  finish(bytes: number): void {
    const seconds = Math.max(0.001, (this.clock.now() - this.started) / 1000);
    this.log.info(
      `uploaded ${formatBytes(bytes)} to ${this.target} in ${seconds.toFixed(1)} s (${formatBytes(bytes / seconds)}/s)`,
    );
  }

  private tick(): void {
    const now = this.clock.now();
    if (now - this.lastLine < PROGRESS_INTERVAL_MS) return;
    this.lastLine = now;
    const seconds = (now - this.started) / 1000;
    const percent = this.inputBytes > 0 ? Math.floor((100 * this.archivedBytes) / this.inputBytes) : 100;
    this.log.info(
      `uploading ${this.target}: ${formatBytes(this.sent)} sent (${formatBytes(this.sent / seconds)}/s), ` +
        `${percent} % of the files archived`,
    );
  }
}
