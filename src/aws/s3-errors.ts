import { problem, UserError } from '../core/problems.js';
import { isNetworkError, redactAwsMessage } from './aws-errors.js';
import { iamActionsFor } from './iam-actions.js';

export type S3Operation =
  | 'HeadObject'
  | 'GetObject'
  | 'DeleteObject'
  | 'PutObject'
  | 'ListObjectsV2'
  | 'AbortMultipartUpload'
  | 'ListMultipartUploads';

const BUCKET_LEVEL = new Set<S3Operation>(['ListObjectsV2', 'ListMultipartUploads']);

/** An S3 call a person must fix (permissions, bucket name, region, credentials). */
export class S3Error extends UserError {
  constructor(
    message: string,
    hint: string,
    readonly operation: S3Operation,
    readonly bucket: string,
    readonly code: string,
  ) {
    super(problem(message, undefined, hint));
    this.name = 'S3Error';
  }
}

interface SdkErrorShape {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : { message: String(error) };
}

export function isS3Status(error: unknown, status: number): boolean {
  return shape(error).$metadata?.httpStatusCode === status;
}

export function isNotFound(error: unknown): boolean {
  const { name } = shape(error);
  return name === 'NotFound' || name === 'NoSuchKey' || (isS3Status(error, 404) && name !== 'NoSuchBucket');
}

/**
 * Turns an SDK error into a message naming the bucket, the operation and the likely fix. Works on anything
 * shaped like an SDK error, so it is unit-tested without IAM.
 */
export function describeS3Error(
  error: unknown,
  context: { operation: S3Operation; bucket: string; key?: string; region?: string },
): S3Error {
  const e = shape(error);
  const code = e.name && e.name !== 'Error' ? e.name : (e.Code ?? e.code ?? 'Error');
  const status = e.$metadata?.httpStatusCode;
  const { operation, bucket, key } = context;
  const where = key ? `s3://${bucket}/${key}` : `s3://${bucket}`;
  const fail = (message: string, hint: string) => new S3Error(message, hint, operation, bucket, code);
  const detail = e.message && e.message !== code ? `: ${redactAwsMessage(e.message)}` : '';

  if (code === 'NoSuchBucket') {
    return fail(
      `S3 bucket "${bucket}" does not exist (${operation}: NoSuchBucket)`,
      `create it (aws s3 mb s3://${bucket} --region REGION) or fix revision.bucket in the config`,
    );
  }
  const bucketRegion = e.$response?.headers?.['x-amz-bucket-region'];
  if (
    code === 'PermanentRedirect' ||
    code === 'AuthorizationHeaderMalformed' ||
    code === 'IllegalLocationConstraintException' ||
    status === 301
  ) {
    const region = bucketRegion ? ` (the bucket is in ${bucketRegion})` : '';
    return fail(
      `S3 bucket "${bucket}" is in another region than the client${region} (${operation}: ${code})`,
      `set AWS_REGION (or the action's region input) to the bucket's region${bucketRegion ? `, ${bucketRegion}` : ''}`,
    );
  }
  if (code === 'AccessDenied' || code === 'Forbidden' || status === 403) {
    const prefix = key ? key.slice(0, key.lastIndexOf('/') + 1) : '';
    const resource = BUCKET_LEVEL.has(operation)
      ? `arn:aws:s3:::${bucket}`
      : `arn:aws:s3:::${bucket}/${prefix}*`;
    const headNote =
      operation === 'HeadObject' || operation === 'GetObject'
        ? `; without s3:ListBucket on arn:aws:s3:::${bucket} S3 also answers 403 instead of 404 for a key that does not exist`
        : '';
    return fail(
      `S3 denied ${operation} on ${where} (${code}${detail})`,
      `allow ${iamActionsFor('s3', operation)?.[0]} on ${resource} for the role the workflow uses${headNote}; ` +
        'also check the bucket policy and, for SSE-KMS buckets, kms:GenerateDataKey on the key',
    );
  }
  if (
    [
      'InvalidAccessKeyId',
      'SignatureDoesNotMatch',
      'ExpiredToken',
      'TokenRefreshRequired',
      'InvalidToken',
    ].includes(code)
  ) {
    return fail(
      `AWS rejected the credentials for ${operation} on ${where} (${code})`,
      'check the credentials step (aws-actions/configure-aws-credentials) and that its session has not expired',
    );
  }
  if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) {
    return fail(
      `no AWS credentials found for ${operation} on ${where}`,
      'add aws-actions/configure-aws-credentials (OIDC role) before this step, or set AWS_PROFILE / AWS_ACCESS_KEY_ID',
    );
  }
  if (/Region is missing/i.test(e.message ?? '')) {
    return fail(
      `no AWS region configured for ${operation} on ${where}`,
      'set AWS_REGION or the region input',
    );
  }
  if (isNetworkError(error)) {
    return fail(
      `could not reach S3 for ${operation} on ${where} (${e.code ?? code}${detail})`,
      'check the network and any endpoint override (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)',
    );
  }
  return fail(
    `S3 ${operation} on ${where} failed (${code}${status ? `, HTTP ${status}` : ''}${detail})`,
    'retry the run; if it persists, check the bucket settings and the AWS status page',
  );
}
