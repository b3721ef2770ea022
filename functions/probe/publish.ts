// The probe function's publishing: its datums to the home Region's CloudWatch through #aws/metrics, with
// a retry policy sized to the round it runs in.
import { type CloudWatchTarget, type PublishOutcome, putMetricData } from '#aws/metrics';
import type { RetryPolicy } from '#aws/retry';
import type { MetricDatum } from '#shared/metrics';
import { PUBLISH_BUDGET_MS } from '#shared/runtime';

export { isRetryableWrite } from '#aws/errors';
export type { CloudWatchTarget, PublishOutcome } from '#aws/metrics';
export { backoffMs, type RetryPolicy } from '#aws/retry';

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

/** Sends every datum (see putMetricData); never throws, the handler decides what a failure means. */
export function publishDatums(
  target: CloudWatchTarget,
  namespace: string,
  datums: readonly MetricDatum[],
  options: PublishOptions = {},
): Promise<PublishOutcome> {
  return putMetricData(target, namespace, datums, { ...options, retry: options.retry ?? DEFAULT_RETRY });
}
