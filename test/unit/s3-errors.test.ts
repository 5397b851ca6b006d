import { describe, expect, it } from 'vitest';
import { describeS3Error, isNotFound, S3Error } from '../../src/aws/s3-errors.js';

const sdkError = (name: string, status: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(extra.message ? String(extra.message) : name), {
    name,
    $metadata: { httpStatusCode: status },
    ...extra,
  });

describe('describeS3Error', () => {
  it('maps AccessDenied to the IAM action of the operation and the resource', () => {
    const error = describeS3Error(sdkError('AccessDenied', 403, { message: 'Access Denied' }), {
      operation: 'PutObject',
      bucket: 'deploys',
      key: 'app/web/abc.zip',
    });
    expect(error).toBeInstanceOf(S3Error);
    expect(error.message).toBe(
      'S3 denied PutObject on s3://deploys/app/web/abc.zip (AccessDenied: Access Denied) (allow s3:PutObject on ' +
        'arn:aws:s3:::deploys/app/web/* for the role the workflow uses; also check the bucket policy and, for SSE-KMS buckets, kms:GenerateDataKey on the key)',
    );
  });

  it('explains that HeadObject without ListBucket says 403 for a missing key', () => {
    const error = describeS3Error(sdkError('Forbidden', 403), {
      operation: 'HeadObject',
      bucket: 'b',
      key: 'p/app/x.zip',
    });
    expect(error.message).toContain('allow s3:GetObject on arn:aws:s3:::b/p/app/*');
    expect(error.message).toContain(
      'without s3:ListBucket on arn:aws:s3:::b S3 also answers 403 instead of 404',
    );
  });

  it('names bucket-level actions on the bucket ARN', () => {
    const error = describeS3Error(sdkError('AccessDenied', 403), {
      operation: 'ListObjectsV2',
      bucket: 'b',
      key: 'app/',
    });
    expect(error.message).toContain('allow s3:ListBucket on arn:aws:s3:::b for');
    const abort = describeS3Error(sdkError('AccessDenied', 403), {
      operation: 'AbortMultipartUpload',
      bucket: 'b',
      key: 'k',
    });
    expect(abort.message).toContain('s3:AbortMultipartUpload');
  });

  it('tells to create a missing bucket', () => {
    const error = describeS3Error(sdkError('NoSuchBucket', 404), { operation: 'PutObject', bucket: 'nope' });
    expect(error.message).toBe(
      'S3 bucket "nope" does not exist (PutObject: NoSuchBucket) (create it (aws s3 mb s3://nope --region REGION) or fix revision.bucket in the config)',
    );
    expect(isNotFound(sdkError('NoSuchBucket', 404))).toBe(false);
    expect(isNotFound(sdkError('NotFound', 404))).toBe(true);
  });

  it('points at the bucket region on redirects and malformed authorization headers', () => {
    const redirect = sdkError('PermanentRedirect', 301, {
      $response: { headers: { 'x-amz-bucket-region': 'eu-west-1' } },
    });
    expect(describeS3Error(redirect, { operation: 'PutObject', bucket: 'b' }).message).toContain(
      'is in another region than the client (the bucket is in eu-west-1)',
    );
    expect(describeS3Error(redirect, { operation: 'PutObject', bucket: 'b' }).message).toContain(
      "bucket's region, eu-west-1",
    );
    const malformed = sdkError('AuthorizationHeaderMalformed', 400);
    expect(describeS3Error(malformed, { operation: 'HeadObject', bucket: 'b' }).message).toContain(
      'set AWS_REGION',
    );
    expect(describeS3Error(sdkError('301', 301), { operation: 'HeadObject', bucket: 'b' }).message).toContain(
      'another region',
    );
  });

  it('recognises credential, region and network problems', () => {
    expect(
      describeS3Error(sdkError('ExpiredToken', 400), { operation: 'PutObject', bucket: 'b' }).message,
    ).toContain('AWS rejected the credentials');
    const noCreds = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(describeS3Error(noCreds, { operation: 'HeadObject', bucket: 'b' }).message).toContain(
      'configure-aws-credentials',
    );
    expect(
      describeS3Error(new Error('Region is missing'), { operation: 'HeadObject', bucket: 'b' }).message,
    ).toContain('no AWS region configured');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(describeS3Error(refused, { operation: 'PutObject', bucket: 'b' }).message).toContain(
      'AWS_ENDPOINT_URL_S3',
    );
  });
});
