// Publishing metric datums to CloudWatch (PutMetricData): split into requests within its limits, every
// request attempted, each retried by the one backoff only when it provably stored nothing (a Region's
// vote counts once), and nothing dropped silently.
import { type CloudWatchClient, PutMetricDataCommand, type StandardUnit } from '@aws-sdk/client-cloudwatch';
import { batchDatums, type MetricDatum } from '#shared/metrics';
import { describeError, isRetryableWrite } from './errors.ts';
import { type RetryPolicy, retry } from './retry.ts';

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
  client: CloudWatchClient,
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
  const send = (batch: readonly MetricDatum[]) =>
    client.send(
      new PutMetricDataCommand({
        Namespace: namespace,
        MetricData: batch.map((d) => ({ ...d, Dimensions: [...d.Dimensions], Unit: d.Unit as StandardUnit })),
      }),
    );
  const batches = batchDatums(datums);
  const results = await Promise.all(batches.map((batch) => retry(() => send(batch), retryOptions)));
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
