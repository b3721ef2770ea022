// Publishing metric datums to the home Region's CloudWatch: split into requests within PutMetricData's
// limits, throttling and 5xx retried with exponential backoff and full jitter, and nothing dropped silently.
import { type CloudWatchClient, PutMetricDataCommand, type StandardUnit } from '@aws-sdk/client-cloudwatch';
import { batchDatums, type MetricDatum } from '#shared/metrics';
import { PUBLISH_BUDGET_MS } from '#shared/runtime';

export interface RetryPolicy {
  /** Attempts per request, the first one included. */
  readonly maxAttempts: number;
  /** Backoff cap for attempt n is min(maxDelayMs, baseDelayMs * 2^(n-1)); the delay is uniform in [0, cap). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** No retry is started once this much time has passed since the publish began. */
  readonly budgetMs: number;
}

/**
 * Six attempts within PUBLISH_BUDGET_MS: CloudWatch's throttling clears within seconds, and the next round
 * (10-60 s later) must not queue behind this one. AWS's "Exponential Backoff and Jitter" recommends full jitter.
 */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
  budgetMs: PUBLISH_BUDGET_MS,
};

export interface PublishOptions {
  readonly retry?: RetryPolicy;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
}

export interface PublishOutcome {
  /** Datums handed in. */
  readonly datums: number;
  /** PutMetricData requests that finally succeeded / failed. */
  readonly batches: number;
  readonly failedBatches: number;
  /** Datums in failed requests (not in CloudWatch). */
  readonly failedDatums: number;
  /** HTTP requests made, retries included. */
  readonly attempts: number;
  /** One line per failed request: the final error's name and status, never a datum's content. */
  readonly errors: readonly string[];
}

const RETRYABLE_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalServiceFault',
]);
/** Failures before the request reached CloudWatch: nothing can have been stored. */
const RETRYABLE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

interface AwsLikeError {
  name?: string;
  code?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Throttling, 5xx and failures to connect are worth another try; 4xx validation errors are not. Neither
 * is a timeout or a reset mid-request: CloudWatch may have stored the datums, and PutMetricData is not
 * idempotent. A duplicate would count one Region's `Down` twice in the quorum's Sum (a false page);
 * a missing one only under-counts, and the invocation fails visibly.
 */
export function isRetryable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as AwsLikeError;
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || (status !== undefined && status >= 500)) return true;
  if (e.$retryable) return true;
  if (e.name && RETRYABLE_NAMES.has(e.name)) return true;
  return e.code !== undefined && RETRYABLE_NETWORK_CODES.has(e.code);
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^(attempt-1))). */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

function describe(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const e = err as AwsLikeError;
  const status = e.$metadata?.httpStatusCode;
  return `${e.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}`;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Sends every datum: all requests are attempted (concurrently), each retried within the policy.
 * Never throws; the caller decides what a failure means (the handler fails the invocation).
 */
export async function publishDatums(
  client: CloudWatchClient,
  namespace: string,
  datums: readonly MetricDatum[],
  options: PublishOptions = {},
): Promise<PublishOutcome> {
  const policy = options.retry ?? DEFAULT_RETRY;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const started = now();
  let attempts = 0;

  const sendOne = async (batch: readonly MetricDatum[]): Promise<string | undefined> => {
    for (let attempt = 1; ; attempt++) {
      attempts++;
      try {
        await client.send(
          new PutMetricDataCommand({
            Namespace: namespace,
            MetricData: batch.map((d) => ({
              ...d,
              Dimensions: [...d.Dimensions],
              Unit: d.Unit as StandardUnit,
            })),
          }),
        );
        return undefined;
      } catch (err) {
        const delay = backoffMs(attempt, policy, random);
        const outOfTime = now() + delay - started > policy.budgetMs;
        if (!isRetryable(err) || attempt >= policy.maxAttempts || outOfTime) {
          return `${describe(err)} after ${attempt} attempt${attempt === 1 ? '' : 's'}`;
        }
        await sleep(delay);
      }
    }
  };

  const batches = batchDatums(datums);
  const results = await Promise.all(batches.map(sendOne));
  const errors: string[] = [];
  let failedDatums = 0;
  results.forEach((r, i) => {
    if (r !== undefined) {
      errors.push(r);
      failedDatums += batches[i]!.length;
    }
  });
  return {
    datums: datums.length,
    batches: batches.length,
    failedBatches: errors.length,
    failedDatums,
    attempts,
    errors,
  };
}
