/**
 * Settings shared by every AWS client: the SDK's default credential chain (OIDC via
 * configure-aws-credentials, profiles, instance roles), standard retries with backoff for
 * throttling and 5xx, and a user agent that identifies us in CloudTrail.
 * Endpoints come from AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>, which the SDK reads itself.
 */
export const USER_AGENT = 'codedeploy-gitops';
export const MAX_ATTEMPTS = 5;

export function clientSettings(region: string | undefined) {
  return {
    ...(region ? { region } : {}),
    retryMode: 'standard' as const,
    maxAttempts: MAX_ATTEMPTS,
    customUserAgent: USER_AGENT,
  };
}
