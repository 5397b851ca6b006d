import { S3Client } from '@aws-sdk/client-s3';
import { clientSettings } from './client-settings.js';

export interface S3ClientOptions {
  /** Defaults to the SDK's chain (AWS_REGION, profile). */
  region?: string;
  /** Overrides AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (the SDK reads those itself). */
  endpoint?: string;
  maxAttempts?: number;
  /** Environment to read endpoint overrides from (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

/**
 * An S3 client on the SDK's default credential chain (environment from configure-aws-credentials, web
 * identity, profiles, instance roles). An endpoint override means a local server (moto, the local
 * CodeDeploy's S3) on an address such as 127.0.0.1, where bucket subdomains do not resolve: path style.
 */
export function createS3Client(options: S3ClientOptions = {}): S3Client {
  const env = options.env ?? process.env;
  const endpoint = options.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  return new S3Client({
    ...clientSettings(options.region),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: Boolean(endpoint),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
}
