// Publishing metric datums to CloudWatch (PutMetricData): split into requests within its limits, every
// request attempted, each retried by the one backoff only when it provably stored nothing (a Region's
// vote counts once), and nothing dropped silently. Each request is one signed AWS JSON 1.0 call (aws-json.ts),
// the wire format of the pinned @aws-sdk/client-cloudwatch, gzipped from the same size as the SDK's.
import { batchDatums, type MetricDatum } from '#shared/metrics';
import { awsJsonCall } from './aws-json.ts';
import type { CredentialsProvider } from './credentials.ts';
import { describeError, isRetryableWrite } from './errors.ts';
import { type RetryPolicy, retry } from './retry.ts';

/**
 * The SDK gzips a PutMetricData body from 10,240 bytes (@smithy/middleware-compression's default
 * `requestMinCompressionSizeBytes`; CloudWatch's API reference: "You can send a payload compressed by gzip").
 */
export const GZIP_FROM_BYTES = 10_240;

/** Where and as whom PutMetricData is sent: the home Region's CloudWatch. */
export interface CloudWatchTarget {
  readonly region: string;
  readonly credentials: CredentialsProvider;
  /**
   * AWS_ENDPOINT_URL_CLOUDWATCH / AWS_ENDPOINT_URL, and AWS_DISABLE_REQUEST_COMPRESSION /
   * AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES, read as the SDK reads them. @default {}
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** One request's deadline, connection included. @default AWS_JSON_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

/** The body size from which requests are gzipped, or undefined when the environment turns compression off. */
export function gzipThreshold(env: Readonly<Record<string, string | undefined>> = {}): number | undefined {
  if (env.AWS_DISABLE_REQUEST_COMPRESSION?.toLowerCase() === 'true') return undefined;
  const n = Number(env.AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES);
  return env.AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES && Number.isInteger(n) && n >= 0 ? n : GZIP_FROM_BYTES;
}

/** One PutMetricData request. Timestamps in epoch seconds, as the JSON protocol (and the SDK) writes them. */
export function sendPutMetricData(
  target: CloudWatchTarget,
  namespace: string,
  batch: readonly MetricDatum[],
): Promise<Record<string, unknown>> {
  const gzipFromBytes = gzipThreshold(target.env);
  return awsJsonCall({
    service: 'cloudwatch',
    region: target.region,
    operation: 'PutMetricData',
    input: {
      Namespace: namespace,
      MetricData: batch.map((d) => ({ ...d, Timestamp: d.Timestamp.getTime() / 1000 })),
    },
    credentials: target.credentials,
    ...(target.env ? { env: target.env } : {}),
    ...(target.timeoutMs !== undefined ? { timeoutMs: target.timeoutMs } : {}),
    ...(gzipFromBytes !== undefined ? { gzipFromBytes } : {}),
  });
}

export interface PutMetricDataOptions {
  readonly retry: RetryPolicy;
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

/**
 * Sends every datum: all requests are attempted (concurrently), each retried within the policy, whose
 * time budget counts from the start of the whole publish. Never throws; the caller decides what a
 * failure means (the probe function fails the invocation).
 */
export async function putMetricData(
  target: CloudWatchTarget,
  namespace: string,
  datums: readonly MetricDatum[],
  options: PutMetricDataOptions,
): Promise<PublishOutcome> {
  const now = options.now ?? Date.now;
  const retryOptions = {
    policy: options.retry,
    retryable: isRetryableWrite,
    startedAt: now(),
    now,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.random ? { random: options.random } : {}),
  };
  const batches = batchDatums(datums);
  const results = await Promise.all(
    batches.map((batch) => retry(() => sendPutMetricData(target, namespace, batch), retryOptions)),
  );
  const errors: string[] = [];
  let failedDatums = 0;
  let attempts = 0;
  results.forEach((r, i) => {
    attempts += r.attempts;
    if (!r.ok) {
      errors.push(`${describeError(r.error)} after ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`);
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
