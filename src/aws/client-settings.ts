import { BoundedHttpHandler } from './http-handler.js';

/**
 * Settings shared by every AWS client: the SDK's default credential chain (OIDC via
 * configure-aws-credentials, profiles, instance roles) unless credentials are given, standard
 * retries with backoff for throttling, 5xx and timeouts, every request bounded in time (and cut
 * short once the run is cancelled: BoundedHttpHandler), and a user agent that identifies us in
 * CloudTrail.
 */
export const USER_AGENT = 'codedeploy-gitops';
export const MAX_ATTEMPTS = 5;

/** Where and as whom a run talks to AWS, as the face read it from its environment or flags. */
export interface AwsConnection {
  region?: string;
  /** Overrides of AWS's own endpoints (AWS_ENDPOINT_URL_<SERVICE>, a local CodeDeploy). */
  endpoints?: { s3?: string; codedeploy?: string };
  /** Undefined: the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export function clientSettings(
  connection: AwsConnection,
  endpoint: string | undefined,
  cancel: AbortSignal | undefined,
) {
  return {
    requestHandler: new BoundedHttpHandler(cancel),
    ...(connection.region ? { region: connection.region } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(connection.credentials ? { credentials: connection.credentials } : {}),
    retryMode: 'standard' as const,
    maxAttempts: MAX_ATTEMPTS,
    customUserAgent: USER_AGENT,
  };
}
