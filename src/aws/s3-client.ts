import { S3Client } from '@aws-sdk/client-s3';
import { type AwsConnection, clientSettings } from './client-settings.js';

/**
 * An S3 client for the connection. An endpoint override means a local server (moto, the local
 * CodeDeploy's S3) on an address such as 127.0.0.1, where bucket subdomains do not resolve: path style.
 */
export function createS3Client(connection: AwsConnection, options: { maxAttempts?: number } = {}): S3Client {
  const endpoint = connection.endpoints?.s3;
  return new S3Client({
    ...clientSettings(connection, endpoint),
    forcePathStyle: Boolean(endpoint),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
}
