import { problem, UserError } from '../core/problems.js';

/** What an AWS SDK error looks like to us (SDK v3 ServiceException and friends). */
export interface AwsErrorShape {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $retryable?: unknown;
}

export function awsErrorName(error: unknown): string {
  const shape = error as AwsErrorShape | undefined;
  return shape?.name ?? shape?.Code ?? 'Error';
}

export function isAccessDenied(error: unknown): boolean {
  const name = awsErrorName(error);
  return (
    name === 'AccessDeniedException' ||
    name === 'AccessDenied' ||
    name === 'UnauthorizedOperation' ||
    name === 'UnrecognizedClientException' ||
    name === 'InvalidSignatureException' ||
    name === 'ExpiredTokenException'
  );
}

export function isThrottling(error: unknown): boolean {
  const name = awsErrorName(error);
  const status = (error as AwsErrorShape | undefined)?.$metadata?.httpStatusCode;
  return (
    name === 'ThrottlingException' ||
    name === 'Throttling' ||
    name === 'TooManyRequestsException' ||
    status === 429
  );
}

/** Errors of the network rather than of AWS: the endpoint could not be reached or the connection broke. */
export function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code ?? '';
  return (
    ['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET'].includes(
      code,
    ) || ['TimeoutError', 'RequestTimeout', 'NetworkingError'].includes(awsErrorName(error))
  );
}

/**
 * A success answer that cannot be what it claims: a body that does not parse, or one that lacks what
 * the operation always returns. The call may well have been carried out.
 */
export class MalformedAnswer extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedAnswer';
  }
}

export function isMalformedAnswer(error: unknown): boolean {
  if (error instanceof MalformedAnswer) return true;
  const shape = error as (AwsErrorShape & { $fault?: unknown }) | undefined;
  const status = shape?.$metadata?.httpStatusCode;
  // The SDK's deserializer failed on an answer AWS sent as a success.
  return status !== undefined && status < 300 && shape?.$fault === undefined;
}

/**
 * AWS answered with one of its own errors (4xx): the call was refused and nothing happened. Anything
 * else (a reset, a timeout, a 5xx, a malformed success) may have gone through.
 */
export function isDefiniteRejection(error: unknown): boolean {
  if (error instanceof UserError) return true;
  const shape = error as (AwsErrorShape & { $fault?: unknown }) | undefined;
  const status = shape?.$metadata?.httpStatusCode;
  return shape?.$fault === 'client' && status !== undefined && status >= 400 && status < 500;
}

/** Connection resets, timeouts, 5xx, malformed answers: worth another try. */
export function isTransient(error: unknown): boolean {
  const status = (error as AwsErrorShape | undefined)?.$metadata?.httpStatusCode;
  return (
    isThrottling(error) ||
    (status !== undefined && status >= 500) ||
    isNetworkError(error) ||
    isMalformedAnswer(error)
  );
}

/**
 * AWS may echo the signed request in an error: InvalidSignatureException's message carries the
 * canonical request it expected, signed header values included — x-amz-security-token, the
 * session token. That part is cut before anything prints the message.
 */
export function redactAwsMessage(message: string): string {
  return message
    .replace(
      /\s*The Canonical String for this request should have been[\s\S]*/i,
      ' (the request AWS echoed back is not shown)',
    )
    .replace(/\s*The String-to-Sign should have been[\s\S]*/i, '')
    .replace(/(x-amz-security-token\s*[:=]\s*)[^\s'"&<]+/gi, '$1[redacted]');
}

/** Redacts an SDK error's message in place, and its stack, which repeats it. */
function redactError(error: unknown): void {
  const shape = error as { message?: unknown; stack?: unknown } | undefined;
  if (typeof shape?.message !== 'string') return;
  const redacted = redactAwsMessage(shape.message);
  if (redacted === shape.message) return;
  if (typeof shape.stack === 'string') shape.stack = shape.stack.replace(shape.message, redacted);
  shape.message = redacted;
}

/**
 * Turns an error a person must act on (no credentials, a missing permission, no region) into a
 * UserError that names the IAM action and the fix. Other errors pass through, redacted.
 */
export function explainAwsError(
  error: unknown,
  actions: string | readonly string[],
  resource: string,
): unknown {
  const [action = 'the call', ...others] = typeof actions === 'string' ? [actions] : actions;
  if (error instanceof UserError) return error;
  redactError(error);
  const name = awsErrorName(error);
  const message = (error as AwsErrorShape | undefined)?.message ?? String(error);
  if (isAccessDenied(error)) {
    return new UserError(
      problem(
        `AWS refused ${action} on ${resource} (${name}): ${message}`,
        undefined,
        `allow "${action}"${others.length > 0 ? ` (with ${others.join(', ')})` : ''} in the policy of the role the workflow assumes (docs/setup-aws.md lists every permission)`,
      ),
    );
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new UserError(
      problem(
        `no AWS credentials for ${action}: ${message}`,
        undefined,
        'run aws-actions/configure-aws-credentials (OIDC) before this step, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
      ),
    );
  }
  if (/Region is missing/i.test(message)) {
    return new UserError(
      problem('no AWS region', undefined, 'set the "aws-region" input, or AWS_REGION in the environment'),
    );
  }
  return error;
}
