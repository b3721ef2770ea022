// How depmon reads an AWS SDK error: worth another try or not, throttling or not, denied or not. One
// place, so the probe's publisher, the notify function and `depmon timeline` judge an error alike.

/** Error names AWS services use for throttling (CloudWatch, DynamoDB, SNS, SSM, Secrets Manager). */
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  'RequestThrottledException',
]);
/** Server-side faults that carry no 5xx status in some protocols (AWS Query answers with a name). */
const SERVER_FAULTS = new Set(['ServiceUnavailable', 'InternalFailure', 'InternalServiceFault']);
/** Failures before the request reached AWS: nothing can have been done. */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
/** Failures after the request may have reached AWS: the work may or may not have been done. */
const MID_REQUEST_FAILURES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

export const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
]);
export const BAD_CREDENTIALS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
]);

interface AwsLikeError {
  name?: string;
  code?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

export function isThrottling(err: unknown): boolean {
  return typeof err === 'object' && err !== null && THROTTLING.has((err as AwsLikeError).name ?? '');
}

/**
 * Throttling, 5xx and failures to connect are worth another try; 4xx validation errors are not. Neither
 * is a timeout or a reset mid-request: AWS may have done the work, and neither PutMetricData nor SNS
 * Publish is idempotent. A duplicate `Down` datum would count one Region twice in the quorum's Sum (a
 * false page); a missing one only under-counts, and the invocation fails visibly.
 */
export function isRetryable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as AwsLikeError;
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || (status !== undefined && status >= 500)) return true;
  if (e.$retryable) return true;
  if (isThrottling(e) || (e.name !== undefined && SERVER_FAULTS.has(e.name))) return true;
  return e.code !== undefined && CONNECT_FAILURES.has(e.code);
}

/**
 * Retryable for a write that is not idempotent and whose duplicate does harm (PutMetricData: a second
 * copy of a `Down` datum is a second vote). Only errors that prove the request was not carried out:
 * throttling (refused before any work) and failures to connect. A 5xx is not among them: CloudWatch may
 * have stored the datums before it failed, so a retry could count one Region twice.
 */
export function isRetryableWrite(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as AwsLikeError;
  if (e.$metadata?.httpStatusCode === 429 || isThrottling(e)) return true;
  return e.code !== undefined && CONNECT_FAILURES.has(e.code);
}

/**
 * Retryable for an idempotent call (a read, a conditional write, a publish deduplicated downstream): also
 * a timeout or a connection reset mid-request, since repeating it does no harm.
 */
export function isRetryableIdempotent(err: unknown): boolean {
  if (isRetryable(err)) return true;
  if (typeof err !== 'object' || err === null) return false;
  const e = err as AwsLikeError;
  return (
    e.name === 'TimeoutError' ||
    e.name === 'RequestTimeout' ||
    e.name === 'AbortError' ||
    (e.code !== undefined && MID_REQUEST_FAILURES.has(e.code))
  );
}

/** The error's name and HTTP status: enough to act on, and never a request's content (SDK messages may quote it). */
export function describeError(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const e = err as AwsLikeError;
  const status = e.$metadata?.httpStatusCode;
  return `${e.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}`;
}

/** A failed AWS call after every attempt: `action` names the IAM action, so a message can say what to allow. */
export class AwsCallError extends Error {
  constructor(
    readonly action: string,
    override readonly cause: unknown,
    readonly attempts: number,
  ) {
    super(`${action}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'AwsCallError';
  }
}
