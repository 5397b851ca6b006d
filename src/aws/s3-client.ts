import { S3Client } from '@aws-sdk/client-s3';
import { MalformedAnswer } from './aws-errors.js';
import { type AwsConnection, clientSettings } from './client-settings.js';

/**
 * What S3 always answers for the calls that store an object (lib-storage's among them): an answer
 * without it is not a success to build on, whatever its status (an empty or cut-short 200).
 */
const REQUIRED_MEMBER: Record<string, string> = {
  CreateMultipartUploadCommand: 'UploadId',
  UploadPartCommand: 'ETag',
  CompleteMultipartUploadCommand: 'ETag',
  PutObjectCommand: 'ETag',
};

/**
 * An S3 client for the connection. An endpoint override means a local server (moto, the local
 * CodeDeploy's S3) on an address such as 127.0.0.1, where bucket subdomains do not resolve: path style.
 */
export function createS3Client(
  connection: AwsConnection,
  options: { maxAttempts?: number; cancel?: AbortSignal } = {},
): S3Client {
  const endpoint = connection.endpoints?.s3;
  const client = new S3Client({
    ...clientSettings(connection, endpoint, options.cancel),
    forcePathStyle: Boolean(endpoint),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
  // Outermost, after the SDK's own retries: the caller decides what a malformed answer means.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const member = REQUIRED_MEMBER[context.commandName ?? ''];
      if (member && (result.output as unknown as Record<string, unknown>)[member] === undefined) {
        throw new MalformedAnswer(
          `S3 answered ${context.commandName?.replace(/Command$/, '')} without ${member}`,
        );
      }
      return result;
    },
    { step: 'initialize', name: 'codedeployGitopsRequiredMembers' },
  );
  return client;
}
